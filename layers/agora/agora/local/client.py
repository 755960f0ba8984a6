"""A small HTTP client for the API, used by the demo seed, `agora simulate` and the end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


@dataclass
class Api:
    base_url: str
    token: str | None = None
    timeout: float = 60.0  # a loaded machine queues requests for seconds; 60 s is a dead stack
    session: requests.Session = field(default_factory=requests.Session)
    address: str | None = None  # a simulated citizen's own address (X-Forwarded-For, embedded stack only)

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200, 201, 204), **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.address:
            headers["X-Forwarded-For"] = self.address
        response = self.session.request(method, self.base_url.rstrip("/") + path, headers=headers, timeout=self.timeout, **kwargs)
        body = response.json() if response.content and "json" in response.headers.get("Content-Type", "") else response.text
        if response.status_code not in expect:
            raise ApiError(response.status_code, body)
        return body

    def as_participant(self, token: str) -> Api:
        return Api(self.base_url, token, self.timeout, self.session, self.address)

    def register(self, demographics: dict[str, str] | None = None) -> Api:
        created = self.call("POST", "/participants", json={"demographics": demographics or {}})
        return self.as_participant(created["participant_token"])

    def propose(self, text: str, language: str | None = None, key: str | None = None) -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else {}
        return self.call("POST", "/proposals", json={"text": text, "language": language}, headers=headers)

    def sequence(self, size: int = 12) -> list[dict[str, Any]]:
        return self.call("GET", f"/sequence?size={size}")["proposals"]

    def vote(self, proposal_id: str, key: str, proof: str | None = None) -> dict[str, Any]:
        return self.call("PUT", f"/proposals/{proposal_id}/vote", json={"key": key, "proof": proof})


@dataclass
class Moderator:
    api: Api
    key: str
    name: str = "moderator"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.key}", "X-Moderator-Name": self.name}
        return self.api.call(method, path, headers=headers, **kwargs)

    def queue(self, limit: int = 10) -> list[dict[str, Any]]:
        return self._call("GET", f"/moderation/queue?limit={limit}")["proposals"]

    def accept(self, proposal_id: str, themes: list[str] | None = None) -> dict[str, Any]:
        return self._call("POST", f"/moderation/proposals/{proposal_id}/accept", json={"themes": themes or []})

    def refuse(self, proposal_id: str, reason: str) -> dict[str, Any]:
        return self._call("POST", f"/moderation/proposals/{proposal_id}/refuse", json={"reason": reason})

    def create_theme(self, name: str) -> dict[str, Any]:
        return self._call("POST", "/moderation/themes", json={"name": name})
