"""report.html: one self-contained page a client opens offline.

It renders the published views (summary, participation, groups) and proposal-level scores only,
so it shows nothing the other files withhold. Every chart is followed by a table of its figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import numpy as np

from agora.domain import charts
from agora.domain.charts import Bar, Point
from agora.domain.results import Results
from agora.domain.scores import ZONES

MAP_POINTS = 2_000  # the consensus map plots the most voted tested proposals, up to this many
ZONE_COLOURS = {"consensus": "#1b7837", "controversy": "#e08214", "rejection": "#b2182b", "limbo": "#8c8c8c"}
PARTICIPANTS_COLOUR, POPULATION_COLOUR = "#2166ac", "#92c5de"
STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.note{color:#555;font-size:.9rem}
"""

Data = Mapping[str, Any]


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %"


def _num(x: float | int | None, digits: int = 3) -> str:
    if x is None:
        return "—"
    return f"{x:,}" if isinstance(x, int) else f"{x:.{digits}f}"


def _cell(value: object) -> str:
    if value is None or isinstance(value, (int, float)):
        return f'<td class="n">{escape(_num(value))}</td>'
    return f"<td>{escape(str(value))}</td>"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    """Rows of cells: numbers right-aligned, None (withheld or unknown) as a dash, everything escaped."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg: str, caption: str, alternative: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure><details><summary>Figures as a table</summary>{alternative}</details>"


def _legend(colours: Mapping[str, str]) -> str:
    return '<p class="legend">' + "".join(f'<span><i class="swatch" style="background:{c}"></i>{escape(n)}</span>' for n, c in colours.items()) + "</p>"


def consensus_map(r: Results) -> str:
    s = r.scores
    at = np.nonzero(s.tested)[0][:MAP_POINTS]
    agree, controversy = s.rates["agree"].value, s.scores["controversy"].value
    points = [
        Point(float(agree[i]), float(controversy[i]), ZONE_COLOURS[str(s.zone[i])], f"{r.proposals[i].text} ({s.zone[i]})")
        for i in at
    ]
    top = max([p.y for p in points] + [0.5])
    svg = charts.scatter(
        points, (0.0, 1.0), (0.0, top), "agreement (share of agree votes)", "controversy",
        "Consensus map", "Each dot is a proposal with enough votes: agreement across, controversy up, coloured by zone.",
    )  # fmt: skip
    rows = [[r.proposals[i].text, int(s.votes[i]), float(agree[i]), float(controversy[i]), str(s.zone[i])] for i in at]
    caption = f"Consensus map of the {len(at)} most voted proposals with at least enough votes to be placed in a zone."
    return _legend(ZONE_COLOURS) + _figure(svg, caption, table(["proposal", "votes", "agreement", "controversy", "zone"], rows))


def _top_list(title: str, entries: Sequence[Data]) -> str:
    rows = [[e["text"], e["votes"], e["value"], f'{_num(e["low"])} – {_num(e["high"])}', e["rank"]] for e in entries]
    if not rows:
        return f"<h3>{escape(title)}</h3><p>None yet.</p>"
    return f"<h3>{escape(title)}</h3>" + table(["proposal", "votes", "score", "95 % interval", "rank"], rows)


def _participation(p: Data) -> str:
    parts = []
    for q in p["questions"]:
        label = q["label"].get("en") or next(iter(q["label"].values()), q["question"])
        bars = [
            Bar(c["choice"], ((c["share"] or 0.0, PARTICIPANTS_COLOUR, "participants"), (c["population"] or 0.0, POPULATION_COLOUR, "population")))
            for c in q["choices"]
        ]
        svg = charts.bars(bars, False, f"Participation by {label}", "Share of participants per choice next to the population's share.")
        rows = [[c["choice"], c["participants"], _pct(c["share"]), _pct(c["population"]), c["representation"], c["weight"]] for c in q["choices"]]
        alt = table(["choice", "participants", "share of those who answered", "population", "representation", "weight"], rows)
        parts.append(f"<h3>{escape(label)}</h3>" + _legend({"participants": PARTICIPANTS_COLOUR, "population": POPULATION_COLOUR}))
        parts.append(_figure(svg, f"Participants by {label} against the target population (— : withheld, fewer than k).", alt))
        parts.append(
            f'<p class="note">Did not answer: {_num(q["not_answered"])}. Weighting to the population on this question: '
            f'design effect {_num(q["design_effect"])}, effective participants {_num(q["effective_participants"], 0)}.</p>'
        )
    return "".join(parts)


def _segment_zones(r: Results) -> str:
    parts = []
    for dimension in dict.fromkeys(seg.segment.dimension for seg in r.segments):
        group = [seg for seg in r.segments if seg.segment.dimension == dimension]
        counts = [[int(((seg.scores.zone == z) & seg.published).sum()) for z in ZONES] for seg in group]
        bars = [
            Bar(seg.segment.value, tuple((float(n), ZONE_COLOURS[z], z) for n, z in zip(row, ZONES)))
            for seg, row in zip(group, counts)
        ]
        svg = charts.bars(bars, True, f"Zones by {dimension}", "Proposals in each zone, as seen by each segment.", " proposals")
        alt = table([dimension, *ZONES], [[seg.segment.value, *row] for seg, row in zip(group, counts)])
        parts.append(_legend(ZONE_COLOURS))
        parts.append(_figure(svg, f"How each {dimension} segment places the proposals (published cells with enough votes).", alt))
    return "".join(parts)


def _over_time(p: Data) -> str:
    points = p["over_time"]
    svg = charts.lines(
        [("participants", PARTICIPANTS_COLOUR, [x["participants"] for x in points]), ("votes", "#762a83", [x["votes"] for x in points])],
        "Participation over time", "Participants and votes at each snapshot.",
    )  # fmt: skip
    return _figure(svg, "Participation over time.", table(["snapshot", "participants", "votes"], [[x["at"], x["participants"], x["votes"]] for x in points]))


def _groups(g: Data) -> str:
    if not g["groups"]:
        return "<p>Not enough active participants in the sample to form opinion groups yet.</p>"
    rows = [[f'group {x["group"]}', x["size"], _pct(x["share"]), _pct(x["weighted_share"])] for x in g["groups"]]
    parts = [table(["group", "participants", "share", "share if participants matched the population"], rows)]
    for x in g["groups"]:
        if x["representative"]:
            reps = [[y["text"], y["direction"], _pct(y["group_share"]), _pct(y["rest_share"])] for y in x["representative"]]
            parts.append(table(["proposal", "the group mostly…", "in the group", "elsewhere"], reps, f'What sets group {x["group"]} apart'))
    cons = [[c["text"], c["score"], c["voters"]] for c in g["consensus"]]
    parts.append(table(["proposal", "group-informed consensus", "voters in the sample"], cons, "Agreed across every group"))
    return "".join(parts)


def render(r: Results, summary: Data, participation: Data, groups: Data) -> bytes:
    disagree = [[d["text"], d["dimension"], "; ".join(f"{v}: {z}" for v, z in d["zones"].items()), d["agree_rate_spread"]] for d in summary["segments_disagree"]]
    weighted = [[name, *(counts[z] for z in ZONES)] for name, counts in summary["weighted_zones"].items()]
    raking = participation["raking"]
    sections = [
        f"<h1>Consultation results</h1><p>{escape(r.question)}</p>",
        f'<p class="note">Snapshot of {escape(r.generated_at)}. Figures built from fewer than {r.k} participants are withheld (—).</p>',
        table(
            ["participants", "proposals", "trusted votes", "untrusted votes", "proposals without enough votes yet"],
            [[summary["participants"], summary["proposals"], summary["votes"], summary["untrusted_votes"], summary["proposals_without_enough_votes"]]],
        ),
        "<h2>Consensus map</h2>",
        consensus_map(r),
        table(list(ZONES), [[summary["zones"][z] for z in ZONES]], f"Proposals per zone (at least {summary['enough_votes']} votes)"),
        "<h2>Top proposals</h2>",
        f'<p class="note">Ranked by the lower bound of their 95 % interval. Top 20 % threshold on the top score: {_num(summary["top_20_percent_threshold"])}.</p>',
        _top_list("Consensus", summary["top_consensus"]),
        _top_list("Most controversial", summary["most_controversial"]),
        _top_list("Most rejected", summary["most_rejected"]),
        "<h2>Participation and representativeness</h2>",
        _participation(participation),
        "<h2>Segments</h2>",
        _segment_zones(r),
        "<h3>Where segments disagree</h3>",
        table(["proposal", "question", "zones", "agreement gap"], disagree) if disagree else "<p>No proposal is placed in different zones by different segments.</p>",
        "<h3>Raw and weighted</h3>",
        '<p class="note">Weighted figures show the results as if participants matched the population: per question, '
        "from the tallies (post-stratification), and on every question at once, from the sample (raking)"
        + (f", design effect {_num(raking['design_effect'])}" if raking else "")
        + ".</p>",
        table(["figures", *ZONES], [["raw", *(summary["zones"][z] for z in ZONES)], *weighted]),
        "<h2>Participation over time</h2>",
        _over_time(participation),
        "<h2>Opinion groups</h2>",
        _groups(groups),
        "<h2>Files</h2><ul>"
        + "".join(f'<li><a href="{n}">{n}</a></li>' for n in ("summary.json", "proposals.csv", "segments.csv", "participation.json", "groups.json"))
        + "</ul>",
    ]
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Consultation results — {escape(r.generated_at)}</title><style>{STYLE}</style></head><body>"
        + "".join(sections)
        + "</body></html>\n"
    )
    return page.encode()
