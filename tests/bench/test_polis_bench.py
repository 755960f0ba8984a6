"""The real-data benchmarks: Polis conversations read as Polis exports them, ARI by known values, quick runs."""

import csv
import math

import numpy as np
import pytest

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
    assert -1 <= rows["real groups: plain k-means baseline: adjusted Rand index vs Polis, all"].value <= 1
    [timing] = [r for r in rows.values() if r.name.startswith("real groups: grouping time")]
    assert timing.value > 0 and timing.baseline > 0  # the method and its baseline, timed in the same run


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
    w = polis_sequencing.world(_polis.load("london.youth.policing"))
    policy = polis_sequencing._policy("focus=4,margin=0.03,window=2", w)
    assert policy.keywords["settings"].focus == 4.0 and policy.keywords["settings"].window == 2
    assert polis_sequencing._policy("uniform", w) is polis_sequencing.POLICIES["uniform"]
    with pytest.raises(AssertionError, match="held-out"):
        polis_sequencing.tune(2, ["focus=4"], ["brexit-consensus", _polis.HELD_OUT[0]])


def test_the_group_benchmark_counts_who_polis_grouped_below_its_own_rule():
    r = polis_groups.compare("brexit-consensus")
    assert r.below_rule == 8 and 0 < r.smallest_share <= 0.5  # 8 of the 197 grouped have < 7 exported votes
    assert -1 <= r.ceiling_in_conv <= 1


def test_the_groups_are_found_on_the_proposals_a_snapshot_would_group_on():
    # a snapshot groups on the accepted proposals; Polis zeroes the moderated-out columns
    everything, shown = _polis.load("15-per-hour-seattle", moderated_out=True), _polis.load("15-per-hour-seattle")
    assert polis_groups.votable(everything) == set(shown.comments.astype(str).tolist()) and len(everything.comments) - len(shown.comments) == 23


@pytest.mark.parametrize("truth", [[0, 0, 1, 1, 1], [0, 1, 0, 1, 1, 0], [2, 0, 1, 1, 0, 2, 2], [0, 0, 0, 1]])
def test_the_best_cut_is_the_best_adjusted_rand_index_of_every_prefix_split(truth):
    t = np.array(truth)
    by_hand = max(polis_groups.adjusted_rand(np.arange(len(t)) >= i, t) for i in range(1, len(t)))
    assert polis_groups._best_cut(t) == pytest.approx(by_hand)


def test_polis_groups_are_nearest_centre_groups_on_the_map_polis_stretched():
    # where Polis's final groups are k-means groups on its own map, the stretched read-back gives
    # them back exactly, and agora's unscaled map does not
    c = _polis.load("bg2050-volunteers", moderated_out=True)
    assert polis_groups.agreement(_polis_math.voronoi_ceiling(c, stretched=True), c.groups) == 1.0
    assert polis_groups.agreement(_polis_math.voronoi_ceiling(c), c.groups) < 0.95


def test_no_two_group_labelling_of_the_map_beats_the_line_bound():
    c = _polis.load("brexit-consensus", moderated_out=True)
    s = polis_groups.sample(c)
    bound = polis_groups.line_bound(c, s)
    two = polis_groups.found(s, "plain k-means", polis_groups.votable(c))
    assert two.count == 2 and polis_groups.agreement(two.labels, c.groups) <= bound <= 1
