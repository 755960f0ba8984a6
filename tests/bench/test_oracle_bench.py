"""The oracle (bench/_oracle.py) keeps every policy's contract and spends its votes on what is wrong."""

import numpy as np

from agora.domain.sequencing import SequencePool
from bench import _oracle, _sim


def _pool(w: _sim.World, arrived: np.ndarray, votes: np.ndarray, seed: int) -> SequencePool:
    counts = _sim.counts_after(w, votes, np.random.default_rng(seed))
    return SequencePool.from_counts([f"p{i}" for i in arrived], {k: c[arrived] for k, c in counts.items()})


def test_the_oracle_serves_only_arrived_proposals_the_citizen_has_not_voted_on():
    w = _sim.world(80, 40, np.random.default_rng(3))
    arrived = np.flatnonzero(w.arrival <= 20)
    rng = np.random.default_rng(4)
    pool = _pool(w, arrived, rng.integers(0, 40, len(w)), seed=5)
    for variant in _oracle.ORACLES.values():
        policy = variant(w)
        for _ in range(20):
            voted = frozenset(rng.choice(pool.ids, size=rng.integers(0, len(pool) - 5), replace=False).tolist())
            served = policy(pool, voted, 12, rng)
            assert len(served) == min(12, len(pool) - len(voted)) == len(set(served))
            assert set(served) <= set(pool.ids.tolist()) - voted


def test_the_oracle_serves_every_proposal_wrongly_in_or_out_of_a_list_first():
    w = _sim.world(120, 1, np.random.default_rng(7))
    arrived = np.arange(len(w))
    pool = _pool(w, arrived, np.full(len(w), 15), seed=8)  # all tested, few votes: lists still wrong
    wrong, _ = _oracle.needy(w, pool)
    assert 0 < wrong.sum() <= 12
    served = _oracle.oracle(w)(pool, frozenset(), 12, np.random.default_rng(9))
    assert {f"p{i}" for i in np.flatnonzero(wrong)} <= set(served)
