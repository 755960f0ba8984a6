"""Every page at phone and desktop widths: a screenshot under test-artifacts/browser/, no serious
axe-core violation, and a first view that stays light."""

from __future__ import annotations

import json

import pytest

from agora.local.client import Api, Moderator
from tests.browser.conftest import MODERATOR_NAME, WIDTHS, axe_violations, playwright
from tests.e2e.conftest import MODERATOR_KEY, eventually

pytestmark = pytest.mark.slow
expect = playwright().expect

FIRST_VIEW_LIMIT = 100_000  # bytes transferred, headers included
# Each page and what shows it is ready (its data arrived, not just its frame).
PAGES = {
    "home": ".counts dd",
    "vote": ".card-text:not(:empty), .end:not([hidden]) h2",
    "propose": ".mine li",
    "results": ".downloads li",
    "profile": "form.profile fieldset",
    "moderation": "article.item .duplicates li",
}


@pytest.fixture(scope="module")
def consultation_with_content(stack) -> None:
    """Proposals to vote on and to show in the results, and a pending near-duplicate in the queue."""
    api = Api(stack.url)
    moderator = Moderator(api, MODERATOR_KEY, MODERATOR_NAME)
    author = api.register({"age": "25-34"})
    original = author.propose("Il faut rouvrir les petites lignes de train")["id"]
    for text in ("Il faut isoler les écoles", "Il faut protéger le bocage breton"):
        author.propose(text)
    for item in moderator.queue():
        moderator.accept(item["id"])
    author.propose("Il faut rouvrir les petites lignes de train régionales")
    voter = api.register({"age": "35-49"})
    eventually(lambda: len(voter.sequence()) >= 3)
    for served in voter.sequence():
        voter.vote(served["id"], "agree", served["proof"])
    # the queue's duplicates come from the proposal index, which the snapshot republishes
    eventually(lambda: any(d["id"] == original for p in moderator.queue() for d in p["duplicates"]))


@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_pictured_and_has_no_serious_accessibility_violation(name, size, consultation_with_content, open_page, artifacts):
    page = open_page(size, moderator=name == "moderation")
    page.goto(f"/#/{name}")
    expect(page.locator(PAGES[name]).first).to_be_visible()
    page.screenshot(path=artifacts / f"{name}-{size}.png", full_page=True)
    assert axe_violations(page) == []


def test_the_first_view_transfers_under_100_kb(open_page, stack, artifacts):
    page = open_page("phone")
    transferred: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: transferred.append((request.url, sum(request.sizes()[k] for k in ("responseHeadersSize", "responseBodySize")))))
    page.goto("/")
    expect(page.locator(".counts dd")).to_have_count(3)
    page.wait_for_function("localStorage.getItem('agora.participant') !== null")  # registered on arrival
    page.wait_for_load_state("networkidle")
    total = sum(size for _, size in transferred)
    (artifacts / "first-view.json").write_text(json.dumps({"bytes": total, "responses": dict(transferred)}, indent=2))
    assert total < FIRST_VIEW_LIMIT, f"first view: {total} bytes in {len(transferred)} responses"
