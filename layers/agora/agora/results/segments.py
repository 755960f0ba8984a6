"""Results within each demographic segment, their k-anonymity, weighting to the population margins,
and the proposals on which segments end up in different zones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agora.config import DemographicQuestion
from agora.results.anonymity import withheld
from agora.results.counts import Counts, Segment, votes
from agora.results.representativeness import QuestionParticipation, Stratification, effective, effective_votes
from agora.results.scores import RATED, UNTESTED, VOTE_KEYS, ZONES, Scores, score

# What segments publish: the vote keys' rates and the top score (which also ranks).
SEGMENT_RATES, SEGMENT_SCORES = VOTE_KEYS, ("top_score",)


@dataclass(frozen=True)
class SegmentResults:
    segment: Segment
    scores: Scores
    published: np.ndarray  # per proposal: the cell has votes and is not withheld


@dataclass(frozen=True)
class WeightedResults:
    """One question's segments recombined with post-stratification weights: "if participants matched
    the population on this question". Only published cells enter, so nothing withheld can be solved for."""

    dimension: str
    stratification: Stratification
    scores: Scores  # from effective counts: votes are Kish's effective votes
    coverage: np.ndarray  # per proposal: population share of the published cells that entered
    published: np.ndarray


def by_segment(c: Counts, questions: Sequence[DemographicQuestion], k: int) -> list[SegmentResults]:
    trusted = votes(c.total)
    out = []
    for q in questions:
        positions = c.positions(q.id)
        cells = np.stack([votes(c.by_segment[i]) for i in positions]) if positions else np.zeros((0, len(c.ids)))
        hidden = withheld(cells, trusted, k)
        for row, i in enumerate(positions):
            scores = score(c.segment(i), c.ids, SEGMENT_RATES, SEGMENT_SCORES)
            out.append(SegmentResults(c.segments[i], scores, (cells[row] > 0) & ~hidden[row]))
    return out


def weighted(c: Counts, shares: Sequence[QuestionParticipation], segments: Sequence[SegmentResults]) -> list[WeightedResults]:
    """Per question with margins, from the published participation cells' post-stratification weights."""
    cell = {s.segment: s for s in segments}
    out = []
    for part in shares:
        q, strata = part.question, part.stratification
        if strata is None:
            continue
        positions = c.positions(q.id)
        margins = np.array([q.margins[c.segments[i].value] for i in positions])
        w = strata.weights[:, None]
        shown = np.stack([cell[c.segments[i]].published for i in positions]).astype(np.float64)
        n = np.stack([votes(c.by_segment[i]) for i in positions]) * shown
        sum_w, sum_w2 = (w * n).sum(axis=0), (w * w * n).sum(axis=0)
        n_eff = effective_votes(sum_w, sum_w2)
        counts = {
            name: effective((w * c.by_segment[positions, j, :] * shown).sum(axis=0), sum_w, n_eff)
            for j, name in enumerate(RATED)
        }
        coverage = (margins[:, None] * shown * (w > 0)).sum(axis=0)
        out.append(WeightedResults(q.id, strata, score(counts, c.ids, SEGMENT_RATES, SEGMENT_SCORES), coverage, sum_w > 0))
    return out


@dataclass(frozen=True)
class Disagreement:
    proposal: int
    dimension: str
    zones: dict[str, str]  # value -> zone, published and tested cells only
    spread: float  # largest gap in agreement between two of those segments


def disagreements(segments: Sequence[SegmentResults], ids: np.ndarray) -> list[Disagreement]:
    """Proposals whose zone differs between segments of one question, widest agreement gap first."""
    found: list[Disagreement] = []
    for dimension in dict.fromkeys(s.segment.dimension for s in segments):
        group = [s for s in segments if s.segment.dimension == dimension]
        zone = np.stack([np.where(s.published, s.scores.zone, UNTESTED) for s in group])
        agree = np.stack([s.scores.rates["agree"].value for s in group])
        distinct = sum((zone == z).any(axis=0).astype(int) for z in ZONES)
        for p in np.nonzero(distinct > 1)[0]:
            shown = zone[:, p] != UNTESTED
            found.append(
                Disagreement(
                    int(p),
                    dimension,
                    {s.segment.value: str(zone[i, p]) for i, s in enumerate(group) if shown[i]},
                    float(np.ptp(agree[shown, p])),
                )
            )
    return sorted(found, key=lambda d: (-d.spread, ids[d.proposal], d.dimension))
