"""How far participants are from the target population, and weights that close the gap.

Two tools, by what the data allows:
* post-stratification on one question at a time, exact from the tallies (participants and votes
  per single segment);
* raking (iterative proportional fitting) on every question at once, which needs each
  participant's joint answers, so it runs on the bounded sample of participants.
Both report Kish's design effect: the variance cost of weighting, n_eff = n / deff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agora.config import DemographicQuestion
from agora.results.anonymity import withheld
from agora.results.counts import Counts

RAKING_TOLERANCE = 1e-6
RAKING_ROUNDS = 100


def kish(weights: np.ndarray, n: np.ndarray | None = None) -> float:
    """Design effect n·Σw²/(Σw)² of weights w (each standing for n participants, default 1)."""
    w = np.asarray(weights, dtype=np.float64)
    n = np.ones_like(w) if n is None else np.asarray(n, dtype=np.float64)
    total, weight = n.sum(), (n * w).sum()
    return float(total * (n * w * w).sum() / weight**2) if weight > 0 else float("nan")


@dataclass(frozen=True)
class Stratification:
    """Per choice of one question: the weight of a participant who gave it, so shares match the margins."""

    weights: np.ndarray
    coverage: float  # share of the population in choices that have participants
    design_effect: float


def post_stratify(participants: np.ndarray, margins: np.ndarray) -> Stratification:
    """w_v = M_v / s_v with s_v the share of answering participants in choice v.

    Choices nobody gave cannot be weighted up from nothing; the others are scaled to the part of
    the population they cover, and `coverage` says how much that is.
    """
    n = np.asarray(participants, dtype=np.float64)
    margins = np.asarray(margins, dtype=np.float64)
    present = n > 0
    coverage = float(margins[present].sum())
    if coverage == 0:
        return Stratification(np.zeros_like(n), 0.0, float("nan"))
    share = n / n.sum()
    weights = np.where(present, margins / coverage / np.where(present, share, 1), 0.0)
    return Stratification(weights, coverage, kish(weights, n))


@dataclass(frozen=True)
class Raking:
    weights: np.ndarray  # one per participant, mean 1
    rounds: int
    converged: bool

    @property
    def design_effect(self) -> float:
        return kish(self.weights)


def rake(answers: Sequence[np.ndarray], targets: Sequence[np.ndarray]) -> Raking:
    """Participant weights whose weighted shares match every question's target shares at once.

    `answers[q]` holds each participant's choice index for question q; `targets[q]` the target
    share of each choice. Choices no participant gave are dropped and the other targets rescaled,
    since no weight can make an empty choice match. Starting from equal weights, each round
    rescales the weights question by question (Deming and Stephan's IPF).
    """
    n = len(answers[0]) if answers else 0
    w = np.ones(n)
    fitted = []
    for codes, target in zip(answers, targets, strict=True):
        seen = np.bincount(codes, minlength=len(target)) > 0
        t = np.where(seen, target, 0.0)
        if t.sum() > 0:
            fitted.append((codes, t / t.sum()))
    for rounds in range(1, RAKING_ROUNDS + 1):
        gap = 0.0
        for codes, target in fitted:
            share = np.bincount(codes, weights=w, minlength=len(target)) / w.sum()
            gap = max(gap, float(np.abs(share - target).max()))
            w = w * np.divide(target, share, out=np.zeros_like(target), where=share > 0)[codes]
        if gap < RAKING_TOLERANCE:
            break
    mean = w.mean() if n else 1.0
    return Raking(w / mean if mean > 0 else w, rounds if n else 0, gap < RAKING_TOLERANCE if n else True)


def effective(weighted_counts: np.ndarray, weighted_votes: np.ndarray, votes_eff: np.ndarray) -> np.ndarray:
    """Counts an unweighted sample of n_eff votes would need to show the weighted shares.

    Weighted shares with an effective number of votes go through the same interval, zone and
    score formulas as raw counts; with equal weights they are the raw counts.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(weighted_votes > 0, weighted_counts / weighted_votes, 0.0)
    return share * votes_eff


def effective_votes(sum_w: np.ndarray, sum_w2: np.ndarray) -> np.ndarray:
    """Kish's n_eff = (Σw)² / Σw² for each proposal."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sum_w2 > 0, sum_w * sum_w / sum_w2, 0.0)


@dataclass(frozen=True)
class QuestionParticipation:
    question: DemographicQuestion
    participants: np.ndarray  # per choice
    shown: np.ndarray  # per choice: published (withheld when under k, or recoverable by subtraction)
    not_answered: int
    stratification: Stratification | None  # None without margins


def participation(c: Counts, questions: Sequence[DemographicQuestion], k: int) -> list[QuestionParticipation]:
    """Participants per choice against the margins. "Did not answer" is published, so the answered
    total is known and is what a withheld choice could be subtracted from."""
    out = []
    for q in questions:
        n = c.participants_by_segment[c.positions(q.id)]
        answered = int(n.sum())
        shown = ~withheld(n[:, None], np.array([answered]), k)[:, 0]
        # Withheld choices count as empty: a weight or design effect built on them would give them away.
        strata = post_stratify(np.where(shown, n, 0), np.array([q.margins[v] for v in q.choices])) if q.margins else None
        out.append(QuestionParticipation(q, n, shown, c.participants - answered, strata))
    return out
