"""Opinion groups: selection, projection, clustering, the stability rule, and Polis's formulas by hand."""

import numpy as np
import pytest

from agora.results import groups as g
from agora.results.groups import Choice, Groups, Matrix, cluster, group_consensus, opinion_groups, representative, silhouettes
from agora.results.sample import VoteSample


def two_camps(people=60, proposals=20, seed=3):
    """Half the participants agree with the even proposals and reject the odd ones; the other half the reverse."""
    rng = np.random.default_rng(seed)
    votes = []
    for i in range(people):
        for q in rng.choice(proposals, size=12, replace=False):
            likes = (q % 2 == 0) == (i < people // 2)
            key = "agree" if likes == (rng.random() < 0.9) else "disagree"
            votes.append((f"p{i:03d}", f"q{q:03d}", key))
    return VoteSample.of(votes, {}, len(votes), True)


def test_the_matrix_keeps_active_participants_on_votable_proposals(monkeypatch):
    votes = [(f"p{i}", f"q{j}", "agree") for i in range(3) for j in range(8 - i)] + [("p0", "refused", "disagree")]
    s = VoteSample.of(votes, {}, len(votes), True)
    m = g.matrix(s, {f"q{j}" for j in range(8)})
    # p2 has 6 votes, under Polis's 7; the refused proposal is not a column
    assert [s.participants[i] for i in m.participants] == ["p0", "p1"]
    assert [s.proposals[j] for j in m.proposals] == [f"q{j}" for j in range(8)]
    assert m.voted.sum() == 15 and (m.choice[m.voted] == 1).all()
    monkeypatch.setattr(g, "MAX_PROPOSALS", 7)
    # the 7 most voted proposals (q7 has a single vote); p1 keeps 7 votes, p0 its 7 on them
    m = g.matrix(s, {f"q{j}" for j in range(8)})
    assert [s.proposals[j] for j in m.proposals] == [f"q{j}" for j in range(7)] and len(m.participants) == 2


def test_with_fewer_proposals_than_min_votes_a_vote_on_each_is_enough():
    # Polis's in-conv rule, min(7, comments): 5 proposals, so 5 votes count and 4 do not
    votes = [(f"p{i}", f"q{j}", "agree" if (i + j) % 2 else "disagree") for i in range(6) for j in range(5 - (i == 5))]
    s = VoteSample.of(votes, {}, len(votes), True)
    m = g.matrix(s, set(s.proposals))
    assert [s.participants[i] for i in m.participants] == [f"p{i}" for i in range(5)]
    found = opinion_groups(s, set(s.proposals), Choice())
    assert found is not None and np.array_equal(found.matrix.participants, m.participants)
    assert found.count >= 2 and found.seen.sum() == m.voted.sum() == 25


def test_vote_keys_become_plus_one_minus_one_and_zero():
    votes = [("a", f"q{j}", k) for j, k in enumerate(["agree", "disagree", "neutral"] * 3)]
    s = VoteSample.of(votes, {}, len(votes), True)
    m = g.matrix(s, set(s.proposals))
    assert sorted(m.choice[0].tolist()) == [-1.0] * 3 + [0.0] * 3 + [1.0] * 3


def test_two_camps_are_found_and_the_same_sample_gives_the_same_groups():
    s = two_camps()
    first = opinion_groups(s, set(s.proposals), Choice())
    again = opinion_groups(s, set(s.proposals), Choice())
    assert first is not None and again is not None
    assert first.count == 2 and np.array_equal(first.labels, again.labels)
    camp = np.array([int(s.participants[i][1:]) < 30 for i in first.matrix.participants])
    assert len(set(zip(camp, first.labels))) == 2  # each camp is one group


def test_groups_are_numbered_by_size():
    x = np.array([[0.0, 0.0]] * 3 + [[10.0, 0.0]] * 5)
    assert cluster(x, 2).tolist() == [1, 1, 1, 0, 0, 0, 0, 0]


def test_silhouette_by_hand():
    # points 0, 1, 10, 11 in two pairs: a = 1; b = 10.5, 9.5, 9.5, 10.5
    x = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    expected = (2 * (9.5 / 10.5) + 2 * (8.5 / 9.5)) / 4
    assert silhouettes(x, {2: np.array([0, 0, 1, 1])})[2] == pytest.approx(expected)


def test_the_group_count_changes_only_after_winning_four_snapshots_in_a_row():
    c = Choice().after(3)
    assert c == Choice(3)
    c = c.after(2).after(2).after(2)
    assert c.count == 3 and (c.challenger, c.wins) == (2, 3)
    assert c.after(4) == Choice(3, 4, 1)  # another challenger starts over
    assert c.after(3) == Choice(3)
    assert c.after(2) == Choice(2)
    assert Choice.of(Choice(3, 2, 1).record()) == Choice(3, 2, 1) and Choice.of(None) == Choice()


def made_up_groups(agree, seen):
    m = Matrix(np.arange(2), np.arange(np.shape(agree)[1]), np.zeros((2, 1)), np.zeros((2, 1), dtype=bool))
    agree, seen = np.array(agree, dtype=float), np.array(seen, dtype=float)
    return Groups(m, np.zeros((2, 2)), np.array([0, 1]), {}, Choice(2), agree, np.zeros_like(agree), seen)


def test_representative_proposals_by_hand():
    # group 0: 9 of 10 agree; the rest: 1 of 10. Smoothed 10/12 and 2/12, pooled 12/24:
    # z = (10/12 − 2/12) / √(½·½·(1/12 + 1/12)) = 3.265986
    groups = made_up_groups([[9], [1]], [[10], [10]])
    [rep] = representative(groups, 0, min_voters=10)
    assert rep.direction == "agree" and rep.z == pytest.approx(3.265986)
    assert (rep.group_share, rep.rest_share) == (pytest.approx(10 / 12), pytest.approx(2 / 12))
    assert representative(groups, 0, min_voters=11) == []  # too few voters to publish


def test_group_informed_consensus_by_hand():
    groups = made_up_groups([[9], [4]], [[10], [8]])
    assert group_consensus(groups, np.array([True, True]))[0] == pytest.approx(10 / 12 * 5 / 10)
    assert group_consensus(groups, np.array([True, False]))[0] == pytest.approx(10 / 12)


def test_too_small_a_sample_has_no_groups():
    s = VoteSample.of([("a", "q1", "agree")], {}, 1, True)
    assert opinion_groups(s, {"q1"}, Choice()) is None


def test_a_handful_of_outliers_join_the_nearest_real_group():
    # 60 and 40 participants in two crowds, and 2 far away: a cluster of 2 is not an opinion group
    x = np.array([[0.0, 0.0]] * 60 + [[10.0, 0.0]] * 40 + [[100.0, 0.0]] * 2)
    labels = g.without_outliers(x, np.array([0] * 60 + [1] * 40 + [2] * 2))
    assert labels.tolist() == [0] * 60 + [1] * 42
    kept = np.array([0] * 60 + [1] * 40 + [2] * 2)
    assert g.without_outliers(x[:50], kept[:50]).tolist() == kept[:50].tolist()  # nothing small: unchanged


def three_camps(people=90, proposals=30, seed=4):
    """Three camps, each agreeing with its own third of the proposals and rejecting the rest."""
    rng = np.random.default_rng(seed)
    votes = []
    for i in range(people):
        for q in rng.choice(proposals, size=15, replace=False):
            likes = q % 3 == i % 3
            key = "agree" if likes == (rng.random() < 0.9) else "disagree"
            votes.append((f"p{i:03d}", f"q{q:03d}", key))
    return VoteSample.of(votes, {}, len(votes), True)


def test_three_clear_camps_are_three_groups_and_a_small_gain_does_not_add_one(monkeypatch):
    s = three_camps()
    found = opinion_groups(s, set(s.proposals), Choice())
    assert found is not None and found.count == 3
    camp = np.array([int(s.participants[i][1:]) % 3 for i in found.matrix.participants])
    assert len(set(zip(camp, found.labels))) == 3
    # the same sample, if three groups had to beat two by more than they do, stays at two
    monkeypatch.setattr(g, "SILHOUETTE_MARGIN", found.silhouettes[3] - found.silhouettes[2] + 0.01)
    assert opinion_groups(s, set(s.proposals), Choice()).count == 2


def test_participants_who_all_voted_alike_do_not_break_the_snapshot():
    # Four citizens agreeing with the same three proposals: no second group to compare with, and the
    # silhouette must not turn that into NaN (it once failed every snapshot of the embedded demo).
    votes = [(f"p{i}", f"q{j}", "agree") for i in range(4) for j in range(3)]
    s = VoteSample.of(votes, {}, len(votes), True)
    found = opinion_groups(s, set(s.proposals), Choice())
    assert found is None or all(np.isfinite(q) for q in found.silhouettes.values())


def crowd_and_minority(people=250, minority=20, proposals=30, seed=0, share=1.0):
    """A crowd spread along one axis of opinion, and 8 % who agree with what it rejects; the
    first `share` of the votes in a random order of casting."""
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
    votes = [votes[i] for i in rng.permutation(len(votes))[: int(share * len(votes))]]
    return VoteSample.of(votes, {}, len(votes), True)


def minority_group(found: Groups, s: VoteSample, minority: int = 20) -> tuple[set[int], int]:
    """The groups the planted minority fell in, and how many of the crowd share them."""
    planted = np.array([int(s.participants[p]) < minority for p in found.matrix.participants])
    theirs = set(found.labels[planted].tolist())
    return theirs, int((np.isin(found.labels, list(theirs)) & ~planted).sum())


def test_a_small_minority_beside_a_spread_crowd_is_one_group_of_its_own():
    s = crowd_and_minority()
    found = opinion_groups(s, set(s.proposals), Choice())
    theirs, crowd_with_them = minority_group(found, s)
    assert found.count == 2 and len(theirs) == 1 and crowd_with_them < 20
    # plain k-means cuts the spread crowd in two instead, the minority lost in one half
    plain = opinion_groups(s, set(s.proposals), Choice(), g.plain_kmeans)
    assert minority_group(plain, s)[1] > 60


def test_each_count_keeps_the_labelling_that_separates_better():
    s = crowd_and_minority()
    found = opinion_groups(s, set(s.proposals), Choice())
    x, counts = found.coords, [2, 3, 4, 5]
    plain = silhouettes(x, g.labellings(x, counts))
    weighted = silhouettes(x, g.labellings(x, counts, g.density_weights(x), restarts=g.DENSITY_RESTARTS))
    assert found.silhouettes == {k: max(plain.get(k, -1), weighted.get(k, -1)) for k in plain.keys() | weighted.keys()}
    assert weighted[2] > plain[2]  # the two groups above are the weighted ones


def test_the_groups_are_the_same_for_the_same_sample_even_past_the_silhouette_bound(monkeypatch):
    s = crowd_and_minority(seed=3)
    monkeypatch.setattr(g, "SILHOUETTE_POINTS", 60)
    first, again = opinion_groups(s, set(s.proposals), Choice()), opinion_groups(s, set(s.proposals), Choice())
    assert np.array_equal(first.labels, again.labels) and first.silhouettes == again.silhouettes
    theirs, crowd_with_them = minority_group(first, s)
    assert first.count == 2 and len(theirs) == 1 and crowd_with_them < 20  # a fraction of the map still finds them


def test_the_binned_density_is_the_kernel_sum_within_a_fraction_of_a_percent():
    rng = np.random.default_rng(5)
    x = np.vstack([rng.normal(0, 1, (400, 2)), rng.normal((4, 1), 0.3, (40, 2)), [[9.0, -3.0]]])
    h = x.std(axis=0).mean() * len(x) ** (-1 / 6)
    exact = np.exp(-((x[:, None] - x[None]) ** 2).sum(axis=2) / (2 * h * h)).sum(axis=1)
    assert np.allclose(g.density_weights(x), np.median(exact) / exact, rtol=5e-3)


def test_density_weights_lift_the_thin_parts_of_the_map():
    x = np.vstack([np.zeros((50, 2)), np.random.default_rng(0).normal(0, 0.05, (50, 2)), [[5.0, 5.0], [-5.0, 5.0]]])
    w = g.density_weights(x)
    assert np.median(w) == pytest.approx(1) and (w[-2:] > 10 * w[:50].max()).all()


def test_the_carried_count_holds_against_a_challenger_and_the_groups_follow_it():
    s = crowd_and_minority(seed=3)
    first = opinion_groups(s, set(s.proposals), Choice())
    assert first.count == 2
    held = opinion_groups(s, set(s.proposals), Choice(3))  # an earlier snapshot published 3
    assert held.count == 3 and held.choice == Choice(3, 2, 1) and len(np.unique(held.labels)) == 3


def test_groups_of_more_votes_started_from_the_earlier_snapshot_keep_their_members():
    earlier, full = crowd_and_minority(seed=3, share=0.9), crowd_and_minority(seed=3)
    before = opinion_groups(earlier, set(earlier.proposals), Choice())
    after = opinion_groups(full, set(full.proposals), before.choice)
    assert after.choice == before.choice == Choice(2)
    group_of = {earlier.participants[p]: int(label) for p, label in zip(before.matrix.participants, before.labels)}
    pairs = [(group_of[full.participants[p]], int(label)) for p, label in zip(after.matrix.participants, after.labels) if full.participants[p] in group_of]
    moved = len(pairs) - max(sum(a == b for a, b in pairs), sum(a != b for a, b in pairs))
    assert len(pairs) > 200 and moved <= 0.05 * len(pairs)


def test_restarts_stop_once_enough_of_them_found_the_best_labelling(monkeypatch):
    x = np.vstack([np.random.default_rng(2).normal(c, 0.2, (30, 2)) for c in ((0, 0), (5, 0))])
    calls = []
    run = g._run
    monkeypatch.setattr(g, "_run", lambda *a: calls.append(1) or run(*a))
    stopped = cluster(x, 2, restarts=16, enough=3)
    assert len(calls) == 3  # two clear blobs: every run finds them
    calls.clear()
    assert np.array_equal(stopped, cluster(x, 2, restarts=16)) and len(calls) == 16
