"""What a snapshot publishes, computed from the tallies (and the bounded vote sample for groups and
raking): one pure function from inputs to `Results`, which the exports then only format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from agora.config import Consultation
from agora.results.brigading import Signals
from agora.results.counts import Counts, votes
from agora.results.groups import Choice, Groups, opinion_groups
from agora.domain.proposals import Proposal
from agora.results.representativeness import QuestionParticipation, Raking, participation
from agora.results.sample import VoteSample, raking, votes_on, weighted_key_counts
from agora.results.scores import QUALIFICATION_NAMES, VOTE_KEYS, Scores, score
from agora.results.segments import Disagreement, SegmentResults, WeightedResults, by_segment, disagreements, weighted
from agora.domain.tallies import UNTRUSTED

HISTORY_POINTS = 500  # participation over time: older points are thinned beyond this


@dataclass(frozen=True)
class SampleResults:
    sample: VoteSample
    raking: Raking
    votes: np.ndarray  # per proposal: sampled trusted votes
    weighted: Scores | None  # per proposal, from the raked sample (vote keys only); None without margins
    groups: Groups | None


@dataclass(frozen=True)
class Results:
    question: str
    generated_at: str
    k: int
    proposals: list[Proposal]  # most voted first
    counts: Counts
    scores: Scores
    segments: list[SegmentResults]
    weighted: list[WeightedResults]
    disagreements: list[Disagreement]
    participation: list[QuestionParticipation]
    sampled: SampleResults | None
    by_status: Mapping[str, int]
    history: list[dict[str, object]]
    signals: Mapping[str, Signals] = field(default_factory=dict)  # brigading signals, by proposal id
    consultation: Consultation | None = None  # its languages and labels, for the report

    @property
    def participants(self) -> int:
        return self.counts.participants

    @property
    def votes(self) -> int:
        return int(self.scores.votes.sum())

    @property
    def untrusted_votes(self) -> int:
        return int(self.counts.totals[UNTRUSTED].sum())


def history(previous: Sequence[Mapping[str, object]], point: dict[str, object]) -> list[dict[str, object]]:
    """Participation over time: the previous series plus this snapshot, every other old point
    dropped when it grows past HISTORY_POINTS, so it stays bounded yet spans the whole consultation."""
    points = [dict(p) for p in previous if p.get("at") != point["at"]]
    if len(points) >= HISTORY_POINTS:
        points = points[::2]
    return [*points, point]


def sampled(sample: VoteSample | None, ids: np.ndarray, consultation: Consultation, previous: Choice) -> SampleResults | None:
    if sample is None:
        return None
    raked = raking(sample, consultation.demographics)
    weighted_scores = None
    if any(q.margins for q in consultation.demographics):
        keys = weighted_key_counts(sample, raked.weights, list(ids))
        weighted_scores = score({**keys, **{q: np.zeros(len(ids)) for q in QUALIFICATION_NAMES}}, ids, VOTE_KEYS, ("top_score",))
    groups = opinion_groups(sample, set(ids), previous)
    return SampleResults(sample, raked, votes_on(sample, list(ids)), weighted_scores, groups)


def compute(
    consultation: Consultation,
    accepted: Sequence[Proposal],
    table: Counts,
    by_status: Mapping[str, int],
    generated_at: str,
    sample: VoteSample | None = None,
    previous_history: Sequence[Mapping[str, object]] = (),
    previous_choice: Choice = Choice(),
    signals: Mapping[str, Signals] | None = None,
) -> Results:
    """`table` holds the tallies of `accepted`, in that order (see `counts.counts`)."""
    questions = consultation.demographics
    k = consultation.k_anonymity
    order = np.lexsort((table.ids, -votes(table.total)))  # most voted first, ties by id
    proposals = [accepted[i] for i in order]
    c = table.take(order)
    segments = by_segment(c, questions, k)
    shares = participation(c, questions, k)
    scores = score(c.totals, c.ids)
    return Results(
        question=consultation.question[consultation.default_language],
        generated_at=generated_at,
        k=k,
        proposals=proposals,
        counts=c,
        scores=scores,
        segments=segments,
        weighted=weighted(c, shares, segments),
        disagreements=disagreements(segments, c.ids),
        participation=shares,
        sampled=sampled(sample, c.ids, consultation, previous_choice),
        by_status=by_status,
        history=history(previous_history, {"at": generated_at, "participants": c.participants, "votes": int(scores.votes.sum())}),
        signals=signals or {},
        consultation=consultation,
    )
