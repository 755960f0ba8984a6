"""The proposal form as a citizen meets it: a typed prefix, Enter, a slow answer while they keep
typing, their own repeat, a refusal in words they read, and the proposal theirs repeats."""

from __future__ import annotations

import json

import pytest

from agora.local.client import Api
from tests.browser.conftest import MODERATOR_NAME, playwright
from tests.e2e.conftest import MODERATOR_KEY

pytestmark = pytest.mark.slow
expect = playwright().expect

LABEL = "Votre proposition, qui commence par « Il faut »"


def proposing(open_page):
    page = open_page("phone")
    page.goto("/#/propose")
    expect(page.locator(".mine li")).to_have_count(1)
    posts: list[dict] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/proposals") and posts.append({"key": r.headers["idempotency-key"], **json.loads(r.post_data)}))
    return page, page.get_by_label(LABEL), posts


def served(page, condition, timeout_ms: int = 10_000) -> None:
    """Let Playwright deliver its events until `condition()` holds (a route is called asynchronously)."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page never made the request")


def test_a_typed_prefix_is_dropped_and_enter_sends(open_page):
    page, field, posts = proposing(open_page)
    field.press_sequentially("Il faut planter des haies")
    expect(field).to_have_value("planter des haies")
    expect(page.locator("#proposal-count")).to_have_text("25 caractères sur 140")
    field.press("Enter")
    expect(page.locator(".confirmation")).to_contain_text("Merci")
    expect(page.locator(".mine li p[lang]")).to_have_text(["Il faut planter des haies"])
    assert [p["text"] for p in posts] == ["Il faut planter des haies"]
    expect(field).to_have_value("")  # no newline left behind


def test_the_submit_waits_for_its_answer_and_a_changed_text_is_a_new_proposal(open_page):
    page, field, posts = proposing(open_page)
    held = []  # the first submission's request, answered only once the citizen has changed the text
    page.route("**/proposals", lambda route: route.fallback() if held or route.request.method != "POST" else held.append(route))
    field.fill("réparer les chemins de randonnée")
    button = page.locator("form.propose button[type=submit]")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text("Envoi…")
    field.fill("réparer les chemins de randonnée du littoral")  # a correction while the first is on its way
    served(page, lambda: held)
    held[0].continue_()
    expect(page.locator(".confirmation")).to_contain_text("première version a été envoyée")
    expect(field).to_have_value("réparer les chemins de randonnée du littoral")  # the correction is kept
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator(".confirmation")).to_contain_text("Merci")
    expect(page.locator(".mine li p[lang]")).to_have_count(2)
    assert [p["text"] for p in posts] == ["Il faut réparer les chemins de randonnée", "Il faut réparer les chemins de randonnée du littoral"]
    assert posts[0]["key"] != posts[1]["key"]
    expect(page.locator("#proposal-error")).to_have_text("")


def test_the_citizens_own_repeat_is_caught_before_sending(open_page):
    page, field, posts = proposing(open_page)
    field.fill("interdire les pesticides près des écoles")
    field.press("Enter")
    expect(page.locator(".mine li p[lang]")).to_have_text(["Il faut interdire les pesticides près des écoles"])
    field.fill("Interdire les pesticides  près des écoles.")
    field.press("Enter")
    expect(page.locator("#proposal-error")).to_have_text("Vous avez déjà envoyé cette proposition (En attente de modération).")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert len(posts) == 1


# A refusal the API may give, in the citizen's words, never the API's English message.
REFUSALS = {
    "missing prefix": (422, "missing_prefix", {"prefix": "Il faut "}, "doit commencer par « Il faut »"),
    "key reused": (422, "idempotency_key_reused", None, "Le texte a changé pendant l'envoi"),
    "closed": (403, "consultation_not_open", None, "n'accepte pas de propositions"),
    "unknown conflict": (409, "something_new", None, "n'est plus possible (something_new)"),
    "server fault": (500, "internal", None, "rien n'a été modifié"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_every_refusal_is_translated(case, open_page):
    status, code, details, says = REFUSALS[case]
    page, field, _ = proposing(open_page)
    body = {"error": {"code": code, "message": "ENGLISH MESSAGE proposal 0123abcd", "details": details}}
    page.route("**/proposals", lambda route: route.fulfill(status=status, json=body))
    field.fill("rendre les bus gratuits le dimanche")
    field.press("Enter")
    expect(page.locator("#proposal-error")).to_contain_text(says)
    expect(page.locator("#proposal-error")).not_to_contain_text("ENGLISH")


def test_already_exists_shows_the_proposal_it_repeats(open_page, stack):
    api = Api(stack.url)
    moderation = {"Authorization": f"Bearer {MODERATOR_KEY}", "X-Moderator-Name": MODERATOR_NAME}
    original = api.register().propose("Il faut des pistes cyclables entre les villages")["id"]
    api.call("POST", f"/moderation/proposals/{original}/accept", json={"themes": []}, headers=moderation)
    page, field, _ = proposing(open_page)
    field.fill("créer des pistes cyclables entre villages")
    field.press("Enter")
    expect(page.locator(".mine li p[lang]")).to_have_count(1)
    token = page.evaluate("localStorage.getItem('agora.participant')")
    mine = api.as_participant(token).call("GET", "/participants/me/proposals")["proposals"][0]["id"]
    api.call("POST", f"/moderation/proposals/{mine}/refuse", json={"reason": "already_exists", "duplicate_of": original}, headers=moderation)
    page.reload()
    shown = page.locator(f".mine .original[data-proposal-id='{original}']")
    expect(shown).to_contain_text("Elle existe déjà : « Il faut des pistes cyclables entre les villages »")
    shown.get_by_role("button", name="Je soutiens").click()
    expect(page.locator(".mine .original .confirmation")).to_have_text("Vous la soutenez.")
