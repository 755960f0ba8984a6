"""Segment results by hand: post-stratified shares, withheld cells, and where segments disagree."""

import pytest

from agora.config import DemographicQuestion
from agora.results.counts import counts
from agora.results.representativeness import participation
from agora.results.scores import CONSENSUS, REJECTION
from agora.results.segments import by_segment, disagreements, weighted
from agora.domain.tallies import PARTICIPANTS, TallyRef

AGE = DemographicQuestion(id="age", label={"en": "Age"}, choices=("young", "old"), margins={"young": 0.5, "old": 0.5})


def table(old_votes=(2, 8), silent=0):
    """30 young and 10 old participants; one proposal the young like (24 of 30) and the old do not,
    plus `silent` votes (half agree) from participants who did not give their age."""
    old_agree, old_disagree = old_votes
    return counts(
        ["p"],
        {
            TallyRef(): {PARTICIPANTS: 40},
            TallyRef(None, "age", "young"): {PARTICIPANTS: 30},
            TallyRef(None, "age", "old"): {PARTICIPANTS: 10},
            TallyRef("p"): {"agree": 24 + old_agree + silent // 2, "disagree": 6 + old_disagree + silent - silent // 2},
            TallyRef("p", "age", "young"): {"agree": 24, "disagree": 6},
            TallyRef("p", "age", "old"): {"agree": old_agree, "disagree": old_disagree},
        },
        (AGE,),
    )


def test_post_stratified_shares_by_hand():
    c = table()
    segments = by_segment(c, (AGE,), k=10)
    [w] = weighted(c, participation(c, (AGE,), 10), segments)
    # shares 3/4 and 1/4 against ½ and ½: weights 2/3 and 2
    assert w.stratification.weights.tolist() == pytest.approx([2 / 3, 2])
    # agree (2/3·24 + 2·2) / (2/3·30 + 2·10) = 20/40; n_eff = 40² / (4/9·30 + 4·10) = 30
    assert w.scores.rates["agree"].value[0] == pytest.approx(0.5)
    assert w.scores.votes[0] == pytest.approx(30)
    assert w.coverage[0] == pytest.approx(1.0) and bool(w.published[0])
    # raw: 26 of 40
    assert c.totals["agree"][0] == 26


def test_a_withheld_cell_recoverable_by_subtraction_takes_the_other_with_it():
    c = table(old_votes=(1, 8))  # 9 old voters, and 39 − 30 would give them away
    assert [bool(s.published[0]) for s in by_segment(c, (AGE,), k=10)] == [False, False]


def test_a_withheld_cell_takes_its_weight_out_of_the_weighted_share():
    c = table(old_votes=(1, 8), silent=10)  # 9 old voters hidden among 19 unpublished
    segments = by_segment(c, (AGE,), k=10)
    assert [bool(s.published[0]) for s in segments] == [True, False]
    [w] = weighted(c, participation(c, (AGE,), 10), segments)
    assert w.scores.rates["agree"].value[0] == pytest.approx(24 / 30)
    assert w.coverage[0] == pytest.approx(0.5)


def test_where_segments_disagree():
    c = table()
    segments = by_segment(c, (AGE,), k=10)
    [d] = disagreements(segments, c.ids)
    assert d.zones == {"young": CONSENSUS, "old": REJECTION}
    assert (d.dimension, d.spread) == ("age", pytest.approx(0.8 - 0.2))
