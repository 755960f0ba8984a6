"""The citizen's loop: a vote shows it is on its way, then how the others voted (from the published
votes.json); a reload resumes the sequence; the end lists the citizen's votes, each changeable,
invites the profile questions and offers sharing."""

from __future__ import annotations

import pytest
import requests

from agora import config
from agora.local.client import Api, Moderator
from tests.browser.conftest import MODERATOR_NAME, playwright
from tests.browser.test_propose import served
from tests.conftest import ROOT
from tests.e2e.conftest import MODERATOR_KEY, eventually
from tests.unit.test_pages import Tags

pytestmark = pytest.mark.slow
expect = playwright().expect

TEXTS = ("Il faut isoler toutes les écoles", "Il faut protéger les zones humides", "Il faut des cantines bio")
OTHERS = 4  # citizens who vote agree on everything before the browser's citizen


@pytest.fixture(scope="module")
def voted_on(stack) -> dict[str, list[int]]:
    """Three accepted proposals, each with OTHERS agree votes published in votes.json."""
    api = Api(stack.url)
    moderator = Moderator(api, MODERATOR_KEY, MODERATOR_NAME)
    author = api.register()
    ids = {author.propose(text)["id"] for text in TEXTS}
    for item in moderator.queue():
        if item["id"] in ids:
            moderator.accept(item["id"])
    crowd = [api.register() for _ in range(OTHERS)]
    eventually(lambda: ids <= {p["id"] for p in crowd[0].sequence()}, interval=4)  # /sequence: 20 a minute
    for citizen in crowd:
        for item in citizen.sequence():
            citizen.vote(item["id"], "agree", item["proof"])

    def published():
        manifest = api.call("GET", "/results")
        url = next(f["url"] for f in manifest["files"] if f["name"] == "votes.json")
        split = requests.get(url, timeout=10).json()["proposals"]
        return split if all(split.get(i, [0])[0] >= OTHERS for i in ids) else None

    return eventually(published)


def test_a_vote_is_pending_then_shows_how_others_voted(open_page, voted_on):
    page = open_page("phone")
    page.goto("/#/vote")
    expect(page.locator(".progress-label")).to_contain_text("Proposition 1 sur")
    held = []
    page.route("**/vote", lambda route: route.fallback() if held else held.append(route))
    agree = page.locator("button.key.agree")
    agree.click()
    served(page, lambda: held)
    expect(agree).to_have_class("key agree pending")
    expect(agree).to_have_attribute("aria-pressed", "false")  # not claimed before the API says so
    held[0].continue_()
    expect(agree).to_have_attribute("aria-pressed", "true")
    expect(agree).not_to_have_class("key agree pending")
    proposal = page.locator(".card-text").inner_text()
    split = next(s for pid, s in voted_on.items() if page.evaluate(f"JSON.parse(localStorage.getItem('agora.sequence')).items.find(i => i.id === '{pid}')?.text") == proposal)
    n = sum(split)
    expect(page.locator(".others")).to_have_text(f"Les autres votants : {round(100 * split[0] / n)} % d'accord, {round(100 * split[1] / n)} % pas d'accord, {round(100 * split[2] / n)} % neutres ({n} votes aux derniers résultats).".replace(" %", "\u202f%"))
    expect(page.locator("#announcer")).to_contain_text("Vote enregistré")


def test_an_untrusted_vote_is_not_claimed_as_counted(open_page, voted_on):
    page = open_page("phone")
    page.goto("/#/vote")
    expect(page.locator(".progress-label")).to_contain_text("Proposition 1 sur")

    def untrusted(route):
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "trusted": False})

    page.route("**/vote", untrusted)
    page.locator("button.key.disagree").click()
    expect(page.locator("button.key.disagree")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#announcer")).to_contain_text("il ne compte pas dans les résultats")


def test_a_reload_resumes_and_the_end_lists_the_votes_to_change(open_page, voted_on, stack):
    page = open_page("desktop")
    page.goto("/#/vote")
    expect(page.locator(".progress-label")).to_contain_text("Proposition 1 sur")
    total = page.evaluate("JSON.parse(localStorage.getItem('agora.sequence')).items.length")
    assert total >= len(TEXTS)
    page.locator("button.key.agree").click()
    expect(page.locator("button.key.agree")).to_have_attribute("aria-pressed", "true")
    page.locator("button.next").click()
    expect(page.locator(".progress-label")).to_have_text(f"Proposition 2 sur {total}")
    page.reload()
    expect(page.locator(".progress-label")).to_have_text(f"Proposition 2 sur {total}")
    for _ in range(1, total):
        page.locator("button.key.disagree").click()
        expect(page.locator("button.key.disagree")).to_have_attribute("aria-pressed", "true")
        page.locator("button.next").click()
    expect(page.locator(".end h2")).to_have_text("Série terminée, merci !")
    mine = page.locator(".recap li")
    expect(mine).to_have_count(total)
    first = mine.first
    expect(first.locator("button.key.agree")).to_have_attribute("aria-pressed", "true")
    with page.expect_response(lambda r: r.request.method == "PUT" and r.url.endswith("/vote")) as answer:
        first.locator("button.key.neutral").click()
    assert (answer.value.json()["key"], answer.value.json()["trusted"]) == ("neutral", True)  # changed, and still counted
    expect(first.locator("button.key.neutral")).to_have_attribute("aria-pressed", "true")
    expect(first.locator("button.key.agree")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("link", name="Répondre aux questions")).to_have_attribute("href", "#/profile")
    expect(page.locator(".share-link")).to_have_attribute("href", f"{stack.url}/")
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator(".share [role=status]")).not_to_be_empty()


def test_the_shared_link_previews_the_question(stack):
    """What a link preview robot reads (no script run) at the address the end of a sequence shares."""
    demo = config.load(ROOT / "consultations" / "demo.toml")
    tags = Tags(requests.get(f"{stack.url}/", timeout=10).text)
    assert tags.meta["og:title"] == tags.title == demo.question["fr"]
    assert tags.meta["og:description"] == demo.context["fr"]
    assert tags.meta["og:type"] == "website" and tags.meta["twitter:card"] == "summary"
