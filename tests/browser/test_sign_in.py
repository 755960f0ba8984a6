"""The moderators' sign-in on AWS (web/js/auth.js) in Chromium, against a stand-in managed login.

The pages are served as CloudFront would (web/ with config.js set to a login URL and app client),
and Cognito's /oauth2/authorize, /oauth2/token and /logout are played by request routes: the
redirect out and back, the code traded with its PKCE verifier, the refresh, a forged answer and
the sign-out are each checked from what the page sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from agora.local import gateway
from tests.conftest import ROOT

PAGES = "https://pages.test"
LOGIN = "https://login.test"
CLIENT = "moderator-pages-client"
WEB = ROOT / "web"
# The edge's policy (infra/constructs/edge.py): the embedded one, plus the login's token endpoint.
CSP = gateway.PAGES["Content-Security-Policy"].replace("connect-src 'self';", f"connect-src 'self' {LOGIN};")
# What the page runs: auth.js and nothing else of the app (no API here).
HARNESS = """<!doctype html><meta charset="utf-8"><title>sign-in</title>
<script type="module" src="/js/harness.js"></script>"""
HARNESS_JS = """import * as auth from "./auth.js";
window.auth = auth;
window.completed = auth.completeSignIn().then(() => "done");"""


def back_to(url: str) -> str:
    """The login's answer: on to `url`, by a page that moves on (a routed 302 to another routed host did not resolve)."""
    return f"<!doctype html><script>location.replace({json.dumps(url)})</script>"


class StandIn:
    """Cognito's managed login, as far as the page can tell."""

    def __init__(self) -> None:
        self.authorize: list[dict[str, str]] = []
        self.token: list[dict[str, str]] = []
        self.logout: list[dict[str, str]] = []
        self.expires_in = 3600
        self.issued = 0

    def handle(self, route: Any) -> None:
        request = route.request
        url = urlsplit(request.url)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/oauth2/authorize":
            self.authorize.append(query)
            # Signed in: back to the callback with a code and the page's own state.
            route.fulfill(status=200, content_type="text/html", body=back_to(f"{query['redirect_uri']}?code=the-code&state={query['state']}"))
        elif url.path == "/oauth2/token":
            body = {k: v[0] for k, v in parse_qs(request.post_data or "").items()}
            self.token.append(body)
            self.issued += 1
            answer = {"id_token": f"id-{self.issued}", "access_token": f"access-{self.issued}", "expires_in": self.expires_in}
            if body.get("grant_type") == "authorization_code":
                answer["refresh_token"] = "refresh-1"
            route.fulfill(
                status=200, content_type="application/json", body=json.dumps(answer),
                headers={"Access-Control-Allow-Origin": PAGES},
            )
        elif url.path == "/logout":
            self.logout.append(query)
            route.fulfill(status=200, content_type="text/html", body=back_to(query["logout_uri"]))
        else:
            route.fulfill(status=404, body="")


def serve_pages(route: Any) -> None:
    path = urlsplit(route.request.url).path
    if path == "/":
        body, kind = HARNESS, "text/html"
    elif path == "/js/harness.js":
        body, kind = HARNESS_JS, "text/javascript"
    elif path == "/js/config.js":
        body = (WEB / "js" / "config.js").read_text()
        body = re.sub(r'LOGIN_URL = "[^"]*"', f'LOGIN_URL = "{LOGIN}"', body)
        body = re.sub(r'LOGIN_CLIENT_ID = "[^"]*"', f'LOGIN_CLIENT_ID = "{CLIENT}"', body)
        kind = "text/javascript"
    else:
        file = WEB / path.lstrip("/")
        if not file.is_file():
            route.fulfill(status=404, body="")
            return
        body, kind = file.read_text(), "text/javascript" if file.suffix == ".js" else "text/plain"
    route.fulfill(status=200, body=body, content_type=kind, headers={"Content-Security-Policy": CSP})


@pytest.fixture
def login(browser: Any) -> Any:
    context = browser.new_context()
    stand_in = StandIn()
    context.route(f"{PAGES}/**", serve_pages)
    context.route(f"{LOGIN}/**", stand_in.handle)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{PAGES}/#/moderation")
    page.evaluate("window.completed")
    yield page, stand_in
    assert not refused, refused  # the CSP lets the sign-in through
    context.close()


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def sign_in(page: Any) -> None:
    with page.expect_navigation(url=f"{PAGES}/**"):
        page.evaluate("auth.signIn('#/moderation')")
    page.wait_for_function("window.completed !== undefined")
    page.evaluate("window.completed")


def test_sign_in_goes_out_with_pkce_and_comes_back_with_tokens(login: Any) -> None:
    page, stand_in = login
    assert page.evaluate("auth.idToken()") is None  # signed out
    sign_in(page)
    (asked,) = stand_in.authorize
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT
    assert asked["redirect_uri"] == f"{PAGES}/" and asked["code_challenge_method"] == "S256"
    assert set(asked["scope"].split()) == {"openid", "email"}
    (traded,) = stand_in.token
    assert traded["grant_type"] == "authorization_code" and traded["code"] == "the-code"
    assert traded["client_id"] == CLIENT and traded["redirect_uri"] == f"{PAGES}/"
    assert challenge_of(traded["code_verifier"]) == asked["code_challenge"]  # PKCE: the verifier matches
    # Back where the moderator was, the single-use code gone from the address.
    assert page.url == f"{PAGES}/#/moderation"
    assert page.evaluate("auth.idToken()") == "id-1"
    assert len(stand_in.token) == 1  # a fresh token is not refreshed


def test_a_token_close_to_expiry_is_refreshed(login: Any) -> None:
    page, stand_in = login
    stand_in.expires_in = 30  # under the page's one-minute margin
    sign_in(page)
    assert page.evaluate("auth.idToken()") == "id-2"
    refreshed = stand_in.token[-1]
    assert refreshed["grant_type"] == "refresh_token" and refreshed["refresh_token"] == "refresh-1"
    assert refreshed["client_id"] == CLIENT


def test_a_refused_refresh_signs_out(login: Any) -> None:
    page, stand_in = login
    stand_in.expires_in = 30
    sign_in(page)
    page.context.unroute(f"{LOGIN}/**")
    page.context.route(f"{LOGIN}/**", lambda route: route.fulfill(status=400, body='{"error":"invalid_grant"}', headers={"Access-Control-Allow-Origin": PAGES}))
    assert page.evaluate("auth.idToken()") is None
    assert page.evaluate("sessionStorage.getItem('agora.login')") is None


def test_an_answer_to_no_sign_in_of_this_tab_gets_no_tokens(login: Any) -> None:
    page, stand_in = login
    page.goto(f"{PAGES}/?code=stolen&state=forged#/moderation")
    page.evaluate("window.completed")
    assert not stand_in.token
    assert page.evaluate("auth.idToken()") is None
    assert "code=" not in page.url


def test_sign_out_forgets_the_tokens_and_ends_the_login_session(login: Any) -> None:
    page, stand_in = login
    sign_in(page)
    with page.expect_navigation(url=f"{PAGES}/"):
        page.evaluate("auth.signOut()")
    (out,) = stand_in.logout
    assert out == {"client_id": CLIENT, "logout_uri": f"{PAGES}/"}
    page.evaluate("window.completed")
    assert page.evaluate("auth.idToken()") is None
