"""Opinion groups on real Polis conversations, against the groups Polis itself published.

agora's opinion_groups runs on each conversation's last votes (the whole conversation as one
sample, as a snapshot of a consultation that size would read it) and is compared, on the
participants both grouped, with participants-votes.csv's group-id: adjusted Rand index (Hubert
and Arabie) and group count. Stability: the groups found on the first 90 % of the votes (by time)
against those on all of them, on the participants both grouped. Side by side, two references
(bench/_polis_math.py): Polis's own algorithm replayed once on the final votes, and the ceiling
of any 2-D k-means (Polis's groups read back as nearest centres on the principal-component map),
also on only the participants Polis could have grouped from the export (its 7-vote in-conv rule
applied to the exported votes), next to how many it grouped below that rule, and the share of
Polis's smallest group.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from agora.results import groups
from agora.results.groups import CHUNK, GROUP_COUNTS, Choice, Groups, opinion_groups
from agora.results.sample import VoteSample
from bench import _polis, _polis_math
from bench.harness import Row

KEY = {1: "agree", -1: "disagree", 0: "neutral"}
# k-means restarts of the density-weighted candidate: with opinion_groups' 4, its figures moved
# with the seed (seattle 0.30-0.83); with 16 they do not (docs/performance.md, fourth attempt).
CANDIDATE_RESTARTS = 16


def adjusted_rand(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labellings of the same items: 1 identical, about 0 by chance."""
    _, x = np.unique(a, return_inverse=True)
    _, y = np.unique(b, return_inverse=True)
    table = np.zeros((x.max() + 1, y.max() + 1))
    np.add.at(table, (x, y), 1)

    def pairs(n: np.ndarray) -> float:
        return float((n * (n - 1) / 2).sum())

    both, rows, columns, total = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0)), pairs(np.array([len(a)]))
    expected = rows * columns / total if total else 0.0
    top = (rows + columns) / 2
    return 1.0 if top == expected else (both - expected) / (top - expected)


def sample(c: _polis.Conversation, until: float = 1.0) -> VoteSample:
    """The conversation's last votes cast before the `until` share of the real voting time."""
    cut = c.voted_at.min() + until * (c.voted_at.max() - c.voted_at.min())
    on = c.voted_at <= cut
    triples = zip(c.voter[on].astype(str).tolist(), c.comments[c.comment[on]].astype(str).tolist(), (KEY[v] for v in c.vote[on].tolist()))
    return VoteSample.of(triples, {}, int(on.sum()), True)


def labelled(s: VoteSample, previous: Choice = Choice()) -> tuple[Groups | None, dict[int, int]]:
    g = opinion_groups(s, set(s.proposals), previous)
    if g is None:
        return None, {}
    return g, {int(s.participants[p]): int(label) for p, label in zip(g.matrix.participants, g.labels, strict=True)}


@dataclass(frozen=True)
class Found:
    """A candidate's groups: voter id -> group, their count, and what a later snapshot starts from."""

    labels: dict[int, int]
    count: int
    centres: dict[int, tuple[np.ndarray, np.ndarray]]  # per count: proposal ids, [proposal, group] mean-filled votes


def density_weights(x: np.ndarray) -> np.ndarray:
    """1 / the map's Gaussian kernel density at each point (bandwidth by Scott's rule), median 1."""
    bandwidth = max(float(x.std(axis=0).mean()) * len(x) ** (-1 / 6), 1e-9)
    density = np.concatenate([np.exp(-((x[i : i + CHUNK, None] - x[None]) ** 2).sum(axis=2) / (2 * bandwidth**2)).sum(axis=1) for i in range(0, len(x), CHUNK)])
    return np.median(density) / density


def density_weighted(s: VoteSample, carried: dict[int, tuple[np.ndarray, np.ndarray]] | None = None) -> Found:
    """The candidate measured beside agora's groups (docs/performance.md, "Opinion groups, fourth
    attempt"): opinion_groups' map, counts, folding and count choice, but each participant weighs
    1 / the density of the map around them in k-means, so a dense crowd pulls its centre no harder
    than the thinner minority beside it. Warm: the groups of each count start from `carried`, an
    earlier snapshot's group centres in proposal space, placed on this snapshot's map."""
    m = groups.matrix(s, set(s.proposals))
    mean, centred, components = groups.axes(m)
    x = (centred @ components).astype(np.float64)
    w = density_weights(x)
    ids = np.asarray(s.proposals, dtype=object)[m.proposals]
    starts = {k: _placed(*carried[k], ids, mean, components) for k in carried or {}}
    runs = groups.labellings(x, [k for k in GROUP_COUNTS if k < len(x)], w, starts, CANDIDATE_RESTARTS)
    choice, _ = groups.chosen(x, runs, Choice())
    filled = np.where(m.voted, m.choice, mean)
    centres = {k: (ids, np.stack([np.average(filled[lab == j], axis=0, weights=w[lab == j]) for j in range(k)], axis=1)) for k, lab in runs.items()}
    labels = runs[choice.count]
    return Found({int(s.participants[p]): int(g) for p, g in zip(m.participants, labels, strict=True)}, int(choice.count), centres)


def _placed(ids: np.ndarray, votes: np.ndarray, now: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Centres given as mean-filled votes on proposals `ids`, on the map of proposals `now` (a
    proposal they lack at this snapshot's mean)."""
    at = {p: i for i, p in enumerate(ids.tolist())}
    rows = np.array([votes[at[p]] if p in at else np.full(votes.shape[1], np.nan) for p in now.tolist()])
    rows = np.where(np.isnan(rows), mean[:, None], rows)
    return (rows - mean[:, None]).T @ components


def agreement(first: dict[int, int], second: dict[int, int]) -> float:
    common = sorted(first.keys() & second.keys())
    return adjusted_rand(np.array([first[p] for p in common]), np.array([second[p] for p in common])) if common else np.nan


@dataclass(frozen=True)
class Comparison:
    ari: float
    count: int
    polis_count: int
    stability: float  # cold: the groups of 90 % of the votes and of all, computed apart
    warm: float  # all the votes started from the 90 % snapshot's state (the count and its challenger)
    candidate: float  # density-weighted k-means, cold
    candidate_count: int
    candidate_stability: float
    candidate_warm: float  # from the 90 % snapshot's group centres
    candidate_warm_ari: float
    replay: float  # Polis's algorithm, replayed once on the final votes
    replay_count: int
    ceiling: float
    ceiling_in_conv: float  # the ceiling on the grouped participants with >= 7 exported votes
    below_rule: int  # participants Polis grouped with fewer than 7 exported votes
    smallest_share: float  # Polis's smallest group, as a share of the participants it grouped


def compare(name: str) -> Comparison:
    c = _polis.load(name, moderated_out=True)
    everything, ninety = sample(c), sample(c, 0.9)
    g, ours = labelled(everything)
    before, earlier = labelled(ninety)
    _, warm = labelled(everything, before.choice if before else Choice())
    density, density_earlier = density_weighted(everything), density_weighted(ninety)
    density_warm = density_weighted(everything, density_earlier.centres)
    replay = _polis_math.groups(c)
    ceiling = _polis_math.voronoi_ceiling(c)
    voters, votes = np.unique(c.voter, return_counts=True)
    exported = dict(zip(voters.tolist(), votes.tolist(), strict=True))
    in_conv = {p: g for p, g in c.groups.items() if exported.get(p, 0) >= _polis_math.IN_CONV_VOTES}
    sizes = np.unique(list(c.groups.values()), return_counts=True)[1]
    return Comparison(
        agreement(ours, c.groups),
        g.count if g else 0,
        len(set(c.groups.values())),
        agreement(earlier, ours),
        agreement(earlier, warm),
        agreement(density.labels, c.groups),
        density.count,
        agreement(density_earlier.labels, density.labels),
        agreement(density_earlier.labels, density_warm.labels),
        agreement(density_warm.labels, c.groups),
        agreement(replay, c.groups),
        len(set(replay.values())),
        agreement(ceiling, c.groups),
        agreement(ceiling, in_conv),
        len(c.groups) - len(in_conv),
        float(sizes.min() / sizes.sum()),
    )


def rows(quick: bool) -> list[Row]:
    conversations = _polis.names()[:2] if quick else _polis.names()
    res = {n: compare(n) for n in conversations}
    head = ("ARI", "groups", "Polis", "stable", "warm", "density", "groups", "stable", "warm", "replay", "groups", "ceiling", "in-conv", "below 7")
    lines = [f"{'opinion groups vs Polis':44}" + "".join(f"{h:>8}" for h in head) + f"{'minority':>9}"]
    for n, r in res.items():
        lines.append(
            f"{n + (' (held out)' if n in _polis.HELD_OUT else ''):44}{r.ari:>8.3f}{r.count:>8}{r.polis_count:>8}{r.stability:>8.3f}{r.warm:>8.3f}"
            f"{r.candidate:>8.3f}{r.candidate_count:>8}{r.candidate_stability:>8.3f}{r.candidate_warm:>8.3f}"
            f"{r.replay:>8.3f}{r.replay_count:>8}{r.ceiling:>8.3f}{r.ceiling_in_conv:>8.3f}{r.below_rule:>8}{r.smallest_share:>9.2f}"
        )
    print("\n".join(lines), file=sys.stderr, flush=True)
    out = []
    for label, group in (("all", list(res)), ("tuned on", [n for n in res if n not in _polis.HELD_OUT]), ("held out", [n for n in res if n in _polis.HELD_OUT])):
        if not group:
            continue
        note = f"median over {len(group)} conversations ({label})"
        for method, ari, count, goal in (("", "ari", "count", label == "all"), ("density-weighted candidate ", "candidate", "candidate_count", False)):
            out.append(Row(f"real groups: {method}adjusted Rand index vs Polis, {label}", float(np.median([getattr(res[n], ari) for n in group])), 1.0, "ARI", "value >= 0.8" if goal else "value >= -1", note))
            same = sum(getattr(res[n], count) == res[n].polis_count for n in group)
            out.append(Row(f"real groups: {method}same group count as Polis, {label}", same, len(group), "conversations", "ratio > 0.5" if goal else "value >= 0", note))
    for label, field in (("Polis's method, replayed", "replay"), ("2-D k-means ceiling", "ceiling"), ("2-D ceiling on the in-conv participants", "ceiling_in_conv")):
        value = float(np.median([getattr(r, field) for r in res.values()]))
        out.append(Row(f"real groups: ARI vs Polis, {label}", value, 1.0, "ARI", "value >= -1", "reference (bench/_polis_math.py), median over conversations"))
    for label, field, goal in (
        ("cold", "stability", "value >= 0.8"),
        ("warm", "warm", "value >= 0.8"),
        ("density-weighted candidate, cold", "candidate_stability", "value >= -1"),
        ("density-weighted candidate, warm", "candidate_warm", "value >= -1"),
    ):
        values = [getattr(r, field) for r in res.values()]
        out.append(Row(f"real groups: ARI, 90 % of the votes vs all, {label}", float(np.median(values)), 1.0, "ARI", goal, f"median over conversations; lowest {min(values):.2f}"))
    return out
