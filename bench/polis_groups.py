"""Opinion groups on real Polis conversations, against the groups Polis itself published.

agora's opinion_groups runs on each conversation's last votes (the whole conversation as one
sample, as a snapshot of a consultation that size would read it) and is compared, on the
participants both grouped, with participants-votes.csv's group-id: adjusted Rand index (Hubert
and Arabie) and group count. Stability: the groups found on the first 90 % of the votes (by time)
against those on all of them, on the participants both grouped, computed apart (cold) and with
all the votes started from the 90 % snapshot's state (warm: what a live consultation carries).
The same for three candidates that were measured and not adopted (density-weighted k-means,
either it or agora's labelling by silhouette, Polis's two levels; docs/performance.md "Opinion
groups, fourth attempt"), warm from the 90 % snapshot's group centres. Side by side, two references
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
BASES = 100  # Polis's base clusters


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


Carried = dict[int, tuple[np.ndarray, np.ndarray]]  # per count: proposal ids, [proposal, group] mean-filled votes


@dataclass(frozen=True)
class Found:
    """A candidate's groups: voter id -> group, their count, and what a later snapshot starts from."""

    labels: dict[int, int]
    count: int
    centres: Carried


def density_weights(x: np.ndarray) -> np.ndarray:
    """1 / the map's Gaussian kernel density at each point (bandwidth by Scott's rule), median 1."""
    bandwidth = max(float(x.std(axis=0).mean()) * len(x) ** (-1 / 6), 1e-9)
    density = np.concatenate([np.exp(-((x[i : i + CHUNK, None] - x[None]) ** 2).sum(axis=2) / (2 * bandwidth**2)).sum(axis=1) for i in range(0, len(x), CHUNK)])
    return np.median(density) / density


def density_weighted(s: VoteSample, carried: Carried | None = None) -> Found:
    """The candidate measured beside agora's groups (docs/performance.md, "Opinion groups, fourth
    attempt"): opinion_groups' map, counts, folding and count choice, but each participant weighs
    1 / the density of the map around them in k-means, so a dense crowd pulls its centre no harder
    than the thinner minority beside it. Warm: the groups of each count start from `carried`, an
    earlier snapshot's group centres in proposal space, placed on this snapshot's map."""
    on = _Map.of(s, carried)
    w = density_weights(on.x)
    runs = groups.labellings(on.x, [k for k in GROUP_COUNTS if k < len(on.x)], w, on.starts, CANDIDATE_RESTARTS)
    return on.found(runs, groups.chosen(on.x, runs, Choice())[0].count, w)


def either(s: VoteSample, carried: Carried | None = None) -> Found:
    """Per count, opinion_groups' labelling or density_weighted's, whichever has the higher mean
    silhouette (opinion_groups' on a tie); then opinion_groups' count choice; warm as density_weighted."""
    on = _Map.of(s, carried)
    w = density_weights(on.x)
    counts = [k for k in GROUP_COUNTS if k < len(on.x)]
    plain, weighted = groups.labellings(on.x, counts, None, on.starts), groups.labellings(on.x, counts, w, on.starts, CANDIDATE_RESTARTS)
    quality = groups.silhouettes(on.x, plain), groups.silhouettes(on.x, weighted)
    runs = {k: (weighted if k not in plain or quality[1].get(k, -1) > quality[0][k] else plain)[k] for k in plain.keys() | weighted.keys()}
    return on.found(runs, groups.chosen(on.x, runs, Choice())[0].count, w)


def two_level(s: VoteSample, carried: Carried | None = None) -> Found:
    """Polis's two levels on opinion_groups' map: BASES k-means clusters of participants, then
    opinion_groups' counts, folding and count choice on the base centres, unweighted (silhouette
    Polis's way, over the bases); warm as density_weighted."""
    on = _Map.of(s, carried)
    base = groups.cluster(on.x, min(BASES, len(on.x)))
    centres = np.array([on.x[base == b].mean(axis=0) for b in range(base.max() + 1)])
    runs = groups.labellings(centres, [k for k in GROUP_COUNTS if k < len(centres)], None, on.starts, CANDIDATE_RESTARTS)
    count = groups.chosen(centres, runs, Choice())[0].count
    return on.found({k: labels[base] for k, labels in runs.items()}, count, 1 / np.bincount(base)[base])


@dataclass(frozen=True)
class _Map:
    sample: VoteSample
    m: groups.Matrix
    mean: np.ndarray
    x: np.ndarray
    ids: np.ndarray  # proposal id per column
    starts: dict[int, np.ndarray]  # carried centres placed on this map

    @classmethod
    def of(cls, s: VoteSample, carried: Carried | None) -> _Map:
        m = groups.matrix(s, set(s.proposals))
        mean, centred, components = groups.axes(m)
        ids = np.asarray(s.proposals, dtype=object)[m.proposals]
        starts = {k: _placed(*carried[k], ids, mean, components) for k in carried or {}}
        return cls(s, m, mean, (centred @ components).astype(np.float64), ids, starts)

    def found(self, runs: dict[int, np.ndarray], count: int, weights: np.ndarray) -> Found:
        """The groups of `count`, and every count's group centres (participants weighted) to carry."""
        filled = np.where(self.m.voted, self.m.choice, self.mean)
        centres = {k: (self.ids, np.stack([np.average(filled[lab == j], axis=0, weights=weights[lab == j]) for j in range(k)], axis=1)) for k, lab in runs.items()}
        labels = {int(self.sample.participants[p]): int(g) for p, g in zip(self.m.participants, runs[count], strict=True)}
        return Found(labels, int(count), centres)


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
class Measured:
    """One method's groups on a conversation, against Polis's and between snapshots."""

    ari: float
    count: int
    stability: float  # cold: the groups of 90 % of the votes and of all, computed apart
    warm: float  # all the votes started from the 90 % snapshot's state
    warm_ari: float


@dataclass(frozen=True)
class Comparison:
    methods: dict[str, Measured]  # "agora" (warm: the count and its challenger carried), then the candidates
    polis_count: int
    replay: float  # Polis's algorithm, replayed once on the final votes
    replay_count: int
    ceiling: float
    ceiling_in_conv: float  # the ceiling on the grouped participants with >= 7 exported votes
    below_rule: int  # participants Polis grouped with fewer than 7 exported votes
    smallest_share: float  # Polis's smallest group, as a share of the participants it grouped


CANDIDATES = {"density-weighted": density_weighted, "either": either, "two-level": two_level}


def measured(c: _polis.Conversation, cold: Found, earlier: Found, warm: Found) -> Measured:
    return Measured(agreement(cold.labels, c.groups), cold.count, agreement(earlier.labels, cold.labels), agreement(earlier.labels, warm.labels), agreement(warm.labels, c.groups))


def agora_groups(s: VoteSample, previous: Choice = Choice()) -> tuple[Found, Choice]:
    g, labels = labelled(s, previous)
    return Found(labels, g.count if g else 0, {}), g.choice if g else Choice()


def compare(name: str) -> Comparison:
    c = _polis.load(name, moderated_out=True)
    everything, ninety = sample(c), sample(c, 0.9)
    earlier, state = agora_groups(ninety)
    methods = {"agora": measured(c, agora_groups(everything)[0], earlier, agora_groups(everything, state)[0])}
    for label, method in CANDIDATES.items():
        before = method(ninety)
        methods[label] = measured(c, method(everything), before, method(everything, before.centres))
    replay = _polis_math.groups(c)
    ceiling = _polis_math.voronoi_ceiling(c)
    voters, votes = np.unique(c.voter, return_counts=True)
    exported = dict(zip(voters.tolist(), votes.tolist(), strict=True))
    in_conv = {p: g for p, g in c.groups.items() if exported.get(p, 0) >= _polis_math.IN_CONV_VOTES}
    sizes = np.unique(list(c.groups.values()), return_counts=True)[1]
    return Comparison(
        methods,
        len(set(c.groups.values())),
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
    print(table(res), file=sys.stderr, flush=True)
    out = []
    for label, group in (("all", list(res)), ("tuned on", [n for n in res if n not in _polis.HELD_OUT]), ("held out", [n for n in res if n in _polis.HELD_OUT])):
        if not group:
            continue
        note = f"median over {len(group)} conversations ({label})"
        for method in res[group[0]].methods:
            goal = method == "agora" and label == "all"
            name = "" if method == "agora" else f"{method} candidate: "
            ari = float(np.median([res[n].methods[method].ari for n in group]))
            out.append(Row(f"real groups: {name}adjusted Rand index vs Polis, {label}", ari, 1.0, "ARI", "value >= 0.8" if goal else "value >= -1", note))
            same = sum(res[n].methods[method].count == res[n].polis_count for n in group)
            out.append(Row(f"real groups: {name}same group count as Polis, {label}", same, len(group), "conversations", "ratio > 0.5" if goal else "value >= 0", note))
    for label, field in (("Polis's method, replayed", "replay"), ("2-D k-means ceiling", "ceiling"), ("2-D ceiling on the in-conv participants", "ceiling_in_conv")):
        value = float(np.median([getattr(r, field) for r in res.values()]))
        out.append(Row(f"real groups: ARI vs Polis, {label}", value, 1.0, "ARI", "value >= -1", "reference (bench/_polis_math.py), median over conversations"))
    for method in next(iter(res.values())).methods:
        for way in ("stability", "warm"):
            values = [r.methods[method].__dict__[way] for r in res.values()]
            name = f"{'agora' if method == 'agora' else method + ' candidate'}, {'cold' if way == 'stability' else 'warm'}"
            goal = "value >= 0.8" if method == "agora" else "value >= -1"
            out.append(Row(f"real groups: ARI, 90 % of the votes vs all, {name}", float(np.median(values)), 1.0, "ARI", goal, f"median over conversations; lowest {min(values):.2f}"))
    return out


def table(res: dict[str, Comparison]) -> str:
    """Per conversation: each method's ARI, count, cold and warm stability, then the references."""
    methods = list(next(iter(res.values())).methods)
    head = "".join(f"{m[:15]:>32}" for m in methods) + f"{'Polis':>6}{'replay':>8}{'groups':>7}{'ceiling':>8}{'in-conv':>8}{'below 7':>8}{'minority':>9}"
    sub = "".join(f"{'ARI':>8}{'k':>3}{'cold':>7}{'warm':>7}{'w.ARI':>7}" for _ in methods)
    lines = [f"{'opinion groups vs Polis':44}{head}", f"{'':44}{sub}"]
    for n, r in res.items():
        cells = "".join(f"{m.ari:>8.3f}{m.count:>3}{m.stability:>7.3f}{m.warm:>7.3f}{m.warm_ari:>7.3f}" for m in r.methods.values())
        lines.append(
            f"{n + (' (held out)' if n in _polis.HELD_OUT else ''):44}{cells}{r.polis_count:>6}"
            f"{r.replay:>8.3f}{r.replay_count:>7}{r.ceiling:>8.3f}{r.ceiling_in_conv:>8.3f}{r.below_rule:>8}{r.smallest_share:>9.2f}"
        )
    return "\n".join(lines)
