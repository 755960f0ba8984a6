"""Which proposals a participant sees next: a pure, vectorised choice over the sequence pool.

This is the walking-skeleton policy: least-voted first with random tie-breaks, so every
accepted proposal gathers votes evenly, and a hard retirement cap. The adaptive policy
replaces `select_sequence` behind the same signature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from agora.domain.votes import VoteKey

VOTE_KEYS = tuple(k.value for k in VoteKey)


@dataclass(frozen=True)
class SequenceSettings:
    retire_at: int = 1500  # trusted votes after which a proposal is no longer served (Make.org's cap)


@dataclass(frozen=True)
class SequencePool:
    """Accepted proposals as aligned arrays: ids and trusted counts per vote key and qualification."""

    ids: np.ndarray
    counts: Mapping[str, np.ndarray]
    authors: np.ndarray | None = None
    themes: Sequence[Sequence[str]] | None = None
    created_at: np.ndarray | None = None

    @classmethod
    def from_counts(
        cls,
        ids: Sequence[str],
        counts: Mapping[str, Sequence[int] | np.ndarray],
        authors: Sequence[str] | None = None,
        themes: Sequence[Sequence[str]] | None = None,
        created_at: Sequence[float] | np.ndarray | None = None,
    ) -> SequencePool:
        n = len(ids)
        arrays = {name: np.asarray(c, dtype=np.int64) for name, c in counts.items()}
        for name, array in arrays.items():
            if array.shape != (n,):
                raise ValueError(f"counts[{name!r}] has shape {array.shape}, expected ({n},)")
        return cls(
            ids=np.asarray(ids, dtype=object),
            counts=arrays,
            authors=None if authors is None else np.asarray(authors, dtype=object),
            themes=themes,
            created_at=None if created_at is None else np.asarray(created_at, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def count(self, name: str) -> np.ndarray:
        return self.counts.get(name, np.zeros(len(self), dtype=np.int64))

    @property
    def votes(self) -> np.ndarray:
        return sum((self.count(k) for k in VOTE_KEYS), np.zeros(len(self), dtype=np.int64))

    @cached_property
    def _index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    def positions(self, ids: set[str] | frozenset[str]) -> np.ndarray:
        index = self._index
        return np.fromiter((index[p] for p in ids if p in index), dtype=np.int64)


def select_sequence(
    pool: SequencePool,
    exclude: set[str] | frozenset[str],
    size: int,
    rng: np.random.Generator,
    settings: SequenceSettings = SequenceSettings(),
) -> list[str]:
    """At most `size` distinct ids the participant has not voted on, least-voted first."""
    if size <= 0 or len(pool) == 0:
        return []
    votes = pool.votes
    priority = votes + rng.random(len(pool))  # the fraction only breaks ties between equal counts
    priority[votes >= settings.retire_at] = np.inf
    priority[pool.positions(exclude)] = np.inf
    available = int(np.isfinite(priority).sum())
    take = min(size, available)
    if take == 0:
        return []
    chosen = np.argpartition(priority, take - 1)[:take]
    chosen = chosen[np.argsort(priority[chosen])]
    return [str(pool.ids[i]) for i in chosen]
