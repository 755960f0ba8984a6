"""Opinion groups on real Polis conversations, against the groups Polis itself published.

agora's opinion_groups runs on each conversation's last votes (the whole conversation as one
sample, as a snapshot of a consultation that size would read it) on the proposals not moderated
out (a snapshot groups on the accepted proposals; Polis zeroes the moderated-out columns) and is
compared, on the participants both grouped, with participants-votes.csv's group-id: adjusted
Rand index (Hubert and Arabie) and group count. Stability: the groups found on the first 90 % of the votes (by time)
against those on all of them, on the participants both grouped, computed apart (cold) and with
all the votes started from the 90 % snapshot's count choice (warm: what a live consultation
carries). Beside it, the same for the method before the density weighting (plain k-means per
count), the baseline. Side by side, two references (bench/_polis_math.py): Polis's own algorithm
replayed once on the final votes, and Polis's groups read back as nearest centres on the
principal-component map (the "ceiling"), unscaled, also on only the participants Polis could have
grouped from the export (its 7-vote in-conv rule applied to the exported votes), and on the map
stretched as Polis clusters it; next to them how many Polis grouped below that rule, and the
share of Polis's smallest group. Last, a bound on agora's own map: the best adjusted Rand index
of any split of it in two by a straight line, which is what every 2-group k-means (weighted or
not) ends with, so no 2-group labelling of opinion_groups can beat it. Then both methods'
grouping time on the largest conversation, in the same run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from agora.results import groups
from agora.results.groups import Choice, opinion_groups
from agora.results.sample import VoteSample
from bench import _polis, _polis_math
from bench.harness import Row, side_by_side

KEY = {1: "agree", -1: "disagree", 0: "neutral"}


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


METHODS = {"agora": None, "plain k-means": groups.plain_kmeans}  # None: opinion_groups' own labelling


@dataclass(frozen=True)
class Found:
    """A method's groups on a sample: voter id -> group, their count, and the count choice it leaves."""

    labels: dict[int, int]
    count: int
    choice: Choice


def votable(c: _polis.Conversation) -> set[str]:
    """The proposals a snapshot would group on: every comment not moderated out."""
    return set(c.comments[c.moderated >= 0].astype(str).tolist())


def found(s: VoteSample, method: str, on: set[str], previous: Choice = Choice()) -> Found:
    """opinion_groups on the sample's votes on `on` with the method's labelling, from the `previous` count choice."""
    g = opinion_groups(s, on, previous, METHODS[method])
    if g is None:
        return Found({}, 0, Choice())
    return Found({int(s.participants[p]): int(label) for p, label in zip(g.matrix.participants, g.labels, strict=True)}, g.count, g.choice)


def agreement(first: dict[int, int], second: dict[int, int]) -> float:
    common = sorted(first.keys() & second.keys())
    return adjusted_rand(np.array([first[p] for p in common]), np.array([second[p] for p in common])) if common else np.nan


@dataclass(frozen=True)
class Measured:
    """One method's groups on a conversation, against Polis's and between snapshots."""

    ari: float
    count: int
    stability: float  # cold: the groups of 90 % of the votes and of all, computed apart
    warm: float  # all the votes started from the 90 % snapshot's count choice, as a snapshot runs
    warm_ari: float


@dataclass(frozen=True)
class Comparison:
    methods: dict[str, Measured]  # "agora", then the "plain k-means" baseline
    polis_count: int
    replay: float  # Polis's algorithm, replayed once on the final votes
    replay_count: int
    ceiling: float
    ceiling_in_conv: float  # the ceiling on the grouped participants with >= 7 exported votes
    ceiling_stretched: float  # the ceiling on Polis's stretched map
    line_bound: float  # the best 2-group straight-line split of agora's map
    below_rule: int  # participants Polis grouped with fewer than 7 exported votes
    smallest_share: float  # Polis's smallest group, as a share of the participants it grouped


def measured(c: _polis.Conversation, everything: VoteSample, ninety: VoteSample, method: str) -> Measured:
    on = votable(c)
    cold, earlier = found(everything, method, on), found(ninety, method, on)
    warm = found(everything, method, on, earlier.choice)
    return Measured(agreement(cold.labels, c.groups), cold.count, agreement(earlier.labels, cold.labels), agreement(earlier.labels, warm.labels), agreement(warm.labels, c.groups))


def compare(name: str) -> Comparison:
    c = _polis.load(name, moderated_out=True)
    everything, ninety = sample(c), sample(c, 0.9)
    methods = {method: measured(c, everything, ninety, method) for method in METHODS}
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
        agreement(_polis_math.voronoi_ceiling(c, stretched=True), c.groups),
        line_bound(c, everything),
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
            name = "" if method == "agora" else f"{method} baseline: "
            ari = float(np.median([res[n].methods[method].ari for n in group]))
            out.append(Row(f"real groups: {name}adjusted Rand index vs Polis, {label}", ari, 1.0, "ARI", "value >= 0.8" if goal else "value >= -1", note))
            same = sum(res[n].methods[method].count == res[n].polis_count for n in group)
            out.append(Row(f"real groups: {name}same group count as Polis, {label}", same, len(group), "conversations", "ratio > 0.5" if goal else "value >= 0", note))
    for label, field, source in (
        ("Polis's method, replayed", "replay", "bench/_polis_math.py"),
        ("2-D k-means ceiling", "ceiling", "bench/_polis_math.py"),
        ("2-D ceiling on the in-conv participants", "ceiling_in_conv", "bench/_polis_math.py"),
        ("2-D ceiling on Polis's stretched map", "ceiling_stretched", "bench/_polis_math.py"),
        ("best 2-group line on agora's map", "line_bound", "line_bound"),
    ):
        value = float(np.median([getattr(r, field) for r in res.values()]))
        out.append(Row(f"real groups: ARI vs Polis, {label}", value, 1.0, "ARI", "value >= -1", f"reference ({source}), median over conversations"))
    for method in next(iter(res.values())).methods:
        for way in ("stability", "warm"):
            values = [r.methods[method].__dict__[way] for r in res.values()]
            name = f"{'agora' if method == 'agora' else method + ' baseline'}, {'cold' if way == 'stability' else 'warm'}"
            goal = "value >= 0.8" if method == "agora" else "value >= -1"
            out.append(Row(f"real groups: ARI, 90 % of the votes vs all, {name}", float(np.median(values)), 1.0, "ARI", goal, f"median over conversations; lowest {min(values):.2f}"))
    return [*out, timing(conversations, quick)]


ANGLES = 720  # directions of the line bound's splits, a quarter of a degree apart


def line_bound(c: _polis.Conversation, s: VoteSample) -> float:
    """The best ARI against Polis's groups of any split of agora's map in two by a straight line:
    along each of ANGLES directions, every cut between two participants in order."""
    m = groups.matrix(s, votable(c))
    ids = np.array([int(s.participants[p]) for p in m.participants])
    grouped = np.isin(ids, list(c.groups))
    x = groups.project(m)[grouped]
    _, truth = np.unique([c.groups[p] for p in ids[grouped].tolist()], return_inverse=True)
    angles = np.linspace(0, np.pi, ANGLES, endpoint=False)
    return max(_best_cut(truth[np.argsort(x @ np.array([np.cos(a), np.sin(a)]), kind="stable")]) for a in angles)


def _best_cut(truth: np.ndarray) -> float:
    """The best ARI of a split of the items, in this order, into a prefix and the rest."""
    n, k = len(truth), int(truth.max()) + 1
    before = np.cumsum(np.eye(k)[truth], axis=0)[:-1]  # Polis's groups among the first i + 1 items
    after = before[-1] + np.eye(k)[truth[-1]] - before

    def pairs(v: np.ndarray) -> np.ndarray:
        return v * (v - 1) / 2

    both = pairs(before).sum(axis=1) + pairs(after).sum(axis=1)
    sizes = np.arange(1, n)
    rows, columns, total = pairs(sizes) + pairs(n - sizes), float(pairs(before[-1] + np.eye(k)[truth[-1]]).sum()), n * (n - 1) / 2
    expected = rows * columns / total
    return float(((both - expected) / ((rows + columns) / 2 - expected)).max())


def timing(conversations: list[str], quick: bool) -> Row:
    """Both methods' grouping time on the conversation with the most participants."""
    loaded = [_polis.load(n, moderated_out=True) for n in conversations]
    largest = max(loaded, key=lambda c: len(np.unique(c.voter)))
    s, on = sample(largest), votable(largest)
    rounds = 1 if quick else 5
    new, old = side_by_side(lambda: found(s, "agora", on), lambda: found(s, "plain k-means", on), rounds)
    return Row(f"real groups: grouping time, {largest.name}", new, old, "s", "value <= 1",
               f"{len(s.participants):,} participants; baseline: plain k-means per count, run in turn, median of {rounds}")  # fmt: skip


def table(res: dict[str, Comparison]) -> str:
    """Per conversation: each method's ARI, count, cold and warm stability, then the references."""
    methods = list(next(iter(res.values())).methods)
    head = "".join(f"{m[:15]:>32}" for m in methods) + f"{'Polis':>6}{'replay':>8}{'groups':>7}{'ceiling':>8}{'in-conv':>8}{'stretch':>8}{'line':>7}{'below 7':>8}{'minority':>9}"
    sub = "".join(f"{'ARI':>8}{'k':>3}{'cold':>7}{'warm':>7}{'w.ARI':>7}" for _ in methods)
    lines = [f"{'opinion groups vs Polis':44}{head}", f"{'':44}{sub}"]
    for n, r in res.items():
        cells = "".join(f"{m.ari:>8.3f}{m.count:>3}{m.stability:>7.3f}{m.warm:>7.3f}{m.warm_ari:>7.3f}" for m in r.methods.values())
        lines.append(
            f"{n + (' (held out)' if n in _polis.HELD_OUT else ''):44}{cells}{r.polis_count:>6}"
            f"{r.replay:>8.3f}{r.replay_count:>7}{r.ceiling:>8.3f}{r.ceiling_in_conv:>8.3f}{r.ceiling_stretched:>8.3f}{r.line_bound:>7.3f}{r.below_rule:>8}{r.smallest_share:>9.2f}"
        )
    return "\n".join(lines)
