"""k-means, written once: Lloyd's iterations from a k-means++ start, over any space of points.

Opinion groups cluster participants' positions on a plane (`Points`, squared Euclidean
distance); proposal clusters cluster texts' TF-IDF vectors (`Postings`, cosine: spherical
k-means). A space says how close each point is to given centres and what a centre of some
points is; the seeding, the assignment and the stopping rule are the same for both, and
deterministic for a given generator.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Space(Protocol):
    def __len__(self) -> int: ...

    def first(self, rng: np.random.Generator) -> int:
        """k-means++'s first seed."""

    def closeness(self, centres: np.ndarray) -> np.ndarray:
        """points × centres; larger is nearer."""

    def spread(self, closest: np.ndarray) -> np.ndarray:
        """k-means++'s weight of each point (its squared distance), from its closeness to the nearest seed."""

    def centres_at(self, points: list[int]) -> np.ndarray:
        """One centre on each given point (a point given twice gives two centres)."""

    def centres(self, labels: np.ndarray, k: int, near: np.ndarray) -> np.ndarray:
        """The centre of each of k clusters, given each point's closeness to the previous centres."""


def kmeans(space: Space, k: int, rng: np.random.Generator, rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels (one per point) and the k centres, after at most `rounds` assignments from a k-means++ seeding."""
    centres = _seeded(space, k, rng)
    labels = np.full(len(space), -1)
    for _ in range(rounds):
        near = space.closeness(centres)
        new = near.argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        centres = space.centres(labels, k, near)
    return labels, centres


def _seeded(space: Space, k: int, rng: np.random.Generator) -> np.ndarray:
    chosen = [space.first(rng)]
    closest: np.ndarray | None = None
    while len(chosen) < k:
        near = space.closeness(space.centres_at(chosen[-1:]))[:, 0]
        closest = near if closest is None else np.maximum(closest, near)
        weight = space.spread(closest)
        weight[chosen] = 0
        total = weight.sum()
        chosen.append(int(rng.choice(len(weight), p=weight / total)) if total > 0 else int(rng.integers(len(weight))))
    return space.centres_at(chosen)


class Points:
    """Dense points under squared Euclidean distance, each with a weight (1 unless given: it
    scales the point's k-means++ odds and its pull on its centre); an emptied cluster restarts at
    the worst-served point."""

    def __init__(self, x: np.ndarray, weights: np.ndarray | None = None) -> None:
        self.x, self.weights = x, weights
        self.columns = np.ascontiguousarray(x.T)  # one coordinate at a time: faster than reducing a points × centres × dims array

    def __len__(self) -> int:
        return len(self.x)

    def first(self, rng: np.random.Generator) -> int:
        if self.weights is None:
            return int(rng.integers(len(self.x)))
        return int(rng.choice(len(self.x), p=self.weights / self.weights.sum()))

    def closeness(self, centres: np.ndarray) -> np.ndarray:
        near = np.zeros((len(self.x), len(centres)))
        for column, at in zip(self.columns, centres.T, strict=True):
            gap = column[:, None] - at[None]
            near -= gap * gap
        return near

    def spread(self, closest: np.ndarray) -> np.ndarray:
        return -closest if self.weights is None else -closest * self.weights

    def centres_at(self, points: list[int]) -> np.ndarray:
        return self.x[points]

    def centres(self, labels: np.ndarray, k: int, near: np.ndarray) -> np.ndarray:
        weights = np.ones(len(self.x)) if self.weights is None else self.weights
        mass = np.bincount(labels, weights, minlength=k)
        sums = np.stack([np.bincount(labels, weights * column, minlength=k) for column in self.columns], axis=1)
        centres = sums / np.where(mass > 0, mass, 1)[:, None]
        if (mass == 0).any():
            centres[mass == 0] = self.x[near.max(axis=1).argmin()]
        return centres


class Postings:
    """Sparse unit vectors under cosine similarity (spherical k-means), given as postings.

    Posting i puts `weight[i]` at column `col_of[i]` of row `row_of[i]`; the points are the
    `members` rows. A centre is the normalised sum of its members; an emptied cluster keeps a zero
    centre and so stays empty.
    """

    def __init__(self, row_of: np.ndarray, col_of: np.ndarray, weight: np.ndarray, rows: int, columns: int, members: np.ndarray) -> None:
        self.row_of, self.col_of, self.weight = row_of, col_of, weight
        self.rows, self.columns, self.members = rows, columns, members

    def __len__(self) -> int:
        return len(self.members)

    def first(self, rng: np.random.Generator) -> int:
        return int(rng.integers(len(self.members)))

    def closeness(self, centres: np.ndarray) -> np.ndarray:
        columns = [np.bincount(self.row_of, self.weight * c[self.col_of], minlength=self.rows)[self.members] for c in centres]
        return np.stack(columns, axis=1)

    def spread(self, closest: np.ndarray) -> np.ndarray:
        return (1 - closest) ** 2

    def centres_at(self, points: list[int]) -> np.ndarray:
        rows = (self.row_of == self.members[p] for p in points)
        return np.concatenate([self._normalised(np.zeros(int(inside.sum()), np.int64), inside, 1) for inside in rows])

    def centres(self, labels: np.ndarray, k: int, near: np.ndarray) -> np.ndarray:
        cluster_of_row = np.full(self.rows, -1)
        cluster_of_row[self.members] = labels
        cluster = cluster_of_row[self.row_of]
        inside = cluster >= 0
        return self._normalised(cluster[inside], inside, k)

    def _normalised(self, cluster: np.ndarray, inside: np.ndarray, k: int) -> np.ndarray:
        """The normalised sums of the postings `inside`, the i-th of them added to centre cluster[i]."""
        flat = np.bincount(cluster * self.columns + self.col_of[inside], self.weight[inside], minlength=k * self.columns)
        sums = flat.reshape(k, self.columns)
        return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
