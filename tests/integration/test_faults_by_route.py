"""Every route under DynamoDB and S3 faults: 503 with Retry-After or an answer from cache, never a 500.

One stack for the module (the faults stop every write, so the routes' requests can be replayed); the
tests that need a fresh stack are in test_faults.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import botocore.retries.standard
import pytest

from agora.local.inprocess import InProcessStack
from tests.faults import injected
from tests.integration.test_faults import assert_retry_later, content_items
from tests.routes import World, build_world, call, requests_for, route_names

# (error, service, operation): what fails. Every call of the request, or only the ones that can raise it.
KINDS = {
    "throttled": ("throttling", None, None),
    "throughput_exceeded": ("throughput_exceeded", "dynamodb", None),
    "read_timeout": ("read_timeout", None, None),
    "unreachable": ("endpoint_unreachable", None, None),
    "connection_closed": ("connection_closed", None, None),
    "transaction_conflict": ("transaction_conflict", "dynamodb", "TransactWriteItems"),
    "transaction_throttled": ("transaction_throttled", "dynamodb", "TransactWriteItems"),
    "s3_slow_down": ("s3_slow_down", "s3", None),
    "s3_internal_error": ("s3_service_unavailable", "s3", None),
}


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[InProcessStack, World]]:
    with InProcessStack(prefix="faults") as api:
        yield api, build_world(api)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("route", route_names())
def test_every_route_answers_503_with_retry_after_when_a_dependency_fails(world, route, kind):
    api, w = world
    request = requests_for(w)[route]
    error, service, operation = KINDS[kind]
    api.cold_start()  # nothing cached from S3, rate-limit windows empty: as a new container
    before = content_items()
    with injected() as faults:
        faults.fail(error, service, operation, times=None)
        reply = call(api, w, request)
    fired = any(rule.fired for rule in faults.rules)
    if fired and reply.status >= 500:
        assert_retry_later(reply)
    else:  # the route did not need what failed, or answered from its cache
        assert reply.status < 500, (reply.status, reply.body)
    if service is None and operation is None:  # nothing could reach the tables
        assert content_items() == before


def test_a_route_without_a_valid_request_here_would_escape_these_tests(world):
    _, w = world
    assert set(requests_for(w)) == set(route_names())


def test_a_moderation_decision_whose_answer_was_lost_is_recorded_once(world):
    api, _ = world
    pending = api.propose(api.participant(), "Il faut nettoyer les rivières")
    with injected() as faults:
        faults.fail("read_timeout", "dynamodb", "TransactWriteItems", when="after")
        assert_retry_later(api.call("POST", f"/moderation/proposals/{pending}/accept", {}, moderator="mod"))
    again = api.call("POST", f"/moderation/proposals/{pending}/accept", {}, moderator="mod")
    assert again.status == 409 and again.body["error"]["code"] == "transition_not_allowed"  # it was accepted
    trail = api.call("GET", f"/moderation/proposals/{pending}/decisions", moderator="mod").body["decisions"]
    assert [d["action"] for d in trail] == ["accept"]


def test_a_bulk_decision_reports_a_throttled_proposal_beside_the_decided_ones(world):
    api, _ = world
    author = api.participant()
    ids = [api.propose(author, f"Il faut protéger la baie numéro {i}") for i in range(3)]
    with injected() as faults:
        faults.fail("transaction_throttled", "dynamodb", "TransactWriteItems", skip=1, times=1)
        reply = api.call("POST", "/moderation/bulk", {"action": "postpone", "proposal_ids": ids}, moderator="mod")
    assert reply.status == 200, reply.body
    by_id = {r["id"]: r for r in reply.body["results"]}
    assert [by_id[i]["done"] for i in ids] == [True, False, True]
    assert by_id[ids[1]]["error"]["code"] == "overloaded"
    retried = api.call("POST", "/moderation/bulk", {"action": "postpone", "proposal_ids": [ids[1]]}, moderator="mod")
    assert retried.body["results"][0]["done"] is True


