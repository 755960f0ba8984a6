"""The embedded gateway stands in for the Cognito authorizer on moderator routes."""

import threading

import pytest
import requests

from agora.domain.identity import Claims, Signer
from agora.local.gateway import Gateway

KEY = "local-moderator-key"


@pytest.fixture
def gateway():
    seen = []

    def invoke(function, event):
        seen.append(event["requestContext"]["authorizer"])
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"ok": true}'}

    gw = Gateway(invoke, lambda key: None, KEY, dict, None, port=0)
    thread = threading.Thread(target=gw.serve_forever, daemon=True)
    thread.start()
    gw.seen = seen
    yield gw
    gw.shutdown()


def queue(gw, **headers):
    return requests.get(f"{gw.url}/moderation/queue", headers=headers, timeout=5)


def test_no_credentials_or_a_wrong_key_is_401(gateway):
    assert queue(gateway).status_code == 401
    assert queue(gateway, Authorization="Bearer not-the-key").status_code == 401
    assert queue(gateway, Authorization=f"Basic {KEY}").status_code == 401
    assert gateway.seen == []


def test_a_participant_token_is_403(gateway):
    token = Signer(b"any-secret", 3600, 600).token(Claims("p" * 32, 0))
    reply = queue(gateway, Authorization=f"Bearer {token}")
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "not_a_moderator"
    assert gateway.seen == []


def test_the_moderator_key_names_the_moderator(gateway):
    reply = queue(gateway, Authorization=f"Bearer {KEY}", **{"X-Moderator-Name": "ann"})
    assert reply.status_code == 200
    assert gateway.seen == [{"claims": {"sub": "local-ann", "cognito:username": "ann"}}]


def test_public_routes_pass_tokens_through_to_the_handler(gateway):
    token = Signer(b"any-secret", 3600, 600).token(Claims("p" * 32, 0))
    assert requests.get(f"{gateway.url}/themes", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 200
