"""Sequencing: votes to publish the right top lists, against uniform, round robin, Make.org and Polis.

Each policy serves the same seeded consultations (bench/_sim.py): 300 proposals, half arriving
during the first quarter, citizens taking one sequence of 12, the pool republished every 10
citizens. The lists are measured as the results publish them, identically for all (bench/_sim.py:
the 10 proposals of the consensus or controversy zone with the highest lower bound of the zone's
score, among those with 10 trusted votes). Precision@10 is averaged over the seeds at each
republication; a policy "reaches" precision when that mean stays >= 0.9 to the end.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np

from agora.domain.sequencing import SequencePolicy, SequencePool, select_sequence
from bench import _baselines, _sim
from bench.harness import Row, timed

FIRST_CALL = "agora, first call"
POLICIES: dict[str, Callable[..., list[str]]] = {
    "agora": select_sequence,
    "uniform": _baselines.uniform,
    "least-voted": _baselines.least_voted,
    "make.org": _baselines.makeorg,
    "polis": _baselines.polis,
}


@dataclass(frozen=True)
class Scale:
    proposals: int
    citizens: int
    refresh: int
    seeds: tuple[int, ...]
    timing_sizes: tuple[int, ...]


FULL = Scale(proposals=300, citizens=24_000, refresh=10, seeds=tuple(range(1, 13)), timing_sizes=(1_000, 30_000))
QUICK = Scale(proposals=40, citizens=300, refresh=5, seeds=(1, 2), timing_sizes=(200,))


@dataclass(frozen=True)
class Outcome:
    """One policy over all seeds."""

    votes_to_precision: dict[str, float]
    kendall_tau: float
    all_tested_at: float
    median_delay: float
    starved: int

    @classmethod
    def of(cls, traces: list[_sim.Trace]) -> Outcome:
        mean = _sim.Trace(votes=np.mean([t.votes for t in traces], axis=0).tolist())
        mean.precision = {name: np.mean([t.precision[name] for t in traces], axis=0).tolist() for name in _sim.LISTS}
        return cls(
            votes_to_precision={name: mean.votes_to_precision(name) for name in _sim.LISTS},
            kendall_tau=float(np.median([t.kendall_tau for t in traces])),
            all_tested_at=float(np.median([t.all_tested_at for t in traces])),
            median_delay=float(np.median([d for t in traces for d in t.delays])),
            starved=sum(t.starved for t in traces),
        )


def _run(job: tuple[str, int], scale: Scale) -> _sim.Trace:
    policy, seed = job
    world = _sim.world(scale.proposals, scale.citizens // 4, np.random.default_rng(seed))
    return _sim.simulate(world, POLICIES[policy], scale.citizens, scale.refresh, seed=10_000 + seed)


def outcomes(scale: Scale) -> dict[str, Outcome]:
    jobs = [(policy, seed) for policy in POLICIES for seed in scale.seeds]
    with ProcessPoolExecutor(max_workers=2) as workers:  # the machine's two cores
        traces = list(workers.map(partial(_run, scale=scale), jobs))
    return {policy: Outcome.of([t for (p, _), t in zip(jobs, traces, strict=True) if p == policy]) for policy in POLICIES}


def timing_pool(proposals: int, rng: np.random.Generator) -> tuple[SequencePool, frozenset[str]]:
    """A mid-consultation pool (one proposal in twenty still new) and a participant with three sequences voted."""
    world = _sim.world(proposals, 1, rng)
    votes = rng.integers(0, 600, proposals) * (rng.random(proposals) > 0.05)
    counts = _sim.counts_after(world, votes, rng)
    ids = [f"p{i:06d}" for i in range(proposals)]  # in order, as a published pool's ids are
    pool = SequencePool.from_counts(ids, counts, authors=world.authors, themes=world.themes, created_at=rng.random(proposals))
    return pool, frozenset(rng.choice(ids, size=36, replace=False).tolist())


def milliseconds(proposals: int) -> dict[str, float]:
    """Median ms per call from a warm pool (next_proposal keeps one for seconds), and agora's first call on a fresh one."""
    rng = np.random.default_rng(7)
    pool, voted = timing_pool(proposals, rng)
    ms = {name: 1000 * timed(lambda p=policy: p(pool, voted, 12, rng), repeat=9, number=20) for name, policy in POLICIES.items()}
    # As next_proposal decodes it after a snapshot: with the openness the snapshot computed (decision 179).
    fresh = [SequencePool.from_counts(pool.ids, pool.counts, pool.authors, pool.themes, pool.created_at) for _ in range(9)]
    for each in fresh:
        each.remember(SequencePolicy(), pool.openness(SequencePolicy()), pool.draw_distance(SequencePolicy()))
    ms[FIRST_CALL] = 1000 * timed(lambda: select_sequence(fresh.pop(), voted, 12, rng), repeat=9)
    return ms


def side_by_side(results: dict[str, Outcome], timings: dict[int, dict[str, float]], budget: int) -> str:
    columns = list(POLICIES)
    lines = [f"{'':44}" + "".join(f"{c:>13}" for c in columns)]

    def line(label: str, value: Callable[[str], float]) -> None:
        cells = (f">{budget:.4g}" if np.isinf(v) else f"{v:.4g}" for v in map(value, columns))
        lines.append(f"{label:44}" + "".join(f"{c:>13}" for c in cells))

    for name in _sim.LISTS:
        line(f"votes to {name} precision@10 >= 0.9", lambda c, n=name: results[c].votes_to_precision[n])
    line("Kendall tau, published vs true, at the end", lambda c: results[c].kendall_tau)
    line("votes until every proposal has 10", lambda c: results[c].all_tested_at)
    line("median votes from arrival to 10 votes", lambda c: results[c].median_delay)
    line("proposals never reaching 10 votes", lambda c: results[c].starved)
    for size, ms in timings.items():
        line(f"ms per select_sequence at {size:,} proposals", lambda c, m=ms: m[c])
        lines.append(f"{'  (agora, first call on a fresh pool)':44}{ms[FIRST_CALL]:>13.4g}")
    return "\n".join(lines)


def rows(quick: bool) -> list[Row]:
    scale = QUICK if quick else FULL
    results = outcomes(scale)
    timings = {size: milliseconds(size) for size in scale.timing_sizes}
    budget = scale.citizens * 12
    print(side_by_side(results, timings, budget), file=sys.stderr, flush=True)
    ours, note = results["agora"], f"{scale.proposals} proposals, {len(scale.seeds)} seeds"
    out = []
    for name in _sim.LISTS:
        for baseline, goal in (("uniform", "ratio <= 0.5"), ("make.org", "ratio < 1")):
            value, base = ours.votes_to_precision[name], results[baseline].votes_to_precision[name]
            censored = [who for who, v in (("agora", value), (baseline, base)) if np.isinf(v)]
            out.append(
                Row(
                    f"sequencing: votes to {name} p@10>=0.9 vs {baseline}",
                    min(value, budget),
                    min(base, budget),
                    "votes",
                    goal,
                    note + ", precision averaged" + (f"; {' and '.join(censored)} never reached it: counted as all {budget} votes" if censored else ""),
                )
            )
    out += [
        Row("sequencing: Kendall tau at the end vs uniform", ours.kendall_tau, results["uniform"].kendall_tau, "tau", "ratio >= 0.97", note),
        Row("sequencing: median votes, arrival to 10, vs make.org", ours.median_delay, results["make.org"].median_delay, "votes", "ratio <= 1", note),
        Row("sequencing: votes until all have 10 vs least-voted", ours.all_tested_at, results["least-voted"].all_tested_at, "votes", "ratio <= 1.1", note),
        Row("sequencing: proposals never reaching 10 votes", ours.starved, results["uniform"].starved, "proposals", "value <= 0", note),
    ]
    for size, ms in timings.items():
        out.append(Row(f"sequencing: ms per call at {size:,} proposals vs least-voted", ms["agora"], ms["least-voted"], "ms", "value <= 5"))
        out.append(Row(f"sequencing: ms, first call on a fresh {size:,} pool", ms[FIRST_CALL], ms["least-voted"], "ms", "value <= 5", "once per pool refresh"))
    return out
