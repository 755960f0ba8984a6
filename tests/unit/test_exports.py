"""The export files from synthetic tallies: k-anonymity in every file, raw = weighted when
participants match the population, determinism, documented columns, escaped report."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from html import escape

import numpy as np
import pytest

from agora.config import DemographicQuestion
from agora.results.formats import exports
from agora.results.counts import counts
from agora.results.published import compute
from agora.results.scores import VOTE_KEYS
from tests.synthetic import consultation, proposal, voters

K = 10
AGE = DemographicQuestion(id="age", label={"en": "Age"}, choices=("young", "old"), margins={"young": 0.5, "old": 0.5})
AREA = DemographicQuestion(id="area", label={"en": "Area"}, choices=("town", "country"), margins={"town": 0.7, "country": 0.3})
PET = DemographicQuestion(id="pet", label={"en": "Pet"}, choices=("cat", "dog"))  # no margins: no weighting
DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


def files(k, proposals, data, at="2026-03-01T00:00:00+00:00"):
    table = counts([p.id for p in proposals], data.tallies, k.demographics)
    r = compute(k, proposals, table, {"accepted": len(proposals)}, at, data.sample)
    return r, {f.name: f.body for f in exports.files(r)}


def rows(body):
    return list(csv.DictReader(io.StringIO(body.decode())))


class Tables(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tables, self._cell = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self._cell)
            self._cell = None


def skewed_inputs():
    """Few old people, a small countryside, some who did not answer, a proposal with markup."""
    people = [
        {"age": "old" if i < 4 else "young", "pet": "cat" if i % 3 else "dog"}
        | ({} if i % 17 == 0 else {"area": "country" if i % 7 == 0 else "town"})
        for i in range(100)
    ]
    proposals = [*(proposal(i) for i in range(12)), proposal(99, "Il faut une proposition <script>alert('x')</script> & rare")]
    return consultation(AGE, AREA, PET, k=K), proposals, voters(people, proposals, 10, untrusted=0.05)


@pytest.fixture(scope="module")
def skewed():
    return files(*skewed_inputs())


def segment_truth(r):
    """Exact votes per (proposal, dimension, value) and per proposal, from the tallies behind the files."""
    c = r.counts
    cells = {(pid, s.dimension, s.value): int(c.by_segment[i, :3, j].sum()) for i, s in enumerate(c.segments) for j, pid in enumerate(c.ids)}
    return cells, dict(zip(c.ids, r.scores.votes.tolist()))


def test_no_segment_row_is_built_from_fewer_than_k_nor_recoverable_by_subtraction(skewed):
    r, out = skewed
    cells, totals = segment_truth(r)
    published = {(x["proposal_id"], x["dimension"], x["value"]) for x in rows(out["segments.csv"]) if x["weighting"] == "raw"}
    assert published and all(cells[key] >= K for key in published)
    for pid, total in totals.items():
        for q in (AGE, AREA, PET):
            shown = [cells[pid, q.id, v] for v in q.choices if (pid, q.id, v) in published]
            hidden = [cells[pid, q.id, v] for v in q.choices if (pid, q.id, v) not in published and cells[pid, q.id, v] > 0]
            assert not hidden or total - sum(shown) >= K


def test_participation_and_groups_publish_no_cell_under_k(skewed):
    r, out = skewed
    part = json.loads(out["participation.json"])
    for q in part["questions"]:
        counts = [c["participants"] for c in q["choices"]]
        assert all(n is None or n == 0 or n >= K for n in counts)
        if None in counts:
            answered = part["participants"] - q["not_answered"]
            assert answered - sum(n for n in counts if n) >= K
        assert [c["share"] is None for c in q["choices"]] == [n is None for n in counts]
        assert [c["weight"] is None for c in q["choices"]] == [n is None for n in counts] or q["design_effect"] is None
    old = next(c for c in part["questions"][0]["choices"] if c["choice"] == "old")
    assert old["participants"] is None  # 4 old people
    for q in part["raking"]["questions"]:
        assert all(c["sample_participants"] in (None, 0) or c["sample_participants"] >= K for c in q["choices"])
    groups = json.loads(out["groups.json"])
    assert groups["groups"]
    assert all(x["size"] is None or x["size"] >= K for x in groups["groups"])
    assert all(c["voters"] >= K for c in groups["consensus"])


def test_weighted_proposal_figures_need_k_sampled_votes(skewed):
    r, out = skewed
    by_id = {x["proposal_id"]: x for x in rows(out["proposals.csv"])}
    sampled = dict(zip(r.counts.ids, r.sampled.votes.tolist()))
    for pid, row in by_id.items():
        assert (row["weighted_votes"] == "") == (sampled[pid] < K)


def test_the_report_shows_no_withheld_cell_and_escapes_proposals(skewed):
    r, out = skewed
    html = out["report.html"].decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    counted = [t for t in Tables(html).tables if t and t[0][:2] == ["choix", "participants"]]
    assert counted
    for table in counted:
        for row in table[1:]:
            assert row[1] == "—" or int(row[1].replace("\u202f", "")) >= K or row[1] == "0"
    assert "old" in html  # the choice is listed, its count withheld


@pytest.mark.parametrize(("name", "lang", "words"), [("report.html", "fr", "Comment lire ce rapport"), ("report.en.html", "en", "How to read this report")])
def test_the_report_is_written_for_people_in_each_language(skewed, name, lang, words):
    _, out = skewed
    html = out[name].decode()
    assert f'<html lang="{lang}">' in html and words in html
    assert "<main>" in html and "<header>" in html and "<footer>" in html
    assert "2026-03-01T00:00:00" not in html  # dates for people: "1 mars 2026 à 00:00 UTC"
    assert ("1 mars 2026" if lang == "fr" else "1 March 2026") in html
    for jargon in ("design effect", "raked_sample", "group-informed", "population_by_"):
        assert jargon not in html
    assert html.count(words) == 1  # the method is explained once
    other = "report.en.html" if lang == "fr" else "report.html"
    assert f'href="{other}"' in html


def test_the_report_labels_its_map_and_names_its_groups(skewed):
    r, out = skewed
    html = out["report.en.html"].decode()
    mapped = html[html.index("<h2>Consensus map</h2>"):html.index("</section>", html.index("<h2>Consensus map</h2>"))]
    most_voted = r.proposals[int(np.nonzero(r.scores.tested)[0][0])].text
    assert f">{escape(most_voted[:35])}" in mapped or f">{escape(most_voted)}<" in mapped
    groups = json.loads(out["groups.json"])
    shown = [g for g in groups["groups"] if not g["withheld"]]
    assert shown and all(f"group {g['group']}" in html for g in shown)
    assert "— — —" not in html


def test_summary_counts_and_lists(skewed):
    r, out = skewed
    summary = json.loads(out["summary.json"])
    assert {"participants", "proposals", "votes"} <= set(summary)
    assert summary["participants"] == 100 and summary["proposals"] == 13
    assert summary["proposals_without_enough_votes"] == int((r.scores.votes < 10).sum())
    for name, zone in (("top_consensus", "consensus"), ("most_controversial", "controversy"), ("most_rejected", "rejection")):
        assert all(e["zone"] == zone and e["votes"] >= 10 and e["low"] <= e["value"] <= e["high"] for e in summary[name])
        assert all(e[f"{k}_low"] <= e[f"{k}_rate"] <= e[f"{k}_high"] for e in summary[name] for k in VOTE_KEYS)
    plotted = summary["consensus_map"]
    assert len(plotted) == int((r.scores.votes >= 10).sum()) > 0
    assert [p["votes"] for p in plotted] == sorted((p["votes"] for p in plotted), reverse=True)
    rows_by_id = {x["proposal_id"]: x for x in rows(out["proposals.csv"])}
    for p in plotted:
        row = rows_by_id[p["proposal_id"]]
        assert p["zone"] == row["zone"]
        assert (p["agree_rate"], p["controversy"]) == pytest.approx((float(row["agree_rate"]), float(row["controversy"])), abs=1e-4)
    shown = {(x["proposal_id"], x["dimension"], x["value"]) for x in rows(out["segments.csv"]) if x["weighting"] == "raw"}
    for d in summary["segments_disagree"]:
        assert len(set(d["zones"].values())) > 1 and all((d["proposal_id"], d["dimension"], v) in shown for v in d["zones"])


def test_votes_give_each_proposals_trusted_votes_per_key(skewed):
    r, out = skewed
    published = json.loads(out["votes.json"])
    assert published["keys"] == list(VOTE_KEYS) and published["generated_at"] == r.generated_at
    by_id = {x["proposal_id"]: x for x in rows(out["proposals.csv"])}
    assert set(published["proposals"]) == set(by_id)
    for pid, split in published["proposals"].items():
        assert split == [int(by_id[pid][k]) for k in VOTE_KEYS]
        assert sum(split) == int(by_id[pid]["votes"])  # untrusted votes are not in the split
    assert sum(map(sum, published["proposals"].values())) == json.loads(out["summary.json"])["votes"]


def test_the_same_tallies_give_the_same_bytes(skewed):
    _, out = skewed
    k, proposals, data = skewed_inputs()
    _, again = files(k, list(reversed(proposals)), data)
    assert again == out


def test_weighted_equals_raw_when_participation_matches_the_margins():
    # 20 young and 20 old; in each, 14 town and 6 country: exactly the margins, jointly.
    people = [{"age": a, "area": "town" if j < 14 else "country"} for a in ("young", "old") for j in range(20)]
    proposals = [proposal(i) for i in range(5)]
    r, out = files(consultation(AGE, AREA, k=K), proposals, voters(people, proposals, 5))
    raw = {x["proposal_id"]: x for x in rows(out["proposals.csv"])}
    for row in raw.values():
        assert row["weighted_votes"] == f"{int(row['votes']):.2f}" and row["weighted_zone"] == row["zone"]
        for key in VOTE_KEYS:
            for part in ("rate", "low", "high"):
                assert row[f"weighted_{key}_{part}"] == row[f"{key}_{part}"]
    weighted = [x for x in rows(out["segments.csv"]) if x["weighting"] == "population"]
    assert len(weighted) == 2 * len(proposals)
    for row in weighted:
        assert row["population_coverage"] == "1.0000" and float(row["votes"]) == int(raw[row["proposal_id"]]["votes"])
        for column in ("agree_rate", "agree_low", "disagree_rate", "neutral_high", "zone"):
            assert row[column] == raw[row["proposal_id"]][column]
    part = json.loads(out["participation.json"])
    assert all(c["weight"] == 1.0 for q in part["questions"] for c in q["choices"])
    assert all(q["design_effect"] == 1.0 for q in part["questions"]) and part["raking"]["design_effect"] == 1.0
    groups = json.loads(out["groups.json"])
    assert all(g["weighted_share"] == g["share"] for g in groups["groups"])


def test_every_column_is_documented():
    documented = {c for p in re.findall(r"`([a-z0-9_{},]+)`", DOCS.read_text()) for c in expand(p)}
    assert set(exports.PROPOSAL_COLUMNS) - documented == set()
    assert set(exports.SEGMENT_COLUMNS) - documented == set()


def expand(pattern):
    """`agree_{rate,low,high}` -> agree_rate, agree_low, agree_high."""
    m = re.search(r"\{([a-z0-9_,]*)\}", pattern)
    if not m:
        return {pattern}
    return {x for alt in m.group(1).split(",") for x in expand(pattern[: m.start()] + alt + pattern[m.end():])}


@pytest.mark.parametrize("read", [False, True])
def test_an_empty_consultation_publishes_valid_files(read):
    k = consultation(AGE, AREA, k=K)
    data = voters([], [], 0)
    r = compute(k, [], counts([], {}, k.demographics), {}, "2026-01-01T00:00:00+00:00", data.sample if read else None)
    out = {f.name: f.body for f in exports.files(r)}
    summary = json.loads(out["summary.json"])
    assert (summary["participants"], summary["proposals"], summary["votes"]) == (0, 0, 0)
    assert rows(out["proposals.csv"]) == [] and rows(out["segments.csv"]) == []
    assert json.loads(out["groups.json"])["groups"] == []
    assert json.loads(out["votes.json"])["proposals"] == {}
    assert out["report.html"].startswith(b"<!doctype html>")


def test_the_report_and_the_pages_use_the_same_words():
    """The pages' strings (web/js) and the report's (report_words) are [French, English] pairs:
    what both say — zones, list names — must read the same in the report and on the page."""
    from agora.results.formats.report_words import WORDS

    pages = {}
    for script in (DOCS.parents[1] / "web" / "js").rglob("*.js"):
        for key, pair in re.findall(r'^\s*"([\w.]+)": (\[".*"\]),$', script.read_text(), re.M):
            pages[key] = tuple(json.loads(pair))
    shared = set(WORDS) & set(pages)
    assert {"zone.consensus", "zone.rejection", "list.top_consensus", "list.most_rejected", "list.empty"} <= shared
    assert {key: WORDS[key] for key in shared} == {key: pages[key] for key in shared}


HOSTILE = [
    "Il faut protéger\u2028=1+1 les arbres",
    "Il faut lire\u2029+cmd|' /C calc'!A0",
    "Il faut voir\x85@SUM(1+1)\vplus\fencore\x1c\x1d\x1e-2+3",
    'Il faut dire "oui", puis\r\n=HYPERLINK("x")',
]


def test_a_field_with_any_line_break_is_quoted_so_no_row_looks_like_a_formula():
    """Texts stored before the text rules refused these, or written some other way, stay harmless."""
    proposals = [proposal(i, text) for i, text in enumerate(HOSTILE)]
    people = [{"age": "young", "area": "town"}] * 12
    _, out = files(consultation(AGE, AREA, k=K), proposals, voters(people, proposals, 4))
    for name in ("proposals.csv", "segments.csv"):
        lines = out[name].decode().splitlines()
        assert not [line for line in lines if line[:1] in ("=", "+", "-", "@")], name
    texts = [x["text"] for x in rows(out["proposals.csv"])]
    assert len(texts) == len(HOSTILE) and all("'=" in t or "'+" in t or "'@" in t for t in texts)
    # A CSV parser reads every character back, with an apostrophe before each formula start.
    assert sorted(re.sub(r"'(?=[=+\-@])", "", t) for t in texts) == sorted(HOSTILE)
