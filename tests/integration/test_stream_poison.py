"""A poison stream record on the embedded stack's poller (Lambda's event source mapping semantics):
it lands in the on-failure queue after bounded retries, alone, and the records after it are counted."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from agora import contract
from agora.adapters import items
from agora.domain.participants import Participant
from agora.domain.tallies import recount
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local import resources
from agora.local.inprocess import REGION, InProcessStack
from agora.local.poller import StreamPoller
from agora.bootstrap import container as services

VOTERS = [f"{i:032x}" for i in range(1, 31)]
PROPOSALS = [f"{i:032x}" for i in range(100, 104)]


def vote(n: int, key: VoteKey = VoteKey.AGREE) -> Vote:
    return Vote(VOTERS[n % len(VOTERS)], PROPOSALS[n % len(PROPOSALS)], key, Trust.SEQUENCE, segments={"age": "65+"})


def poison(n: int) -> dict[str, Any]:
    """A vote item no version of score can read (a key that does not exist), as a bad manual fix would leave."""
    item = items.vote_item(vote(n), services().stores.votes.expires_at)
    item["key"] = {"S": "maybe"}
    return item


@pytest.fixture
def poller(api: InProcessStack) -> tuple[StreamPoller, list[dict[str, Any]]]:
    table = api.env[contract.CONTENT.env_var]
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
    sqs, queue = boto3.client("sqs"), api.env[resources.DLQ_ENV]
    invocations: list[dict[str, Any]] = []

    def invoke(event: dict[str, Any]) -> Any:
        invocations.append(event)
        return api.invoke("score", event)

    clock = iter(range(0, 10**9, contract.SCORE_WINDOW_SECONDS))  # each pass in a window of its own
    p = StreamPoller(
        streams, arn, invoke, lambda body: sqs.send_message(QueueUrl=queue, MessageBody=body), batch_size=100, max_retries=2,
        clock=lambda: next(clock),
    )  # fmt: skip
    return p, invocations


def drain(p: StreamPoller) -> None:
    for _ in range(50):
        if p.poll_once() == 0 and not p.windows:
            return
    raise AssertionError("the stream never drained")


def dead_letters(api: InProcessStack) -> list[dict[str, Any]]:
    out = boto3.client("sqs").receive_message(QueueUrl=api.env[resources.DLQ_ENV], MaxNumberOfMessages=10)
    return [json.loads(m["Body"])["DDBStreamBatchInfo"] for m in out.get("Messages", [])]


def good_items() -> list[Any]:
    db, table = boto3.client("dynamodb"), services().stores.votes.table
    counted = []
    for raw in db.scan(TableName=table)["Items"]:
        if raw.get("key", {}).get("S") == "maybe":
            continue
        counted.append(items.counted_from(raw))
    return counted


@pytest.mark.parametrize("position", [0, 17, 39])
def test_a_poison_record_goes_alone_to_the_dead_letter_queue_and_the_rest_is_counted(api, poller, position):
    p, invocations = poller
    db, table = boto3.client("dynamodb"), services().stores.votes.table
    services().stores.participants.put(Participant(VOTERS[0], 1.0, {"age": "65+"}))
    for n in range(40):  # one batch: the poison among good records, before and after it
        if n == position:
            db.put_item(TableName=table, Item=poison(n))
        else:
            services().stores.votes.put(vote(n, VoteKey.AGREE if n % 3 else VoteKey.DISAGREE))
    drain(p)
    [letter] = dead_letters(api)
    assert letter["batchSize"] == 1 and letter["startSequenceNumber"] == letter["endSequenceNumber"]
    [poison_record] = [r for e in invocations for r in e["Records"] if r["dynamodb"].get("NewImage", {}).get("key") == {"S": "maybe"}][:1]
    assert letter["startSequenceNumber"] == poison_record["dynamodb"]["SequenceNumber"]
    # bounded: bisected down to it (at most log2 of the batch), then at most max_retries + 1 tries
    alone = sum(1 for e in invocations if e["Records"] == [poison_record])
    assert 1 <= alone <= p.max_retries + 1
    assert sum(1 for e in invocations if poison_record in e["Records"]) <= alone + 7
    assert services().tallies.tallies.read_all() == recount(good_items())

    # the shard is not blocked: later writes are counted too
    for n in range(40, 60):
        services().stores.votes.put(vote(n, VoteKey.NEUTRAL))
    drain(p)
    assert services().tallies.tallies.read_all() == recount(good_items())
    assert dead_letters(api) == []
    assert p.stats.dead_lettered == 1
