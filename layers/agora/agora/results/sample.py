"""The bounded sample of raw votes: the one place results look past the tallies.

Opinion groups need who voted what, and raking needs each participant's joint answers; tallies
keep neither. The snapshot reads a capped slice of the content table (whole participants, in the
table's hash order, so effectively a random sample of them) and hands it here as arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from agora.config import DemographicQuestion
from agora.results.representativeness import Raking, effective, effective_votes, rake
from agora.results.scores import VOTE_KEYS

KEY_CODE = {k: i for i, k in enumerate(VOTE_KEYS)}


@dataclass(frozen=True)
class VoteSample:
    participants: tuple[str, ...]
    demographics: tuple[Mapping[str, str], ...]  # per participant; {} when the profile was not read
    proposals: tuple[str, ...]
    voter: np.ndarray  # per vote: index into participants
    target: np.ndarray  # per vote: index into proposals
    key: np.ndarray  # per vote: index into VOTE_KEYS
    items_read: int
    complete: bool  # the read reached the end of the table: every trusted vote is here

    @classmethod
    def of(
        cls,
        votes: Iterable[tuple[str, str, str]],
        profiles: Mapping[str, Mapping[str, str]],
        items_read: int,
        complete: bool,
    ) -> VoteSample:
        """From (participant, proposal, key) triples; sorted, so the read order does not matter."""
        triples = sorted(votes)
        participants = tuple(sorted({p for p, _, _ in triples} | set(profiles)))
        proposals = tuple(sorted({q for _, q, _ in triples}))
        person = {p: i for i, p in enumerate(participants)}
        place = {q: i for i, q in enumerate(proposals)}
        return cls(
            participants=participants,
            demographics=tuple(profiles.get(p, {}) for p in participants),
            proposals=proposals,
            voter=np.fromiter((person[p] for p, _, _ in triples), dtype=np.int64, count=len(triples)),
            target=np.fromiter((place[q] for _, q, _ in triples), dtype=np.int64, count=len(triples)),
            key=np.fromiter((KEY_CODE[k] for _, _, k in triples), dtype=np.int64, count=len(triples)),
            items_read=items_read,
            complete=complete,
        )

    def answers(self, question: DemographicQuestion) -> np.ndarray:
        """Each participant's choice index; len(choices) for "did not answer"."""
        index = {v: i for i, v in enumerate(question.choices)}
        return np.fromiter(
            (index.get(d.get(question.id, ""), len(index)) for d in self.demographics), dtype=np.int64, count=len(self.demographics)
        )


def raking(sample: VoteSample, questions: Sequence[DemographicQuestion]) -> Raking:
    """Rake the sampled participants to every question's margins.

    Participants who did not answer a question keep their share of the sample for it: the
    margins say nothing about them, and dropping them would drop their votes.
    """
    answers, targets = [], []
    for q in questions:
        if not q.margins:
            continue
        codes = sample.answers(q)
        silent = float(np.mean(codes == len(q.choices))) if len(codes) else 0.0
        answers.append(codes)
        targets.append(np.array([*(q.margins[v] * (1 - silent) for v in q.choices), silent]))
    return rake(answers, targets) if answers else Raking(np.ones(len(sample.participants)), 0, True)


def _columns(sample: VoteSample, ids: Sequence[str]) -> np.ndarray:
    """Per vote: its proposal's position in `ids`, -1 when not there."""
    column = {q: i for i, q in enumerate(ids)}
    return np.array([column.get(q, -1) for q in sample.proposals] or [-1], dtype=np.int64)[sample.target]


def votes_on(sample: VoteSample, ids: Sequence[str]) -> np.ndarray:
    at = _columns(sample, ids)
    return np.bincount(at[at >= 0], minlength=len(ids))


def weighted_key_counts(sample: VoteSample, weights: np.ndarray, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """Effective counts per vote key for each of `ids` (0 where the sample has no vote on it)."""
    at = _columns(sample, ids)
    keep = at >= 0
    w = weights[sample.voter[keep]]
    place, key = at[keep], sample.key[keep]
    size = len(ids)
    sum_w = np.bincount(place, weights=w, minlength=size)
    n_eff = effective_votes(sum_w, np.bincount(place, weights=w * w, minlength=size))
    return {
        name: effective(np.bincount(place[key == i], weights=w[key == i], minlength=size), sum_w, n_eff)
        for i, name in enumerate(VOTE_KEYS)
    }
