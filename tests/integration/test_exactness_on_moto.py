"""Exact tallies on the real adapters: VoteStore and ParticipantStore write to moto, moto's stream carries the
records, and the score handler counts them, delivered in arbitrary batches, redelivered, bisected,
crashed before or after a commit, or racing a stale concurrent delivery.

The in-memory version of this property (tests/unit/test_tally_service.py) runs hundreds of examples of the
algorithm; this one runs fewer, slower examples end to end through boto3, moto's conditional writes and
its stream images, so a mismatch between the adapters and the algorithm's assumptions shows up here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agora import contract
from agora.domain.participants import Participant
from agora.domain.tallies import recount
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey
from agora.local import poller, resources
from agora.local.inprocess import REGION, InProcessStack
from agora.bootstrap import container as services
from tests.conftest import examples

PARTICIPANTS = [f"{i:032x}" for i in range(1, 7)]
PROPOSALS = [f"{i:032x}" for i in range(100, 104)]
AGES = ["", "15-24", "65+"]  # "" = prefers not to say

OPERATION = st.tuples(
    st.sampled_from(["register", "vote", "vote", "vote", "withdraw", "qualify", "qualify", "unqualify", "profile", "retry"]),
    st.sampled_from(PARTICIPANTS),
    st.sampled_from(PROPOSALS),
    st.sampled_from(list(VoteKey)),
    st.integers(0, 2),  # which qualification of the key
    st.sampled_from(list(Trust)),
    st.sampled_from(AGES),
    st.sampled_from(["", "src-a", "src-b"]),
)
ROUNDS = st.lists(st.lists(OPERATION, min_size=1, max_size=12), min_size=1, max_size=4)
DELIVERIES = ["whole", "whole", "bisect", "crash_before", "crash_after", "invocation_lost", "stale"]
_tables = itertools.count()


@pytest.fixture(scope="module")
def stack() -> Iterator[InProcessStack]:
    with InProcessStack(prefix="prop") as running:
        yield running


class Faults:
    """Crashes injected around TallyStore.commit, and stale checkpoint reads, on score's own store."""

    def __init__(self) -> None:
        self.tallies = services().tallies.tallies
        self.real_commit, self.real_checkpoint = self.tallies.commit, self.tallies.checkpoint
        self.commits = 0
        self.crash_before: set[int] = set()
        self.crash_after: set[int] = set()
        self.stale: int | None = None
        self.committed = [0]  # every checkpoint committed, for stale reads
        self.tallies.commit = self.commit
        self.tallies.checkpoint = self.checkpoint

    def commit(self, shard_id: str, changes: Any, expected: int, checkpoint: int) -> None:
        self.commits += 1
        if self.commits in self.crash_before:
            raise TimeoutError("crashed before the transaction")
        self.real_commit(shard_id, changes, expected=expected, checkpoint=checkpoint)
        self.committed.append(checkpoint)
        if self.commits in self.crash_after:
            raise ConnectionResetError("the transaction committed, its answer was lost")

    def checkpoint(self, shard_id: str) -> int:
        if self.stale is not None:
            stale, self.stale = self.stale, None
            return stale
        return self.real_checkpoint(shard_id)

    def clear(self) -> None:
        self.crash_before.clear()
        self.crash_after.clear()
        self.stale = None


class Stream:
    """The content table's stream, read as the event source mapping would (filtered)."""

    def __init__(self, table: str) -> None:
        self.arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self.client = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
        [shard] = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.shard = shard["ShardId"]
        self.records: list[dict[str, Any]] = []
        self._after: str | None = None

    def read(self) -> None:
        while True:
            position = {"ShardIteratorType": "TRIM_HORIZON"} if self._after is None else {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self._after}
            iterator = self.client.get_shard_iterator(StreamArn=self.arn, ShardId=self.shard, **position)["ShardIterator"]
            records = self.client.get_records(ShardIterator=iterator, Limit=1000)["Records"]
            if not records:
                return
            self._after = records[-1]["dynamodb"]["SequenceNumber"]
            self.records += [{**r, "eventSourceARN": self.arn} for r in records if poller.wanted(r)]


def fresh_tables(stack: InProcessStack) -> tuple[str, str]:
    """A new content and tallies table for one example, so examples stay independent (and shrinkable)."""
    n = next(_tables)
    db = boto3.client("dynamodb")
    names = {}
    for table in (contract.CONTENT, contract.TALLIES):
        name = f"ex{n}-{table.logical_id.lower()}"
        db.create_table(**resources.table_definition(table, name))
        names[table.env_var] = name
    stack._set(names)
    stack.cold_start()
    return names[contract.CONTENT.env_var], names[contract.TALLIES.env_var]


def apply(op: tuple, profiles: dict[str, dict[str, str]]) -> None:
    """One request's write, as the services make it (a vote carries its voter's segments, as the token does)."""
    kind, pid, proposal, key, q, trust, age, source = op
    participants, votes = services().stores.participants, services().stores.votes
    if kind == "register":
        if pid not in profiles:
            profiles[pid] = {"age": age} if age else {}
            participants.put(Participant(pid, 1000.0, profiles[pid]))
    elif kind == "profile":
        if pid in profiles:
            profiles[pid] = {"age": age} if age else {}
            participants.set_demographics(pid, profiles[pid])
    elif kind == "vote":
        segments = profiles.get(pid, {}) if trust is Trust.SEQUENCE else {}
        votes.put(Vote(pid, proposal, key, trust, segments=segments, voted_at=5000.0,
                       voter_since=1000.0 if q else 4000.0, source=source))
    elif kind == "withdraw":
        votes.delete(pid, proposal)
    elif kind == "qualify":
        votes.qualify(pid, proposal, QUALIFICATIONS[key][q], key)
    elif kind == "unqualify":
        votes.unqualify(pid, proposal, QUALIFICATIONS[key][q])


def deliver(stack: InProcessStack, stream: Stream, faults: Faults, position: int, data: st.DataObject, until: int) -> int:
    """Hand score batches from `position` the way Lambda might, until `until` records were acknowledged."""
    records = stream.records
    for _ in range(20 * len(records) + 20):  # retries are bounded; a shard that stops moving fails below
        if position >= until:
            break
        start = max(0, position - data.draw(st.integers(0, 4), label="redeliver from earlier"))
        batch = records[start : start + data.draw(st.integers(1, 25), label="batch size")]
        how = data.draw(st.sampled_from(DELIVERIES), label="delivery")
        if how == "bisect":
            invoke(stack, stream, batch[: len(batch) // 2 or 1])
        elif how in ("crash_before", "crash_after"):
            target = faults.crash_before if how == "crash_before" else faults.crash_after
            target.add(faults.commits + 1 + data.draw(st.integers(0, 2), label="which commit"))
        elif how == "stale":
            faults.stale = data.draw(st.sampled_from(faults.committed), label="stale checkpoint")
        response = invoke(stack, stream, batch)
        if how == "invocation_lost":  # the function timed out after its work: the whole batch comes again
            continue
        failures = response["batchItemFailures"]
        if not failures:
            position = max(position, start + len(batch))
        else:
            failed = failures[0]["itemIdentifier"]
            position = max(position, next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] == failed))
    assert position >= until, "the shard stopped moving"
    return position


def invoke(stack: InProcessStack, stream: Stream, batch: list[dict[str, Any]]) -> dict[str, Any]:
    return stack.invoke("score", {"Records": batch, "shardId": stream.shard, "eventSourceARN": stream.arn, "state": {}})


@settings(max_examples=examples(0.15))
@given(rounds=ROUNDS, data=st.data())
def test_tallies_on_moto_equal_a_recount_under_any_delivery(stack, rounds, data):
    """Rounds of writes interleaved with partial deliveries of the stream; at the end every record is
    delivered, and the tallies table equals a recount of the content table, then survives a full replay."""
    content_table, _ = fresh_tables(stack)
    stream, faults, profiles = Stream(content_table), Faults(), {}
    position, last = 0, None
    for ops in rounds:
        for op in ops:
            if op[0] == "retry":  # the client lost the answer and sends the same request again
                if last is None:
                    continue
                op = last
            apply(op, profiles)
            last = op
        stream.read()
        position = deliver(stack, stream, faults, position, data, data.draw(st.integers(0, len(stream.records))))
    position = deliver(stack, stream, faults, position, data, len(stream.records))
    faults.clear()
    tallies = services().tallies.tallies
    expected = recount(services().stores.votes.scan_counted())
    assert tallies.read_all() == expected
    assert invoke(stack, stream, stream.records)["batchItemFailures"] == []  # a full replay counts nothing twice
    assert tallies.read_all() == expected
