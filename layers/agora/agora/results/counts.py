"""Tallies as arrays: trusted counts per accepted proposal, in total and per declared segment.

One pass over the tally items fills dense arrays, so every score after that is vectorised over
proposals. Segments are the (question, choice) pairs of the consultation's config; tallies of
questions or choices the config no longer declares are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from agora.config import DemographicQuestion
from agora.results.scores import RATED, VOTE_KEYS
from agora.domain.tallies import PARTICIPANTS, UNTRUSTED, TallyRef

COUNTED = (*RATED, UNTRUSTED)


@dataclass(frozen=True)
class Segment:
    dimension: str
    value: str


@dataclass(frozen=True)
class Counts:
    ids: np.ndarray  # accepted proposal ids, in publication order
    total: np.ndarray  # [name, proposal] over COUNTED
    by_segment: np.ndarray  # [segment, name, proposal] over RATED (segments hold trusted votes only)
    segments: tuple[Segment, ...]
    participants: int
    participants_by_segment: np.ndarray  # [segment]

    def named(self, matrix: np.ndarray, names: Sequence[str] = RATED) -> dict[str, np.ndarray]:
        return {name: matrix[i] for i, name in enumerate(names)}

    @property
    def totals(self) -> dict[str, np.ndarray]:
        return self.named(self.total, COUNTED)

    def segment(self, i: int) -> dict[str, np.ndarray]:
        return self.named(self.by_segment[i])

    def take(self, order: np.ndarray) -> Counts:
        return Counts(self.ids[order], self.total[:, order], self.by_segment[:, :, order], self.segments, self.participants, self.participants_by_segment)

    def positions(self, dimension: str) -> list[int]:
        return [i for i, s in enumerate(self.segments) if s.dimension == dimension]


def declared_segments(questions: Iterable[DemographicQuestion]) -> tuple[Segment, ...]:
    return tuple(Segment(q.id, v) for q in questions for v in q.choices)


def counts(
    ids: Sequence[str], tallies: Mapping[TallyRef, Mapping[str, int]], questions: Sequence[DemographicQuestion]
) -> Counts:
    segments = declared_segments(questions)
    proposal_at = {pid: i for i, pid in enumerate(ids)}
    segment_at = {(s.dimension, s.value): i for i, s in enumerate(segments)}
    total_name = {name: i for i, name in enumerate(COUNTED)}
    rated_name = {name: i for i, name in enumerate(RATED)}
    total = np.zeros((len(COUNTED), len(ids)), dtype=np.int64)
    by_segment = np.zeros((len(segments), len(RATED), len(ids)), dtype=np.int64)
    participants = np.zeros(len(segments), dtype=np.int64)
    everyone = 0
    for ref, counters in tallies.items():
        seg = None if ref.dimension is None else segment_at.get((ref.dimension, ref.value))
        if ref.proposal_id is None:
            if ref.dimension is None:
                everyone = counters.get(PARTICIPANTS, 0)
            elif seg is not None:
                participants[seg] = counters.get(PARTICIPANTS, 0)
            continue
        p = proposal_at.get(ref.proposal_id)
        if p is None or (ref.dimension is not None and seg is None):
            continue
        for name, n in counters.items():
            if ref.dimension is None:
                if name in total_name:
                    total[total_name[name], p] = n
            elif name in rated_name:
                by_segment[seg, rated_name[name], p] = n
    return Counts(np.asarray(ids, dtype=object), total, by_segment, segments, everyone, participants)


def votes(matrix: np.ndarray) -> np.ndarray:
    """Trusted votes from a [name, …] matrix whose first rows are the vote keys."""
    return matrix[: len(VOTE_KEYS)].sum(axis=0)
