import numpy as np
import pytest

from agora.domain.sequencing import SequencePool, SequenceSettings, select_sequence


def pool(votes, authors=None):
    ids = [f"p{i}" for i in range(len(votes))]
    return SequencePool.from_counts(ids, {"agree": votes}, authors=authors)


def test_it_serves_the_least_voted_proposals_first():
    chosen = select_sequence(pool([5, 0, 9, 1, 3]), set(), 3, np.random.default_rng(0))
    assert chosen == ["p1", "p3", "p4"]


def test_it_never_serves_what_the_participant_voted_on():
    chosen = select_sequence(pool([0, 0, 0, 0]), {"p0", "p2", "unknown"}, 12, np.random.default_rng(0))
    assert sorted(chosen) == ["p1", "p3"]


def test_it_returns_distinct_ids_and_at_most_size():
    chosen = select_sequence(pool([0] * 50), set(), 12, np.random.default_rng(1))
    assert len(chosen) == 12 and len(set(chosen)) == 12


def test_ties_are_broken_at_random():
    p = pool([0] * 20)
    firsts = {select_sequence(p, set(), 1, np.random.default_rng(seed))[0] for seed in range(30)}
    assert len(firsts) > 5


def test_retired_proposals_are_not_served():
    chosen = select_sequence(pool([10, 2, 10]), set(), 3, np.random.default_rng(0), SequenceSettings(retire_at=10))
    assert chosen == ["p1"]


@pytest.mark.parametrize("size", [0, -1])
def test_no_slots_means_nothing_served(size):
    assert select_sequence(pool([1, 2]), set(), size, np.random.default_rng(0)) == []


def test_an_empty_pool_serves_nothing():
    assert select_sequence(pool([]), set(), 12, np.random.default_rng(0)) == []


def test_counts_must_align_with_ids():
    with pytest.raises(ValueError, match="shape"):
        SequencePool.from_counts(["a", "b"], {"agree": [1]})


def test_the_vote_total_sums_the_three_keys_only():
    p = SequencePool.from_counts(["a"], {"agree": [2], "disagree": [3], "neutral": [1], "like_it": [2]})
    assert p.votes.tolist() == [6]
