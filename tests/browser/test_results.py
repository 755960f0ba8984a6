"""The results page read at a glance: a summary first, each list's chart plotting the quantity it
names in the list's order with short proposal text, segment bars with values, an axis and the
consultation's names for choices, the consensus map, and disagreements grouped by proposal."""

from __future__ import annotations

import re

import pytest
import requests

from agora.local.client import Api, Moderator
from tests.browser.conftest import MODERATOR_NAME, WIDTHS, axe_violations, playwright
from tests.e2e.conftest import MODERATOR_KEY, eventually

pytestmark = pytest.mark.slow
expect = playwright().expect

LIKED = "Il faut planter des haies le long des champs"
DISLIKED = "Il faut goudronner les chemins côtiers"
SPLIT = "Il faut une taxe sur les résidences secondaires"
PER_DEPARTMENT = 10  # k: a department's figures are published from 10 people


@pytest.fixture(scope="module")
def summary(stack) -> dict:
    """20 citizens agree with LIKED and reject DISLIKED; on SPLIT, Finistère (25-34) agrees and
    Ille-et-Vilaine (50-64) disagrees: a controversy overall, and a disagreement on two questions."""
    api = Api(stack.url)
    moderator = Moderator(api, MODERATOR_KEY, MODERATOR_NAME)
    author = api.register()
    ids = {text: author.propose(text)["id"] for text in (LIKED, DISLIKED, SPLIT)}
    for pid in ids.values():
        moderator.accept(pid)
    citizens = [(api.register({"department": "29", "age": "25-34"}), "agree") for _ in range(PER_DEPARTMENT)]
    citizens += [(api.register({"department": "35", "age": "50-64"}), "disagree") for _ in range(PER_DEPARTMENT)]
    eventually(lambda: set(ids.values()) <= {p["id"] for p in citizens[0][0].sequence()}, interval=4)  # /sequence: 20 a minute
    keys = {ids[LIKED]: "agree", ids[DISLIKED]: "disagree"}
    for citizen, on_split in citizens:
        for item in citizen.sequence():
            citizen.vote(item["id"], keys.get(item["id"], on_split), item["proof"])

    def published():
        manifest = api.call("GET", "/results")
        found = requests.get(next(f["url"] for f in manifest["files"] if f["name"] == "summary.json"), timeout=10).json()
        lists = [[e["proposal_id"] for e in found[name]] for name in ("top_consensus", "most_rejected", "most_controversial")]
        return found if lists == [[ids[LIKED]], [ids[DISLIKED]], [ids[SPLIT]]] and found["segments_disagree"] else None

    return {"ids": ids, **eventually(published, timeout=60)}


def test_each_chart_plots_the_quantity_it_names(open_page, summary, artifacts):
    page = open_page("desktop")
    page.goto("/#/results")
    ids = summary["ids"]
    expect(page.locator("main h2").first).to_have_text("En bref")
    glance = page.locator(".glance")
    expect(glance).to_contain_text("font consensus")
    expect(glance).to_contain_text(f"La plus soutenue : « {LIKED} » (100\u202f% d'accord)")
    expect(glance).to_contain_text("les personnes qui ont voté ou proposé")

    consensus = page.locator("[data-list=top_consensus]")
    expect(consensus.locator("figcaption")).to_contain_text("Part de votes « d'accord »")
    row = consensus.locator(f"svg g[data-proposal-id='{ids[LIKED]}']")
    expect(row.locator("text.label")).to_have_text(f"1. {LIKED}")  # short enough to be whole
    expect(consensus.locator("td")).to_contain_text(["100\u202f%"])

    rejected = page.locator("[data-list=most_rejected]")
    expect(rejected.locator("figcaption")).to_contain_text("Force du rejet")
    (entry,) = summary["most_rejected"]
    # the dot sits at the share of disagree votes, on the same 0–100 % axis as the consensus chart's
    dot = rejected.locator(f"svg g[data-proposal-id='{ids[DISLIKED]}'] circle")
    assert float(dot.get_attribute("cx").rstrip("%")) == pytest.approx(3 + 94 * entry["disagree_rate"], abs=0.01)
    expect(rejected.locator("li p.figures").last).to_contain_text("100\u202f% pas d'accord")

    divided = page.locator("[data-list=most_controversial]")
    expect(divided.locator("figcaption")).to_contain_text("Comment les votes se partagent")
    bar = divided.locator(f".splits .bar-row[data-proposal-id='{ids[SPLIT]}']")
    expect(bar.locator(".agree")).to_have_text("50\u202f%")
    expect(bar.locator(".disagree")).to_have_text("50\u202f%")

    # who took part: the consultation's names for choices, a value on every bar, an axis
    who = page.locator("section", has=page.locator("#segments-title"))
    expect(who.locator(".bar-label", has_text="Finistère")).to_have_count(1)
    expect(who.locator(".bar-label", has_text="Hors Bretagne")).to_have_count(1)
    expect(who.locator(".bar-label", has_text="29")).to_have_count(0)
    expect(who.locator(".bar-row", has_text="Finistère").locator(".bar-value").first).to_have_text("50\u202f%")
    expect(who.locator(".bar-axis").first).to_contain_text("100\u202f%")

    # one entry per proposal, each naming the questions on which groups differ
    grouped = page.locator(".disagreements > li")
    expect(grouped).to_have_count(len({d["proposal_id"] for d in summary["segments_disagree"]}))
    split_entry = page.locator(f".disagreements > li[data-proposal-id='{ids[SPLIT]}'] li")
    expect(split_entry).to_have_count(2)
    expect(split_entry.filter(has_text="Département")).to_contain_text("Finistère : Consensus")

    plotted = page.locator(".map svg g.point")
    expect(plotted).to_have_count(len(summary["consensus_map"]))
    expect(page.locator(".map table tbody tr")).to_have_count(len(summary["consensus_map"]))
    expect(page.locator(".map svg text.label")).to_have_count(3)
    expect(page.locator(".groups")).to_be_visible()
    page.screenshot(path=artifacts / "results-glance-desktop.png", full_page=True)


@pytest.mark.parametrize("size", WIDTHS)
def test_the_results_page_has_no_serious_accessibility_violation(size, open_page, summary):
    page = open_page(size)
    page.goto("/#/results")
    expect(page.locator(".map svg")).to_be_visible()
    assert axe_violations(page) == []
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[size]["width"], f"the page overflows sideways: {width} px"
    print(f"results page: {height} px tall at {size}")


@pytest.mark.parametrize(("name", "size"), [("report.html", "phone"), ("report.en.html", "desktop"), ("report.html", "desktop")])
def test_the_report_reads_on_a_phone_and_has_no_serious_accessibility_violation(name, size, open_page, summary, stack, artifacts):
    manifest = Api(stack.url).call("GET", "/results")
    page = open_page(size)
    page.goto(next(f["url"] for f in manifest["files"] if f["name"] == name))
    expect(page.locator("main")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Comment mieux protéger l'environnement en Bretagne ?" if name == "report.html" else "How can we better protect the environment in Brittany?")
    expect(page.locator("header")).to_contain_text(re.compile(r"Résultats au \d{1,2} " if name == "report.html" else r"Results as of \d{1,2} "))
    expect(page.locator("body")).to_contain_text("Finistère")
    expect(page.locator("svg text", has_text=LIKED[:20]).first).to_be_visible()  # the map names its dots
    page.screenshot(path=artifacts / f"{name}-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size]["width"]
    assert axe_violations(page) == []
