"""The real-data benchmarks: Polis conversations read as Polis exports them, ARI by known values, quick runs."""

import csv
import math

import numpy as np
import pytest

from agora.results import groups
from agora.results.sample import VoteSample
from bench import _polis, _polis_math, polis_groups, polis_sequencing


def test_the_last_votes_are_the_votes_polis_published_per_participant():
    # participants-votes.csv is Polis's own matrix of each participant's standing vote
    c = _polis.load("brexit-consensus", moderated_out=True)
    with open(_polis.DATA / "brexit-consensus" / "participants-votes.csv", newline="") as f:
        published = {(int(r["participant"]), int(k)): int(v) for r in csv.DictReader(f) for k, v in r.items() if k.isdigit() and v != ""}
    ours = {(int(v), int(c.comments[k])): int(x) for v, k, x in zip(c.voter, c.comment, c.vote, strict=True)}
    assert ours == published


def test_comments_moderated_out_are_left_out_of_the_sequencing_world():
    kept, everything = _polis.load("15-per-hour-seattle"), _polis.load("15-per-hour-seattle", moderated_out=True)
    assert len(kept.comments) < len(everything.comments) and set(kept.comments) < set(everything.comments)
    rates = kept.rates()
    assert np.allclose(rates["agree"] + rates["disagree"] + rates["neutral"], 1) and (rates["neutral"] >= 0).all()


def test_comments_arrive_in_their_real_order_at_the_pace_of_the_real_votes():
    c = _polis.load("brexit-consensus")
    w = polis_sequencing.world(c)
    assert (np.diff(w.arrival) >= 0).all() and w.arrival[0] == 0
    assert w.arrival[-1] <= len(c.vote) / 12 < polis_sequencing.budget(c)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [  # values scikit-learn's adjusted_rand_score gives
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 0, 1, 2], [0, 0, 1, 1], 4 / 7),
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
        ([5, 5, 5], [1, 1, 1], 1.0),
    ],
)
def test_adjusted_rand_index_by_known_values(a, b, expected):
    assert polis_groups.adjusted_rand(np.array(a), np.array(b)) == pytest.approx(expected)


def test_the_quick_group_benchmark_compares_with_polis():
    rows = {r.name: r for r in polis_groups.rows(quick=True)}
    ari = rows["real groups: adjusted Rand index vs Polis, all"]
    assert -1 <= ari.value <= 1 and rows["real groups: same group count as Polis, all"].baseline == 2


def test_the_quick_sequencing_benchmark_reports_every_comparison():
    rows = polis_sequencing.rows(quick=True)
    names = " | ".join(r.name for r in rows)
    for fragment in ("consensus top 10 vs uniform", "controversy top 10 vs make.org", "starved"):
        assert fragment in names
    assert all(not math.isnan(r.value) for r in rows)


def test_polis_kmeans_starts_from_the_first_distinct_points_and_drops_empty_clusters():
    x = np.array([[0.0, 0], [0, 0], [10, 0], [0, 1], [10, 1]])
    labels, centres = _polis_math.kmeans(x, 2)
    assert labels.tolist() == [0, 0, 1, 0, 1] and np.allclose(centres, [[0, 1 / 3], [10, 0.5]])
    # weights pull the centre: the point of weight 3 counts three times
    _, centres = _polis_math.kmeans(np.array([[0.0, 0], [1, 0], [9, 0]]), 2, np.array([1.0, 3.0, 1.0]))
    assert np.allclose(centres, [[0.75, 0], [9, 0]])


def test_polis_silhouette_by_hand():
    d = np.array([[0.0, 1, 4], [1, 0, 3], [4, 3, 0]])
    # point 0: a = 1, b = 4; point 1: a = 1, b = 3; point 2 alone scores 0
    assert _polis_math.silhouette(d, np.array([0, 0, 1])) == pytest.approx(((4 - 1) / 4 + (3 - 1) / 3 + 0) / 3)


def test_polis_replayed_groups_every_participant_with_seven_votes_and_nobody_else():
    c = _polis.load("london.youth.policing", moderated_out=True)
    voters, votes = np.unique(c.voter, return_counts=True)
    for replay in (_polis_math.groups(c), _polis_math.replay_updates(c, updates=3)):
        assert set(replay) == set(voters[votes >= 7].tolist()) and 2 <= len(set(replay.values())) <= 5


def test_polis_silhouette_of_a_single_cluster_is_zero():
    assert _polis_math.silhouette(np.array([[0.0, 1], [1, 0]]), np.array([3, 3])) == 0.0


def test_tuning_names_settings_and_refuses_the_held_out_conversations():
    policy = polis_sequencing._policy("focus=4,margin=0.03,window=2")
    assert policy.keywords["settings"].focus == 4.0 and policy.keywords["settings"].window == 2
    assert polis_sequencing._policy("uniform") is polis_sequencing.POLICIES["uniform"]
    with pytest.raises(AssertionError, match="held-out"):
        polis_sequencing.tune(2, ["focus=4"], ["brexit-consensus", _polis.HELD_OUT[0]])


def test_the_group_benchmark_counts_who_polis_grouped_below_its_own_rule():
    r = polis_groups.compare("brexit-consensus")
    assert r.below_rule == 8 and 0 < r.smallest_share <= 0.5  # 8 of the 197 grouped have < 7 exported votes
    assert -1 <= r.ceiling_in_conv <= 1


def crowd_and_minority(people=250, minority=20, proposals=30, seed=0):
    """A crowd spread along one axis of opinion and 8 % who agree with what it rejects."""
    rng = np.random.default_rng(seed)
    votes = []
    for i in range(people):
        lean = rng.uniform(0.3, 0.7)
        for q in rng.choice(proposals, size=18, replace=False):
            if q < 10:
                agree = 0.9 if i < minority else 0.15
            else:
                agree = 0.1 if i < minority and q < 20 else (lean if q < 20 else 0.5)
            votes.append((f"{i:04d}", f"q{q:03d}", "agree" if rng.random() < agree else "disagree"))
    return VoteSample.of(votes, {}, len(votes), True)


def test_the_density_weighted_candidate_finds_a_small_minority_beside_a_crowd():
    found = polis_groups.density_weighted(crowd_and_minority())
    theirs = {found.labels[i] for i in range(20)}
    assert len(theirs) == 1 and found.count == 2
    assert sum(g in theirs for g in found.labels.values()) < 40  # the minority, and few of the crowd


@pytest.mark.parametrize("method", list(polis_groups.CANDIDATES.values()))
def test_a_candidate_is_deterministic_and_its_own_centres_give_its_groups_back(method):
    s = crowd_and_minority(seed=3)
    first, again = method(s), method(s)
    assert first.labels == again.labels and first.count == again.count
    assert method(s, first.centres).labels == first.labels


def test_carried_centres_land_on_the_map_where_their_groups_are():
    s = crowd_and_minority(seed=3)
    found = polis_groups.density_weighted(s)
    m = groups.matrix(s, set(s.proposals))
    mean, centred, components = groups.axes(m)
    x = centred @ components
    ids, votes = found.centres[2]
    w = polis_groups.density_weights(x.astype(np.float64))
    labels = np.array([found.labels[int(s.participants[p])] for p in m.participants])
    expected = [np.average(x[labels == j], axis=0, weights=w[labels == j]) for j in range(2)]
    assert np.allclose(polis_groups._placed(ids, votes, ids, mean, components), expected, atol=1e-4)
    shuffled = np.random.default_rng(1).permutation(len(ids))
    shuffled = np.random.default_rng(1).permutation(len(ids))
    # the same centres listed in another order, plus a proposal this sample does not have
    carried = {2: (np.append(ids[shuffled], "gone"), np.vstack([votes[shuffled], [[1.0, -1.0]]]))}
    assert polis_groups.density_weighted(s, carried).labels == found.labels
