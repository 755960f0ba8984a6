"""Scores of proposals from trusted counts: rates with 95 % intervals, Make.org's composite scores
with bounds, zones, rank by lower bound and the top-20 % consensus threshold.

Vectorised: a count is an array with one entry per proposal (or per proposal within a segment).
A rate is `count / votes`; qualifications are divided by all votes, as Make.org does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from agora.domain.votes import QUALIFICATIONS, VoteKey
from agora.domain.zones import CONSENSUS, ZONES, zone_index
from agora.domain.zones import CONTROVERSY as CONTROVERSY, LIMBO as LIMBO, REJECTION as REJECTION  # the results' names too

Z95 = 1.959963984540054
VOTE_KEYS = tuple(k.value for k in VoteKey)
QUALIFICATION_NAMES = tuple(q for qs in QUALIFICATIONS.values() for q in qs)
RATED = (*VOTE_KEYS, *QUALIFICATION_NAMES)
# Below Make.org's "new proposal" threshold a proposal has no zone and no place in the top lists.
ENOUGH_VOTES = 10

UNTESTED = ""

Counts = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Estimate:
    """A published figure: its value (NaN without votes) and a 95 % interval [low, high]."""

    value: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class Spread:
    """A Wilson-adjusted share (its interval's centre) ± the interval's half-width.

    Make.org's arithmetic combines them: half-widths add in quadrature, min() keeps the wider.
    """

    centre: np.ndarray
    half: np.ndarray

    def __add__(self, other: Spread) -> Spread:
        return Spread(self.centre + other.centre, np.hypot(self.half, other.half))

    def __sub__(self, other: Spread) -> Spread:
        return Spread(self.centre - other.centre, np.hypot(self.half, other.half))

    def estimate(self, votes: np.ndarray) -> Estimate:
        value = np.where(np.asarray(votes) > 0, self.centre, np.nan)
        return Estimate(value, self.centre - self.half, self.centre + self.half)


def smaller(a: Spread, b: Spread) -> Spread:
    return Spread(np.minimum(a.centre, b.centre), np.maximum(a.half, b.half))


def wilson_spread(count: np.ndarray, n: np.ndarray, z: float = Z95) -> Spread:
    """Wilson's score interval as centre ± half: (k + z²/2)/(n + z²) ± z/(n + z²)·√(k(n−k)/n + z²/4)."""
    k = np.asarray(count, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.where(n > 0, k * (n - k) / n, 0.0)
    return Spread((k + z2 / 2) / (n + z2), z / (n + z2) * np.sqrt(np.maximum(spread, 0) + z2 / 4))


def wilson(count: np.ndarray, n: np.ndarray, z: float = Z95) -> Estimate:
    """The observed share count/n (NaN when n = 0) within its Wilson interval ([0, 1] when n = 0)."""
    k = np.asarray(count, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    s = wilson_spread(k, n, z)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(n > 0, k / n, np.nan)
    return Estimate(value, np.clip(s.centre - s.half, 0, 1), np.clip(s.centre + s.half, 0, 1))


def votes_of(counts: Counts) -> np.ndarray:
    """Votes per proposal: integers from tallies, effective (fractional) votes from weighted counts."""
    return sum(np.asarray(counts[k]) for k in VOTE_KEYS[1:]) + np.asarray(counts[VOTE_KEYS[0]])


def rates(counts: Counts, names: tuple[str, ...] = RATED) -> dict[str, Estimate]:
    n = votes_of(counts)
    return {name: wilson(counts[name], n) for name in names}


def composite(counts: Counts) -> dict[str, Estimate]:
    """Make.org's definitions, on the Wilson-adjusted shares: one vote does not make a top score."""
    n = votes_of(counts)
    r = {name: wilson_spread(counts[name], n) for name in RATED}
    platitude = r["platitude_agree"] + r["platitude_disagree"]
    realistic = r["doable"] - r["impossible"]
    scores = {
        "top_score": r["agree"] + r["like_it"] + r["doable"] - r["no_way"] - r["impossible"] - platitude,
        "controversy": smaller(r["agree"], r["disagree"]) + smaller(r["like_it"], r["no_way"]),
        "rejection": r["disagree"] + r["no_way"] + r["impossible"] - r["like_it"] - r["doable"] - platitude,
        "engagement": r["like_it"] - r["no_way"] + realistic - platitude,
        "realistic": realistic,
        "platitude": platitude,
    }
    return {name: spread.estimate(n) for name, spread in scores.items()}


SCORE_NAMES = ("top_score", "controversy", "rejection", "engagement", "realistic", "platitude")


def zones(r: Mapping[str, Estimate], votes: np.ndarray) -> np.ndarray:
    """Make.org's zones on the observed shares, in its order; "" until a proposal has enough votes."""
    zone = np.array(ZONES, dtype=object)[zone_index(*(np.nan_to_num(r[k].value) for k in VOTE_KEYS))]
    zone[np.asarray(votes) < ENOUGH_VOTES] = UNTESTED
    return zone


def rank_by_lower_bound(low: np.ndarray, votes: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """1 for the highest lower bound; ties go to the more voted, then to the smaller id (deterministic)."""
    order = np.lexsort((ids, -np.asarray(votes), -np.asarray(low)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    return rank


def top_threshold(top_low: np.ndarray, zone: np.ndarray) -> float | None:
    """Make.org's "top 20 %": the 80th percentile of the top-score lower bound among tested consensus."""
    pool = np.asarray(top_low)[zone == CONSENSUS]
    return float(np.percentile(pool, 80)) if len(pool) else None


@dataclass(frozen=True)
class Scores:
    counts: Counts
    votes: np.ndarray
    rates: dict[str, Estimate]
    scores: dict[str, Estimate]
    zone: np.ndarray
    rank: np.ndarray
    threshold: float | None

    @property
    def tested(self) -> np.ndarray:
        return self.votes >= ENOUGH_VOTES

    @property
    def top(self) -> np.ndarray:
        if self.threshold is None:
            return np.zeros(len(self.votes), dtype=bool)
        return (self.zone == CONSENSUS) & (self.scores["top_score"].low >= self.threshold)


def score(counts: Counts, ids: np.ndarray, rated: tuple[str, ...] = RATED, scored: tuple[str, ...] = SCORE_NAMES) -> Scores:
    """Rates of `rated` (the vote keys at least, for zones) and the scores in `scored` (the top
    score at least, for the rank): segments keep only what they publish, 30,000 proposals × every
    segment being where a snapshot's memory goes."""
    votes = votes_of(counts)
    r = rates(counts, rated)
    s = {name: e for name, e in composite(counts).items() if name in scored}
    zone = zones(r, votes)
    return Scores(
        counts=counts,
        votes=votes,
        rates=r,
        scores=s,
        zone=zone,
        rank=rank_by_lower_bound(s["top_score"].low, votes, ids),
        threshold=top_threshold(s["top_score"].low, zone),
    )
