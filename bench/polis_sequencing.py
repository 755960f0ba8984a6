"""Sequencing on worlds built from real Polis conversations: votes until the published top 10 is right.

Each comment's latent agree / disagree / neutral probabilities are its empirical rates in the real
conversation (last vote per voter), and comments arrive in their real order, at the pace of the
real votes: a comment written when a fifth of the real votes had been cast arrives when a fifth
of that volume has been simulated. The simulation then goes on to VOLUME times the real votes
(at least PER_COMMENT votes a comment), so every policy has room to settle. Citizens take one
sequence of 12 and vote by those probabilities (bench/_sim.py; the pool is republished every 10
citizens). The published top 10 of each list is ranked by Make.org's smoothed rate over proposals
with 10 votes; it is "right" when the true top 10's regret (mean true score given up) is <= 0.05,
and a policy's figure is the votes after which it stays right, regret averaged over seeds.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from math import ceil

import numpy as np

from agora.domain.votes import QUALIFICATIONS
from bench import _polis, _sim
from bench.harness import Row
from bench.sequencing import POLICIES

VOLUME, PER_COMMENT = 4, 200
REFRESH = 10
REGRET = 0.05
FULL_SEEDS, QUICK_SEEDS = (1, 2, 3, 4), (1,)
QUICK = "london.youth.policing"  # the smallest conversation, for --quick


def world(c: _polis.Conversation) -> _sim.World:
    """The conversation as a simulated world (Polis has no qualifications: never chosen)."""
    rates = c.rates()
    n = len(c.comments)
    probability = dict(rates) | {q: np.zeros(n) for qs in QUALIFICATIONS.values() for q in qs}
    # Votes cast before the comment was written, in citizens of 12 votes.
    arrival = np.searchsorted(np.sort(c.voted_at), c.created) / 12
    return _sim.World(probability=probability, arrival=np.floor(arrival).astype(np.int64), authors=c.authors, themes=[() for _ in range(n)])


def budget(c: _polis.Conversation) -> int:
    """Simulated citizens: VOLUME times the real votes, and at least PER_COMMENT votes a comment."""
    return ceil(max(VOLUME * len(c.vote), PER_COMMENT * len(c.comments)) / 12)


def _run(job: tuple[str, str, int]) -> _sim.Trace:
    policy, name, seed = job
    c = _polis.load(name)
    return _sim.simulate(world(c), POLICIES[policy], budget(c), REFRESH, seed=seed)


@dataclass(frozen=True)
class Result:
    """One policy on one conversation, over all seeds."""

    votes_to_right: dict[str, float]  # per list; inf when the mean regret ended above REGRET
    starved: float  # mean proposals still below 10 votes at the end (all arrived in the first quarter)
    budget: int

    @classmethod
    def of(cls, traces: list[_sim.Trace]) -> Result:
        length = min(len(t.votes) for t in traces)
        mean = _sim.Trace(votes=np.mean([t.votes[:length] for t in traces], axis=0).tolist())
        mean.regret = {name: np.mean([t.regret[name][:length] for t in traces], axis=0).tolist() for name in _sim.LISTS}
        return cls({name: mean.votes_to_regret(name, REGRET) for name in _sim.LISTS}, float(np.mean([t.starved for t in traces])), int(mean.votes[-1]))


def results(quick: bool) -> dict[str, dict[str, Result]]:
    """[conversation][policy]."""
    seeds = QUICK_SEEDS if quick else FULL_SEEDS
    conversations = [QUICK] if quick else _polis.names()
    jobs = [(p, c, s) for c in conversations for p in POLICIES for s in seeds]
    with ProcessPoolExecutor(max_workers=2) as workers:  # the machine's two cores
        traces = list(workers.map(_run, jobs))
    return {
        c: {p: Result.of([t for (pp, cc, _), t in zip(jobs, traces, strict=True) if (pp, cc) == (p, c)]) for p in POLICIES}
        for c in conversations
    }


def ratio(r: dict[str, Result], policy: str, baseline: str, name: str) -> float:
    """Votes to a right list, `policy` over `baseline`; a policy that never got there counts the whole run."""
    capped = {who: min(r[who].votes_to_right[name], r[who].budget) for who in (policy, baseline)}
    return capped[policy] / capped[baseline]


def side_by_side(res: dict[str, dict[str, Result]]) -> str:
    columns = list(POLICIES)
    lines = [f"{'votes until the top 10 stays right':44}" + "".join(f"{c:>12}" for c in columns)]
    for name in _sim.LISTS:
        lines.append(f"-- {name}")
        for conv, r in res.items():
            tag = " (held out)" if conv in _polis.HELD_OUT else ""
            cells = (f">{r[c].budget}" if np.isinf(r[c].votes_to_right[name]) else f"{r[c].votes_to_right[name]:.0f}" for c in columns)
            lines.append(f"{conv + tag:44}" + "".join(f"{x:>12}" for x in cells))
        for label, group in _groups(res).items():
            lines.append(f"{'median ratio to uniform, ' + label:44}" + "".join(f"{np.median([ratio(res[v], c, 'uniform', name) for v in group]):>12.3g}" for c in columns))
    lines.append(f"{'proposals starved (< 10 votes at the end)':44}" + "".join(f"{sum(r[c].starved for r in res.values()):>12.3g}" for c in columns))
    return "\n".join(lines)


def _groups(res: dict[str, dict[str, Result]]) -> dict[str, list[str]]:
    tuned = [c for c in res if c not in _polis.HELD_OUT]
    held = [c for c in res if c in _polis.HELD_OUT]
    return {k: v for k, v in (("all", list(res)), ("tuned on", tuned), ("held out", held)) if v}


def rows(quick: bool) -> list[Row]:
    res = results(quick)
    print(side_by_side(res), file=sys.stderr, flush=True)
    out = []
    for label, group in _groups(res).items():
        note = f"median over {len(group)} conversations ({label}); a policy never right counts the whole run"
        for name in _sim.LISTS:
            for baseline, goal in (("uniform", "value <= 0.5"), ("make.org", "value <= 0.7")):
                value = float(np.median([ratio(res[c], "agora", baseline, name) for c in group]))
                out.append(Row(f"real worlds: votes to right {name} top 10 vs {baseline}, {label}", value, 1.0, f"x {baseline}'s votes", goal if label == "all" else "value <= 1", note))
    starved = sum(r["agora"].starved for r in res.values())
    out.append(Row("real worlds: proposals starved (< 10 votes at the end)", starved, sum(r["uniform"].starved for r in res.values()), "proposals", "value <= 0", "mean over seeds, summed over conversations"))
    return out
