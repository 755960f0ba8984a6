"""Concurrent invocations in one process (the embedded stack) each log under their own function and request."""

from __future__ import annotations

import json
import logging
import threading
from urllib.parse import quote

import pytest
import requests

from agora import http
from agora.bootstrap import container as services
from tests.served import served

FUNCTIONS = {"consultation": "POST /participants", "propose": "GET /proposals/similar", "next_proposal": "GET /sequence"}


class Lines(logging.Handler):
    """Every record the functions' logger emits, as the JSON line Powertools formats (its own formatter)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(http.logger.registered_formatter)
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def logged_lines():
    lines = Lines()
    http.logger.addHandler(lines)
    http.logger.setLevel(logging.INFO)
    yield lines.lines
    http.logger.setLevel(logging.CRITICAL)
    http.logger.removeHandler(lines)


def test_concurrent_invocations_never_mix_their_log_context(api, monkeypatch, logged_lines):
    token = api.participant()
    with served(api) as gateway:
        # Each service call waits until all three invocations are inside their handler, then logs:
        # every function's keys have been set by then, so a shared logger would show the last one's.
        inside = threading.Barrier(len(FUNCTIONS), timeout=60)

        def probing(function, method):
            def wrapped(*args, **kwargs):
                inside.wait()
                http.logger.info("probe", extra={"probe": function})
                return method(*args, **kwargs)

            return wrapped

        for function, service, name in (
            ("consultation", services().participants, "register"),
            ("propose", services().similar, "like_text"),
            ("next_proposal", services().sequence, "next"),
        ):
            monkeypatch.setattr(service, name, probing(function, getattr(service, name)))
        calls = {
            "consultation": lambda: requests.post(f"{gateway.url}/participants", json={}, timeout=60),
            "propose": lambda: requests.get(f"{gateway.url}/proposals/similar?text={quote('les arbres')}", timeout=60),
            "next_proposal": lambda: requests.get(
                f"{gateway.url}/sequence", headers={"Authorization": f"Bearer {token}"}, timeout=60
            ),
        }
        replies: dict[str, int] = {}
        threads = [threading.Thread(target=lambda f=f: replies.__setitem__(f, calls[f]().status_code)) for f in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(status < 300 for status in replies.values()), replies
    lines = logged_lines
    probes = [line for line in lines if line.get("message") == "probe"]
    assert sorted(p["probe"] for p in probes) == sorted(FUNCTIONS)
    for p in probes:
        assert p["function_name"] == p["probe"], p
    assert len({p["correlation_id"] for p in probes}) == len(FUNCTIONS)  # each its own request
    after = [line for line in lines if line.get("message") != "probe" and "function_name" in line]
    assert all(line["function_name"] in FUNCTIONS or line["function_name"] == "snapshot" for line in after)
