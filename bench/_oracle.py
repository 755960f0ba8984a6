"""A sequence policy that knows the world's truth: an estimate of the ceiling of sequencing (issue 14).

It sees the true lists (`World.true_list`, the rule `_sim` measures by) and the lists the results
would publish from the pool's counts (`_sim.published_lists`), and spends each citizen's votes on
what is *wrong*: proposals in the true list but not published, and published ones not in it
("needy"). Every other proposal gets only the votes that test it (so none is starved), and what a
sequence still has room for goes to the proposals closest to crossing a threshold or a cut
(agora's own distance, `SequencePool.openness`), whose place is the likeliest to go wrong.

It is an upper bound on what knowledge of the truth buys with these simple rules, hence an
estimate of the ceiling, not the ceiling itself: a cleverer oracle could plan further ahead.
It keeps every policy's contract: at most `size` distinct proposals of the pool, none voted on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from agora.domain.sequencing import SequencePolicy, SequencePool
from bench import _sim

def oracle(w: _sim.World, tested_slots: int = 1, every_intruder: bool = False) -> _sim.Policy:
    """A policy for world `w`; its pool's ids must be "p<position in w>", as `_sim.simulate` makes them.

    `tested_slots`: slots per sequence kept for untested proposals no list needs, so every one gets
    tested. `every_intruder`: also vote on listed proposals whose own votes would keep them listed.
    """
    seen: dict[str, object] = {}  # the last pool and what was worked out from it: ten citizens share a pool

    def policy(pool: SequencePool, exclude: set[str] | frozenset[str], size: int, rng: np.random.Generator) -> list[str]:
        if seen.get("pool") is not pool:
            seen.update(pool=pool, needy=needy(w, pool, every_intruder))
        wanted, member = seen["needy"]  # type: ignore[misc]
        servable = np.ones(len(pool), dtype=bool)
        servable[pool.positions(exclude)] = False
        votes = pool.votes
        closeness = pool.openness(SequencePolicy())
        race = rng.random(len(pool))
        # The needy nearest a crossing first, an untested one nearest of all (it only lacks votes).
        # Rarely matters: there are seldom more than a sequence's worth (farthest first, or at random, measured the same).
        first = np.where(votes < _sim.TESTED_AT, 0, closeness)
        untested = servable & ~wanted & (votes < _sim.TESTED_AT)
        # Untested: drawn by the votes they lack, as agora draws its new proposals.
        by_lack = race / np.maximum(_sim.TESTED_AT - votes, 1)
        chosen = _smallest(untested, by_lack, min(tested_slots, size))
        chosen += _smallest(servable & wanted, first, size - len(chosen))
        chosen += _smallest(untested & ~_in(chosen, len(pool)), by_lack, size - len(chosen))
        # Room left: the true lists' members nearest a crossing (more votes only firm them up), then at random.
        rest = servable & ~_in(chosen, len(pool))
        chosen += _smallest(rest & member, closeness + race * 1e-6, size - len(chosen))
        chosen += _smallest(rest & ~member, race, size - len(chosen))
        return [str(pool.ids[i]) for i in rng.permutation(chosen)]

    return policy


def needy(w: _sim.World, pool: SequencePool, every_intruder: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Per pool position, whether its own votes would right a published list (`_sim`'s measure),
    and whether it belongs in a true list (votes on it can only help)."""
    here = _sim._positions(pool.ids.tolist())
    counts = dict(pool.counts)
    scores = _sim._results(counts)
    wrong, member = np.zeros(len(pool), dtype=bool), np.zeros(len(pool), dtype=bool)
    for name, shown in _sim.published_lists(counts).items():
        truly = w.true_list(name, here, shown)
        member[truly] = True
        wrong[np.setdiff1d(truly, shown)] = True
        # Listed wrongly: its own votes unlist it if it is out of the zone, or if its lower bound is
        # above its true score; otherwise they would raise it, and only the members' votes help.
        intruders = np.setdiff1d(shown, truly)
        low = scores.scores[_sim.LISTED[name][1]].low[intruders]
        unlisted_by_own_votes = ~w.may_belong[name][here[intruders]] | (low > w.worth[name][here[intruders]])
        wrong[intruders[unlisted_by_own_votes | every_intruder]] = True
    return wrong, member


def _smallest(mask: np.ndarray, key: np.ndarray, k: int) -> list[int]:
    candidates = np.flatnonzero(mask)
    if k <= 0:
        return []
    if candidates.size > k:
        candidates = candidates[np.argpartition(key[candidates], k - 1)[:k]]
    return candidates[np.argsort(key[candidates], kind="stable")].tolist()


def _in(positions: list[int], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return mask


# The kept oracle and the variants it was chosen over (docs/performance.md, "Sequencing ceiling").
ORACLES: dict[str, Callable[[_sim.World], _sim.Policy]] = {
    "oracle": oracle,
    "oracle-every-intruder": partial(oracle, every_intruder=True),
    "oracle-tested-last": partial(oracle, tested_slots=0),
}
