from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from agora.config import SequenceConfig
from agora.domain.sequencing import VOTE_KEYS, SequencePool, SequencePolicy, select_sequence, standings
from agora.domain.zones import CUTS, ZONES, zone_index
from agora.services.sequence import policy_for


def pool(votes, authors=None, themes=None, created_at=None):
    ids = [f"p{i}" for i in range(len(votes))]
    return SequencePool.from_counts(ids, {"agree": votes}, authors=authors, themes=themes, created_at=created_at)


def split(agree, disagree, neutral=None):
    """A pool from agree/disagree counts per proposal (neutral fills up to nothing unless given)."""
    neutral = [0] * len(agree) if neutral is None else neutral
    ids = [f"p{i}" for i in range(len(agree))]
    return SequencePool.from_counts(ids, {"agree": agree, "disagree": disagree, "neutral": neutral})


def serve(p, size=12, seed=0, exclude=frozenset(), **settings):
    return select_sequence(p, set(exclude), size, np.random.default_rng(seed), SequencePolicy(**settings))


def test_it_never_serves_what_the_participant_voted_on():
    chosen = serve(pool([0, 0, 0, 0]), exclude={"p0", "p2", "unknown"})
    assert sorted(chosen) == ["p1", "p3"]


def test_it_returns_distinct_ids_and_at_most_size():
    chosen = serve(pool([0] * 50), seed=1)
    assert len(chosen) == 12 and len(set(chosen)) == 12


def test_proposals_at_the_cap_are_retired():
    assert serve(pool([10, 2, 10]), size=3, retire_at=10) == ["p1"]


@pytest.mark.parametrize("size", [0, -1])
def test_no_slots_means_nothing_served(size):
    assert serve(pool([1, 2]), size=size) == []


def test_an_empty_pool_serves_nothing():
    assert serve(pool([])) == []


def test_counts_must_align_with_ids():
    with pytest.raises(ValueError, match="shape"):
        SequencePool.from_counts(["a", "b"], {"agree": [1]})


def test_the_vote_total_sums_the_three_keys_only():
    p = SequencePool.from_counts(["a"], {"agree": [2], "disagree": [3], "neutral": [1], "like_it": [2]})
    assert p.votes.tolist() == [6]


def test_scores_are_make_org_smoothed_rates():
    p = SequencePool.from_counts(["a"], {"agree": [8], "disagree": [1], "neutral": [1], "like_it": [2], "no_way": [1]})
    rate = {"agree": 8.33 / 11, "disagree": 1.33 / 11, "like_it": 2.01 / 11, "no_way": 1.01 / 11, "other": 0.01 / 11}
    s = standings(p)
    top = rate["agree"] + rate["like_it"] + rate["other"] - rate["no_way"] - 3 * rate["other"]
    assert s["consensus"].score[0] == pytest.approx(top)
    assert s["controversy"].score[0] == pytest.approx(rate["disagree"] + rate["no_way"])
    assert s["rejection"].score[0] == pytest.approx(rate["disagree"] + rate["no_way"] + rate["other"] - rate["like_it"] - 3 * rate["other"])


def test_uncertainty_shrinks_with_votes():
    p = split([6, 60, 600], [4, 40, 400])
    spread = standings(p)["consensus"].spread
    assert spread[0] > spread[1] > spread[2]


def mixed_pool(new_count, tested_count=60, votes=40):
    """`tested_count` proposals with `votes` votes and spread-out scores, then `new_count` without votes."""
    agree = np.linspace(5, votes - 5, tested_count).astype(int)
    return split([*agree, *[0] * new_count], [*(votes - agree), *[0] * new_count])


def test_every_sequence_shows_new_proposals_while_some_wait():
    p = mixed_pool(3)
    for seed in range(20):
        assert {"p60", "p61", "p62"} <= set(serve(p, seed=seed))


def test_new_proposals_are_drawn_by_the_votes_they_lack():
    tested = mixed_pool(0)
    # Five new proposals without votes, five with 9 of their 10: more of them than new slots.
    p = split([*tested.count("agree"), *[0] * 5, *[9] * 5], [*tested.count("disagree"), *[0] * 10])
    served = Counter(pid for seed in range(200) for pid in serve(p, seed=seed) if int(pid[1:]) >= 60)
    lacking_ten = sum(served[f"p{i}"] for i in range(60, 65))
    lacking_one = [served[f"p{i}"] for i in range(65, 70)]
    assert lacking_ten > 3 * sum(lacking_one) and min(lacking_one) > 0


def test_participants_served_from_one_pool_spread_over_the_waiting_proposals():
    p = mixed_pool(40)
    served = {pid for seed in range(100) for pid in serve(p, seed=seed)}
    assert {f"p{i}" for i in range(60, 100)} <= served


def test_without_tested_proposals_needing_votes_every_slot_goes_to_new_ones():
    assert len(serve(pool([0] * 30))) == 12


def test_tested_slots_go_to_proposals_near_a_list_threshold():
    # Thirty proposals 3 points of agreement apart, 100 votes each; p30 and p31 sit at the 10th
    # place of the consensus list, as do p10 and p20 of the rejection and controversy lists. Both
    # sides of a threshold drawn alike (below=1), as the distance alone would.
    agree = [*np.linspace(5, 95, 30).astype(int), 64, 65]
    p = split(agree, [100 - a for a in agree])
    served = Counter(pid for seed in range(100) for pid in serve(p, size=3, seed=seed, margin=0.05, settled_z=2.5, below=1))
    settled = [f"p{i}" for i in (*range(6), 14, 15, *range(24, 30))]  # 2.5 standard deviations from every threshold
    assert not any(served[pid] for pid in settled)
    assert min(served[pid] for pid in ("p10", "p20", "p30", "p31")) > max(served[pid] for pid in ("p7", "p17", "p22"))


def test_an_open_proposal_above_a_threshold_is_drawn_before_one_below_it():
    # Two consensus proposals, a list of one: p0 (75 % agreement) is 2.57 SD above the threshold,
    # p1 (65 %) 2.37 below. Both stay open, but p1's distance counts 4 times in the draw.
    p = split([300, 260], [20, 20], [80, 120])
    assert (p.openness(SequencePolicy(list_size=1, margin=0.01)) < 3.5).all()
    drawn = {below: Counter(pid for seed in range(300) for pid in serve(p, size=1, seed=seed, list_size=1, margin=0.01, below=below)) for below in (1, 4)}
    assert drawn[1]["p1"] > drawn[1]["p0"]  # alike, the nearer one
    assert drawn[4]["p0"] > 5 * drawn[4]["p1"]  # (9.5 / 2.57) ** 2, about 14 times as likely


def test_settled_proposals_only_fill_what_nothing_else_can():
    p = split([990, 10, 500], [10, 990, 500])  # three proposals, lists of one: all settled
    assert sorted(serve(p, size=3, list_size=1)) == ["p0", "p1", "p2"]


def test_one_proposal_per_author_while_the_pool_allows():
    p = pool([0] * 24, authors=[f"a{i // 2}" for i in range(24)])
    authors = [int(pid[1:]) // 2 for pid in serve(p)]
    assert len(set(authors)) == 12


def test_a_single_author_still_fills_the_sequence():
    assert len(serve(pool([0] * 20, authors=["a"] * 20))) == 12


def test_themes_are_not_repeated_while_the_pool_allows():
    themes = [("health",), ("school",), ("transport",)] * 10
    p = pool([0] * 30, themes=themes)
    chosen = serve(p, size=3)
    assert {themes[int(pid[1:])] for pid in chosen} == {("health",), ("school",), ("transport",)}


def test_the_same_seed_gives_the_same_sequence():
    p = mixed_pool(5)
    assert serve(p, seed=3) == serve(p, seed=3)
    assert len({tuple(serve(p, seed=s)) for s in range(10)}) > 1


def test_the_order_within_a_sequence_is_shuffled():
    p = mixed_pool(3)
    positions = {serve(p, seed=s).index("p60") for s in range(30)}
    assert len(positions) > 3


def test_the_consultation_chooses_exposure_and_retirement():
    chosen = policy_for(SequenceConfig(min_votes=5, retire_at=800, new_share=0.5))
    assert (chosen.min_votes, chosen.retire_at, chosen.new_share) == (5, 800, 0.5)
    assert policy_for(SequenceConfig()) == SequencePolicy()
    with pytest.raises(ValidationError, match="retire_at"):
        SequenceConfig(min_votes=10, retire_at=10)


def test_a_listed_proposal_near_a_zones_cut_is_served_and_one_far_from_every_cut_is_not():
    # Each zone holds fewer proposals than a list has places, so every proposal of a zone is
    # listed and only a cut can change a list: p0 is 1 point above consensus's 60 % agreement.
    p = split([61, 900, 180, 40], [30, 50, 180, 320], [9, 50, 40, 40])
    served = Counter(pid for seed in range(50) for pid in serve(p, size=1, seed=seed))
    assert served == {"p0": 50}


def test_a_lists_threshold_is_drawn_from_its_zone_only():
    # Eleven controversy proposals (45 % agreement, 35 % to 25 % disagreement) and ten consensus
    # ones whose controversy score beats them all (64 % agree, 35.5 % disagree): the list's 10th
    # place is between the controversy proposals at 26 % and 25 %, so those two get the votes
    # (both sides of the threshold drawn alike).
    agree = [450] * 11 + [1280] * 10
    disagree = [350 - 10 * i for i in range(11)] + [710] * 10
    neutral = [1000 - a - d for a, d in zip(agree[:11], disagree)] + [10] * 10
    served = Counter(pid for seed in range(50) for pid in serve(split(agree, disagree, neutral), size=1, seed=seed, margin=0.01, below=1))
    assert {pid for pid, _ in served.most_common(2)} == {"p9", "p10"}


def _openness_by_definition(p: SequencePool, settings: SequencePolicy) -> np.ndarray:
    """Openness written as its docstring says, with np.where and each crossing's zone recomputed:
    the reference the vectorised `SequencePool.openness` must equal bit for bit."""
    n = p.votes.astype(np.float32)
    per_vote, per_shrunk_vote = 1 / np.maximum(n, 1), 1 / (n + 4)
    share = {k: p.count(k).astype(np.float32) * per_vote for k in VOTE_KEYS}
    spread = {k: np.sqrt(s * (1 - s) * per_shrunk_vote) for k, s in ((k, (p.count(k).astype(np.float32) + 2) * per_shrunk_vote) for k in VOTE_KEYS)}
    zone = zone_index(share["agree"], share["disagree"], share["neutral"])
    tested = p.votes >= settings.min_votes
    distance = np.full(len(p), np.inf, dtype=np.float32)
    for name, standing in standings(p).items():
        z = ZONES.index(name)
        cut = np.full(len(p), np.inf, dtype=np.float32)
        for key, at in CUTS:
            gap = (np.abs(share[key] - at) + settings.margin) / spread[key]
            crossed = dict(share) | {key: np.where(share[key] >= at, np.nextafter(np.float32(at), np.float32(0)), np.float32(at))}
            moves = (zone == z) != (zone_index(crossed["agree"], crossed["disagree"], crossed["neutral"]) == z)
            cut = np.where(moves & (gap < settings.settled_z), np.minimum(cut, gap), cut)
        ranked, inside = tested & (zone == z), zone == z
        if ranked.sum() <= settings.list_size:
            above, rank = np.ones(len(p), dtype=bool), np.full(len(p), np.inf, dtype=np.float32)
        else:
            top = np.sort(standing.score[ranked])
            threshold = (top[-settings.list_size] + top[-settings.list_size - 1]) / 2
            above, rank = standing.score >= threshold, (np.abs(standing.score - threshold) + settings.margin) / standing.spread
        within = np.where(above, np.minimum(rank, cut), rank)
        distance = np.minimum(distance, np.where(inside, within, np.where(above, cut, np.maximum(rank, cut))))
    return np.where(tested, distance, np.inf)


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.tuples(*[st.integers(0, 40)] * 5), min_size=1, max_size=60),
    margin=st.sampled_from([0.0, 0.01, 0.05]),
    settled_z=st.sampled_from([1.0, 3.5, 10.0]),
    list_size=st.integers(1, 5),
    min_votes=st.integers(0, 12),
)
def test_openness_is_its_definition(counts, margin, settled_z, list_size, min_votes):
    names = ("agree", "disagree", "neutral", "like_it", "no_way")
    p = SequencePool.from_counts([f"p{i}" for i in range(len(counts))], {k: [c[j] for c in counts] for j, k in enumerate(names)})
    policy = SequencePolicy(margin=margin, settled_z=settled_z, list_size=list_size, min_votes=min_votes)
    np.testing.assert_array_equal(p.openness(policy), _openness_by_definition(p, policy))
    # Unstretched, the draw's distance is openness itself.
    np.testing.assert_array_equal(p.draw_distance(SequencePolicy(margin=margin, settled_z=settled_z, list_size=list_size, min_votes=min_votes, below=1)), p.openness(policy))


def test_settled_proposals_are_served_least_voted_first():
    # Lists of one, every place settled: p2 has 300 votes, the others 1,000 (p0 nearer a
    # threshold): p2 takes nearly every slot (1 / votes ** 4; closest first gave it 146 of 200).
    p = split([990, 10, 300], [10, 990, 0])
    served = Counter(pid for seed in range(200) for pid in serve(p, size=1, seed=seed, list_size=1))
    assert served["p2"] > 180
