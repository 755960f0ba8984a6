"""Hand-written bad input through the embedded gateway: oversized bodies, wrong content types, deeply
nested JSON, unicode edge cases (RTL, combining marks, emoji, NUL, lone surrogates) and path tricks.
Every answer is a 4xx in the error shape or a success, never a 5xx nor a dropped connection, and a
refused request stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from agora import contract
from agora.local.gateway import MAX_BODY
from agora.local.inprocess import InProcessStack
from tests.routes import World, build_world
from tests.served import MODERATOR_KEY, served

RTL_OVERRIDE = "\u202e"
COMBINING = "e\u0301\u0301\u0301"  # é with stacked accents
EMOJI = "🌍🚲"
ZWJ_FAMILY = "👨\u200d👩\u200d👧"
NUL = "\x00"
LONE_SURROGATE = "\ud800"
ARABIC = "يجب حماية البيئة"


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[InProcessStack, World, Any]]:
    with InProcessStack(prefix="bad") as api:
        world = build_world(api)
        with served(api) as gateway:
            yield api, world, gateway


def content(api: InProcessStack) -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=api.env[contract.CONTENT.env_var])["Items"]
    return sorted(json.dumps(i, sort_keys=True) for i in items)


def send(gateway: Any, method: str, path: str, data: bytes | None = None, **headers: str) -> requests.Response:
    """The path is sent exactly as written (requests would resolve dot segments itself)."""
    session = requests.Session()
    request = session.prepare_request(requests.Request(method, gateway.url + "/x", data=data, headers=headers))
    request.url = gateway.url + path
    return session.send(request, timeout=60)


def assert_refused(reply: requests.Response, *statuses: int) -> dict[str, Any]:
    assert reply.status_code in (statuses or (422,)), (reply.status_code, reply.text[:300])
    body = reply.json()
    assert set(body) == {"error"} and {"code", "message", "details"} == set(body["error"])
    return body["error"]


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: lone surrogates travel as \ud800 escapes, as JSON allows


# --- size -----------------------------------------------------------------------------------------


def test_a_body_over_the_gateway_limit_is_413_and_never_reaches_a_function(site):
    api, w, gateway = site
    before = content(api)
    reply = send(gateway, "POST", "/proposals", b"{" + b" " * (MAX_BODY + 1) + b"}",
                 Authorization=f"Bearer {w.author}", **{"Content-Type": "application/json"})
    assert_refused(reply, 413)
    assert content(api) == before


@pytest.mark.parametrize("field", ["text", "language"])
def test_a_megabyte_field_is_422(site, field):
    api, w, gateway = site
    before = content(api)
    body = {"text": "Il faut des bus", field: "x" * 1_000_000}
    reply = send(gateway, "POST", "/proposals", as_json(body), Authorization=f"Bearer {w.author}",
                 **{"Content-Type": "application/json"})
    assert_refused(reply)
    assert content(api) == before


def test_a_huge_list_of_ids_in_a_bulk_decision_is_422(site):
    _, _, gateway = site
    body = {"action": "postpone", "proposal_ids": ["f" * 32] * 100_000}
    reply = send(gateway, "POST", "/moderation/bulk", as_json(body), Authorization=f"Bearer {MODERATOR_KEY}")
    assert_refused(reply)


# --- content types and shapes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", b"Il faut des bus le soir"),
        ("application/x-www-form-urlencoded", b"text=Il+faut+des+bus+le+soir"),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nIl faut\r\n--x--"),
        ("application/xml", b"<proposal><text>Il faut des bus</text></proposal>"),
        ("application/json", b""),
        ("application/json", b"null"),
        ("application/json", b"[]"),
        ("application/json", b"\"Il faut des bus le soir\""),
        ("application/json", b"{\"text\": 42}"),
        ("application/json", b"{\"text\": \"Il faut des bus\", \"extra\": true}"),
        ("application/json", b"{\"text\": \"Il faut des bus\", \"text\": \"Il faut des trains\"}x"),
        ("application/json", b"\xef\xbb\xbf{\"text\": \"Il faut des bus le soir\"}"),  # a UTF-8 BOM
        ("application/json", b"\xff\xfe{\x00}\x00"),  # UTF-16
        ("application/json", b"\xe9"),
        ("application/json", b"{\"text\": NaN}"),
        ("application/json", b"{\"text\": \"Il faut des bus\", \"language\": Infinity}"),
    ],
)
def test_what_is_not_a_json_submission_is_422_and_stores_nothing(site, content_type, data):
    api, w, gateway = site
    before = content(api)
    reply = send(gateway, "POST", "/proposals", data, Authorization=f"Bearer {w.author}", **{"Content-Type": content_type})
    if reply.status_code == 201:  # a JSON body under another label is read as JSON, as API Gateway passes it on
        assert content_type != "application/json" or data.startswith(b"\xef\xbb\xbf"), reply.text
        return
    assert_refused(reply, 415, 422)
    assert content(api) == before


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
@pytest.mark.parametrize("route", ["/participants", "/proposals", "/moderation/bulk"])
def test_deeply_nested_json_is_422(site, depth, route):
    api, w, gateway = site
    before = content(api)
    nested = b"[" * depth + b"]" * depth
    body = b"{\"demographics\": " + nested + b", \"text\": " + nested + b", \"action\": " + nested + b"}"
    token = MODERATOR_KEY if route.startswith("/moderation") else w.author
    reply = send(gateway, "POST", route, body, Authorization=f"Bearer {token}", **{"Content-Type": "application/json"})
    assert_refused(reply)
    assert content(api) == before


# --- unicode -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        (f"Il faut protéger la planète {EMOJI}", True),
        (f"Il faut pré{COMBINING}server les zones humides", True),  # NFC-normalised, stored
        (f"Il faut {ARABIC} aussi", True),
        (f"Il faut {RTL_OVERRIDE}reverser le texte affiché", False),  # a display spoof: refused
        (f"Il faut des bus{NUL} le soir", False),
        (f"Il faut des bus {LONE_SURROGATE} le soir", False),
        (f"Il faut des familles {ZWJ_FAMILY} heureuses", False),  # the joiner is an invisible character
        ("Il faut \u200bdes bus invisibles", False),
    ],
)
def test_proposal_texts_with_unicode_edge_cases(site, text, stored):
    api, w, gateway = site
    author = api.participant()
    before = content(api)
    reply = send(gateway, "POST", "/proposals", as_json({"text": text}), Authorization=f"Bearer {author}",
                 **{"Content-Type": "application/json"})
    if stored:
        assert reply.status_code == 201, reply.text
        got = send(gateway, "GET", f"/proposals/{reply.json()['id']}", Authorization=f"Bearer {author}").json()
        import unicodedata

        assert got["text"] == unicodedata.normalize("NFC", text)
    else:
        assert_refused(reply)
        assert content(api) == before


UNICODE_VALUES = [RTL_OVERRIDE + "65+", "65+" + NUL, LONE_SURROGATE, EMOJI, COMBINING, "a" * 10_000, ARABIC]


@pytest.mark.parametrize("value", UNICODE_VALUES)
def test_odd_demographic_answers_and_questions_are_422(site, value):
    api, w, gateway = site
    before = content(api)
    for demographics in ({"age": value}, {value: "65+"}):
        reply = send(gateway, "POST", "/participants", as_json({"demographics": demographics}),
                     **{"Content-Type": "application/json"})
        assert_refused(reply)
        reply = send(gateway, "PATCH", "/participants/me", as_json({"demographics": demographics}),
                     Authorization=f"Bearer {w.voter}", **{"Content-Type": "application/json"})
        assert_refused(reply)
    assert content(api) == before


@pytest.mark.parametrize("value", UNICODE_VALUES)
def test_odd_search_words_similar_texts_and_keys_never_fail(site, value):
    api, w, gateway = site
    params = {"q": value[:200]}
    assert send(gateway, "GET", "/proposals?" + requests.compat.urlencode(params, encoding="utf-8", errors="surrogatepass")).status_code in (200, 422)
    reply = requests.get(gateway.url + "/proposals/similar", params={"text": value[:2000].encode("utf-8", "surrogatepass")}, timeout=60)
    assert reply.status_code in (200, 422), reply.text[:200]
    reply = requests.get(gateway.url + "/proposals", params={"theme": value[:40].encode("utf-8", "surrogatepass")}, timeout=60)
    assert reply.status_code in (200, 422), reply.text[:200]
    author = api.participant()
    reply = send(gateway, "POST", "/proposals", as_json({"text": "Il faut des pistes cyclables sûres"}),
                 Authorization=f"Bearer {author}", **{"Content-Type": "application/json",
                                                       "Idempotency-Key": value[:100].encode("utf-8", "surrogatepass").decode("latin-1")})
    assert reply.status_code in (201, 422), reply.text[:200]


@pytest.mark.parametrize("value", UNICODE_VALUES)
def test_odd_moderation_inputs_are_refused_and_change_nothing(site, value):
    api, w, gateway = site
    pending = api.propose(api.participant(), "Il faut des jardins partagés")
    before = content(api)
    moderator = {"Authorization": f"Bearer {MODERATOR_KEY}", "Content-Type": "application/json"}
    reply = send(gateway, "POST", f"/moderation/proposals/{pending}/refuse", as_json({"reason": value}), **moderator)
    assert_refused(reply)
    reply = send(gateway, "POST", f"/moderation/proposals/{pending}/accept", as_json({"themes": [value]}), **moderator)
    assert_refused(reply)
    reply = send(gateway, "POST", f"/moderation/proposals/{pending}/accept", as_json({"text": f"Il faut {value} partout"}), **moderator)
    assert reply.status_code in (200, 422), reply.text[:300]
    if reply.status_code == 422:
        assert content(api) == before
    reply = send(gateway, "POST", "/moderation/themes", as_json({"name": value[:60]}), **moderator)
    assert reply.status_code in (201, 409, 422), reply.text[:300]
    name = requests.utils.quote(value[:50].encode("utf-8", "surrogatepass"))
    reply = send(gateway, "GET", f"/moderation/groups?k={name}", **moderator)
    assert_refused(reply)


# --- ids and paths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "proposal_id",
    ["..", "../../etc/passwd", "%2e%2e%2f%2e%2e", "F" * 32, "f" * 31, "f" * 33, "f" * 31 + "é", "%00" + "f" * 29,
     "f" * 32 + "%00", "f" * 32 + "%0a", "' OR '1'='1", "PROPOSAL%23" + "f" * 22, "%F0%9F%8C%8D"],
)
def test_malformed_ids_in_paths_are_422_or_404(site, proposal_id):
    api, w, gateway = site
    before = content(api)
    voter = {"Authorization": f"Bearer {w.voter}", "Content-Type": "application/json"}
    moderator = {"Authorization": f"Bearer {MODERATOR_KEY}", "Content-Type": "application/json"}
    for method, path, body, headers in [
        ("GET", f"/proposals/{proposal_id}", None, {}),
        ("GET", f"/proposals/{proposal_id}/similar", None, {}),
        ("PUT", f"/proposals/{proposal_id}/vote", as_json({"key": "agree"}), voter),
        ("DELETE", f"/proposals/{proposal_id}/vote", None, voter),
        ("PUT", f"/proposals/{proposal_id}/vote/qualifications/like_it", None, voter),
        ("POST", f"/moderation/proposals/{proposal_id}/accept", as_json({}), moderator),
        ("GET", f"/moderation/proposals/{proposal_id}/decisions", None, moderator),
    ]:
        reply = send(gateway, method, path, body, **headers)
        assert reply.status_code in (404, 422), (method, path, reply.status_code, reply.text[:200])
        assert_refused(reply, 404, 422)
    assert content(api) == before


@pytest.mark.parametrize("qualification", ["LIKE_IT", "like_it%00", "like-it", "x" * 33, "%F0%9F%91%8D", "..", "like_it/.."])
def test_malformed_qualifications_are_refused(site, qualification):
    api, w, gateway = site
    reply = send(gateway, "PUT", f"/proposals/{w.accepted[0]}/vote/qualifications/{qualification}",
                 Authorization=f"Bearer {w.voter}")
    assert reply.status_code in (404, 422), reply.text[:200]


def test_unknown_routes_and_methods_are_404_in_the_error_shape(site):
    _, _, gateway = site
    for method, path in [("GET", "/nope"), ("POST", "/consultation"), ("PATCH", "/proposals"), ("DELETE", "/themes"),
                         ("PUT", "/participants/me"), ("GET", "/moderation"), ("POST", "/openapi.json")]:
        assert_refused(send(gateway, method, path), 404)


@pytest.mark.parametrize("cursor", ["3\x1cí", "é", "%%%", "a", "=" * 10, "ZZZZ" * 100, "\U000e0e76"])
def test_a_cursor_that_is_not_ours_is_422(site, cursor):
    _, _, gateway = site
    reply = requests.get(gateway.url + "/proposals", params={"cursor": cursor}, timeout=60)
    assert assert_refused(reply)["code"] in ("invalid_cursor", "invalid_request")  # the latter: too long
