"""Sequencing on worlds built from real Polis conversations: votes until the published top 10 is right.

Each comment's latent agree / disagree / neutral probabilities are its empirical rates in the real
conversation (last vote per voter), and comments arrive in their real order, at the pace of the
real votes: a comment written when a fifth of the real votes had been cast arrives when a fifth
of that volume has been simulated. The simulation then goes on to VOLUME times the real votes
(at least PER_COMMENT votes a comment), so every policy has room to settle. Citizens take one
sequence of 12 and vote by those probabilities (bench/_sim.py; the pool is republished every 10
citizens). Each list is the one the results publish (bench/_sim.py, `published_lists`: the 10
proposals of its zone with the highest lower bound of its score, among those with 10 votes); it is
"right" when the true list's regret (true score given up, summed over the places) is <= 0.05, and
a policy's figure is the votes after which it stays right, regret averaged over seeds.

Policies run on common random numbers (bench/_sim.py): seed s decides the same votes for every
policy. Tuning runs apart, on the tuning conversations only (never the held-out ones):
`python -m bench.polis_sequencing SEEDS SETTINGS…`, e.g. `8 focus=2 focus=4,margin=0.03`, each
SETTINGS a SequencePolicy against uniform on the same seeds; CONVERSATIONS=a,b narrows the set
(the three small ones take minutes: 15-per-hour-seattle,brexit-consensus,scoop-hivemind.freshwater);
FIRST_SEED=9 runs seeds 9, 10, … instead, to check a setting on seeds it was not tuned on.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from math import ceil

import numpy as np

from agora.domain.sequencing import SequencePolicy, select_sequence
from agora.domain.votes import QUALIFICATIONS
from bench import _oracle, _polis, _sim
from bench.harness import Row
from bench.sequencing import POLICIES

VOLUME, PER_COMMENT = 4, 200
REFRESH = 10
REGRET = 0.05
FULL_SEEDS, QUICK_SEEDS = tuple(range(1, 9)), (1,)
ORACLE = "oracle"  # knows the truth (bench/_oracle.py): an estimate of the ceiling, not a rival
COMPARED = (*POLICIES, ORACLE)
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
    w = world(c)
    return _sim.simulate(w, _policy(policy, w), budget(c), REFRESH, seed=seed)


def _policy(name: str, w: _sim.World) -> _sim.Policy:
    """A compared policy by name, an oracle knowing `w`'s truth, or select_sequence with
    SequencePolicy written `field=value,…`."""
    if name in POLICIES:
        return POLICIES[name]
    if name in _oracle.ORACLES:
        return _oracle.ORACLES[name](w)
    default = SequencePolicy()
    fields = dict(item.split("=") for item in name.split(","))
    return partial(select_sequence, settings=SequencePolicy(**{k: type(getattr(default, k))(float(v)) for k, v in fields.items()}))


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
    return {c: {p: Result.of(t) for p, t in per.items()} for c, per in traces(list(COMPARED), [QUICK] if quick else _polis.names(), QUICK_SEEDS if quick else FULL_SEEDS).items()}


def traces(policies: list[str], conversations: list[str], seeds: tuple[int, ...]) -> dict[str, dict[str, list[_sim.Trace]]]:
    """[conversation][policy] -> one trace per seed, in seed order."""
    jobs = [(p, c, s) for c in conversations for p in policies for s in seeds]
    # Largest conversations first, so the two workers finish together.
    order = sorted(range(len(jobs)), key=lambda j: -budget(_polis.load(jobs[j][1])))
    with ProcessPoolExecutor(max_workers=2) as workers:  # the machine's two cores
        done = dict(zip(order, workers.map(_run, [jobs[j] for j in order]), strict=True))
    out: dict[str, dict[str, list[_sim.Trace]]] = {c: {p: [] for p in policies} for c in conversations}
    for j, (p, c, _) in enumerate(jobs):
        out[c][p].append(done[j])
    return out


def ratio(r: dict[str, Result], policy: str, baseline: str, name: str) -> float:
    """Votes to a right list, `policy` over `baseline`; a policy that never got there counts the whole run."""
    capped = {who: min(r[who].votes_to_right[name], r[who].budget) for who in (policy, baseline)}
    return capped[policy] / capped[baseline]


def side_by_side(res: dict[str, dict[str, Result]]) -> str:
    columns = list(COMPARED)
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
    for name in _sim.LISTS:
        value = float(np.median([ratio(res[c], ORACLE, "uniform", name) for c in res]))
        note = f"median over {len(res)} conversations; the oracle knows the true lists (bench/_oracle.py): an estimate of what any policy can reach"
        out.append(Row(f"real worlds: oracle's votes to right {name} top 10 vs uniform, all", value, 1.0, "x uniform's votes", "value <= 1", note))
    starved = sum(r["agora"].starved for r in res.values())
    out.append(Row("real worlds: proposals starved (< 10 votes at the end)", starved, sum(r["uniform"].starved for r in res.values()), "proposals", "value <= 0", "mean over seeds, summed over conversations"))
    return out


def tune(seeds: int, settings: list[str], conversations: list[str], first: int = 1) -> str:
    """Each SequencePolicy against uniform on the same seeds, per conversation and as a median, with
    the seed-to-seed spread of the ratio when seeds are paired (common random numbers) and when not."""
    assert not set(conversations) & set(_polis.HELD_OUT), "the held-out conversations stay out of tuning"
    runs = traces(["uniform", *settings], conversations, tuple(range(first, first + seeds)))
    lines = []
    for name in settings:
        for listed in _sim.LISTS:
            ratios, paired, unpaired = [], [], []
            for c in conversations:
                r = {p: Result.of(runs[c][p]) for p in ("uniform", name)}
                ratios.append(ratio(r, name, "uniform", listed))
                v = {p: np.array([min(t.votes_to_regret(listed, REGRET), t.votes[-1]) for t in runs[c][p]]) for p in ("uniform", name)}
                logs = np.log(v[name][:, None] / v["uniform"][None, :])
                paired.append(np.diag(logs).std())
                unpaired.append(logs[~np.eye(seeds, dtype=bool)].std())
            cells = " ".join(f"{x:.2f}" for x in ratios)
            lines.append(f"{name:32}{listed:12} median {np.median(ratios):.3f} ({cells}); sd of log ratio per seed, paired {np.mean(paired):.2f}, unpaired {np.mean(unpaired):.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    tuning = [c for c in _polis.names() if c not in _polis.HELD_OUT]
    conversations = os.environ.get("CONVERSATIONS", ",".join(tuning)).split(",")
    print(tune(int(sys.argv[1]), sys.argv[2:], conversations, int(os.environ.get("FIRST_SEED", "1"))))
