"""Scores against values computed by hand from the formulas (z = 1.959964, z² = 3.841459)."""

import math

import numpy as np
import pytest

from agora.results.scores import (
    CONSENSUS,
    CONTROVERSY,
    LIMBO,
    REJECTION,
    RATED,
    UNTESTED,
    composite,
    rank_by_lower_bound,
    rates,
    score,
    top_threshold,
    wilson,
    wilson_spread,
    zones,
)

# Wilson for one vote: centre (k + z²/2)/(1 + z²), half-width z/(1 + z²)·√(z²/4) = z²/(2(1 + z²)).
ONE_YES = (0.603275, 0.396725)  # k = 1, n = 1
ONE_NO = (0.396725, 0.396725)  # k = 0, n = 1


def counts(**given):
    return {name: np.array([given.get(name, 0)]) for name in RATED}


def approx(x):
    return pytest.approx(x, abs=2e-6)


def test_wilson_without_votes_is_unknown_within_the_whole_range():
    e = wilson(np.array([0]), np.array([0]))
    assert math.isnan(e.value[0]) and e.low[0] == approx(0.0) and e.high[0] == 1.0
    s = wilson_spread(np.array([0]), np.array([0]))
    assert s.centre[0] == approx(0.5) and s.half[0] == approx(0.5)


def test_wilson_with_one_vote():
    yes = wilson(np.array([1]), np.array([1]))
    assert yes.value[0] == 1.0 and yes.low[0] == approx(ONE_YES[0] - ONE_YES[1]) and yes.high[0] == 1.0
    no = wilson(np.array([0]), np.array([1]))
    assert no.value[0] == 0.0 and no.low[0] == 0.0 and no.high[0] == approx(ONE_NO[0] + ONE_NO[1])


def test_wilson_seven_in_ten_matches_the_textbook_interval():
    # centre 8.920729/13.841459 = 0.644493; half 1.959964/13.841459·√(2.1 + 0.960365) = 0.247715
    e = wilson(np.array([7]), np.array([10]))
    assert e.value[0] == 0.7
    assert (e.low[0], e.high[0]) == (approx(0.396778), approx(0.892209))


def test_qualification_rates_are_divided_by_all_votes():
    r = rates(counts(agree=3, disagree=1, like_it=2))
    assert r["like_it"].value[0] == 0.5 and r["agree"].value[0] == 0.75


def test_composite_scores_without_votes_have_no_value_and_the_widest_bounds():
    s = composite(counts())
    # top score: 3 terms added and 4 subtracted, each 0.5 ± 0.5: −0.5 ± 0.5·√7
    top = s["top_score"]
    assert math.isnan(top.value[0])
    assert (top.low[0], top.high[0]) == (approx(-0.5 - 0.5 * math.sqrt(7)), approx(-0.5 + 0.5 * math.sqrt(7)))
    # platitude: 0.5 + 0.5 ± 0.5·√2
    assert (s["platitude"].low[0], s["platitude"].high[0]) == (approx(1 - 0.5 * math.sqrt(2)), approx(1 + 0.5 * math.sqrt(2)))


def test_one_enthusiastic_vote_does_not_make_a_top_score():
    s = composite(counts(agree=1, like_it=1))
    # agree and like_it at 0.603275, the five other terms at 0.396725, each ± 0.396725:
    # 2·0.603275 + 0.396725 − 4·0.396725 = 0.016375, half-width 0.396725·√7 = 1.049636
    top = s["top_score"]
    assert top.value[0] == approx(0.016375)
    assert (top.low[0], top.high[0]) == (pytest.approx(-1.033261, abs=1e-5), pytest.approx(1.066011, abs=1e-5))
    # controversy: min(0.603275, 0.396725) twice = 0.793450; min keeps the wider half-width, so 0.396725·√2
    c = s["controversy"]
    assert c.value[0] == approx(0.793450) and c.high[0] - c.value[0] == approx(0.561054)


def test_one_vote_against_mirrors_one_vote_for():
    s = composite(counts(disagree=1, no_way=1))
    # rejection has the same shape as the top score: 2·0.603275 + 0.396725 − 4·0.396725
    assert s["rejection"].value[0] == approx(0.016375)
    # engagement = like_it 0.396725 − no_way 0.603275 + doable 0.396725 − impossible 0.396725
    #              − 2 platitudes at 0.396725 = −1 (a one-vote centre and a no-vote centre add up to 1)
    e = s["engagement"]
    assert e.value[0] == approx(-1.0) and e.high[0] - e.value[0] == approx(0.396725 * math.sqrt(6))


def test_realistic_at_a_hundred_votes():
    # doable 20/100: 0.211098 ± 0.077731; impossible 5/100: 0.066647 ± 0.045103
    s = composite(counts(agree=60, disagree=40, doable=20, impossible=5))
    r = s["realistic"]
    assert r.value[0] == approx(0.144451)
    assert r.high[0] - r.value[0] == approx(math.hypot(0.077731, 0.045103))


def test_engagement_and_rejection_follow_make_org():
    s = composite(counts(agree=50, disagree=50, like_it=10, no_way=20, doable=5, impossible=5))
    c = {name: wilson_spread(np.array([k]), np.array([100])).centre[0] for name, k in
         {"agree": 50, "disagree": 50, "like_it": 10, "no_way": 20, "doable": 5, "impossible": 5, "none": 0}.items()}  # fmt: skip
    platitude = 2 * c["none"]
    assert s["engagement"].value[0] == approx(c["like_it"] - c["no_way"] + c["doable"] - c["impossible"] - platitude)
    assert s["rejection"].value[0] == approx(c["disagree"] + c["no_way"] + c["impossible"] - c["like_it"] - c["doable"] - platitude)


@pytest.mark.parametrize(
    ("agree", "disagree", "neutral", "zone"),
    [
        (6, 4, 0, CONSENSUS),  # agree ≥ 0.6
        (5, 1, 4, LIMBO),  # neutral 0.4 is not < 0.4, and ≥ 0.4
        (11, 2, 7, CONSENSUS),  # agree 0.55, but neutral 0.35 < 0.4 and disagree 0.1 < 0.15
        (3, 6, 1, REJECTION),  # disagree ≥ 0.6
        (1, 6, 3, REJECTION),  # neutral < 0.4 and agree 0.1 < 0.15
        (2, 4, 4, LIMBO),
        (4, 4, 2, CONTROVERSY),
    ],
)
def test_zones_in_make_org_order(agree, disagree, neutral, zone):
    c = counts(agree=agree, disagree=disagree, neutral=neutral)
    assert zones(rates(c), np.array([agree + disagree + neutral]))[0] == zone


def test_no_zone_below_ten_votes():
    c = counts(agree=9)
    assert zones(rates(c), np.array([9]))[0] == UNTESTED
    assert zones(rates(counts()), np.array([0]))[0] == UNTESTED


def test_rank_by_lower_bound_ties_to_the_more_voted_then_the_id():
    rank = rank_by_lower_bound(np.array([0.1, 0.3, 0.3, -1.0]), np.array([5, 10, 20, 0]), np.array(["a", "b", "c", "d"]))
    assert rank.tolist() == [3, 2, 1, 4]


def test_top_threshold_is_the_80th_percentile_of_tested_consensus_lower_bounds():
    low = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.9])
    zone = np.array([CONSENSUS] * 5 + [CONTROVERSY], dtype=object)
    # sorted consensus bounds 0.1…0.5: position 0.8·4 = 3.2, so 0.4 + 0.2·(0.5 − 0.4)
    assert top_threshold(low, zone) == approx(0.42)
    assert top_threshold(low, np.array([UNTESTED] * 6, dtype=object)) is None


def test_score_flags_the_top_20_percent():
    c = {name: np.zeros(5, dtype=np.int64) for name in RATED}
    c["agree"] = np.array([100, 90, 80, 70, 5])
    c["disagree"] = np.array([0, 10, 20, 30, 0])
    s = score(c, np.array(list("abcde")))
    assert s.tested.tolist() == [True, True, True, True, False]
    assert s.top.tolist() == [True, False, False, False, False]
    assert s.rank.tolist()[0] == 1
