from agora.domain.participants import Participant
from agora.domain.tallies import PARTICIPANTS, UNTRUSTED, Change, TallyRef, coalesce, delta, recount
from agora.domain.votes import Trust, Vote, VoteKey

P = "p" * 32


def vote(key=VoteKey.AGREE, trust=Trust.SEQUENCE, quals=(), segments=None, who="alice"):
    return Vote(who, P, key, trust, frozenset(quals), segments or {})


def test_a_new_vote_adds_one_to_its_key():
    assert delta(None, vote()) == {(TallyRef(P), "agree"): 1}


def test_the_same_vote_again_changes_nothing():
    assert delta(vote(), vote()) == {}


def test_changing_the_key_moves_one_vote_and_drops_the_old_qualifications():
    old = vote(VoteKey.AGREE, quals=["like_it"])
    new = vote(VoteKey.DISAGREE)
    assert delta(old, new) == {
        (TallyRef(P), "agree"): -1,
        (TallyRef(P), "like_it"): -1,
        (TallyRef(P), "disagree"): 1,
    }


def test_withdrawing_removes_everything_the_vote_counted():
    old = vote(quals=["like_it", "doable"], segments={"age": "25-34"})
    d = delta(old, None)
    assert d[(TallyRef(P), "agree")] == -1
    assert d[(TallyRef(P, "age", "25-34"), "doable")] == -1
    assert all(n == -1 for n in d.values())


def test_untrusted_votes_are_counted_apart_and_never_by_key_or_segment():
    d = delta(None, vote(trust=Trust.UNTRUSTED, quals=["like_it"], segments={"age": "65+"}))
    assert d == {(TallyRef(P), UNTRUSTED): 1}


def test_segment_votes_count_in_the_total_and_in_each_declared_segment():
    d = delta(None, vote(segments={"age": "15-24", "department": "29"}))
    assert d == {
        (TallyRef(P), "agree"): 1,
        (TallyRef(P, "age", "15-24"), "agree"): 1,
        (TallyRef(P, "department", "29"), "agree"): 1,
    }


def test_a_visitor_counts_only_once_they_take_part_then_for_the_consultation_and_their_segments():
    visitor = Participant("bob", 0.0, {"age": "25-34"})
    before = Participant("bob", 0.0, {"age": "25-34"}, took_part_at=5.0)
    after = Participant("bob", 0.0, {"age": "35-49"}, took_part_at=5.0)
    assert delta(None, visitor) == {}
    assert delta(visitor, before) == {(TallyRef(), PARTICIPANTS): 1, (TallyRef(None, "age", "25-34"), PARTICIPANTS): 1}
    assert delta(before, None) == {(TallyRef(), PARTICIPANTS): -1, (TallyRef(None, "age", "25-34"), PARTICIPANTS): -1}
    assert delta(before, after) == {
        (TallyRef(None, "age", "25-34"), PARTICIPANTS): -1,
        (TallyRef(None, "age", "35-49"), PARTICIPANTS): 1,
    }


def test_summing_the_deltas_of_any_history_gives_the_recount_of_the_final_items():
    history = [
        (None, vote(who="a")),
        (vote(who="a"), vote(VoteKey.NEUTRAL, who="a")),
        (None, vote(VoteKey.DISAGREE, who="b", quals=["no_way"])),
        (vote(VoteKey.DISAGREE, who="b", quals=["no_way"]), None),
        (None, vote(who="c", segments={"age": "65+"})),
    ]
    final = [vote(VoteKey.NEUTRAL, who="a"), vote(who="c", segments={"age": "65+"})]
    assert coalesce(Change(i, old, new).delta for i, (old, new) in enumerate(history)) == recount(final)


def test_coalescing_drops_counters_that_cancel_out():
    assert coalesce([delta(None, vote()), delta(vote(), None)]) == {}


def test_fresh_voters_and_sampled_sources_are_tallied_as_signals_of_trusted_votes_only():
    from agora.domain.tallies import FRESH, SAMPLED, SOURCE, SOURCE_SAMPLING, source_sampled

    sampled = next(f"v{i}" for i in range(100) if source_sampled(f"v{i}"))
    other = next(f"v{i}" for i in range(100) if not source_sampled(f"v{i}"))
    fresh = Vote(sampled, P, VoteKey.AGREE, Trust.SEQUENCE, voted_at=1000.0, voter_since=900.0, source="abc")
    assert delta(None, fresh) == {
        (TallyRef(P), "agree"): 1,
        (TallyRef(P), SAMPLED): 1,
        (TallyRef(P, FRESH, "1"), "agree"): 1,
        (TallyRef(P, SOURCE, "abc"), "agree"): 1,
    }
    unsampled = Vote(other, P, VoteKey.AGREE, Trust.SEQUENCE, voted_at=1000.0, voter_since=900.0, source="abc")
    assert delta(None, unsampled) == {(TallyRef(P), "agree"): 1, (TallyRef(P, FRESH, "1"), "agree"): 1}
    share = sum(source_sampled(f"{i:032x}") for i in range(8000)) / 8000
    assert abs(share - 1 / SOURCE_SAMPLING) < 0.02
    settled = Vote("x", P, VoteKey.AGREE, Trust.SEQUENCE, voted_at=10_000.0, voter_since=900.0)
    assert delta(None, settled) == {(TallyRef(P), "agree"): 1}
    untrusted = Vote("x", P, VoteKey.AGREE, Trust.UNTRUSTED, voted_at=1000.0, voter_since=900.0, source="abc")
    assert delta(None, untrusted) == {(TallyRef(P), UNTRUSTED): 1}
