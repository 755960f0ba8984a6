"""The sequencing benchmark runs, is reproducible, and holds its baselines to select_sequence's contract."""

import math

import numpy as np
import pytest

from bench import _sim, sequencing


def test_the_quick_benchmark_reports_every_comparison():
    rows = sequencing.rows(quick=True)
    names = " | ".join(r.name for r in rows)
    for fragment in ("consensus p@10>=0.9 vs uniform", "controversy p@10>=0.9 vs make.org", "Kendall tau", "never reaching", "ms per call"):
        assert fragment in names
    assert all(not math.isnan(r.value) and not math.isnan(r.baseline) for r in rows)


def test_a_seeded_consultation_replays_identically():
    world = _sim.world(30, 50, np.random.default_rng(3))
    first, second = (_sim.simulate(world, sequencing.POLICIES["agora"], 200, 5, seed=4) for _ in range(2))
    assert first.precision == second.precision and first.delays == second.delays


def test_every_proposal_of_a_long_enough_consultation_gets_tested():
    world = _sim.world(30, 50, np.random.default_rng(3))
    trace = _sim.simulate(world, sequencing.POLICIES["uniform"], 400, 5, seed=4)
    assert trace.starved == 0 and trace.all_tested_at < 400 * 12


def test_true_scores_are_the_published_formula_at_the_limit():
    world = _sim.world(20, 1, np.random.default_rng(5))
    p = world.probability
    like_it, no_way = p["like_it"] * p["agree"], p["no_way"] * p["disagree"]
    expected = np.minimum(p["agree"], p["disagree"]) + np.minimum(like_it, no_way)
    assert world.truth["controversy"] == pytest.approx(expected, abs=1e-6)


def test_kendall_tau_runs_from_reversed_to_identical():
    a = np.arange(10.0)
    assert _sim.kendall_tau(a, a) == pytest.approx(1) and _sim.kendall_tau(a, -a) == pytest.approx(-1)


@pytest.mark.parametrize("name", list(sequencing.POLICIES))
def test_every_policy_keeps_the_sequence_contract(name):
    rng = np.random.default_rng(0)
    pool, voted = sequencing.timing_pool(200, rng)
    chosen = sequencing.POLICIES[name](pool, voted, 12, rng)
    assert len(chosen) == 12 == len(set(chosen)) and not voted & set(chosen)
    assert set(chosen) <= set(pool.ids)
    # with five proposals left unvoted, a sequence is those five and nothing already voted
    left = frozenset(pool.ids[:5].tolist())
    assert set(sequencing.POLICIES[name](pool, frozenset(pool.ids.tolist()) - left, 12, rng)) == left


def test_votes_to_a_right_list_count_from_when_the_regret_stays_under_the_goal():
    trace = _sim.Trace(votes=[100, 200, 300, 400])
    trace.regret = {"consensus": [0.3, 0.01, 0.2, 0.04], "controversy": [0.01, 0.0, 0.02, 0.03]}
    assert trace.votes_to_regret("consensus", 0.05) == 400  # right at 200, wrong again at 300
    assert trace.votes_to_regret("controversy", 0.05) == 100
    trace.regret["consensus"][-1] = 0.06
    assert trace.votes_to_regret("consensus", 0.05) == math.inf
