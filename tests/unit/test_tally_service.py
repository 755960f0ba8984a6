"""score's algorithm against the in-memory tally store (tests/fakes.py), with DynamoDB's transaction semantics."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from agora.domain.participants import Participant
from agora.domain.tallies import Change, TallyRef, recount
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey
from agora.services.tallies import MAX_STATE_BYTES, MAX_TALLIES_PER_PART, TallyService, Window, parts
from tests.fakes import FakeTallyStore

SHARD = "shard-1"


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
    requests, delivered in arbitrary batches, within tumbling windows or not, that are redelivered,
    bisected, crashed before or after a commit, a staging or a staged part, whose answer is lost, or
    that race a stale concurrent delivery: the tallies (main, segments, signals) equal a recount."""
    changes, final = history(operations)
    store = FakeTallyStore()
    scoring = TallyService(store, part_limit=data.draw(st.sampled_from([2, 5, MAX_TALLIES_PER_PART])))
    position, window = 0, None
    for _ in range(10 * len(changes) + 10):  # Lambda retries until the shard moves on
        if position >= len(changes) and window is None:
            break
        # Lambda hands over a batch from the current position; sometimes it starts earlier (a redelivery).
        start = max(0, position - data.draw(st.integers(0, 5)))
        batch = changes[start : start + data.draw(st.integers(1, 15))]
        closes = position >= len(changes) or data.draw(st.booleans())  # the window's last invocation
        how = data.draw(st.sampled_from(DELIVERIES))
        if how == "bisect":  # the first half on its own, then the whole batch again
            scoring.apply(SHARD, batch[: len(batch) // 2 or 1], window, closes)
        elif how in ("crash_before", "crash_after"):
            target = store.crash_on if how == "crash_before" else store.crash_after
            target.add(store.transactions + 1 + data.draw(st.integers(0, 2)))
        elif how == "stale":
            store.stale_read = data.draw(st.sampled_from(store.history))
        outcome = scoring.apply(SHARD, batch, window, closes)
        if how == "invocation_lost":  # the function timed out after its work: the whole batch comes again
            continue
        if outcome.failed_from is None and not outcome.errors:
            position, window = max(position, start + len(batch)), outcome.window
        elif outcome.failed_from is not None:  # retried from the first failed record, as with ReportBatchItemFailures
            position = max(position, next(i for i, c in enumerate(changes) if c.sequence == outcome.failed_from))
            window = outcome.window
    assert position >= len(changes) and window is None, "the shard stopped moving"
    # and a full redelivery of everything changes nothing
    store.crash_on.clear()
    store.crash_after.clear()
    store.stale_read = None
    assert scoring.apply(SHARD, changes).committed == 0
    assert store.read_all() == recount(final)


def test_a_hot_proposal_costs_one_write_per_window_not_per_vote():
    votes = [Change(i + 1, None, Vote(f"u{i}", "hot", VoteKey.AGREE, Trust.SEQUENCE)) for i in range(500)]
    store, window = FakeTallyStore(), None
    scoring = TallyService(store)
    for start in range(0, 500, 100):  # five invocations of one window
        outcome = scoring.apply(SHARD, votes[start : start + 100], window, final=start == 400)
        window = outcome.window
    assert window is None and outcome.committed == 500 and store.transactions == 1
    assert store.read_all() == {TallyRef("hot"): {"agree": 500}}


def test_a_window_holds_its_changes_and_hands_them_back_as_lambda_state():
    votes = [Change(i + 1, None, Vote(f"u{i}", f"p{i % 3}", VoteKey.AGREE, Trust.SEQUENCE)) for i in range(30)]
    store = FakeTallyStore()
    outcome = TallyService(store).apply(SHARD, votes, None, final=False)
    assert outcome.held == 30 and store.transactions == 0
    state = outcome.window.state()
    assert Window.from_state(state) == Window(0, 30, 30, outcome.window.tallies, outcome.window.packed)
    closing = TallyService(store).apply(SHARD, [], Window.from_state(state), final=True)
    assert closing.committed == 30 and store.read_all() == {TallyRef(f"p{i}"): {"agree": 10} for i in range(3)}


def test_a_window_commits_before_its_state_outgrows_lambdas_limit():
    rng = random.Random(1)  # random proposal ids compress as badly as real ones
    votes = [Change(i + 1, None, Vote(f"u{i}", f"{rng.getrandbits(128):032x}", VoteKey.AGREE, Trust.SEQUENCE,
                                      segments={"age": str(i % 5)})) for i in range(30_000)]  # fmt: skip
    store = FakeTallyStore()
    outcome = TallyService(store).apply(SHARD, votes, None, final=False)
    assert outcome.window is None and outcome.committed == 30_000  # too big to hold: committed, staged in parts
    assert store.checkpoint(SHARD) == 30_000 and len(store.read_all()) == 60_000
    small = TallyService(FakeTallyStore()).apply(SHARD, votes[:1000], None, final=False)
    assert small.window is not None and len(small.window.state()["tallies"]) < MAX_STATE_BYTES


def test_parts_never_hold_more_tally_items_than_a_transaction_holds():
    votes = [Change(i + 1, None, Vote("u", f"p{i}", VoteKey.AGREE, Trust.SEQUENCE, segments={"age": "a"})) for i in range(300)]
    store = FakeTallyStore()
    outcome = TallyService(store).apply(SHARD, votes)
    cut = parts(store.read_all())
    assert sum(len(p) for p in cut) == 600 and max(len(p) for p in cut) <= MAX_TALLIES_PER_PART
    assert outcome.transactions == 1 + len(cut) and not store.staging and not store.stored_parts


def test_a_failed_staging_is_reported_from_the_first_record_and_counts_nothing():
    votes = [Change(i + 1, None, Vote("u", f"p{i}", VoteKey.AGREE, Trust.SEQUENCE)) for i in range(150)]
    store = FakeTallyStore()
    store.crash_on = {1}
    outcome = TallyService(store).apply(SHARD, votes)
    assert outcome.committed == 0 and outcome.failed_from == 1
    assert store.checkpoint(SHARD) == 0 and store.read_all() == {}


def test_parts_left_by_a_crash_are_applied_by_the_next_delivery_and_counted_once():
    votes = [Change(i + 1, None, Vote("u", f"p{i}", VoteKey.AGREE, Trust.SEQUENCE)) for i in range(150)]
    store = FakeTallyStore()
    store.crash_on = {2}  # staged, then the first part fails
    outcome = TallyService(store).apply(SHARD, votes)
    assert outcome.committed == 150 and outcome.failed_from == 150  # counted; the last record comes again
    assert store.checkpoint(SHARD) == 150 and store.staging
    again = TallyService(store).apply(SHARD, votes[-1:])
    assert again.failed_from is None and again.skipped == 1 and not store.staging
    assert store.read_all() == recount(c.new for c in votes)
