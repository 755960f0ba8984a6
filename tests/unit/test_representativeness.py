"""Weighting against hand-computed values, and the property that matters most: a sample that
already matches the population is left alone."""

import numpy as np
import pytest

from agora.config import DemographicQuestion
from agora.results.representativeness import effective, effective_votes, kish, post_stratify, rake
from agora.results.sample import VoteSample, raking, votes_on, weighted_key_counts

AGE = DemographicQuestion(id="age", label={"en": "Age"}, choices=("young", "old"), margins={"young": 0.5, "old": 0.5})
AREA = DemographicQuestion(id="area", label={"en": "Area"}, choices=("town", "country"), margins={"town": 0.7, "country": 0.3})


def test_kish_design_effect():
    assert kish(np.ones(4)) == 1.0
    assert kish(np.array([1.0, 3.0])) == pytest.approx(2 * 10 / 16)
    # weights 1 and 3 standing for 3 and 1 participants: 4·(3 + 9)/(3 + 3)²
    assert kish(np.array([1.0, 3.0]), np.array([3, 1])) == pytest.approx(4 * 12 / 36)


def test_post_stratification_weights_and_design_effect():
    s = post_stratify(np.array([30, 70]), np.array([0.5, 0.5]))
    assert s.weights.tolist() == pytest.approx([0.5 / 0.3, 0.5 / 0.7])
    assert s.coverage == 1.0
    assert s.design_effect == pytest.approx(0.25 / 0.3 + 0.25 / 0.7)  # Σ M²/s = 1.190476


def test_post_stratification_rescales_over_the_choices_someone_gave():
    s = post_stratify(np.array([50, 50, 0]), np.array([0.4, 0.4, 0.2]))
    assert s.coverage == pytest.approx(0.8)
    assert s.weights.tolist() == pytest.approx([1.0, 1.0, 0.0])


def test_post_stratification_leaves_a_matching_sample_alone():
    s = post_stratify(np.array([14, 13, 22, 24, 27]), np.array([0.14, 0.13, 0.22, 0.24, 0.27]))
    assert s.weights.tolist() == pytest.approx([1.0] * 5) and s.design_effect == pytest.approx(1.0)


def test_raking_one_question_by_hand():
    # shares 3/4 and 1/4 against ½ and ½: factors 2/3 and 2; already mean 1
    r = rake([np.array([0, 0, 0, 1])], [np.array([0.5, 0.5])])
    assert r.weights.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    assert r.converged and r.design_effect == pytest.approx(4 * (3 * 4 / 9 + 4) / 16)


def test_raking_matches_every_margin_with_product_form_weights():
    rng = np.random.default_rng(5)
    age, area = rng.integers(0, 2, 500), (rng.random(500) < 0.4).astype(int)
    targets = [np.array([0.5, 0.5]), np.array([0.7, 0.3])]
    r = rake([age, area], targets)
    assert r.converged
    for codes, target in zip([age, area], targets):
        assert (np.bincount(codes, weights=r.weights) / r.weights.sum()).tolist() == pytest.approx(target.tolist(), abs=1e-6)
    cell = {(a, b): r.weights[(age == a) & (area == b)] for a in (0, 1) for b in (0, 1)}
    assert all(np.ptp(w) < 1e-9 for w in cell.values())  # one weight per joint cell
    w = {key: v[0] for key, v in cell.items()}
    assert w[0, 0] * w[1, 1] == pytest.approx(w[0, 1] * w[1, 0])  # f(age)·g(area)


def test_raking_leaves_a_matching_sample_alone():
    age = np.array([0] * 50 + [1] * 50)
    area = np.array(([0] * 35 + [1] * 15) * 2)
    r = rake([age, area], [np.array([0.5, 0.5]), np.array([0.7, 0.3])])
    assert r.weights.tolist() == pytest.approx([1.0] * 100) and r.rounds == 1 and r.design_effect == pytest.approx(1.0)


def test_raking_drops_choices_nobody_gave():
    r = rake([np.array([0, 0, 1, 1])], [np.array([0.25, 0.25, 0.5])])
    assert r.converged and r.weights.tolist() == pytest.approx([1.0] * 4)


def test_effective_counts_keep_the_weighted_share_at_the_effective_size():
    n_eff = effective_votes(np.array([6.0, 0.0]), np.array([9.0, 0.0]))
    assert n_eff.tolist() == [4.0, 0.0]
    assert effective(np.array([3.0, 0.0]), np.array([6.0, 0.0]), n_eff).tolist() == [2.0, 0.0]


def sample():
    profiles = {"a": {"age": "young", "area": "town"}, "b": {"age": "old"}, "c": {}}
    votes = [("a", "p1", "agree"), ("b", "p1", "disagree"), ("c", "p1", "agree"), ("a", "p2", "neutral")]
    return VoteSample.of(votes, profiles, items_read=7, complete=True)


def test_a_sample_is_sorted_whatever_the_read_order():
    s = sample()
    assert s.participants == ("a", "b", "c") and s.proposals == ("p1", "p2")
    assert s.answers(AGE).tolist() == [0, 1, 2]  # 2: did not answer
    assert votes_on(s, ["p2", "p1", "p9"]).tolist() == [1, 3, 0]


def test_participants_who_did_not_answer_keep_their_share():
    s = sample()
    r = raking(s, (AGE,))
    # a young, b old, c silent: target ½·(2/3), ½·(2/3), 1/3: already met
    assert r.weights.tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_equal_weights_give_the_raw_counts():
    counts = weighted_key_counts(sample(), np.ones(3), ["p1", "p2"])
    assert counts["agree"].tolist() == pytest.approx([2, 0])
    assert counts["disagree"].tolist() == pytest.approx([1, 0])
    assert counts["neutral"].tolist() == pytest.approx([0, 1])
