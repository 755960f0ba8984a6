"""score's algorithm against an in-memory tally store with DynamoDB's transaction semantics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from agora.adapters.tallies import CheckpointMoved
from agora.domain.participants import Participant
from agora.domain.tallies import Change, TallyRef, recount
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey
from agora.services.scoring import MAX_TALLIES_PER_CHUNK, ScoringService, chunks

SHARD = "shard-1"


class MemoryTallies:
    """All-or-nothing commits conditioned on the checkpoint, like TransactWriteItems; can crash on demand,
    before the transaction takes effect (`crash_on`) or after it did (`crash_after`: the answer was lost)."""

    def __init__(self) -> None:
        self.counters: dict[TallyRef, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.checkpoints: dict[str, int] = {}
        self.transactions = 0
        self.crash_on: set[int] = set()  # transaction numbers that fail before taking effect
        self.crash_after: set[int] = set()  # transaction numbers that take effect, then fail
        self.history: list[int] = [0]  # every checkpoint committed so far
        self.stale_read: int | None = None  # the next checkpoint read returns this older value

    def checkpoint(self, shard_id: str) -> int:
        if self.stale_read is not None:  # a concurrent delivery read the checkpoint before another committed
            stale, self.stale_read = self.stale_read, None
            return stale
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
        self.history.append(checkpoint)
        if self.transactions in self.crash_after:
            raise ConnectionResetError("committed, but the answer was lost")

    def read_all(self):
        return {ref: {k: n for k, n in c.items() if n} for ref, c in self.counters.items() if any(c.values())}


PARTICIPANTS = [f"u{i}" for i in range(8)]
PROPOSALS = [f"p{i}" for i in range(4)]
KINDS = ["vote", "vote", "vote", "withdraw", "qualify", "qualify", "unqualify", "profile", "retry"]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(PARTICIPANTS),
        st.sampled_from(KINDS),
        st.sampled_from(PROPOSALS),
        st.sampled_from(list(VoteKey)),
        st.sets(st.integers(0, 2), max_size=2),
        st.sampled_from(list(Trust)),
        st.sampled_from(["", "a", "b"]),  # a segment value; "" = prefers not to say (a removal, for a profile)
        st.sampled_from(["", "net1", "net2"]),  # the vote's source network
        st.booleans(),  # a fresh voter (registered within the hour)
    ),
    min_size=1,
    max_size=80,
)


def history(operations):
    """The change stream a list of operations produces (with the content table's conditional writes),
    and the items it leaves behind."""
    items: dict[tuple[str, str], Vote | Participant | None] = {}
    changes: list[Change] = []
    last = None
    for op in operations:
        if op[1] == "retry":  # a client repeating its last request after a lost answer
            if last is None:
                continue
            op = last
        last = op
        who, kind, proposal, vk, quals, trust, segment, source, fresh = op
        segments = {"age": segment} if segment else {}
        key = (who, "PROFILE") if kind == "profile" else (who, proposal)
        old = items.get(key)
        if kind == "profile":
            new = Participant(who, 0.0, segments)
        elif kind == "withdraw":
            new = None
        elif kind in ("qualify", "unqualify"):
            if not isinstance(old, Vote):
                continue  # no vote: 409, nothing written
            names = {QUALIFICATIONS[old.key][q] for q in quals}
            chosen = old.qualifications | names if kind == "qualify" else old.qualifications - names
            new = replace(old, qualifications=frozenset(chosen))
        else:
            if isinstance(old, Vote) and old.key is vk:
                continue  # the same key again: the conditional put writes nothing
            chosen = frozenset(QUALIFICATIONS[vk][q] for q in quals)
            new = Vote(who, proposal, vk, trust, chosen, segments, voted_at=7200.0,
                       voter_since=7000.0 if fresh else 1.0, source=source)
        if old == new:
            continue
        items[key] = new
        changes.append(Change(len(changes) + 1, old, new))
    return changes, [i for i in items.values() if i is not None]


DELIVERIES = ["whole", "whole", "bisect", "crash_before", "crash_after", "invocation_lost", "stale"]


@given(OPERATIONS, st.data())
def test_tallies_equal_a_recount_under_any_redelivery_and_crash(operations, data):
    """Votes, key changes, withdrawals, qualifications and their removals, profiles and retried
    requests, delivered in arbitrary batches that are redelivered, bisected, crashed before or after a
    commit, whose answer is lost, or that race a stale concurrent delivery: the tallies (main,
    segments, signals) equal a recount."""
    changes, final = history(operations)
    store = MemoryTallies()
    scoring = ScoringService(store, chunk_limit=data.draw(st.sampled_from([2, 5, MAX_TALLIES_PER_CHUNK])))
    position = 0
    for _ in range(10 * len(changes) + 10):  # Lambda retries until the shard moves on
        if position >= len(changes):
            break
        # Lambda hands over a batch from the current position; sometimes it starts earlier (a redelivery).
        start = max(0, position - data.draw(st.integers(0, 5)))
        batch = changes[start : start + data.draw(st.integers(1, 15))]
        how = data.draw(st.sampled_from(DELIVERIES))
        if how == "bisect":  # the first half on its own, then the whole batch again
            scoring.apply(SHARD, batch[: len(batch) // 2 or 1])
        elif how in ("crash_before", "crash_after"):
            target = store.crash_on if how == "crash_before" else store.crash_after
            target.add(store.transactions + 1 + data.draw(st.integers(0, 2)))
        elif how == "stale":
            store.stale_read = data.draw(st.sampled_from(store.history))
        outcome = scoring.apply(SHARD, batch)
        if how == "invocation_lost":  # the function timed out after its work: the whole batch comes again
            continue
        if outcome.failed_from is None:
            position = max(position, start + len(batch))
        else:  # retried from the first failed record, as with ReportBatchItemFailures
            position = max(position, next(i for i, c in enumerate(changes) if c.sequence == outcome.failed_from))
    assert position >= len(changes), "the shard stopped moving"
    # and a full redelivery of everything changes nothing
    store.crash_on.clear()
    store.crash_after.clear()
    store.stale_read = None
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
