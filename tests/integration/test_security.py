"""Who may do what, through the embedded gateway (real HTTP, the moderator authorizer) on moto.

* Every route of contract.ROUTES × {no token, a wrong key, a forged token, an expired token, a
  citizen, the moderator} gets the status its kind of route promises; a refused request changes
  nothing and says nothing but why it was refused.
* A citizen cannot reach another citizen's unpublished proposals, votes or profile.
* CORS only for the consultation's origins (any origin for the open-data results files); security
  headers on the pages; no path traversal; no secret in the logs; nothing personal in the exports.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from agora import config, contract, http
from agora.domain.identity import Claims, Signer
from agora.local.inprocess import InProcessStack
from agora.bootstrap import container as services
from tests.faults import injected
from tests.routes import World, build_world, requests_for, route_names
from tests.conftest import DEMO
from tests.served import MODERATOR_KEY, served

# Routes whose handler needs a participant token; routes that read one when it is sent. Every other
# public route answers anyone. A new route is "public" until listed here, so a participant route
# left out fails the matrix below (a token-less call would be let through).
PARTICIPANT = {
    "PATCH /participants/me",
    "GET /participants/me/proposals",
    "POST /proposals",
    "GET /sequence",
    "PUT /proposals/{proposal_id}/vote",
    "DELETE /proposals/{proposal_id}/vote",
    "PUT /proposals/{proposal_id}/vote/qualifications/{qualification}",
    "DELETE /proposals/{proposal_id}/vote/qualifications/{qualification}",
}
OPTIONAL = {"GET /proposals/{proposal_id}", "GET /proposals/similar", "GET /proposals/{proposal_id}/similar"}
CREDENTIALS = ["none", "wrong_key", "forged", "expired", "citizen", "moderator"]
OTHER_ORIGIN = "https://partner.example"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcessStack, World, Any]]:
    """The demo consultation, with a partner site among its origins."""
    consultation = tmp_path_factory.mktemp("sec") / "partner.toml"
    consultation.write_text(DEMO.read_text().replace("\n[question]", f'\norigins = ["{OTHER_ORIGIN}"]\n\n[question]', 1))
    with InProcessStack(consultation, prefix="sec") as api:
        assert services().consultation.origins == (OTHER_ORIGIN,)
        world = build_world(api)
        with served(api) as gateway:
            yield api, world, gateway


def credential(kind: str, w: World) -> str | None:
    now = int(time.time())
    return {
        "none": None,
        "wrong_key": "not-the-moderator-key",
        "forged": Signer(b"not-our-secret", 3600, 600).token(Claims(w.voter_id, now)),
        "expired": services().signer.token(Claims(w.voter_id, now - 200 * 86_400)),
        "citizen": w.voter,
        "moderator": MODERATOR_KEY,
    }[kind]


def expected(route: contract.Route, kind: str) -> int | None:
    """The status a credential gets on a route; None: let through (any status but 401/403/5xx)."""
    name = f"{route.method} {route.path}"
    if route.auth is contract.Auth.MODERATOR:
        # The gateway plays Cognito: no credentials or a wrong key are 401; anything shaped like a
        # participant token (signature unchecked there) is a known citizen, 403.
        return {"moderator": None, "none": 401, "wrong_key": 401}.get(kind, 403)
    if name in PARTICIPANT:
        return None if kind == "citizen" else 401
    if name in OPTIONAL:  # no token is fine; a token that is sent must be valid
        return None if kind in ("none", "citizen") else 401
    return None


def state(api: InProcessStack) -> tuple[Any, Any]:
    db = boto3.client("dynamodb")
    content = sorted(json.dumps(i, sort_keys=True) for i in db.scan(TableName=api.env[contract.CONTENT.env_var])["Items"])
    return content, services().tallies.tallies.read_all()


def send(gateway: Any, method: str, path: str, body: Any = None, token: str | None = None, **headers: str) -> requests.Response:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, gateway.url + path, json=body, headers=headers, timeout=30)


@pytest.mark.parametrize("kind", CREDENTIALS)
@pytest.mark.parametrize("route", contract.ROUTES, ids=route_names())
def test_every_route_answers_each_credential_as_promised(site, route, kind):
    api, w, gateway = site
    request = requests_for(w)[f"{route.method} {route.path}"]
    token = credential(kind, w)
    want = expected(route, kind)
    api.count()
    before = state(api)
    reply = send(gateway, request.method, request.path, request.body, token, **(request.headers or {}))
    if want is None:
        assert reply.status_code not in (401, 403) and reply.status_code < 500, (reply.status_code, reply.text)
        return
    assert reply.status_code == want, reply.text
    body = reply.json()
    assert list(body) == ["error"] and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["details"] is None
    api.count()
    assert state(api) == before  # a refused request wrote nothing (and counted nothing)
    for secret in (w.voter_id, w.voter, MODERATOR_KEY, "planter des haies"):
        assert secret not in reply.text


def test_every_route_is_in_the_matrix(site):
    _, w, _ = site
    assert set(requests_for(w)) == set(route_names())
    assert PARTICIPANT | OPTIONAL <= set(route_names())


# --- another citizen's things -------------------------------------------------------------------


def test_a_citizen_cannot_see_another_citizens_unpublished_proposal(site):
    api, w, gateway = site
    pending = api.propose(w.author, "Il faut des composteurs dans chaque quartier")
    stranger = api.participant()
    for path in (f"/proposals/{pending}", f"/proposals/{pending}/similar"):
        reply = send(gateway, "GET", path, token=stranger)
        assert reply.status_code == 404 and "composteurs" not in reply.text
        assert send(gateway, "GET", path).status_code == 404  # nor can anyone without a token
    assert send(gateway, "GET", f"/proposals/{pending}", token=w.author).json()["text"].endswith("quartier")
    mine = send(gateway, "GET", "/participants/me/proposals", token=stranger).json()["proposals"]
    assert mine == []


def test_a_citizen_cannot_change_or_withdraw_another_citizens_vote_or_profile(site):
    api, w, gateway = site
    a0 = w.accepted[0]
    owner = api.participant({"age": "35-49"})
    assert send(gateway, "PUT", f"/proposals/{a0}/vote", {"key": "agree"}, owner).status_code == 200
    api.count()
    before = state(api)
    stranger = api.participant()
    assert send(gateway, "DELETE", f"/proposals/{a0}/vote", token=stranger).status_code == 204  # withdraws nothing
    assert send(gateway, "PUT", f"/proposals/{a0}/vote/qualifications/like_it", token=stranger).status_code == 409
    assert send(gateway, "DELETE", f"/proposals/{a0}/vote/qualifications/like_it", token=stranger).status_code == 204
    assert send(gateway, "PATCH", "/participants/me", {"demographics": {"age": "65+"}}, stranger).status_code == 200
    api.count()
    content_after, tallies_after = state(api)
    owners = [i for i in content_after if owner_id(owner) in i]
    assert owners == [i for i in before[0] if owner_id(owner) in i]  # the owner's vote and profile are untouched


def owner_id(token: str) -> str:
    return services().signer.claims(token, time.time()).participant_id


def test_a_token_cannot_be_edited_to_name_someone_else(site):
    api, w, gateway = site
    mine = api.participant()
    victim = owner_id(w.voter)
    payload, sig = mine.split(".")
    claims = json.loads(_unb64(payload))
    claims["pid"] = victim
    edited = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()) + "." + sig
    reply = send(gateway, "DELETE", f"/proposals/{w.accepted[0]}/vote", token=edited)
    assert reply.status_code == 401 and reply.json()["error"]["code"] == "invalid_token"


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("token", ["é.é", "abc.déf", "eyJwaWQiOiJ4In0.\u202e", "a" * 5000 + "." + "b"])
def test_tokens_with_odd_characters_are_401_not_500(site, token):
    _, w, gateway = site
    reply = requests.get(gateway.url + "/sequence", headers={"Authorization": b"Bearer " + token.encode()}, timeout=30)
    assert reply.status_code == 401, reply.text
    reply = requests.get(gateway.url + "/moderation/queue", headers={"Authorization": b"Bearer " + token.encode()}, timeout=30)
    assert reply.status_code in (401, 403), reply.text


@pytest.mark.parametrize("proof", ["٥٠٠.abc", "500.é", "500.\u0000", "１７００００００００.x", "-1.x", "1e9.x"])
def test_odd_proofs_make_an_untrusted_vote_not_a_500(site, proof):
    api, w, gateway = site
    voter = api.participant()
    reply = send(gateway, "PUT", f"/proposals/{w.accepted[1]}/vote", {"key": "agree", "proof": proof}, voter)
    assert reply.status_code == 200 and reply.json()["trusted"] is False


# --- CORS and headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["own", OTHER_ORIGIN])
def test_cors_is_granted_to_the_consultations_origins(site, origin):
    _, _, gateway = site
    origin = gateway.url if origin == "own" else origin
    for method, path in (("GET", "/consultation"), ("OPTIONS", "/proposals"), ("GET", "/no/such/route")):
        reply = requests.request(method, gateway.url + path, headers={"Origin": origin}, timeout=30)
        assert reply.headers.get("Access-Control-Allow-Origin") == origin, (method, path)
        assert "Origin" in reply.headers.get("Vary", "")
    preflight = requests.options(gateway.url + "/proposals", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=30)
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Retry-After" in preflight.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1", "https://partner.example.evil.example"])
def test_cors_is_refused_to_any_other_origin(site, origin):
    api, w, gateway = site
    for method, path in (("GET", "/consultation"), ("OPTIONS", "/proposals"), ("GET", "/sequence"), ("GET", "/")):
        reply = requests.request(
            method, gateway.url + path, headers={"Origin": origin, "Authorization": f"Bearer {w.voter}"}, timeout=30
        )
        assert "Access-Control-Allow-Origin" not in reply.headers, (method, path, reply.headers)
    # the functions decide the same on AWS, where API Gateway passes their headers through
    direct = api.call("GET", "/consultation", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in direct.headers
    allowed = api.call("GET", "/consultation", headers={"Origin": OTHER_ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == OTHER_ORIGIN


def test_results_files_are_open_data_for_any_origin(site):
    api, _, gateway = site
    api.count()
    api.snapshot()
    manifest = send(gateway, "GET", "/results").json()
    url = manifest["files"][0]["url"]
    assert url.startswith(gateway.url + "/files/")
    reply = requests.get(url, headers={"Origin": "https://anyone.example"}, timeout=30)
    assert reply.status_code == 200 and reply.headers["Access-Control-Allow-Origin"] == "*"


def test_the_pages_carry_security_headers(site):
    _, _, gateway = site
    if gateway.web_dir is None:
        pytest.skip("no web/ folder")
    for path in ("/", "/index.html"):
        reply = requests.get(gateway.url + path, timeout=30)
        assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/html")
        csp = reply.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert directives["script-src"] == "'self'" and "unsafe" not in directives["script-src"]
        assert directives["default-src"] == "'self'"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Referrer-Policy"] == "no-referrer"
        assert reply.headers["X-Frame-Options"] == "DENY"
    api_reply = requests.get(gateway.url + "/consultation", timeout=30)
    assert api_reply.headers["X-Content-Type-Options"] == "nosniff"


def test_the_pages_load_no_inline_script_the_policy_would_block(site):
    """The policy allows scripts from the site only: a page with an inline script would break under it."""
    _, _, gateway = site
    if gateway.web_dir is None:
        pytest.skip("no web/ folder")
    import re

    for page in gateway.web_dir.rglob("*.html"):
        html = page.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            assert "src=" in tag, f"{page.name}: inline script {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"{page.name}: inline event handler"
        assert "<style" not in html.lower(), f"{page.name}: inline stylesheet"


@pytest.mark.parametrize(
    "path",
    [
        "/files/../../etc/passwd",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files/..%2f..%2finternal%2fproposal-index.json",
        "/files/internal/proposal-index.json",
        "/files/sequence/pool.npz",
        "/..%2f..%2fetc/passwd",
        "/%2e%2e/%2e%2e/pyproject.toml",
        "/js/../../pyproject.toml",
        "/proposals/..%2f..%2fmoderation%2fqueue",
        "/proposals/%2e%2e",
        "/proposals/..%2F..%2F..%2Fetc%2Fpasswd/similar",
    ],
)
def test_no_path_reaches_outside_the_published_files_and_pages(site, path):
    api, w, gateway = site
    # Raw paths, sent as written (requests would normalise the dots away).
    import http.client

    host, port = gateway.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {w.voter}"})
    reply = conn.getresponse()
    text = reply.read().decode(errors="replace")
    conn.close()
    assert reply.status in (404, 422), (reply.status, text[:200])
    for leak in ("root:", "[project]", "author", "Il faut"):
        assert leak not in text


def test_the_private_bucket_objects_are_not_served_as_files(site):
    """The pool (author ids) and the index (pending texts) are in the bucket but not public files."""
    api, w, gateway = site
    api.snapshot()
    for key in (contract.POOL_KEY, contract.PROPOSAL_INDEX_KEY):
        reply = requests.get(f"{gateway.url}/files/{key}", timeout=30)
        assert reply.status_code == 404, key


# --- secrets never logged -------------------------------------------------------------------------


class Collected(logging.Handler):
    """Every record, formatted as the functions format them (Powertools' JSON, extra keys included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(http.logger.registered_formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_no_secret_reaches_the_logs_on_any_path(site, capfd):
    """Every route, as the right caller and with bad input, then under faults (exceptions are logged
    with their stack): no token, proof, moderator key, signing secret or address in the output."""
    api, w, gateway = site
    collected = Collected()
    loggers = [logging.getLogger(http.logger.name), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(collected)
    http.logger.setLevel(logging.DEBUG)
    capfd.readouterr()
    voter = api.participant({"age": "65+"})
    served_proofs = [p["proof"] for p in send(gateway, "GET", "/sequence", token=voter).json()["proposals"]]
    try:
        for r in requests_for(w).values():
            token = MODERATOR_KEY if r.as_ == "moderator" else voter
            send(gateway, r.method, r.path, r.body, token, **(r.headers or {}))
            send(gateway, r.method, r.path, {"nonsense": ["x"] * 3}, token)
        for proof in served_proofs:
            send(gateway, "PUT", f"/proposals/{w.accepted[0]}/vote", {"key": "agree", "proof": proof}, voter)
        with injected() as faults:
            faults.fail("internal_error", "dynamodb", None, times=None)
            for r in requests_for(w).values():
                send(gateway, r.method, r.path, r.body, MODERATOR_KEY if r.as_ == "moderator" else voter)
        with injected() as faults:  # an unexpected AWS error takes the logger.exception path
            faults.fail(lambda: _client_error("ValidationException"), "dynamodb", None, times=None)
            send(gateway, "PUT", f"/proposals/{w.accepted[0]}/vote", {"key": "agree", "proof": served_proofs[0]}, voter)
    finally:
        http.logger.setLevel(logging.CRITICAL)
        for logger in loggers:
            logger.removeHandler(collected)
    out = capfd.readouterr()
    logged = "\n".join(collected.lines) + out.out + out.err
    assert "dependency overloaded" in logged and "unexpected AWS error" in logged  # the logs were captured
    secrets = {
        "participant token signature": voter.split(".")[1],
        "participant token payload": voter.split(".")[0],
        "moderator key": MODERATOR_KEY,
        "signing secret": api.env.get(contract.SECRET_ENV) or "in-process-secret",
        **{f"proof {i}": p.split(".")[1] for i, p in enumerate(served_proofs)},
    }
    for what, secret in secrets.items():
        assert secret not in logged, f"the {what} was logged"


def _client_error(code: str) -> Exception:
    from tests.faults import client_error

    return client_error(code)


# --- exports ---------------------------------------------------------------------------------------


def test_the_exports_hold_nothing_personal_and_no_segment_under_k(site):
    """A snapshot over trusted votes from big and small segments: every public file is free of ids,
    tokens, proofs, source tags and addresses, and no published figure rests on fewer than k people."""
    api, w, gateway = site
    k = api_config().k_anonymity
    tokens, ids = [], []
    # Two segments of k people or more and one of 4: the small one is withheld (and one more with it,
    # else subtraction from the department's row would reveal it); the other is published.
    ages = ["50-64"] * (k + 2) + ["65+"] * (k + 1) + ["25-34"] * 4
    for n, age in enumerate(ages):
        home = {"X-Forwarded-For": f"203.0.113.{n + 1}"}  # each citizen's own address (TEST-NET-3)
        reply = send(gateway, "POST", "/participants", {"demographics": {"age": age, "department": "56"}}, **home).json()
        tokens.append(reply["participant_token"])
        ids.append(reply["participant_id"])
        for item in send(gateway, "GET", "/sequence", token=tokens[-1], **home).json()["proposals"]:
            key = "agree" if n % 3 else "disagree"
            send(gateway, "PUT", f"/proposals/{item['id']}/vote", {"key": key, "proof": item["proof"]}, tokens[-1], **home)
    api.count()
    api.snapshot()
    s3, bucket = boto3.client("s3"), api.env[contract.BUCKET_ENV]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=contract.RESULTS_PREFIX)["Contents"]]
    assert any(key.endswith("segments.csv") for key in keys)
    items = boto3.client("dynamodb").scan(TableName=api.env[contract.CONTENT.env_var])["Items"]
    authors = {i["author_id"]["S"] for i in items if "author_id" in i}
    sources = {i["source"]["S"] for i in items if i.get("source", {}).get("S")}
    all_ids = {i["pk"]["S"].removeprefix(contract.PARTICIPANT) for i in items if i["pk"]["S"].startswith(contract.PARTICIPANT)}
    assert authors and sources and set(ids) <= all_ids
    addresses = {f"203.0.113.{n + 1}" for n in range(len(ages))}
    personal = {*all_ids, *authors, *sources, *(t.split(".")[1] for t in tokens), *addresses, MODERATOR_KEY}
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        for value in personal:
            assert value not in body, f"{key} holds {value!r}"
        if key.endswith("segments.csv"):
            rows = list(csv.DictReader(io.StringIO(body)))
            if key == contract.LATEST_PREFIX + "segments.csv":  # this snapshot's: segments are published
                assert {r["value"] for r in rows if r["dimension"] == "age"} & {"50-64", "65+"}, rows
            for row in rows:  # (which cell goes with the small one is tests/unit/test_anonymity.py's business)
                assert row["value"] != "25-34", f"{key}: a segment of 4 people was published: {row}"
                if row["weighting"] == "raw":
                    assert int(row["votes"]) >= k, row
        if key.endswith("participation.json"):
            for question in json.loads(body)["questions"]:
                for choice in question["choices"]:
                    assert choice["participants"] in (None, 0) or choice["participants"] >= k, choice


def api_config() -> Any:
    from agora import config

    return services().consultation
