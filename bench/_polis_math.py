"""Polis's own opinion-group algorithm, replayed once on a conversation's final votes.

A reference for bench/polis_groups.py: it tells whether the groups Polis published can be
reproduced by Polis's algorithm itself (compdemocracy/polis, math/src/polismath/math/
conversation.clj, pca.clj, clusters.clj), so that a gap between agora and Polis is not blamed
on agora's method when it is the published groups that are out of reach. What it replays:

* the rating matrix of every participant (rows in order of first vote) × every comment, votes as
  exported (agree 1, disagree −1, pass 0); comments moderated out are zeroed for everyone;
* "in-conv": participants with at least min(7, comments) votes, topped up to the 15 most active;
* missing votes filled with the comment's mean, 2 principal components (exact SVD: Polis's 100
  power iterations converge to the same axes, up to sign), and the sparsity-aware projection:
  the voted entries only, stretched by √(comments / votes);
* 100 base clusters by k-means over the in-conv participants (start: the first 100 distinct
  points, ≤ 100 rounds, done when every centre moves < 0.01), then group clusterings of the base
  centres weighted by their members for k = 2 … min(5, 2 + bases // 12) (start: the first k
  bases, ≤ 20 rounds: Polis passes :cluster-iters, which its kmeans ignores), the k with the best
  mean silhouette over the base clusters, the last k on a tie.

What it cannot replay: Polis runs this at every update from the previous update's clusters,
components and in-conv set (a participant once in stays in), so its published groups depend on
the order the votes came in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bench import _polis

BASE_K, MAX_K, IN_CONV_VOTES, GREEDY_N = 100, 5, 7, 15


def groups(c: _polis.Conversation) -> dict[int, int]:
    """Voter id -> group, for the in-conv participants, by Polis's pipeline on the final votes."""
    pids, m, votes = _rating_matrix(c)
    x = _project(m, ~np.isnan(m))
    inside = _in_conv(votes, m.shape[1])
    base, centres = kmeans(x[inside], BASE_K, max_rounds=100)
    weights = np.bincount(base, minlength=len(centres)).astype(np.float64)
    distances = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(axis=2))
    best = (-np.inf, None)
    for k in range(2, min(MAX_K, 2 + len(centres) // 12) + 1):
        labels, _ = kmeans(centres, k, weights, max_rounds=20)
        score = silhouette(distances, labels)
        if score >= best[0]:
            best = (score, labels)
    return dict(zip(pids[inside].tolist(), best[1][base].tolist(), strict=True))


def _rating_matrix(c: _polis.Conversation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Participants in order of first vote, their ratings, and their votes before moderation."""
    order = np.argsort(c.voted_at, kind="stable")
    _, first = np.unique(c.voter[order], return_index=True)
    pids = c.voter[order][np.sort(first)]
    row = np.searchsorted(np.sort(pids), c.voter)
    rank = np.argsort(pids)  # sorted position -> row in first-vote order
    m = np.full((len(pids), len(c.comments)), np.nan)
    m[rank[row], c.comment] = c.vote
    votes = (~np.isnan(m)).sum(axis=1)
    m[:, c.moderated < 0] = 0.0
    return pids, m, votes


def _project(m: np.ndarray, voted: np.ndarray, stretched: bool = True) -> np.ndarray:
    """The mean-filled matrix on its 2 principal components, stretched Polis's way or not. A
    zeroed (moderated-out) column counts as voted by everyone: it damps the stretch."""
    filled = np.where(voted, m, np.nanmean(m, axis=0))
    centre = filled.mean(axis=0)
    _, _, vt = np.linalg.svd(filled - centre, full_matrices=False)
    x = np.where(voted, m - centre, 0.0) @ vt[:2].T
    return x * np.sqrt(m.shape[1] / np.maximum(voted.sum(axis=1), 1))[:, None] if stretched else x


def _in_conv(votes: np.ndarray, comments: int) -> np.ndarray:
    inside = votes >= min(IN_CONV_VOTES, comments)
    if inside.sum() < GREEDY_N:
        inside[np.argsort(-votes, kind="stable")[:GREEDY_N]] = True
    return inside


def kmeans(x: np.ndarray, k: int, weights: np.ndarray | None = None, max_rounds: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Polis's k-means: start from the first k distinct points; empty clusters are dropped."""
    w = np.ones(len(x)) if weights is None else weights
    _, first = np.unique(x, axis=0, return_index=True)
    centres = x[np.sort(first)[:k]]
    for _ in range(max_rounds + 1):
        labels = _nearest(x, centres)
        kept = np.flatnonzero(np.bincount(labels, minlength=len(centres)))
        new = np.array([np.average(x[labels == j], axis=0, weights=w[labels == j]) for j in kept])
        settled = len(new) == len(centres) and bool((np.linalg.norm(new - centres, axis=1) < 0.01).all())
        centres = new
        if settled:
            break
    return _nearest(x, centres), centres


def _nearest(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return ((x[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over the points, unweighted; a point alone in its cluster scores 0."""
    _, labels = np.unique(labels, return_inverse=True)
    if labels.max() == 0:  # one cluster: nothing to separate from
        return 0.0
    onehot = np.eye(labels.max() + 1)[labels]
    sizes = onehot.sum(axis=0)
    sums = distances @ onehot
    own = sizes[labels]
    a = sums[np.arange(len(labels)), labels] / np.maximum(own - 1, 1)
    b = np.where(onehot.astype(bool), np.inf, sums / sizes).min(axis=1)
    return float(np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0).mean())


def voronoi_ceiling(c: _polis.Conversation, stretched: bool = False) -> dict[int, int]:
    """Polis's groups read back as nearest centres: each participant Polis grouped, to the nearest
    centre of Polis's own groups on the mean-filled principal-component map, unscaled (agora's
    kind of map) or stretched as Polis clusters it. Polis's final groups are k-means groups on
    the map it clustered, so on that map this gives them back nearly unchanged; where the
    stretched read-back does not, Polis clustered some other map than the final votes give."""
    pids, m, _ = _rating_matrix(c)
    grouped = np.isin(pids, list(c.groups))
    x = _project(m, ~np.isnan(m), stretched)[grouped]
    g = np.array([c.groups[p] for p in pids[grouped].tolist()])
    centres = np.array([x[g == j].mean(axis=0) for j in np.unique(g)])
    return dict(zip(pids[grouped].tolist(), _nearest(x, centres).tolist(), strict=True))


def replay_updates(c: _polis.Conversation, updates: int = 40) -> dict[int, int]:
    """Polis's pipeline run as Polis runs it: at `updates` moments evenly spread over the votes'
    time, each update starting from the last one's base clusters, group clusterings, in-conv set
    and count smoother (clusters.clj clean-start-clusters; conversation.clj group-k-smoother)."""
    t0, t1 = int(c.voted_at.min()), int(c.voted_at.max())
    inside: set[int] = set()
    base: list[Cluster] = []
    clusterings: dict[int, list[Cluster]] = {}
    smoother = (None, 0, None)  # last k, times in a row, smoothed k
    for step in range(1, updates + 1):
        on = c.voted_at <= t0 + (t1 - t0) * step / updates
        part = replace(c, voter=c.voter[on], comment=c.comment[on], vote=c.vote[on], voted_at=c.voted_at[on])
        pids, m, votes = _rating_matrix(part)
        seen = ~np.all(np.isnan(m), axis=0)
        m = m[:, seen]
        inside |= set(pids[_in_conv(votes, m.shape[1])].tolist())
        rows = np.isin(pids, list(inside))
        x = _project(m, ~np.isnan(m))[rows]
        names = pids[rows].tolist()
        points = dict(zip(names, x, strict=True))
        base = _kmeans_from(points, BASE_K, base, {}, 100)
        weights = {b.id: float(len(b.members)) for b in base}
        centres = {b.id: b.centre for b in base}
        ids = sorted(centres)
        distances = np.sqrt(((np.array([centres[i] for i in ids])[:, None] - np.array([centres[i] for i in ids])[None]) ** 2).sum(axis=2))
        scores = {}
        for k in range(2, min(MAX_K, 2 + len(ids) // 12) + 1):
            clusterings[k] = _kmeans_from(centres, k, clusterings.get(k, []), weights, 20)
            of = {b: g.id for g in clusterings[k] for b in g.members}
            scores[k] = silhouette(distances, np.array([of[i] for i in ids]))
        this_k = max(sorted(scores), key=lambda k: (scores[k], k))
        last_k, times, smoothed = smoother
        times = times + 1 if this_k == last_k else 1
        smoother = (this_k, times, this_k if times >= 4 or smoothed is None else smoothed)
    chosen = clusterings[smoother[2]]
    base_of = {p: b.id for b in base for p in b.members}
    group_of = {b: g.id for g in chosen for b in g.members}
    return {p: group_of[base_of[p]] for p in base_of}


@dataclass(eq=False)
class Cluster:
    id: int
    members: list
    centre: np.ndarray


def _mean(points: dict, members: list, weights: dict) -> np.ndarray:
    w = np.array([weights.get(p, 1.0) for p in members])
    return np.average(np.array([points[p] for p in members]), axis=0, weights=w)


def _kmeans_from(points: dict, k: int, last: list[Cluster], weights: dict, max_rounds: int) -> list[Cluster]:
    """Polis's kmeans with last-clusters: recentre the last clusters on their members' new
    positions, merge identical ones, split off the most distant point until there are k."""
    names = list(points)
    x = np.array([points[p] for p in names])
    if not last:
        _, first = np.unique(x, axis=0, return_index=True)
        clusters = [Cluster(i, [], x[j]) for i, j in enumerate(np.sort(first)[:k])]
    else:
        clusters = []
        for cl in last:
            present = [p for p in cl.members if p in points]
            if present:
                clusters.append(Cluster(cl.id, present, _mean(points, present, weights)))
        unique: list[Cluster] = []
        for cl in clusters:
            twin = next((u for u in unique if np.array_equal(u.centre, cl.centre)), None)
            if twin is None:
                unique.append(cl)
            else:
                twin.members = twin.members + cl.members
        clusters = unique
        possible = min(k, len(np.unique(x, axis=0)))
        while len(clusters) < possible:
            centres = np.array([cl.centre for cl in clusters])
            d = np.sqrt(((x[:, None] - centres[None]) ** 2).sum(axis=2)).min(axis=1)
            far = int(d.argmax())
            if d[far] <= 0:
                break
            for cl in clusters:
                if names[far] in cl.members:
                    cl.members = [p for p in cl.members if p != names[far]]
            clusters = [cl for cl in clusters if cl.members]
            for cl in clusters:
                cl.centre = _mean(points, cl.members, weights)
            clusters.append(Cluster(max(cl.id for cl in clusters) + 1 if clusters else 0, [names[far]], x[far]))
    for _ in range(max_rounds + 1):
        centres = np.array([cl.centre for cl in clusters])
        labels = _nearest(x, centres)
        new = []
        for j, cl in enumerate(clusters):
            members = [names[i] for i in np.flatnonzero(labels == j)]
            if members:
                new.append(Cluster(cl.id, members, _mean(points, members, weights)))
        settled = len(new) == len(clusters) and all(np.linalg.norm(a.centre - b.centre) < 0.01 for a, b in zip(new, clusters, strict=True))
        clusters = new
        if settled:
            break
    return sorted(clusters, key=lambda cl: cl.id)


if __name__ == "__main__":  # python -m bench._polis_math [updates]: the incremental replay, slow
    import sys

    from bench.polis_groups import agreement

    updates = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    found = []
    for name in _polis.names():
        c = _polis.load(name, moderated_out=True)
        replay = replay_updates(c, updates)
        found.append(agreement(replay, c.groups))
        print(f"{name:40}{found[-1]:>8.3f}{len(set(replay.values())):>4} groups (Polis {len(set(c.groups.values()))})", flush=True)
    print(f"{'median':40}{np.median(found):>8.3f}")
