"""Handlers and services against moto (mock_aws), invoked with real API Gateway proxy events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from agora import config, contract
from agora.adapters import aws
from agora.local import resources
from agora.local.functions import FunctionHost
from agora.local.gateway import match, proxy_event
from agora.services import idempotency, wiring
from tests.conftest import DEMO

REGION = "eu-west-3"


def reset_process_caches() -> None:
    for cached in [*vars(wiring).values(), aws.client, config.current, idempotency._store]:
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


@pytest.fixture
def stack_env(monkeypatch) -> dict[str, str]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        contract.CONSULTATION_FILE_ENV: str(DEMO),
        contract.SECRET_ENV: "integration-secret",
        contract.PUBLIC_BASE_URL_ENV: "https://results.example",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        env = resources.create(
            boto3.client("dynamodb"), boto3.client("s3"), boto3.client("sqs"), prefix="it", region=REGION
        )
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        reset_process_caches()
        yield env
        reset_process_caches()


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class Handlers:
    """Calls the Lambda handlers the way API Gateway would, route table included."""

    def __init__(self) -> None:
        self.functions = FunctionHost()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        moderator: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        route, params = match(method, path.split("?")[0])
        assert route is not None, f"no route {method} {path}"
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        claims = {"sub": moderator, "cognito:username": moderator} if moderator else None
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        event = proxy_event(route, params, method, path, {k: [v] for k, v in sent.items()}, data, "127.0.0.1", claims)
        result = self.functions.invoke(route.function.value, event)
        text = result.get("body") or ""
        headers = {**(result.get("headers") or {}), **{k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}}
        return Reply(result["statusCode"], json.loads(text) if text else None, headers)

    def participant(self, demographics: dict[str, str] | None = None) -> str:
        reply = self.call("POST", "/participants", {"demographics": demographics or {}})
        assert reply.status == 201, reply.body
        return reply.body["participant_token"]

    def propose(self, token: str, text: str, language: str = "fr") -> str:
        reply = self.call("POST", "/proposals", {"text": text, "language": language}, token=token)
        assert reply.status == 201, reply.body
        return reply.body["id"]

    def accept(self, proposal_id: str, moderator: str = "mod") -> None:
        reply = self.call("POST", f"/moderation/proposals/{proposal_id}/accept", {}, moderator=moderator)
        assert reply.status == 200, reply.body

    def snapshot(self) -> dict[str, Any]:
        return self.functions.invoke("snapshot", {})


@pytest.fixture
def api(stack_env) -> Handlers:
    return Handlers()
