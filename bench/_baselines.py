"""The sequence policies agora's is measured against, from docs/peers.md, with select_sequence's signature."""

from __future__ import annotations

from math import ceil

import numpy as np

from agora.domain.sequencing import CONSENSUS, CONTROVERSY, VOTE_KEYS, SequencePool

SIZE_CAP = 1500  # Make.org retires a proposal at 1,500 sequence votes; the walking skeleton does too
NEW_BELOW = 10  # Make.org's "new": fewer than 10 sequence votes


def _unvoted(pool: SequencePool, exclude: set[str] | frozenset[str]) -> np.ndarray:
    mask = np.ones(len(pool), dtype=bool)
    mask[pool.positions(exclude)] = False
    return mask


def _smallest(mask: np.ndarray, key: np.ndarray, size: int) -> list[int]:
    candidates = np.flatnonzero(mask)
    if candidates.size > size:
        candidates = candidates[np.argpartition(key[candidates], size - 1)[:size]]
    return candidates[np.argsort(key[candidates])].tolist()


def uniform(pool: SequencePool, exclude: set[str] | frozenset[str], size: int, rng: np.random.Generator) -> list[str]:
    """Uniformly at random among the proposals the participant has not voted on."""
    chosen = _smallest(_unvoted(pool, exclude), rng.random(len(pool)), size)
    return [str(pool.ids[i]) for i in chosen]


def least_voted(pool: SequencePool, exclude: set[str] | frozenset[str], size: int, rng: np.random.Generator) -> list[str]:
    """Round robin: fewest trusted votes first, ties at random (agora's walking skeleton)."""
    votes = pool.votes
    chosen = _smallest(_unvoted(pool, exclude) & (votes < SIZE_CAP), votes + rng.random(len(pool)), size)
    return [str(pool.ids[i]) for i in chosen]


def polis(pool: SequencePool, exclude: set[str] | frozenset[str], size: int, rng: np.random.Generator) -> list[str]:
    """Polis's priority lottery without its PCA term (E = 0: no opinion groups are computed here)."""
    agree, disagree, seen = pool.count("agree"), pool.count("disagree"), pool.votes
    passes = seen - agree - disagree
    importance = (1 - (passes + 1) / (seen + 2)) * (agree + 1) / (seen + 2)
    novelty = 1 + 8 * 2.0 ** (-seen / 5)
    priority = (importance * novelty) ** 2
    # A weighted draw without replacement: the smallest Exponential(1) / weight keys win.
    chosen = _smallest(_unvoted(pool, exclude), rng.standard_exponential(len(pool)) / priority, size)
    return [str(pool.ids[i]) for i in chosen]


def makeorg(pool: SequencePool, exclude: set[str] | frozenset[str], size: int, rng: np.random.Generator) -> list[str]:
    """Make.org's default sequence: 30 % new proposals oldest first, then a Thompson-sampling bandit."""
    votes = pool.votes
    servable = _unvoted(pool, exclude) & (votes < SIZE_CAP)
    new = servable & (votes < NEW_BELOW)
    tested = servable & ~new
    age = pool.created_at if pool.created_at is not None else np.arange(len(pool), dtype=np.float64)
    picker = _MakeOrgPicker(pool)
    picker.take(_smallest(new, age, len(pool)), min(round(0.3 * size), size), window=1)
    consensus, controversy = _thompson(pool, tested, rng)
    tested_slots = size - len(picker.chosen)
    picker.take(controversy, len(picker.chosen) + ceil(0.1 * tested_slots), window=10)
    picker.take(consensus, size, window=10)
    # Too few candidates in the sampled zones (or themes to keep apart): fewest-voted tested, then new.
    if len(picker.chosen) < size:
        picker.take(_smallest(tested, votes, len(pool)), size, window=1, strict=False)
        picker.take(_smallest(new, age, len(pool)), size, window=1, strict=False)
    return [str(pool.ids[i]) for i in rng.permutation(picker.chosen)]


def _thompson(pool: SequencePool, tested: np.ndarray, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """Tested positions whose sampled zone is consensus (by sampled topScore) and controversy (by sampled controversy)."""
    where = np.flatnonzero(tested)
    n = pool.votes[where]
    names = tuple(dict.fromkeys(("neutral", *CONSENSUS, *(k for pair in CONTROVERSY for k in pair))))
    successes = np.stack([pool.count(name)[where] for name in names])
    smoothing = np.array([[0.33 if name in VOTE_KEYS else 0.01] for name in names])
    sample = dict(zip(names, rng.beta(successes + smoothing, np.maximum(n - successes, 0) + 1), strict=True))
    agree, disagree, neutral = sample["agree"], sample["disagree"], sample["neutral"]
    top = sum(w * sample[k] for k, w in CONSENSUS.items())
    controversy = sum(np.minimum(sample[a], sample[b]) for a, b in CONTROVERSY)
    consensus_zone = (agree >= 0.6) | ((neutral < 0.4) & (disagree < 0.15))
    rejection_zone = ~consensus_zone & ((disagree >= 0.6) | ((neutral < 0.4) & (agree < 0.15)))
    controversy_zone = ~consensus_zone & ~rejection_zone & (neutral < 0.4)
    by_top = where[consensus_zone][np.argsort(-top[consensus_zone])]
    by_controversy = where[controversy_zone][np.argsort(-controversy[controversy_zone])]
    return by_top.tolist(), by_controversy.tolist()


class _MakeOrgPicker:
    """Among the first `window` remaining candidates, the fewest-voted; then drop its author's and themes' others."""

    def __init__(self, pool: SequencePool) -> None:
        self.pool, self.votes = pool, pool.votes
        self.chosen: list[int] = []
        self.authors: set[object] = set()
        self.themes: set[str] = set()

    def _clashes(self, i: int, strict: bool) -> bool:
        if i in self.chosen:
            return True
        author = self.pool.authors[i] if self.pool.authors is not None else None
        themes = self.pool.themes[i] if self.pool.themes is not None else ()
        return strict and (author in self.authors or not self.themes.isdisjoint(themes))

    def take(self, candidates: list[int], until: int, window: int, strict: bool = True) -> None:
        head: list[int] = []
        position = 0
        while len(self.chosen) < until:
            head = [j for j in head if not self._clashes(j, strict)]
            while len(head) < window and position < len(candidates):
                position += 1
                if not self._clashes(candidates[position - 1], strict):
                    head.append(candidates[position - 1])
            if not head:
                return
            i = min(head, key=lambda j: self.votes[j])
            self.chosen.append(i)
            if self.pool.authors is not None:
                self.authors.add(self.pool.authors[i])
            if self.pool.themes is not None:
                self.themes.update(self.pool.themes[i])
