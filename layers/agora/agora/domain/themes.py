"""Themes ("grandes idées"): what moderators tag proposals with, suggestions, and a first grouping."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from agora.domain.errors import InvalidInput, clipped, shown
from agora.domain.text import words

# Function words of the languages we serve: they would name every group ("les", "dans", "the").
STOP_WORDS = frozenset(
    "au aux avec ce ces dans de des du elle en entre et eux il ils la le les leur leurs lui ma mais me meme mes moi mon"
    " ne nos notre nous on ou par pas pour qu que qui sa se ses son sont sur ta te tes toi ton tous tout toutes tu un"
    " une vos votre vous plus moins chaque afin etre avoir faire fait faut"
    " a an and are as at be by for from in into is it its no not of on or our so than that the their them these this"
    " those to too up us we with all more less each should".split()
)
# A suggestion must carry at least this share of the similar tagged proposals' weight.
SUGGESTION_SHARE = 0.3


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    created_by: str
    created_at: float


@dataclass(frozen=True)
class Cluster:
    rows: tuple[int, ...]
    keywords: tuple[str, ...]  # the words that weigh most in the group, to help name it


def theme_id(name: str) -> str:
    """A stable id from a theme's name: "Mobilité & transports" → "mobilite-transports"."""
    slug = re.sub(r"-{2,}", "-", "-".join(words(name)))[:40].strip("-")
    if not slug:
        raise InvalidInput("invalid_theme_name", "A theme needs a name with letters or digits.", {"field": "name"})
    return slug


def check_known(requested: Iterable[str], known: Iterable[str]) -> None:
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise InvalidInput(
            "unknown_theme",
            f"No theme {', '.join(map(shown, unknown))}: create it first.",
            {"field": "themes", "unknown": [clipped(t) for t in unknown]},
        )


def suggest(neighbours: Iterable[tuple[float, Sequence[str]]], limit: int = 3) -> list[tuple[str, float]]:
    """Themes voted by similar tagged proposals, each vote weighted by similarity, with their share."""
    weight: dict[str, float] = {}
    total = 0.0
    for score, themes in neighbours:
        if themes:
            total += score
            for theme in themes:
                weight[theme] = weight.get(theme, 0.0) + score
    shares = sorted(((t, w / total) for t, w in weight.items()), key=lambda tw: (-tw[1], tw[0]))
    return [(t, round(s, 3)) for t, s in shares[:limit] if s >= SUGGESTION_SHARE]


def group(word_lists: Sequence[Sequence[str]], k: int, seed: int = 0, rounds: int = 25) -> list[Cluster]:
    """A first grouping of proposals by the words they share, for moderators to name and edit.

    Spherical k-means on word TF-IDF, seeded k-means++ style so the same proposals always give the
    same groups. Words found in a single proposal or in more than half of them say nothing
    about a group and are dropped (so are function words); a proposal left without any telling word is in no group.
    Largest group first.
    """
    n = len(word_lists)
    vocab: dict[str, int] = {}
    pairs = [
        (row, vocab.setdefault(w, len(vocab))) for row, ws in enumerate(word_lists) for w in set(ws) - STOP_WORDS
    ]
    row_of, col_of = np.array(pairs, np.int64).reshape(-1, 2).T
    df = np.bincount(col_of, minlength=len(vocab))
    telling = ((df >= 2) & (df <= max(2, n // 2)))[col_of]
    row_of, col_of = row_of[telling], col_of[telling]
    weight = np.log(n / df[col_of])
    norms = np.sqrt(np.bincount(row_of, weight**2, minlength=n))
    weight = weight / norms[row_of]
    members = np.flatnonzero(norms > 0)
    k = min(k, len(members))
    if k == 0:
        return []

    def similarity(centroids: np.ndarray) -> np.ndarray:  # members × centroids
        columns = [np.bincount(row_of, weight * c[col_of], minlength=n)[members] for c in centroids]
        return np.stack(columns, axis=1)

    def centroids_of(cluster_of_row: np.ndarray, count: int) -> np.ndarray:
        cluster = cluster_of_row[row_of]
        inside = cluster >= 0
        sums = np.bincount(cluster[inside] * len(vocab) + col_of[inside], weight[inside], minlength=count * len(vocab))
        sums = sums.reshape(count, len(vocab))
        return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)

    def seeds_as_rows(chosen: list[int]) -> np.ndarray:
        cluster_of_row = np.full(n, -1)
        cluster_of_row[chosen] = np.arange(len(chosen))
        return cluster_of_row

    rng = np.random.default_rng(seed)
    chosen = [int(rng.choice(members))]
    while len(chosen) < k:
        distance = 1 - similarity(centroids_of(seeds_as_rows(chosen), len(chosen))).max(axis=1)
        distance[np.isin(members, chosen)] = 0
        p = distance**2
        chosen.append(int(rng.choice(members, p=p / p.sum())) if p.sum() > 0 else int(rng.choice(members)))
    centroids = centroids_of(seeds_as_rows(chosen), k)
    assignment = np.full(n, -1)
    for _ in range(rounds):
        new = similarity(centroids).argmax(axis=1)
        if np.array_equal(new, assignment[members]):
            break
        assignment[members] = new
        centroids = centroids_of(assignment, k)
    names = np.array(list(vocab))
    clusters = []
    for c in range(k):
        rows = members[assignment[members] == c]
        if len(rows):
            top = [i for i in np.argsort(-centroids[c], kind="stable")[:3] if centroids[c][i] > 0]
            clusters.append(Cluster(tuple(int(r) for r in rows), tuple(str(names[i]) for i in top)))
    return sorted(clusters, key=lambda cl: (-len(cl.rows), cl.rows))
