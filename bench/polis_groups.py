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

from agora.results.groups import Choice, Groups, opinion_groups
from agora.results.sample import VoteSample
from bench import _polis, _polis_math
from bench.harness import Row

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


def labelled(s: VoteSample) -> tuple[Groups | None, dict[int, int]]:
    g = opinion_groups(s, set(s.proposals), Choice())
    if g is None:
        return None, {}
    return g, {int(s.participants[p]): int(label) for p, label in zip(g.matrix.participants, g.labels, strict=True)}


def agreement(first: dict[int, int], second: dict[int, int]) -> float:
    common = sorted(first.keys() & second.keys())
    return adjusted_rand(np.array([first[p] for p in common]), np.array([second[p] for p in common])) if common else np.nan


@dataclass(frozen=True)
class Comparison:
    ari: float
    count: int
    polis_count: int
    stability: float
    replay: float  # Polis's algorithm, replayed once on the final votes
    replay_count: int
    ceiling: float
    ceiling_in_conv: float  # the ceiling on the grouped participants with >= 7 exported votes
    below_rule: int  # participants Polis grouped with fewer than 7 exported votes
    smallest_share: float  # Polis's smallest group, as a share of the participants it grouped


def compare(name: str) -> Comparison:
    c = _polis.load(name, moderated_out=True)
    g, ours = labelled(sample(c))
    _, earlier = labelled(sample(c, 0.9))
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
    lines = [f"{'opinion groups vs Polis':44}{'ARI':>8}{'groups':>8}{'Polis':>8}{'stable':>8}{'replay':>8}{'groups':>8}{'ceiling':>8}{'in-conv':>8}{'below 7':>8}{'minority':>9}"]
    for n, r in res.items():
        lines.append(
            f"{n + (' (held out)' if n in _polis.HELD_OUT else ''):44}{r.ari:>8.3f}{r.count:>8}{r.polis_count:>8}{r.stability:>8.3f}"
            f"{r.replay:>8.3f}{r.replay_count:>8}{r.ceiling:>8.3f}{r.ceiling_in_conv:>8.3f}{r.below_rule:>8}{r.smallest_share:>9.2f}"
        )
    print("\n".join(lines), file=sys.stderr, flush=True)
    out = []
    for label, group in (("all", list(res)), ("tuned on", [n for n in res if n not in _polis.HELD_OUT]), ("held out", [n for n in res if n in _polis.HELD_OUT])):
        if not group:
            continue
        note = f"median over {len(group)} conversations ({label})"
        out.append(Row(f"real groups: adjusted Rand index vs Polis, {label}", float(np.median([res[n].ari for n in group])), 1.0, "ARI", "value >= 0.8" if label == "all" else "value >= 0", note))
        same = sum(res[n].count == res[n].polis_count for n in group)
        out.append(Row(f"real groups: same group count as Polis, {label}", same, len(group), "conversations", "ratio > 0.5" if label == "all" else "value >= 0", note))
    for label, field in (("Polis's method, replayed", "replay"), ("2-D k-means ceiling", "ceiling"), ("2-D ceiling on the in-conv participants", "ceiling_in_conv")):
        value = float(np.median([getattr(r, field) for r in res.values()]))
        out.append(Row(f"real groups: ARI vs Polis, {label}", value, 1.0, "ARI", "value >= -1", "reference (bench/_polis_math.py), median over conversations"))
    out.append(Row("real groups: ARI, 90 % of the votes vs all", float(np.median([r.stability for r in res.values()])), 1.0, "ARI", "value >= 0.8", "median over conversations"))
    return out
