"""Votes: the three keys, the qualifications each allows, and how much a vote is trusted."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from agora.domain.errors import Conflict, InvalidInput

# A vote from a participant who registered less than this long before it: a brigading signal.
FRESH_SECONDS = 3600


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
    # An operator's import of another platform's votes (`agora import polis`): no proof, but cast
    # in that platform's own sequence and vouched for by the operator, so counted like SEQUENCE.
    IMPORTED = "imported"

    @property
    def counted(self) -> bool:
        """Counted in the tallies, scores, segments and groups (an untrusted vote only apart)."""
        return self is not Trust.UNTRUSTED


@dataclass(frozen=True)
class Vote:
    participant_id: str
    proposal_id: str
    key: VoteKey
    trust: Trust
    qualifications: frozenset[str] = frozenset()
    segments: dict[str, str] = field(default_factory=dict)
    voted_at: float = 0.0
    voter_since: float = 0.0  # when the voter registered
    source: str = ""  # keyed hash of the network the vote came from (never the address itself)

    @property
    def fresh(self) -> bool:
        return bool(self.voter_since) and self.voted_at - self.voter_since < FRESH_SECONDS


KEY_OF: dict[str, VoteKey] = {q: key for key, qs in QUALIFICATIONS.items() for q in qs}


def qualified_key(qualification: str) -> VoteKey:
    """The vote key a qualification belongs to, or InvalidInput if there is no such qualification."""
    key = KEY_OF.get(qualification)
    if key is None:
        raise InvalidInput(
            "unknown_qualification",
            f"{qualification!r} is not a qualification; use one of {sorted(KEY_OF)}.",
            {"field": "qualification", "allowed": sorted(KEY_OF)},
        )
    return key


def check_qualification(vote: Vote | None, qualification: str) -> None:
    """A qualification needs a vote, of the key it belongs to."""
    key = qualified_key(qualification)
    if vote is None:
        raise Conflict("no_vote", "Vote on this proposal before qualifying your vote.")
    if vote.key is not key:
        raise InvalidInput(
            "qualification_mismatch",
            f"{qualification!r} qualifies an {key.value!r} vote; your vote is {vote.key.value!r}.",
            {"field": "qualification", "allowed": list(QUALIFICATIONS[vote.key])},
        )

