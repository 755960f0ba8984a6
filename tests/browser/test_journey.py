"""One consultation in a real browser: a citizen proposes (and is shown a similar proposal), a
moderator accepts with a keyboard shortcut, a citizen votes through a sequence with the keyboard
only, the snapshot runs, and the results page lists the proposal where its votes put it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from agora.local.client import Api, Moderator
from tests.browser.conftest import MODERATOR_NAME, playwright
from tests.e2e.conftest import MODERATOR_KEY, eventually

pytestmark = pytest.mark.slow
expect = playwright().expect

EXISTING = "Il faut planter des arbres dans toutes les villes"
LOOKALIKE = "planter des arbres dans les villes"
IDEA = "créer des jardins partagés dans chaque quartier"
CROWD = 9  # with the keyboard voter: the 10 trusted votes a proposal needs to enter a list


def tab_to(page, selector: str, limit: int = 25) -> None:
    """Press Tab until the focus is on `selector`: only the keyboard moves it."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_citizen_proposes_a_moderator_accepts_citizens_vote_and_results_follow(open_page, stack, artifacts):
    api = Api(stack.url)
    moderator = Moderator(api, MODERATOR_KEY, MODERATOR_NAME)
    existing = api.register().propose(EXISTING)["id"]
    assert [p["id"] for p in moderator.queue()] == [existing]
    moderator.accept(existing)
    eventually(lambda: any(p["id"] == existing for p in api.call("GET", f"/proposals/similar?text={quote('Il faut ' + LOOKALIKE)}")["proposals"]))

    # 1. A citizen lands on the home page on a phone and goes to propose.
    citizen = open_page("phone")
    citizen.goto("/")
    expect(citizen.locator("h1")).to_have_text("Comment mieux protéger l'environnement en Bretagne ?")
    expect(citizen.locator(".counts dd")).to_have_count(3)
    citizen.get_by_role("link", name="Faire une proposition").click()

    # 2. The prefix is fixed; the API's refusals are explained; a similar proposal is offered.
    field = citizen.get_by_label("Votre proposition, qui commence par « Il faut »")
    expect(citizen.locator(".prefix")).to_have_text("Il faut ")
    field.fill("ça")
    expect(citizen.locator("#proposal-count")).to_have_text("10 caractères sur 140 : encore 2 au minimum")
    citizen.get_by_role("button", name="Envoyer ma proposition").click()
    expect(citizen.locator("#proposal-error")).to_contain_text("trop court")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    field.fill(LOOKALIKE)
    expect(citizen.locator(".similar")).to_contain_text(EXISTING)
    expect(citizen.locator(".similar").get_by_role("button", name="Je soutiens")).to_be_visible()
    field.fill(IDEA)
    citizen.get_by_role("button", name="Envoyer ma proposition").click()
    expect(citizen.locator(".confirmation")).to_contain_text("Merci")
    expect(citizen.locator(".mine li")).to_contain_text(["Il faut " + IDEA])
    expect(citizen.locator(".mine li")).to_contain_text(["En attente de modération"])

    # 3. A moderator signs in and accepts it with the keyboard: J (first proposal), A (accept).
    desk = open_page("desktop")
    desk.goto("/#/moderation")
    desk.get_by_label("Votre nom").fill(MODERATOR_NAME)
    desk.get_by_label("Clé de modération").fill(MODERATOR_KEY)
    desk.get_by_label("Clé de modération").press("Enter")
    item = desk.locator("article.item", has_text=IDEA)
    expect(item).to_be_visible()
    idea = item.get_attribute("data-id")
    desk.keyboard.press("j")
    expect(item).to_be_focused()
    desk.keyboard.press("a")
    expect(item).to_have_count(0)
    assert api.call("GET", f"/proposals/{idea}")["status"] == "accepted"
    citizen.reload()
    expect(citizen.locator(".mine li")).to_contain_text(["Publiée"])

    # 4. Once the snapshot has put it in the sequence pool, a citizen votes with the keyboard only.
    crowd = [api.register() for _ in range(CROWD)]
    eventually(lambda: idea in {p["id"] for p in crowd[0].sequence()}, timeout=60, interval=4)  # /sequence: 20 a minute
    voter = open_page("desktop")
    voter.goto("/")
    expect(voter.locator("h1")).to_be_visible()
    tab_to(voter, "nav a[href='#/vote']")
    voter.keyboard.press("Enter")
    expect(voter.locator(".progress-label")).to_have_text("Proposition 1 sur 2")
    places = []
    for n in (1, 2):
        expect(voter.locator(".progress-label")).to_have_text(f"Proposition {n} sur 2")
        liked = IDEA in voter.locator(".card-text").inner_text()
        key, reason = ("agree", "like_it") if liked else ("disagree", "no_way")
        places.append((voter.locator("button.key.agree").bounding_box(), voter.locator(".card").bounding_box()))
        tab_to(voter, f"button.key.{key}")
        voter.keyboard.press("Enter")
        expect(voter.locator(f"button.key.{key}")).to_have_attribute("aria-pressed", "true")
        tab_to(voter, f"button.chip[data-qualification={reason}]")
        voter.keyboard.press("Enter")
        expect(voter.locator(f"button.chip[data-qualification={reason}]")).to_have_attribute("aria-pressed", "true")
        expect(voter.locator(f"button.chip[data-qualification={reason}]")).to_be_focused()
        voter.screenshot(path=artifacts / f"journey-vote-{n}-desktop.png")
        tab_to(voter, "button.next")
        voter.keyboard.press("Enter")
    expect(voter.locator(".end h2")).to_be_focused()
    expect(voter.get_by_role("button", name="Voter sur d'autres propositions")).to_be_visible()
    places.append((places[-1][0], voter.locator(".card").bounding_box()))
    # Nothing moves when a card changes: the buttons stay under the thumb, the card keeps its size.
    assert all(agree == places[0][0] for agree, _ in places[:2]), places
    assert all(card == places[0][1] for _, card in places), places

    # 5. The crowd votes the same way (with proofs, as the pages do); the snapshot publishes.
    for citizen_api in crowd:
        for served in citizen_api.sequence():
            citizen_api.vote(served["id"], "agree" if served["id"] == idea else "disagree", served["proof"])

    def listed():  # as the results page sees it: through the manifest GET /results serves
        manifest = api.call("GET", "/results")
        summary = requests.get(next(f["url"] for f in manifest["files"] if f["name"] == "summary.json"), timeout=10).json()
        return {p["proposal_id"] for p in summary["top_consensus"]} == {idea} and {p["proposal_id"] for p in summary["most_rejected"]} == {existing}

    eventually(listed)

    # 6. The results page lists each where its votes put it, with its chart.
    results = open_page("phone")
    results.goto("/#/results")
    consensus, rejected = results.locator("[data-list=top_consensus]"), results.locator("[data-list=most_rejected]")
    expect(consensus.locator(f"li[data-proposal-id='{idea}']")).to_contain_text(IDEA)
    expect(consensus.locator(f"svg g[data-proposal-id='{idea}']")).to_have_count(1)
    expect(rejected.locator(f"li[data-proposal-id='{existing}']")).to_contain_text(EXISTING)
    expect(rejected.locator(f"svg g[data-proposal-id='{existing}']")).to_have_count(1)
    expect(results.locator("[data-list=most_controversial] li")).to_have_count(0)
    expect(results.locator(".downloads li")).to_have_count(8)  # report.html and report.en.html
    results.screenshot(path=artifacts / "journey-results-phone.png", full_page=True)


def test_a_moderator_selects_with_the_keyboard_and_refuses_in_bulk(open_page, stack):
    author = Api(stack.url).register()
    texts = ("Il faut voter pour mon parti aux élections", "Il faut acheter les vélos de ma boutique")
    ids = [author.propose(text)["id"] for text in texts]
    desk = open_page("desktop", moderator=True)
    desk.goto("/#/moderation")
    expect(desk.locator("article.item")).to_have_count(2)
    for key in "jxjx":  # first proposal, select, next, select
        desk.keyboard.press(key)
    expect(desk.locator(".selected-count")).to_have_text("2 sélectionnées")
    desk.locator("#bulk-action").select_option("refuse")
    desk.locator("#bulk-reason").select_option("partisan")
    desk.get_by_role("button", name="Appliquer à la sélection").click()
    expect(desk.locator("dialog.confirm")).to_contain_text("Refuser 2 propositions ?")
    expect(desk.locator("dialog.confirm")).to_contain_text("Motif : partisane.")
    desk.keyboard.press("Enter")  # the confirmation has the focus
    expect(desk.locator("p.confirmation")).to_have_text("2 traitée(s), 0 en échec.")
    expect(desk.locator("article.item")).to_have_count(0)
    assert [author.call("GET", f"/proposals/{i}")["refusal_reason"] for i in ids] == ["partisan", "partisan"]
