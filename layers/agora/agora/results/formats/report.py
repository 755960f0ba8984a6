"""report.html: one self-contained page a client opens offline, in each of the consultation's
languages (report.html in the first, report.<lang>.html in the others).

It renders the published views (summary, participation, groups) and proposal-level scores only,
so it shows nothing the other files withhold. Every chart is followed by a table of its figures;
the method is explained once, in plain words, near the top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any

import numpy as np

from agora.results.formats import charts
from agora.results.formats.charts import Bar, Point
from agora.results.formats.report_words import COLUMNS, MONTHS, WORDS
from agora.results.published import Results
from agora.results.scores import ZONES

MAP_POINTS = 2_000  # the consensus map plots the most voted tested proposals, up to this many
DIRECTIONS = {"agree": "groups.more", "disagree": "groups.less"}
MAP_LABELS = 8  # the most voted of them carry their short text on the map
ZONE_COLOURS = {"consensus": "#1b7837", "controversy": "#b35806", "rejection": "#b2182b", "limbo": "#595959"}
PARTICIPANTS_COLOUR, POPULATION_COLOUR = "#2166ac", "#6f7f8f"
STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222;line-height:1.45}
header,footer{padding:.5rem 0}footer{border-top:1px solid #ccc;margin-top:2rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
caption{text-align:left;font-weight:600;padding:.25rem 0}
figure{margin:1rem 0}svg{max-width:100%;height:auto}.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.note{color:#4a4f55;font-size:.9rem}.figures{font-size:1.1rem}
summary{cursor:pointer;color:#0b5394;min-height:2rem}
"""

Data = Mapping[str, Any]


class Words:
    """Words, numbers and dates in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in COLUMNS else "en"
        self.column = COLUMNS.index(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        return WORDS[key][self.column].format(**values)

    def num(self, x: float | int | None, digits: int = 2) -> str:
        if x is None:
            return "—"
        text = f"{x:,}" if isinstance(x, (int, np.integer)) else f"{x:,.{digits}f}"
        return text.replace(",", "\u202f").replace(".", ",") if self.lang == "fr" else text

    def pct(self, x: float | None) -> str:
        return "—" if x is None else f"{self.num(x * 100, 0)}\u202f%"

    def date(self, iso: str) -> str:
        at = datetime.fromisoformat(iso)
        month = MONTHS[self.lang][at.month - 1]
        return f"{at.day} {month} {at.year}, {at:%H:%M} UTC" if self.lang == "en" else f"{at.day} {month} {at.year} à {at:%H:%M} UTC"


def _cell(value: object, w: Words) -> str:
    if value is None or isinstance(value, (int, float, np.integer)):
        return f'<td class="n">{escape(w.num(value))}</td>'
    return f"<td>{escape(str(value))}</td>"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], w: Words, caption: str = "") -> str:
    """Rows of cells: numbers right-aligned, None (withheld or unknown) as a dash, everything escaped;
    scrolled sideways within its own box on a phone, never the page (a box the keyboard reaches too)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(c, w) for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<div class="scroll" tabindex="0"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _figure(svg: str, caption: str, alternative: str, w: Words) -> str:
    return f'<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure><details><summary>{escape(w("table"))}</summary>{alternative}</details>'


def _legend(colours: Mapping[str, str]) -> str:
    return '<p class="legend">' + "".join(f'<span><i class="swatch" style="background:{c}"></i>{escape(n)}</span>' for n, c in colours.items()) + "</p>"


def _zones(w: Words) -> dict[str, str]:
    return {w(f"zone.{z}"): c for z, c in ZONE_COLOURS.items()}


def short(text: str, most: int = 36) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def consensus_map(r: Results, w: Words) -> str:
    s = r.scores
    at = np.nonzero(s.tested)[0][:MAP_POINTS]
    agree, controversy = s.rates["agree"].value, s.scores["controversy"].value
    points = [
        Point(float(agree[i]), float(controversy[i]), ZONE_COLOURS[str(s.zone[i])], f"{r.proposals[i].text} ({w(f'zone.{s.zone[i]}')})",
              short(r.proposals[i].text) if n < MAP_LABELS else "")
        for n, i in enumerate(at)
    ]  # fmt: skip
    top = max([p.y for p in points] + [0.5])
    svg = charts.scatter(points, (0.0, 1.0), (0.0, top), w("map.agreement"), w("map.controversy"), w("map.title"), w("map.figure_caption", n=len(at)), w.pct)
    rows = [[r.proposals[i].text, int(s.votes[i]), w.pct(float(agree[i])), float(controversy[i]), w(f"zone.{s.zone[i]}")] for i in at]
    alternative = table([w("col.proposal"), w("col.votes"), w("map.agreement"), w("map.controversy"), w("col.zone")], rows, w)
    return _legend(_zones(w)) + _figure(svg, w("map.figure_caption", n=len(at)), alternative, w)


def _top_list(name: str, entries: Sequence[Data], w: Words) -> str:
    title = f"<h3>{escape(w(f'list.{name}'))}</h3>"
    if not entries:
        return title + f"<p>{escape(w('list.empty'))}</p>"
    key = "disagree" if name == "most_rejected" else "agree"
    rows = [
        [e["text"], e["votes"], w.pct(e[f"{key}_rate"]), w("between", low=w.pct(e[f"{key}_low"]), high=w.pct(e[f"{key}_high"])),
         w.pct(e["neutral_rate"]), w.pct(e["disagree_rate" if key == "agree" else "agree_rate"])]
        for e in entries
    ]  # fmt: skip
    other = "disagree" if key == "agree" else "agree"
    return title + table([w("col.proposal"), w("col.votes"), w(f"col.{key}"), w("col.margin"), w("col.neutral"), w(f"col.{other}")], rows, w)


class Labels:
    """A demographic question's and its choices' names in one language, from the consultation."""

    def __init__(self, r: Results, w: Words) -> None:
        self.questions = {q.id: q for q in (r.consultation.demographics if r.consultation else ())}
        self.w = w

    def question(self, qid: str, fallback: Mapping[str, str] | None = None) -> str:
        q = self.questions.get(qid)
        label = q.label if q else (fallback or {})
        return label.get(self.w.lang) or next(iter(label.values()), qid)

    def choice(self, qid: str, choice: str) -> str:
        q = self.questions.get(qid)
        return q.choice_label(choice, self.w.lang) if q else choice


def _participation(p: Data, names: Labels, w: Words) -> str:
    parts = []
    colours = {w("legend.participants"): PARTICIPANTS_COLOUR, w("legend.population"): POPULATION_COLOUR}
    for q in p["questions"]:
        label = names.question(q["question"], q["label"])
        bars = [
            Bar(names.choice(q["question"], c["choice"]), ((c["share"] or 0.0, PARTICIPANTS_COLOUR, w("legend.participants")), (c["population"] or 0.0, POPULATION_COLOUR, w("legend.population"))))
            for c in q["choices"]
        ]  # fmt: skip
        caption = w("who.caption", question=label)
        svg = charts.bars(bars, False, caption, caption, w.pct)
        rows = [[names.choice(q["question"], c["choice"]), c["participants"], w.pct(c["share"]), w.pct(c["population"])] for c in q["choices"]]
        alt = table([w("col.choice"), w("col.participants"), w("col.share"), w("col.population")], rows, w)
        parts += [f"<h3>{escape(label)}</h3>", _legend(colours), _figure(svg, caption, alt, w)]
        parts.append(f'<p class="note">{escape(w("who.not_answered", n=w.num(q["not_answered"])))}</p>')
    return "".join(parts)


def _segment_zones(r: Results, names: Labels, w: Words) -> str:
    parts = []
    count = lambda n: f"{w.num(int(n))}{w('unit.proposals')}"  # noqa: E731
    for dimension in dict.fromkeys(seg.segment.dimension for seg in r.segments):
        group = [seg for seg in r.segments if seg.segment.dimension == dimension]
        counts = [[int(((seg.scores.zone == z) & seg.published).sum()) for z in ZONES] for seg in group]
        bars = [
            Bar(names.choice(dimension, seg.segment.value), tuple((float(n), ZONE_COLOURS[z], w(f"zone.{z}")) for n, z in zip(row, ZONES)))
            for seg, row in zip(group, counts)
        ]  # fmt: skip
        caption = w("zones_by.caption", question=names.question(dimension))
        svg = charts.bars(bars, True, caption, caption, count)
        alt = table([w("col.choice"), *(w(f"zone.{z}") for z in ZONES)], [[names.choice(dimension, seg.segment.value), *row] for seg, row in zip(group, counts)], w)
        parts += [_legend(_zones(w)), _figure(svg, caption, alt, w)]
    return "".join(parts)


def _disagreements(summary: Data, names: Labels, w: Words) -> str:
    by_proposal: dict[str, list[Data]] = {}
    for d in summary["segments_disagree"]:
        by_proposal.setdefault(d["text"], []).append(d)
    if not by_proposal:
        return f"<p>{escape(w('disagree.none'))}</p>"
    items = []
    for text, found in by_proposal.items():
        lines = "".join(
            f"<li>{escape(names.question(d['dimension']))} — "
            + escape(" · ".join(f"{names.choice(d['dimension'], v)} : {w(f'zone.{z}')}" for v, z in d["zones"].items()))
            + "</li>"
            for d in found
        )
        items.append(f"<li><strong>{escape(text)}</strong><ul>{lines}</ul></li>")
    return f"<ul>{''.join(items)}</ul>"


def _weighted(summary: Data, names: Labels, w: Words) -> str:
    rows = [[w("weighted.raw"), *(summary["zones"][z] for z in ZONES)]]
    for name, counts in summary["weighted_zones"].items():
        label = w("weighted.all") if name == "raked_sample" else w("weighted.by", question=names.question(name.removeprefix("population_by_")))
        rows.append([label, *(counts[z] for z in ZONES)])
    return f'<p class="note">{escape(w("method.weighting"))}</p>' + table([w("col.figures"), *(w(f"zone.{z}") for z in ZONES)], rows, w)


def _over_time(p: Data, w: Words) -> str:
    points = p["over_time"]
    svg = charts.lines(
        [(w("legend.participants"), PARTICIPANTS_COLOUR, [x["participants"] for x in points]), (w("legend.votes"), "#762a83", [x["votes"] for x in points])],
        w("time.title"), w("time.caption"), w("time.axis"), w.num,
    )  # fmt: skip
    rows = [[w.date(x["at"]), x["participants"], x["votes"]] for x in points]
    return _figure(svg, w("time.caption"), table([w("col.snapshot"), w("col.participants"), w("legend.votes")], rows, w), w)


def _groups(g: Data, w: Words) -> str:
    if not g["groups"]:
        return f"<p>{escape(w('groups.not_yet'))}</p>"
    rows = [[w("groups.name", n=x["group"]), w("groups.too_small") if x["withheld"] else w.pct(x["share"]), w.pct(x["weighted_share"])] for x in g["groups"]]
    parts = [f'<p class="note">{escape(w("method.groups"))}</p>', table([w("col.group"), w("col.group_share"), w("col.weighted_share")], rows, w)]
    for x in g["groups"]:
        if x["representative"]:
            reps = [[y["text"], w(DIRECTIONS[y["direction"]]), w.pct(y["group_share"]), w.pct(y["rest_share"])] for y in x["representative"]]
            parts.append(table([w("col.proposal"), w("col.direction"), w("col.in_group"), w("col.elsewhere")], reps, w, w("groups.apart", n=x["group"])))
    shown = [x["group"] for x in g["groups"] if not x["withheld"]]
    cons = [[c["text"], *(w.pct(a["share"]) for a in c["agree_shares"])] for c in g["consensus"]]
    if cons:
        parts.append(table([w("col.proposal"), *(w("groups.name", n=n) for n in shown)], cons, w, w("groups.consensus")))
    return "".join(parts)


def _summary(summary: Data, w: Words) -> str:
    figures = [("participants", summary["participants"]), ("proposals", summary["proposals"]), ("votes", summary["votes"]), ("untrusted", summary["untrusted_votes"])]
    listed = "".join(f"<li><strong class=\"figures\">{escape(w.num(n))}</strong> {escape(w(name))}</li>" for name, n in figures)
    tested = sum(summary["zones"][z] for z in ZONES)
    zones = w("summary.zone_counts", tested=w.num(tested), pending=w.num(summary["proposals_without_enough_votes"]), **{z: w.num(summary["zones"][z]) for z in ZONES})
    return f"<h2>{escape(w('summary.title'))}</h2><ul>{listed}</ul><p>{escape(zones)}</p>"


def _method(summary: Data, r: Results, w: Words) -> str:
    lines = [w("method.votes", n=summary["enough_votes"]), w("method.zones"), w("method.intervals"), w("method.privacy", k=r.k)]
    return f"<h2>{escape(w('method.title'))}</h2>" + "".join(f"<p>{escape(line)}</p>" for line in lines)


def _languages(r: Results, w: Words) -> str:
    others = [lang for lang in (r.consultation.languages if r.consultation else ()) if lang != w.lang and lang in COLUMNS]
    names = {"fr": "français", "en": "English"}
    links = " ".join(f'<a href="{file_name(r, lang)}" hreflang="{lang}" lang="{lang}">{names[lang]}</a>' for lang in others)
    return f'<p class="note">{w("other_language", language=links)}</p>' if others else ""


def file_name(r: Results, lang: str) -> str:
    first = r.consultation.languages[0] if r.consultation else "en"
    return "report.html" if lang == first else f"report.{lang}.html"


def languages(r: Results) -> list[str]:
    """The languages the report is written in: the consultation's that the words cover."""
    wanted = [lang for lang in (r.consultation.languages if r.consultation else ("en",)) if lang in COLUMNS]
    return wanted or ["en"]


def render(r: Results, summary: Data, participation: Data, groups: Data, lang: str = "en") -> bytes:
    w = Words(lang)
    names = Labels(r, w)
    question = (r.consultation.question.get(w.lang) if r.consultation else None) or r.question
    section: Callable[[str, str], str] = lambda key, body: f"<section><h2>{escape(w(key))}</h2>{body}</section>"  # noqa: E731
    files = ("summary.json", "proposals.csv", "segments.csv", "participation.json", "groups.json", "votes.json")
    body = [
        f"<header><p class=\"note\">{escape(w('title'))}</p><h1>{escape(question)}</h1>"
        f"<p>{escape(w('as_of', date=w.date(r.generated_at)))}</p>{_languages(r, w)}</header><main>",
        f"<section>{_summary(summary, w)}</section>",
        f"<section>{_method(summary, r, w)}</section>",
        section("lists.title", "".join(_top_list(name, summary[name], w) for name in ("top_consensus", "most_controversial", "most_rejected"))),
        section("map.title", consensus_map(r, w)),
        section("groups.title", _groups(groups, w)),
        section("who.title", _participation(participation, names, w)),
        section("zones_by.title", _segment_zones(r, names, w)),
        section("disagree.title", _disagreements(summary, names, w)),
        section("weighted.title", _weighted(summary, names, w)),
        section("time.title", _over_time(participation, w)),
        "</main><footer>" + f"<h2>{escape(w('files.title'))}</h2><ul>" + "".join(f'<li><a href="{n}">{n}</a></li>' for n in files) + "</ul></footer>",
    ]
    page = (
        f'<!doctype html><html lang="{w.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(w('title'))} — {escape(w.date(r.generated_at))}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
    return page.encode()
