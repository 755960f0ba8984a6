"""The home page: its figures come with GET /consultation (no results file), and a returning
visitor sees the question at once, before the API has answered."""

from __future__ import annotations

import pytest

from agora.local.client import Api
from tests.browser.conftest import playwright
from tests.browser.test_propose import served
from tests.e2e.conftest import eventually

pytestmark = pytest.mark.slow
expect = playwright().expect

QUESTION = "Comment mieux protéger l'environnement en Bretagne ?"


def test_the_figures_need_no_results_file(open_page, stack):
    api = Api(stack.url)
    api.register().propose("Il faut des bornes de réparation de vélos")
    counts = eventually(lambda: (c := api.call("GET", "/consultation"))["counts_at"] and c["counts"])
    page = open_page("phone")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto("/")
    expect(page.locator(".counts dd")).to_have_count(3)
    shown = [int(x.replace("\u202f", "").replace("\xa0", "")) for x in page.locator(".counts dd").all_inner_texts()]
    assert shown[0] >= counts["participants"] and shown[2] >= counts["votes"]
    expect(page.locator(".counts dt").first).to_contain_text("participant")
    expect(page.locator(".counts-box .note")).to_contain_text("les personnes qui ont voté ou proposé")
    page.wait_for_load_state("networkidle")
    data = [url for url in asked if "/js/" not in url]
    assert not [url for url in data if "/results" in url or "/files/" in url or url.endswith(".json")], data


def test_a_returning_visitor_sees_the_question_before_the_api_answers(open_page):
    page = open_page("desktop")
    page.goto("/")
    expect(page.locator("h1")).to_have_text(QUESTION)
    held = []
    page.route("**/consultation", lambda route: route.fallback() if held else held.append(route))
    page.reload()
    served(page, lambda: held)  # the API has been asked and has not answered…
    expect(page.locator("h1")).to_have_text(QUESTION)  # …and the page is already there
    expect(page.get_by_role("link", name="Voter sur les propositions")).to_be_visible()
    expect(page.locator(".counts dd")).to_have_count(3)
    held[0].continue_()
    expect(page.locator("h1")).to_have_text(QUESTION)


def test_a_first_visit_shows_the_frame_while_the_api_is_asked(open_page):
    page = open_page("phone")
    held = []
    page.route("**/consultation", lambda route: route.fallback() if held else held.append(route))
    page.goto("/", wait_until="commit")
    served(page, lambda: held)
    expect(page.locator("header.site nav")).to_be_visible()
    expect(page.locator("main")).to_have_text("Chargement…")
    held[0].continue_()
    expect(page.locator("h1")).to_have_text(QUESTION)
