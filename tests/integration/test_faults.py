"""Faults on the request path: DynamoDB and S3 throttling, cancelled transactions and timeouts.

The API answers 503 with Retry-After (or absorbs the fault within botocore's retry budget), never a
500, and leaves no half-written state: a retried request takes effect once.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import boto3
import botocore.retries.standard
import pytest
from botocore.exceptions import BotoCoreError, ClientError

from agora import contract
from agora.adapters import aws
from agora.domain.tallies import recount
from agora.bootstrap import container as services
from agora.local.inprocess import InProcessStack
from tests.faults import flaky, injected


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries, without their sleeps."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


def assert_retry_later(reply: Any) -> None:
    assert reply.status == 503, (reply.status, reply.body)
    assert reply.headers.get("Retry-After") == "1"
    assert set(reply.body["error"]) == {"code", "message", "details"} and reply.body["error"]["code"] == "overloaded"


def scan(table_env: str) -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName=env(table_env))["Items"]


def env(name: str) -> str:
    import os

    return os.environ[name]


def content_items() -> dict[tuple[str, str], dict[str, Any]]:
    return {(i["pk"]["S"], i["sk"]["S"]): i for i in scan(contract.CONTENT.env_var)}


# --- retries within budget ---------------------------------------------------------------------


def test_transient_timeouts_are_retried_within_the_budget_and_the_vote_lands_once():
    with InProcessStack() as api:
        [proposal] = api.published(1)
        voter = api.participant()
        with flaky(aws.client("dynamodb"), "PutItem", failures=2) as attempts:
            reply = api.call("PUT", f"/proposals/{proposal}/vote", {"key": "agree"}, token=voter)
        assert reply.status == 200 and reply.body["changed"] is True
        assert len(attempts) == 3  # two timeouts, then the write
        api.count()
        assert tallies_are_exact()
        assert sum(t.get("untrusted", 0) for t in services().tallies.tallies.read_all().values()) == 1


def test_past_the_budget_the_vote_is_a_503_and_nothing_is_stored():
    with InProcessStack() as api:
        [proposal] = api.published(1)
        voter = api.participant()
        budget = aws.client("dynamodb").meta.config.retries["total_max_attempts"]  # max_attempts=3 retries: 4 calls
        with flaky(aws.client("dynamodb"), "PutItem", failures=budget) as attempts:
            reply = api.call("PUT", f"/proposals/{proposal}/vote", {"key": "agree"}, token=voter)
        assert_retry_later(reply)
        assert len(attempts) == budget == 4
        assert not [k for k in content_items() if k[1].startswith(contract.VOTE_SK)]


# --- the answer lost after the write: retries take effect once ----------------------------------


def tallies_are_exact() -> bool:
    return services().tallies.tallies.read_all() == recount(services().stores.votes.scan_counted())


@pytest.mark.parametrize("path", ["vote", "qualification", "withdrawal"])
def test_a_vote_whose_answer_was_lost_is_counted_once_when_retried(path):
    with InProcessStack() as api:
        [proposal] = api.published(1)
        voter = api.participant({"age": "65+"})
        url = f"/proposals/{proposal}/vote"
        if path != "vote":
            assert api.call("PUT", url, {"key": "agree"}, token=voter).status == 200
        method, target, body, operation = {
            "vote": ("PUT", url, {"key": "agree"}, "PutItem"),
            "qualification": ("PUT", url + "/qualifications/like_it", None, "UpdateItem"),
            "withdrawal": ("DELETE", url, None, "DeleteItem"),
        }[path]
        with injected() as faults:
            faults.fail("read_timeout", "dynamodb", operation, when="after")
            assert_retry_later(api.call(method, target, body, token=voter))
        retried = api.call(method, target, body, token=voter)
        assert retried.status in (200, 204)
        if path != "withdrawal":
            assert retried.body["changed"] is False  # the first attempt had taken effect
        api.count()
        assert tallies_are_exact()
        votes = [i for k, i in content_items().items() if k[1].startswith(contract.VOTE_SK)]
        assert len(votes) == (0 if path == "withdrawal" else 1)


def propose_calls(api: InProcessStack, token: str, key: str, text: str) -> list[tuple[str, str]]:
    with injected() as faults:
        reply = api.call("POST", "/proposals", {"text": text}, token=token, headers={"Idempotency-Key": key})
    assert reply.status == 201, reply.body
    return faults.calls


def expire_in_progress_records() -> None:
    """What waiting out a crashed invocation's lock amounts to (Powertools keys it to the Lambda timeout)."""
    db, table = boto3.client("dynamodb"), env(contract.IDEMPOTENCY.env_var)
    for item in db.scan(TableName=table)["Items"]:
        if item.get("status", {}).get("S") == "INPROGRESS":
            db.update_item(
                TableName=table, Key={"id": item["id"]}, UpdateExpression="SET in_progress_expiration = :past",
                ExpressionAttributeValues={":past": {"N": "1"}},
            )


def retry_until_created(api: InProcessStack, token: str, key: str, text: str) -> Any:
    for _ in range(3):
        reply = api.call("POST", "/proposals", {"text": text}, token=token, headers={"Idempotency-Key": key})
        if reply.status == 409 and reply.body["error"]["code"] == "request_in_progress":
            assert reply.headers.get("Retry-After")
            expire_in_progress_records()
            continue
        return reply
    raise AssertionError("still in progress")


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_proposal_retried_with_its_idempotency_key_is_stored_once_whichever_call_failed(when):
    """Fail each AWS call of POST /proposals in turn (before it reaches DynamoDB, or after it took effect
    and its answer was lost); the client retries with the same key; exactly one proposal exists."""
    with InProcessStack() as api:
        text = "Il faut des navettes vers les plages"
        calls = propose_calls(api, api.participant(), "warm-up", text)  # the calls one submission makes
        assert ("dynamodb", "TransactWriteItems") in calls
        for n, (service, operation) in enumerate(calls):
            author, key = api.participant(), f"key-{when}-{n}"
            skip = calls[:n].count((service, operation))
            with injected() as faults:
                faults.fail("read_timeout", service, operation, when=when, skip=skip)
                first = api.call("POST", "/proposals", {"text": text}, token=author, headers={"Idempotency-Key": key})
            assert first.status in (201, 503), (n, operation, first.status, first.body)
            if first.status == 503:
                assert_retry_later(first)
            final = retry_until_created(api, author, key, text)
            assert final.status == 201, (n, operation, when, final.body)
            if first.status == 201:
                assert final.body == first.body
            mine = api.call("GET", "/participants/me/proposals", token=author).body["proposals"]
            assert [p["id"] for p in mine] == [final.body["id"]], (n, operation, when)
            stored = [k for k, i in content_items().items() if k[1] == contract.META_SK and i.get("author_id", {}).get("S")
                      and i["text"]["S"] == text]
            assert len(stored) == n + 2, (n, operation, when)  # the warm-up's, and one per author so far


def test_the_same_key_with_another_text_is_still_refused_after_a_lost_answer():
    with InProcessStack() as api:
        author = api.participant()
        with injected() as faults:
            faults.fail("read_timeout", "dynamodb", "TransactWriteItems", when="after")
            first = api.call("POST", "/proposals", {"text": "Il faut des pistes cyclables"}, token=author,
                             headers={"Idempotency-Key": "k"})
        assert_retry_later(first)
        other = api.call("POST", "/proposals", {"text": "Il faut des bancs publics"}, token=author,
                         headers={"Idempotency-Key": "k"})
        assert other.status == 422 and other.body["error"]["code"] == "idempotency_key_reused"
        assert len(api.call("GET", "/participants/me/proposals", token=author).body["proposals"]) == 1


# --- S3 ---------------------------------------------------------------------------------------


def test_an_s3_brownout_does_not_stop_votes_while_the_pool_is_cached():
    with InProcessStack() as api:
        ids = api.published(2)
        voter = api.participant()
        assert api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=voter).status == 200
        votable = api.services.votable
        votable._checked = float("-inf")  # the refresh period has passed: the next vote looks at S3
        with injected() as faults:
            faults.fail("s3_slow_down", "s3", "GetObject", times=None)
            reply = api.call("PUT", f"/proposals/{ids[1]}/vote", {"key": "agree"}, token=voter)
        assert faults.rules[0].fired, "the pool was not refreshed"
        assert reply.status == 200, reply.body


def test_without_a_cached_pool_an_s3_brownout_is_a_503():
    with InProcessStack() as api:
        ids = api.published(1)
        voter = api.participant()
        with injected() as faults:
            faults.fail("s3_slow_down", "s3", "GetObject", times=None)
            assert_retry_later(api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=voter))
        assert not [k for k in content_items() if k[1].startswith(contract.VOTE_SK)]


# --- snapshots ---------------------------------------------------------------------------------


def fetch(key: str) -> bytes:
    return boto3.client("s3").get_object(Bucket=env(contract.BUCKET_ENV), Key=key)["Body"].read()


def test_a_snapshot_that_fails_at_any_upload_or_read_leaves_the_previous_one_served():
    with InProcessStack() as api:
        ids = api.published(3)
        for n in range(4):
            voter = api.participant({"age": "65+"})
            for proposal in ids:
                api.call("PUT", f"/proposals/{proposal}/vote", {"key": "agree" if n % 2 else "disagree"}, token=voter)
        api.count()
        api.snapshot()
        before = api.call("GET", "/results").body
        assert before["files"]

        def intact(manifest: dict[str, Any]) -> bool:
            return all(
                hashlib.sha256(fetch(f["url"].removeprefix("https://results.example/"))).hexdigest() == f["sha256"]
                for f in manifest["files"]
            )

        assert intact(before)
        api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=api.participant())
        api.count()
        with injected() as faults:  # how many uploads a snapshot makes (the manifest is the last)
            api.snapshot()
        uploads = faults.calls.count(("s3", "PutObject"))
        assert uploads > 3 and faults.calls[-1] == ("s3", "PutObject")
        newer = json.loads(fetch(contract.MANIFEST_KEY))
        failures = [("s3_slow_down", "s3", "PutObject", n) for n in (0, 1, uploads // 2, uploads - 2, uploads - 1)]
        failures += [("read_timeout", "dynamodb", "Scan", 0), ("throttling", "dynamodb", None, 0)]
        for error, service, operation, skip in failures:
            with injected() as faults:
                faults.fail(error, service, operation, skip=skip, times=None)
                with pytest.raises((ClientError, BotoCoreError)):  # the scheduler retries; the alarm counts
                    api.invoke("snapshot", {})
            assert json.loads(fetch(contract.MANIFEST_KEY)) == newer, (error, operation, skip)
            api.cold_start()  # nothing cached from S3: what a new container would serve
            served = api.call("GET", "/results").body
            assert served == newer and intact(served), (error, operation, skip)
