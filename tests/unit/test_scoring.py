"""score's algorithm against an in-memory tally store with DynamoDB's transaction semantics."""

from __future__ import annotations

import random
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.adapters.tallies import CheckpointMoved
from agora.domain.participants import Participant
from agora.domain.tallies import Change, TallyRef, recount
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey
from agora.services.scoring import MAX_TALLIES_PER_CHUNK, ScoringService, chunks

SHARD = "shard-1"


class MemoryTallies:
    """All-or-nothing commits conditioned on the checkpoint, like TransactWriteItems; can crash on demand."""

    def __init__(self) -> None:
        self.counters: dict[TallyRef, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.checkpoints: dict[str, int] = {}
        self.transactions = 0
        self.crash_on: set[int] = set()  # transaction numbers that fail (before taking effect)

    def checkpoint(self, shard_id: str) -> int:
        return self.checkpoints.get(shard_id, 0)

    def commit(self, shard_id, changes, expected, checkpoint):
        assert len(changes) <= MAX_TALLIES_PER_CHUNK
        self.transactions += 1
        if self.transactions in self.crash_on:
            raise TimeoutError("simulated crash")
        if self.checkpoints.get(shard_id, 0) != expected:
            raise CheckpointMoved(shard_id)
        for ref, counters in changes.items():
            for name, n in counters.items():
                self.counters[ref][name] += n
        self.checkpoints[shard_id] = checkpoint

    def read_all(self):
        return {ref: {k: n for k, n in c.items() if n} for ref, c in self.counters.items() if any(c.values())}


PARTICIPANTS = [f"u{i}" for i in range(6)]
PROPOSALS = [f"p{i}" for i in range(4)]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(PARTICIPANTS),
        st.sampled_from(["vote", "vote", "vote", "withdraw", "profile"]),
        st.sampled_from(PROPOSALS),
        st.sampled_from(list(VoteKey)),
        st.sets(st.integers(0, 2), max_size=2),
        st.sampled_from(list(Trust)),
        st.sampled_from(["", "a", "b"]),
    ),
    min_size=1,
    max_size=60,
)


def history(operations):
    """The change stream a list of operations produces, and the items it leaves behind."""
    items: dict[tuple[str, str], Vote | Participant | None] = {}
    changes: list[Change] = []
    for who, kind, proposal, vk, quals, trust, segment in operations:
        segments = {"age": segment} if segment else {}
        if kind == "profile":
            key, new = (who, "PROFILE"), Participant(who, 0.0, segments)
        elif kind == "withdraw":
            key, new = (who, proposal), None
        else:
            chosen = frozenset(QUALIFICATIONS[vk][q] for q in quals)
            key, new = (who, proposal), Vote(who, proposal, vk, trust, chosen, segments)
        old = items.get(key)
        if old is None and new is None:
            continue
        items[key] = new
        changes.append(Change(len(changes) + 1, old, new))
    return changes, [i for i in items.values() if i is not None]


@given(OPERATIONS, st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.large_base_example])
def test_tallies_equal_a_recount_under_any_redelivery_and_crash(operations, rnd: random.Random):
    changes, final = history(operations)
    store = MemoryTallies()
    scoring = ScoringService(store)
    position = 0
    while position < len(changes):
        # Lambda hands over a batch from the current position; sometimes it starts earlier (a redelivery).
        start = max(0, position - rnd.randrange(0, 5))
        batch = changes[start : start + rnd.randrange(1, 15)]
        if rnd.random() < 0.2:
            store.crash_on.add(store.transactions + 1 + rnd.randrange(0, 2))
        outcome = scoring.apply(SHARD, batch)
        if outcome.failed_from is None:
            position = max(position, start + len(batch))
        else:  # retried from the first failed record, as with ReportBatchItemFailures
            position = max(position, next(i for i, c in enumerate(changes) if c.sequence == outcome.failed_from))
    # and a full redelivery of everything changes nothing
    assert scoring.apply(SHARD, changes).committed == 0
    assert store.read_all() == recount(final)


def test_a_hot_proposal_costs_one_write_per_chunk_not_per_vote():
    votes = [Change(i + 1, None, Vote(f"u{i}", "hot", VoteKey.AGREE, Trust.SEQUENCE)) for i in range(500)]
    store = MemoryTallies()
    outcome = ScoringService(store).apply(SHARD, votes)
    assert outcome.committed == 500 and outcome.transactions == 1
    assert store.read_all() == {TallyRef("hot"): {"agree": 500}}


def test_chunks_never_touch_more_tally_items_than_a_transaction_holds():
    votes = [Change(i + 1, None, Vote("u", f"p{i}", VoteKey.AGREE, Trust.SEQUENCE, segments={"age": "a"})) for i in range(300)]
    cut = list(chunks(votes))
    assert sum(len(c) for c in cut) == 300
    for chunk in cut:
        touched = {ref for change in chunk for ref, _ in change.delta}
        assert len(touched) <= MAX_TALLIES_PER_CHUNK


def test_a_failed_chunk_is_reported_from_its_first_record_and_nothing_after_it_counts():
    votes = [Change(i + 1, None, Vote("u", f"p{i}", VoteKey.AGREE, Trust.SEQUENCE)) for i in range(150)]
    store = MemoryTallies()
    store.crash_on = {2}
    outcome = ScoringService(store).apply(SHARD, votes)
    first_chunk = next(chunks(votes))
    assert outcome.committed == len(first_chunk)
    assert outcome.failed_from == votes[len(first_chunk)].sequence
    assert store.checkpoint(SHARD) == first_chunk[-1].sequence
