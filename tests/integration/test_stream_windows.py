"""The embedded poller's tumbling windows (Lambda's semantics) feeding the real score function on moto:
state carried between a window's invocations, a final invocation when it ends, and tallies equal to a
recount when the poller or score crashes on either side of a window boundary."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from agora import contract
from agora.domain.participants import Participant
from agora.domain.tallies import recount
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local import resources
from agora.local.functions import FunctionError
from agora.local.inprocess import REGION, InProcessStack
from agora.local.poller import StreamPoller
from agora.bootstrap import container as services

WINDOW = 120.0
VOTERS = [Participant(f"{i:032x}", 0.0, {"age": ("15-24", "65+")[i % 2]}) for i in range(1, 13)]
PROPOSALS = [f"{i:032x}" for i in range(100, 105)]


class Clock:
    """The poller's clock, moved by the test: a window ends when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000_000 * WINDOW + 1.0  # just after a window boundary

    def __call__(self) -> float:
        return self.now

    def next_window(self) -> None:
        self.now += WINDOW


class Score:
    """score as the poller's invoke: every event is kept; `crash` makes the next matching invocation
    fail, before score runs or after it has returned (its answer lost, as when the poller dies)."""

    def __init__(self, api: InProcessStack) -> None:
        self.api, self.events = api, []
        self.crash: tuple[str, str] | None = None  # ("final" | "batch", "before" | "after")

    def __call__(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        kind = "final" if event.get("isFinalInvokeForWindow") else "batch"
        crash, self.crash = (self.crash, None) if self.crash and self.crash[0] == kind else (None, self.crash)
        if crash and crash[1] == "before":
            raise FunctionError("the container died before score ran")
        response = self.api.invoke("score", event)
        if crash:
            raise FunctionError("the answer was lost after score returned")
        return response


def make_poller(api: InProcessStack, score: Score, clock: Clock, position: Path | None = None, **kw: Any) -> StreamPoller:
    table = api.env[contract.CONTENT.env_var]
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
    sqs, queue = boto3.client("sqs"), api.env[resources.DLQ_ENV]
    send = lambda body: sqs.send_message(QueueUrl=queue, MessageBody=body)  # noqa: E731
    return StreamPoller(streams, arn, score, send, batch_size=25, window_seconds=WINDOW, clock=clock, position_file=position, **kw)


def vote_some(rng: random.Random, n: int) -> None:
    for _ in range(n):
        voter, proposal = rng.choice(VOTERS), rng.choice(PROPOSALS)
        if rng.random() < 0.1:
            services().stores.votes.delete(voter.id, proposal)
        else:
            services().stores.votes.put(Vote(voter.id, proposal, rng.choice(list(VoteKey)), Trust.SEQUENCE, segments=voter.demographics))


def read_all(p: StreamPoller) -> None:
    """Poll until the stream has nothing new (a window may stay open)."""
    for _ in range(100):
        if p.poll_once() == 0:
            return
    raise AssertionError("the stream never drained")


def close_windows(p: StreamPoller, clock: Clock) -> None:
    """Read what is there, let the window end, and poll until every window has closed."""
    for _ in range(10):
        read_all(p)
        clock.next_window()
        p.poll_once()
        if not p.windows:
            return
    raise AssertionError(f"windows still open: {p.windows}, errors: {p.stats.errors}")


def counted() -> Any:
    return services().tallies.tallies.read_all()


def expected() -> Any:
    return recount(services().stores.votes.scan_counted())


@pytest.fixture
def voters(api: InProcessStack) -> None:
    for voter in VOTERS:
        services().stores.participants.put(voter)


def test_a_window_carries_its_state_and_commits_once_it_ends(api, voters):
    score, clock = Score(api), Clock()
    p = make_poller(api, score, clock)
    vote_some(random.Random(1), 80)
    read_all(p)
    batches = [e for e in score.events if e["Records"]]
    assert len(batches) >= 3 and not any(e["isFinalInvokeForWindow"] for e in batches)
    assert batches[0]["state"] == {} and all(e["state"] for e in batches[1:])  # each gets the previous answer's state
    assert counted() == {} and p.windows  # nothing committed while the window is open
    start = (clock.now // WINDOW) * WINDOW
    assert batches[0]["window"]["end"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + WINDOW))

    close_windows(p, clock)
    final = score.events[-1]
    assert final["Records"] == [] and final["isFinalInvokeForWindow"]
    assert final["state"]["records"] == sum(len(e["Records"]) for e in batches)  # the last answer's state: every record held
    assert counted() == expected() and p.stats.windows == 1


def test_a_response_without_state_fails_the_invocation_and_it_is_retried_with_the_same_state(api, voters):
    score, clock = Score(api), Clock()
    answers = iter([{"batchItemFailures": []}])  # the first answer forgets its state
    p = make_poller(api, lambda e: next(answers, None) or score(e), clock)
    vote_some(random.Random(2), 10)
    read_all(p)
    assert "StateMissing" in p.stats.errors[0]
    assert score.events[0]["state"] == {}  # the failed invocation's state, not the one its answer lacked
    close_windows(p, clock)
    assert counted() == expected()


def test_a_failing_final_invocation_holds_the_shard_until_it_succeeds(api, voters):
    score, clock = Score(api), Clock()
    p = make_poller(api, score, clock)
    vote_some(random.Random(3), 30)
    read_all(p)
    score.crash = ("final", "before")
    clock.next_window()
    vote_some(random.Random(4), 30)  # arrives while the window's close fails
    assert p.poll_once() == 0 and p.windows and counted() == {}
    assert "final invocation failed" in p.stats.errors[-1]
    close_windows(p, clock)  # retried: the first window commits, then the second opens and closes
    assert counted() == expected() and p.stats.windows == 2


@pytest.mark.parametrize("redeliver_every", [0, 2])
@pytest.mark.parametrize(
    "crash",
    [("batch", "before"), ("batch", "after"), ("final", "before"), ("final", "after"), ("restart", "mid-window")],
)
def test_a_crash_across_window_boundaries_counts_every_vote_once(api, voters, tmp_path, crash, redeliver_every):
    """Two windows; the second is cut by a crash (score's container, a lost answer, or the whole poller
    stopping mid-window and starting again from its position on disk). Tallies equal a recount."""
    rng, clock, position = random.Random(7), Clock(), tmp_path / "stream-position.json"
    score = Score(api)
    p = make_poller(api, score, clock, position, redeliver_every=redeliver_every)
    vote_some(rng, 40)
    read_all(p)
    close_windows(p, clock)
    assert counted() == expected()

    vote_some(rng, 40)
    if crash[0] == "restart":
        read_all(p)  # the second window holds its votes in the state: then the poller is gone
        assert p.windows and counted() != expected()
        p = make_poller(api, score, clock, position, redeliver_every=redeliver_every)
    else:
        score.crash = crash
    vote_some(rng, 20)
    close_windows(p, clock)
    vote_some(rng, 20)  # a third window after the crash
    close_windows(p, clock)
    assert counted() == expected()
    assert p.stats.dead_lettered == 0
