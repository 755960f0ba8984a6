"""Opinion groups, the Polis way: participants who vote alike, found on the bounded sample.

The most active sampled participants × the most voted proposals form a vote matrix (agree +1,
disagree −1, neutral 0; a missing vote is the proposal's mean). Two principal components
(randomised subspace iteration with a fixed seed) are clustered for 2 to 5 groups, each count
twice: by k-means (k-means++ from a fixed seed, best of a few restarts) and by k-means where each
participant weighs 1 / the map's density around them, so that a dense crowd does not split in two
while a thinner minority beside it goes unseen; per count the labelling with the higher mean
silhouette stands. A "group" of a handful of outliers is no opinion group: its members join the
nearest real one. Silhouette picks the count, a larger count only when it separates markedly
better, and the published count only changes after the same new count wins several snapshots in
a row, so groups do not flicker. Everything is deterministic for the same sample. Measured
against the groups Polis published for real conversations (bench/polis_groups.py; docs/decisions.md
109 "Opinion groups on the unscaled map", 153 "Polis's own algorithm replayed", and the record
"Opinion groups: k-means or density-weighted k-means per count, the better silhouette")."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from agora.results.kmeans import Points, kmeans
from agora.results.sample import VoteSample

MIN_VOTES = 7  # Polis clusters participants with at least 7 votes
MAX_PARTICIPANTS = 5_000
MAX_PROPOSALS = 2_000
GROUP_COUNTS = (2, 3, 4, 5)
SILHOUETTE_MARGIN = 0.08  # a larger count must beat a smaller one's mean silhouette by this much
SMALLEST_GROUP, SMALLEST_SHARE = 3, 0.02  # below either, a cluster is outliers, not a group
WINS_TO_SWITCH = 4
RESTARTS = 4
# With 4 restarts the density-weighted labelling moved with the seed (seattle's ARI against Polis
# 0.30-0.83); with 16 it does not (docs/performance.md, "Opinion groups, fourth attempt").
DENSITY_RESTARTS, DENSITY_ENOUGH = 16, 3  # at most 16 restarts, done once 3 found the best
# The silhouette reads at most this many participants (a seeded subsample), so its cost stays
# bounded at the sample's 5,000; every real conversation measured clusters fewer (at most 592).
SILHOUETTE_POINTS = 2_000
GRID = 512  # bins per axis of the binned kernel density
SEED = 1_700_000
REPRESENTATIVE = 5
Z90 = 1.2815515655446004  # one-sided 90 %
CHUNK = 512  # rows of the pairwise-distance matrix held at once by silhouette
AGREE, DISAGREE, NEUTRAL = 0, 1, 2  # VoteSample key codes, in VOTE_KEYS order
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Matrix:
    participants: np.ndarray  # row -> index into sample.participants
    proposals: np.ndarray  # column -> index into sample.proposals
    choice: np.ndarray  # [row, column]: +1 agree, -1 disagree, 0 neutral or missing
    voted: np.ndarray  # [row, column] bool


def matrix(sample: VoteSample, votable: set[str]) -> Matrix:
    """The most active participants × the most voted proposals, both capped.

    A participant counts with MIN_VOTES votes, or with a vote on every proposal when there are
    fewer (Polis's in-conv rule, min(7, comments)): a consultation of 5 proposals has groups too.
    """
    on = np.array([q in votable for q in sample.proposals] or [False])[sample.target]
    voter, target, key = sample.voter[on], sample.target[on], sample.key[on]
    at_least = max(1, min(MIN_VOTES, MAX_PROPOSALS, len(np.unique(target))))
    activity = np.bincount(voter, minlength=len(sample.participants))
    rows = _top(activity, MAX_PARTICIPANTS, at_least)
    mine = np.isin(voter, rows)
    columns = _top(np.bincount(target[mine], minlength=len(sample.proposals)), MAX_PROPOSALS, 1)
    kept = mine & np.isin(target, columns)
    rows = rows[np.bincount(voter[kept], minlength=len(sample.participants))[rows] >= at_least]
    kept &= np.isin(voter, rows)
    r = np.searchsorted(rows, voter[kept])
    c = np.searchsorted(columns, target[kept])
    choice = np.zeros((len(rows), len(columns)), dtype=np.float32)
    voted = np.zeros((len(rows), len(columns)), dtype=bool)
    choice[r, c] = np.select([key[kept] == AGREE, key[kept] == DISAGREE], [1.0, -1.0], 0.0)
    voted[r, c] = True
    return Matrix(rows, columns, choice, voted)


def _top(count: np.ndarray, cap: int, at_least: int) -> np.ndarray:
    """Indices of the `cap` largest counts ≥ at_least (ties to the smaller index), sorted."""
    order = np.lexsort((np.arange(len(count)), -count))[:cap]
    return np.sort(order[count[order] >= at_least])


def project(m: Matrix, seed: int = SEED) -> np.ndarray:
    """Participants on the two principal components of the mean-filled vote matrix.

    Unscaled: Polis stretches the projection of participants who voted little, but clustering
    the stretched map matched Polis's own published groups less well
    (docs/decisions.md 109, "Opinion groups on the unscaled map").
    """
    q = m.choice.shape[1]
    seen = m.voted.sum(axis=0)
    mean = np.divide(m.choice.sum(axis=0), seen, out=np.zeros(q, dtype=np.float32), where=seen > 0)
    centred = np.where(m.voted, m.choice - mean, np.float32(0))
    components = _leading_right_vectors(centred, 2, np.random.default_rng(seed))
    return (centred @ components).astype(np.float64)


def _leading_right_vectors(a: np.ndarray, rank: int, rng: np.random.Generator, rounds: int = 6) -> np.ndarray:
    """Top right singular vectors by randomised subspace iteration (Halko, Martinsson, Tropp).

    A few products with the matrix instead of a full SVD: seconds become milliseconds at
    5,000 × 2,000. Signs are fixed (largest loading positive) so the map does not mirror.
    """
    q = a.shape[1]
    width = min(q, rank + 8)
    basis, _ = np.linalg.qr(a @ rng.standard_normal((q, width)).astype(a.dtype))
    for _ in range(rounds):
        basis, _ = np.linalg.qr(a @ (a.T @ basis))
    _, _, vt = np.linalg.svd(basis.T @ a, full_matrices=False)
    v = vt[:rank].T
    if v.shape[1] < rank:
        v = np.hstack([v, np.zeros((q, rank - v.shape[1]))])
    signs = np.sign(v[np.abs(v).argmax(axis=0), np.arange(rank)])
    return v * np.where(signs == 0, 1, signs)


def _run(x: np.ndarray, k: int, rng: np.random.Generator, weights: np.ndarray | None) -> tuple[np.ndarray, float]:
    """Labels and (weighted) inertia of one k-means run (at most 100 rounds)."""
    labels, centres = kmeans(Points(x, weights), k, rng, rounds=100)
    spread = (x - centres[labels]) ** 2
    return labels, float(spread.sum() if weights is None else weights @ spread.sum(axis=1))


def cluster(x: np.ndarray, k: int, seed: int = SEED, weights: np.ndarray | None = None, restarts: int = RESTARTS, enough: int | None = None) -> np.ndarray:
    """Best of `restarts` seeded runs, or of fewer once `enough` runs have found the best so far;
    groups numbered by size (largest first), then position."""
    rng = np.random.default_rng(seed)
    best, inertia, found = None, np.inf, 0
    for _ in range(restarts):
        labels, spread = _run(x, k, rng, weights)
        labels = _by_size(labels)
        if best is not None and np.array_equal(labels, best):
            found += 1
            if found == enough:
                break
        elif spread < inertia:
            best, inertia, found = labels, spread, 1
    return best


def _by_size(labels: np.ndarray) -> np.ndarray:
    """The same partition, groups numbered 0, 1, … by size (largest first), then first member."""
    present, labels = np.unique(labels, return_inverse=True)
    k = len(present)
    sizes = np.bincount(labels, minlength=k)
    firsts = np.array([np.argmax(labels == j) for j in range(k)])
    return np.argsort(np.lexsort((firsts, -sizes)))[labels]


def without_outliers(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Clusters smaller than SMALLEST_GROUP or SMALLEST_SHARE of x join the nearest real group."""
    sizes = np.bincount(labels)
    real = np.flatnonzero(sizes >= max(SMALLEST_GROUP, SMALLEST_SHARE * len(x)))
    if len(real) in (0, len(sizes)):
        return labels
    centres = np.array([x[labels == j].mean(axis=0) for j in real])
    nearest = real[((x[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)]
    return _by_size(np.where(np.isin(labels, real), labels, nearest))


def silhouettes(x: np.ndarray, runs: Mapping[Key, np.ndarray], at_most: int | None = None) -> dict[Key, float]:
    """Mean silhouette (Rousseeuw) of each labelling, exact on at most `at_most` points (a seeded
    subsample beyond), holding CHUNK rows of distances at a time and sharing them between labellings."""
    rows = _subsample(len(x), at_most)
    x = x[rows]
    norms = (x * x).sum(axis=1)
    scores = {key: np.zeros(len(x)) for key in runs}
    for start in range(0, len(x), CHUNK):
        block = x[start : start + CHUNK]
        d = np.sqrt(np.maximum(norms[start : start + CHUNK, None] + norms[None] - 2 * block @ x.T, 0))
        at = np.arange(len(block))
        for key, labels in runs.items():
            k = int(labels.max()) + 1
            labels = labels[rows]
            sizes = np.bincount(labels, minlength=k).astype(np.float64)
            own = labels[start : start + CHUNK]
            sums = d @ np.eye(k)[labels]
            a = sums[at, own] / np.maximum(sizes[own] - 1, 1)
            b = np.where(np.eye(k, dtype=bool)[own] | (sizes == 0), np.inf, sums / np.maximum(sizes, 1)).min(axis=1)
            # A participant alone in a group scores 0, by Rousseeuw's convention; so does one with no
            # other group to compare with (b infinite: inf / inf), rather than poisoning the mean.
            with np.errstate(invalid="ignore"):
                s = (b - a) / np.maximum(np.maximum(a, b), 1e-12)
            scores[key][start : start + CHUNK] = np.where((sizes[own] > 1) & np.isfinite(s), s, 0.0)
    return {key: float(v.mean()) for key, v in scores.items()}


def _subsample(n: int, at_most: int | None) -> np.ndarray:
    """All of range(n), or `at_most` of them drawn from a fixed seed, in order."""
    if at_most is None or n <= at_most:
        return np.arange(n)
    return np.sort(np.random.default_rng(SEED).choice(n, at_most, replace=False))


def density_weights(x: np.ndarray) -> np.ndarray:
    """1 / the map's Gaussian kernel density at each point (bandwidth by Scott's rule), median 1.

    The density of every point at every point is n² kernels; binned (Wand 1994) it is the
    points' linear binning on a GRID × GRID lattice smoothed by the kernel along each axis (two
    matrix products), read back at each point by bilinear interpolation: within a fraction of a
    percent of the exact sum while the bandwidth spans several bins, at a cost linear in n."""
    bandwidth = max(float(x.std(axis=0).mean()) * len(x) ** (-1 / 6), 1e-9)
    low = x.min(axis=0)
    step = np.maximum((x.max(axis=0) - low) / (GRID - 1), 1e-12)
    at = (x - low) / step
    cell = np.minimum(at.astype(int), GRID - 2)
    frac = at - cell
    corners = [((dx, dy), (frac[:, 0] if dx else 1 - frac[:, 0]) * (frac[:, 1] if dy else 1 - frac[:, 1])) for dx in (0, 1) for dy in (0, 1)]
    binned = np.zeros((GRID, GRID))
    for (dx, dy), share in corners:
        np.add.at(binned, (cell[:, 0] + dx, cell[:, 1] + dy), share)
    lags = np.arange(GRID)[:, None] - np.arange(GRID)[None]
    kernel = [np.exp(-((lags * step[axis]) ** 2) / (2 * bandwidth**2)) for axis in (0, 1)]
    smooth = kernel[0] @ binned @ kernel[1].T
    density = sum(share * smooth[cell[:, 0] + dx, cell[:, 1] + dy] for (dx, dy), share in corners)
    return np.median(density) / density


@dataclass(frozen=True)
class Choice:
    """The published group count, and a challenger that must win WINS_TO_SWITCH snapshots in a row."""

    count: int | None = None
    challenger: int | None = None
    wins: int = 0

    def after(self, best: int) -> Choice:
        if self.count is None or best == self.count:
            return Choice(best)
        wins = self.wins + 1 if best == self.challenger else 1
        return Choice(best) if wins >= WINS_TO_SWITCH else Choice(self.count, best, wins)

    def record(self) -> dict[str, int | None]:
        return {"count": self.count, "challenger": self.challenger, "wins": self.wins}

    @classmethod
    def of(cls, data: Mapping[str, object] | None) -> Choice:
        data = data or {}
        count, challenger = data.get("count"), data.get("challenger")
        return cls(
            int(count) if isinstance(count, int) else None,
            int(challenger) if isinstance(challenger, int) else None,
            int(data.get("wins") or 0),  # type: ignore[call-overload]
        )


@dataclass(frozen=True)
class Groups:
    matrix: Matrix
    coords: np.ndarray
    labels: np.ndarray  # per matrix row
    silhouettes: dict[int, float]
    choice: Choice
    agree: np.ndarray  # [group, column] agree votes
    disagree: np.ndarray
    seen: np.ndarray  # [group, column] votes of any key

    @property
    def count(self) -> int:
        return len(self.agree)


Labelled = tuple[dict[int, np.ndarray], dict[int, float]]  # per group count: labels, mean silhouette


def opinion_groups(sample: VoteSample, votable: set[str], previous: Choice, labelled: Callable[[np.ndarray, list[int]], Labelled] | None = None) -> Groups | None:
    """None when the sample has too few active participants or proposals to split. `labelled`
    labels the map for each group count (by default plain_or_density_weighted)."""
    m = matrix(sample, votable)
    counts = [k for k in GROUP_COUNTS if k < len(m.participants)]
    if not counts or len(m.proposals) < 2:
        return None
    coords = project(m)
    runs, quality = (labelled or plain_or_density_weighted)(coords, counts)
    choice = chosen(runs, quality, previous)
    labels = runs[choice.count]
    onehot = np.eye(int(labels.max()) + 1)[labels].T
    agree = onehot @ (m.voted & (m.choice > 0))
    disagree = onehot @ (m.voted & (m.choice < 0))
    return Groups(m, coords, labels, quality, choice, agree, disagree, onehot @ m.voted)


def plain_or_density_weighted(coords: np.ndarray, counts: list[int]) -> Labelled:
    """Per group count, the plain k-means labelling or the density-weighted one, whichever has
    the higher mean silhouette (the plain one on a tie)."""
    plain = labellings(coords, counts)
    weighted = labellings(coords, counts, density_weights(coords), DENSITY_RESTARTS, DENSITY_ENOUGH)
    quality = silhouettes(coords, {**{(k, False): v for k, v in plain.items()}, **{(k, True): v for k, v in weighted.items()}}, SILHOUETTE_POINTS)
    best = {k: max((way for way in (False, True) if (k, way) in quality), key=lambda way: quality[k, way]) for k in sorted(plain.keys() | weighted.keys())}
    return {k: (weighted if way else plain)[k] for k, way in best.items()}, {k: quality[k, way] for k, way in best.items()}


def plain_kmeans(coords: np.ndarray, counts: list[int]) -> Labelled:
    """Per group count, the plain k-means labelling alone: the method before the density weighting,
    kept as the benchmarks' baseline."""
    runs = labellings(coords, counts)
    return runs, silhouettes(coords, runs)


def labellings(coords: np.ndarray, counts: list[int], weights: np.ndarray | None = None, restarts: int = RESTARTS, enough: int | None = None) -> dict[int, np.ndarray]:
    """Per group count found (2 or more), its labelling: k-means for each of `counts` (participants
    weighted by `weights` if given; see `cluster` for the restarts), outliers folded in; a count
    found twice keeps the first."""
    runs: dict[int, np.ndarray] = {}
    for k in counts:
        labels = without_outliers(coords, cluster(coords, k, weights=weights, restarts=restarts, enough=enough))
        runs.setdefault(int(labels.max()) + 1, labels)
    runs.pop(1, None)
    # nothing but outliers around one crowd: keep the plain two-way split
    return runs or {2: cluster(coords, 2, weights=weights, restarts=restarts, enough=enough)}


def chosen(runs: Mapping[int, np.ndarray], quality: Mapping[int, float], previous: Choice) -> Choice:
    """The published count after this snapshot, from each count's mean silhouette."""
    top = max(quality.values())
    best = min(k for k in runs if quality[k] >= top - SILHOUETTE_MARGIN)
    choice = previous.after(best)
    return choice if choice.count in runs else Choice(best)  # else the kept count no longer fits


@dataclass(frozen=True)
class Representative:
    column: int
    direction: str  # "agree" or "disagree"
    group_share: float
    rest_share: float
    z: float


def representative(g: Groups, group: int, min_voters: int) -> list[Representative]:
    """What sets a group apart: proposals it agrees (or disagrees) with markedly more than the rest.

    Polis's smoothed shares (n+1)/(N+2), a one-sided two-proportion z-test at 90 %, ranked by
    the share ratio times the group's share. Only columns where the group has ≥ min_voters voters.
    """
    found = []
    for direction, counts in (("agree", g.agree), ("disagree", g.disagree)):
        mine, rest = counts[group], counts.sum(axis=0) - counts[group]
        n_mine, n_rest = g.seen[group], g.seen.sum(axis=0) - g.seen[group]
        p_mine, p_rest = (mine + 1) / (n_mine + 2), (rest + 1) / (n_rest + 2)
        pooled = (mine + rest + 2) / (n_mine + n_rest + 4)
        z = (p_mine - p_rest) / np.sqrt(pooled * (1 - pooled) * (1 / (n_mine + 2) + 1 / (n_rest + 2)))
        strength = p_mine / p_rest * p_mine
        for col in np.nonzero((z >= Z90) & (n_mine >= min_voters))[0]:
            found.append((-strength[col], col, Representative(int(col), direction, float(p_mine[col]), float(p_rest[col]), float(z[col]))))
    found.sort(key=lambda item: (item[0], item[1], item[2].direction))
    return [r for _, _, r in found[:REPRESENTATIVE]]


def group_consensus(g: Groups, shown: np.ndarray) -> np.ndarray:
    """Polis's group-informed consensus per column: Π over the shown groups of (A_g + 1)/(S_g + 2)."""
    return np.prod(((g.agree + 1) / (g.seen + 2))[shown], axis=0)
