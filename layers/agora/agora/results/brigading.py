"""Brigading signals per proposal, from the tallies score keeps of its trusted votes.

Two kinds of votes are suspicious when they pile up on one proposal: votes from participants
who registered less than an hour before (accounts made for the occasion), and votes from one
network (a keyed hash of it, never the address; tallied for a fixed sample of voters, so its
share is estimated over the sampled votes). A proposal is flagged when such votes are a
large share of its votes and leaving them out changes its agreement materially, or when there
would be too few votes left to judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agora.domain.tallies import FRESH, SAMPLED, SOURCE, TallyRef
from agora.domain.votes import VoteKey

KEYS = tuple(k.value for k in VoteKey)
SUSPICIOUS_SHARE = 0.2  # below this, suspicious votes cannot move a result much
MATERIAL_CHANGE = 0.1  # in agreement rate
ENOUGH_LEFT = 10  # votes needed, once suspicious ones are left out, to say the rest is sound
SAME_SOURCE = 3  # sampled votes from one network before it says anything: one is just someone


@dataclass(frozen=True)
class Signals:
    votes: int
    fresh_share: float
    top_source_share: float
    agreement: float
    agreement_without_fresh: float | None
    agreement_without_top_source: float | None
    flagged: bool


def _votes(counters: Mapping[str, float]) -> float:
    return sum(counters.get(k, 0) for k in KEYS)


def _agreement_without(total: Mapping[str, float], part: Mapping[str, float]) -> float | None:
    left = _votes(total) - _votes(part)
    return (total.get("agree", 0) - part.get("agree", 0)) / left if left >= 1 else None


def _suspicious(votes: int, share: float, agreement: float, without: float | None) -> bool:
    if share < SUSPICIOUS_SHARE:
        return False
    if without is None or votes * (1 - share) < ENOUGH_LEFT:
        return True
    return abs(agreement - without) >= MATERIAL_CHANGE


def signals(tallies: Mapping[TallyRef, Mapping[str, int]]) -> dict[str, Signals]:
    """Signals for every proposal with trusted votes."""
    fresh: dict[str, Mapping[str, int]] = {}
    top_source: dict[str, Mapping[str, int]] = {}
    for ref, counters in tallies.items():
        if ref.proposal_id is None:
            continue
        if ref.dimension == FRESH:
            fresh[ref.proposal_id] = counters
        elif (
            ref.dimension == SOURCE
            and _votes(counters) >= SAME_SOURCE
            and _votes(counters) > _votes(top_source.get(ref.proposal_id, {}))
        ):
            top_source[ref.proposal_id] = counters
    out = {}
    for ref, total in tallies.items():
        if ref.proposal_id is None or ref.dimension is not None or not (votes := _votes(total)):
            continue
        f, s = fresh.get(ref.proposal_id, {}), top_source.get(ref.proposal_id, {})
        agreement = total.get("agree", 0) / votes
        sampled = total.get(SAMPLED, 0)
        fresh_share, source_share = _votes(f) / votes, (_votes(s) / sampled if sampled else 0.0)
        scaled = {k: n * votes / sampled for k, n in s.items()} if sampled else {}
        without_fresh, without_source = _agreement_without(total, f), _agreement_without(total, scaled)
        out[ref.proposal_id] = Signals(
            votes=votes,
            fresh_share=fresh_share,
            top_source_share=source_share,
            agreement=agreement,
            agreement_without_fresh=without_fresh,
            agreement_without_top_source=without_source,
            flagged=_suspicious(votes, fresh_share, agreement, without_fresh)
            or _suspicious(votes, source_share, agreement, without_source),
        )
    return out
