"""Policies are compared on common random numbers: a proposal's j-th vote does not depend on who served it."""

import numpy as np

from bench import _sim


def test_a_proposals_draws_do_not_depend_on_the_order_they_are_asked_for():
    one, other = _sim.Ballots(5, seed=9, block=4), _sim.Ballots(5, seed=9, block=4)
    served = np.array([3, 0, 3, 3, 1, 3, 0, 3, 3, 3])  # proposal 3 past two blocks in one batch
    together = one.take(served)
    apart = np.concatenate([other.take(served[::-1][:4]), other.take(served[::-1][4:])])
    for position in range(5):
        assert np.array_equal(together[served == position], apart[served[::-1] == position])
    assert one.cast.tolist() == [2, 1, 0, 7, 0]


def test_the_next_draws_continue_where_the_last_ones_stopped():
    ballots = _sim.Ballots(2, seed=1, block=2)
    first, second = ballots.take(np.array([0, 0, 0])), ballots.take(np.array([0]))
    assert len({*first[:, 0].tolist(), *second[:, 0].tolist()}) == 4  # four distinct votes, none repeated


def test_two_policies_serving_the_same_proposals_see_the_same_votes():
    world = _sim.world(30, 1, np.random.default_rng(3))

    def everything_in_order(pool, exclude, size, rng):
        return [str(i) for i in pool.ids[:size]]

    def everything_reversed(pool, exclude, size, rng):
        return [str(i) for i in pool.ids[:size][::-1]]

    traces = [_sim.simulate(world, policy, 40, 5, seed=2, size=30) for policy in (everything_in_order, everything_reversed)]
    assert traces[0].regret == traces[1].regret and traces[0].kendall_tau == traces[1].kendall_tau
