"""The functions' EMF metrics, as CloudWatch would read them from their logs: the names and
dimensions the alarms and the dashboard (infra/constructs/monitoring.py) look for."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from agora import contract, http
from agora.local.inprocess import InProcessStack

M = contract.Metric


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessStack]:
    with InProcessStack() as stack:
        # As on Lambda (functions.py): metrics on, the stack's namespace, the service dimension.
        monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
        monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "agora-demo-dev")
        monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", contract.METRICS_SERVICE)
        # Lambda sets these before anything is imported; here agora.http may be loaded already.
        monkeypatch.setattr(http.metrics.provider, "namespace", "agora-demo-dev")
        monkeypatch.setattr(http.metrics.provider, "service", contract.METRICS_SERVICE)
        yield stack


def emitted(out: str) -> list[tuple[str, dict[str, str], float]]:
    """(metric, dimensions, value) of every EMF line printed."""
    found = []
    for line in out.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        blob: dict[str, Any] = json.loads(line)
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "agora-demo-dev"
        dimensions = {d: blob[d] for d in directive["Dimensions"][0]}
        found += [(m["Name"], dimensions, blob[m["Name"]][0]) for m in directive["Metrics"]]
    return found


def test_the_journey_emits_every_business_metric(stack: InProcessStack) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        [accepted] = stack.published(1)  # proposes, accepts, snapshots
        author = stack.participant()
        refused = stack.propose(author, "Il faut interdire les voitures le dimanche")
        reply = stack.call("POST", f"/moderation/proposals/{refused}/refuse", {"reason": "off_topic"}, moderator="mod")
        assert reply.status == 200, reply.body
        token = stack.participant()
        [served] = stack.call("GET", "/sequence", token=token).body["proposals"]
        trusted = stack.call("PUT", f"/proposals/{accepted}/vote", {"key": "agree", "proof": served["proof"]}, token=token)
        assert trusted.status == 200
        untrusted = stack.call("PUT", f"/proposals/{accepted}/vote", {"key": "disagree"}, token=stack.participant())
        assert untrusted.status == 200
        assert stack.call("PUT", f"/proposals/{accepted}/vote", {"key": "maybe"}, token=token).status == 422

    metrics = emitted(out.getvalue())
    names = [name for name, _, _ in metrics]
    assert names.count(M.VOTES_RECORDED) == 2 and names.count(M.VOTES_TRUSTED) == 1
    assert names.count(M.PROPOSALS_SUBMITTED) == 2
    assert names.count(M.SNAPSHOTS_PUBLISHED) == 1
    (latency,) = [v for n, _, v in metrics if n == M.SEQUENCE_LATENCY]
    assert 0 < latency < 10_000
    service = {"service": contract.METRICS_SERVICE}
    assert (M.PROPOSALS_REFUSED, {**service, "reason": "off_topic"}, 1.0) in metrics
    assert (M.REJECTED, {**service, "reason": "invalid_request"}, 1.0) in metrics
    # Every metric carries the service dimension the alarms and dashboard select on.
    assert all(dims.get("service") == contract.METRICS_SERVICE for _, dims, _ in metrics)
