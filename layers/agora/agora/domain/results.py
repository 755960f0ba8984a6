"""What a snapshot publishes: per-proposal rows and the consultation summary, from tallies only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from agora.domain.proposals import Proposal
from agora.domain.tallies import PARTICIPANTS, UNTRUSTED, TallyRef
from agora.domain.votes import QUALIFICATIONS, VoteKey

VOTE_KEYS = tuple(k.value for k in VoteKey)
QUALIFICATION_NAMES = tuple(q for qs in QUALIFICATIONS.values() for q in qs)
PROPOSAL_COLUMNS = (
    "proposal_id",
    "text",
    "language",
    "themes",
    "votes",
    *VOTE_KEYS,
    *QUALIFICATION_NAMES,
    "untrusted_votes",
)

Tallies = Mapping[TallyRef, Mapping[str, int]]


@dataclass(frozen=True)
class ProposalResult:
    proposal: Proposal
    counts: Mapping[str, int]

    @property
    def votes(self) -> int:
        return sum(self.counts.get(k, 0) for k in VOTE_KEYS)

    def row(self) -> dict[str, object]:
        p = self.proposal
        return {
            "proposal_id": p.id,
            "text": p.text,
            "language": p.language,
            "themes": ";".join(p.themes),
            "votes": self.votes,
            **{name: self.counts.get(name, 0) for name in (*VOTE_KEYS, *QUALIFICATION_NAMES)},
            "untrusted_votes": self.counts.get(UNTRUSTED, 0),
        }


def proposal_results(accepted: Iterable[Proposal], tallies: Tallies) -> list[ProposalResult]:
    """One result per accepted proposal, most voted first, ties by id so files are deterministic."""
    results = [ProposalResult(p, tallies.get(TallyRef(p.id), {})) for p in accepted]
    return sorted(results, key=lambda r: (-r.votes, r.proposal.id))


def summary(results: list[ProposalResult], tallies: Tallies, by_status: Mapping[str, int]) -> dict[str, object]:
    return {
        "participants": tallies.get(TallyRef(), {}).get(PARTICIPANTS, 0),
        "proposals": len(results),
        "proposals_by_status": dict(sorted(by_status.items())),
        "votes": sum(r.votes for r in results),
        "untrusted_votes": sum(r.counts.get(UNTRUSTED, 0) for r in results),
    }
