import pytest

from agora.results.brigading import signals
from agora.domain.tallies import FRESH, SAMPLED, SOURCE, TallyRef

P = "p"


def test_organic_votes_are_not_flagged():
    tallies = {
        TallyRef(P): {"agree": 60, "disagree": 30, "neutral": 10, SAMPLED: 12},
        TallyRef(P, FRESH, "1"): {"agree": 6, "disagree": 3, "neutral": 1},
        TallyRef(P, SOURCE, "a"): {"agree": 1},
        TallyRef(P, SOURCE, "b"): {"agree": 1, "neutral": 1},
    }
    s = signals(tallies)[P]
    assert s.votes == 100
    assert s.fresh_share == pytest.approx(0.10)
    assert s.agreement == pytest.approx(0.6)
    assert s.top_source_share == 0  # two votes from one network say nothing yet
    assert not s.flagged


def test_a_block_of_fresh_agreeing_votes_from_one_network_is_flagged():
    tallies = {
        TallyRef(P): {"agree": 320, "disagree": 60, "neutral": 20, SAMPLED: 50},
        TallyRef(P, FRESH, "1"): {"agree": 300},
        TallyRef(P, SOURCE, "bot"): {"agree": 37},
        TallyRef(P, SOURCE, "home"): {"agree": 1, "disagree": 1},
    }
    s = signals(tallies)[P]
    assert s.fresh_share == pytest.approx(0.75) and s.top_source_share == pytest.approx(0.74)
    assert s.agreement == pytest.approx(0.8)
    assert s.agreement_without_fresh == pytest.approx(0.2)
    assert s.agreement_without_top_source == pytest.approx((320 - 37 * 8) / (400 - 37 * 8))
    assert s.flagged


def test_a_busy_source_alone_is_enough_to_flag():
    tallies = {
        TallyRef(P): {"agree": 300, "disagree": 100, SAMPLED: 50},
        TallyRef(P, SOURCE, "office"): {"agree": 25},
    }
    s = signals(tallies)[P]
    assert s.fresh_share == 0 and s.top_source_share == pytest.approx(0.5)
    assert s.flagged


def test_a_large_share_that_does_not_move_the_result_is_not_flagged():
    tallies = {
        TallyRef(P): {"agree": 50, "disagree": 50},
        TallyRef(P, FRESH, "1"): {"agree": 25, "disagree": 25},
    }
    assert not signals(tallies)[P].flagged


def test_when_almost_nothing_is_left_without_the_suspicious_votes_it_is_flagged():
    tallies = {TallyRef(P): {"agree": 12}, TallyRef(P, FRESH, "1"): {"agree": 12}}
    s = signals(tallies)[P]
    assert s.agreement_without_fresh is None and s.flagged


def test_proposals_without_trusted_votes_have_no_signals():
    assert signals({TallyRef(P): {"untrusted": 300}}) == {}
