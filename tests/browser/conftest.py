"""Headless Chromium (Debian's, driven by Playwright) against `agora dev` on a free port.

The stack is started exactly as the end-to-end tests start it; pages are screenshotted under
test-artifacts/browser/ and checked with axe-core from node_modules (`npm ci`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import MODERATOR_KEY, RunningStack, start, stop

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# closed network refuses; the sandbox needs user namespaces that CI containers lack.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
MODERATOR_NAME = "browser-tests"



def playwright():
    return pytest.importorskip("playwright.sync_api", reason="Playwright comes with the dev extra: pip install -e '.[dev]'")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    # A cold function on this shared machine can take ~10 s to answer (10.6 s for the first
    # GET /participants/me/proposals at a load average of 32): wait on the page's state that long.
    playwright().expect.set_options(timeout=20_000)
    with playwright().sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    running = start("--snapshot-every", "1")
    yield running
    try:
        stop(running)
    finally:
        if running.process.poll() is None:  # a stack that would not stop must not outlive the tests
            running.process.kill()


@pytest.fixture
def open_page(browser, stack):
    """open_page(size="phone", moderator=False, locale="fr-FR") -> a page on a fresh profile (a
    new citizen); a script error or a Content-Security-Policy refusal on any page fails the test."""
    contexts, errors = [], []

    def opener(size: str = "phone", moderator: bool = False, locale: str = "fr-FR") -> Page:
        context = browser.new_context(viewport=WIDTHS[size], locale=locale, base_url=stack.url)
        if moderator:  # what the login form stores, for pages that are not about signing in
            credentials = json.dumps({"key": MODERATOR_KEY, "name": MODERATOR_NAME})
            context.add_init_script(f"sessionStorage.setItem('agora.moderator', {json.dumps(credentials)})")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not errors, f"script errors in the pages: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not AXE.exists():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: run `npm ci` (make test does)")
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy refuses inline scripts.
    page.evaluate(AXE.read_text())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
