"""Votes: the three keys, the qualifications each allows, and how much a vote is trusted."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class VoteKey(str, Enum):
    AGREE = "agree"
    DISAGREE = "disagree"
    NEUTRAL = "neutral"


QUALIFICATIONS: dict[VoteKey, tuple[str, ...]] = {
    VoteKey.AGREE: ("like_it", "doable", "platitude_agree"),
    VoteKey.DISAGREE: ("no_way", "impossible", "platitude_disagree"),
    VoteKey.NEUTRAL: ("do_not_understand", "no_opinion", "do_not_care"),
}


class Trust(str, Enum):
    SEQUENCE = "sequence"  # served in a sequence, with a valid proof
    UNTRUSTED = "untrusted"  # sent straight at the API: kept, counted apart, excluded from scores


@dataclass(frozen=True)
class Vote:
    participant_id: str
    proposal_id: str
    key: VoteKey
    trust: Trust
    qualifications: frozenset[str] = frozenset()
    segments: dict[str, str] = field(default_factory=dict)
    voted_at: float = 0.0

