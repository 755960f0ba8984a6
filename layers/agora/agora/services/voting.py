"""Participants voting on proposals: one conditional write per vote, nothing else on the request path."""

from __future__ import annotations

import time
from collections.abc import Callable

from agora.adapters.bucket import CachedObject
from agora.adapters.content import ContentStore
from agora.adapters.pool import PublishedPool
from agora.config import Consultation
from agora.domain.errors import Conflict
from agora.domain.identity import Claims, Signer
from agora.domain.opening import check_open
from agora.domain.votes import Trust, Vote, VoteKey


class VotingService:
    def __init__(
        self,
        consultation: Consultation,
        content: ContentStore,
        pool: CachedObject[PublishedPool],
        signer: Signer,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.consultation, self.content, self.pool, self.signer, self.clock = consultation, content, pool, signer, clock

    def vote(self, voter: Claims, proposal_id: str, key: VoteKey, proof: str | None) -> tuple[Vote, bool]:
        """Record the vote; the same key again changes nothing, another key replaces it (and its qualifications)."""
        now = self.clock()
        check_open(self.consultation, now)
        self._check_votable(proposal_id)
        pid = voter.participant_id
        trusted = self.signer.proof_is_valid(proof, pid, proposal_id, now)
        vote = Vote(
            participant_id=pid,
            proposal_id=proposal_id,
            key=key,
            trust=Trust.SEQUENCE if trusted else Trust.UNTRUSTED,
            segments=voter.segments,
            voted_at=round(now, 3),
        )
        return vote, self.content.put_vote(vote)

    def withdraw(self, voter: Claims, proposal_id: str) -> bool:
        check_open(self.consultation, self.clock())
        return self.content.delete_vote(voter.participant_id, proposal_id)

    def _check_votable(self, proposal_id: str) -> None:
        # The published pool lists exactly the accepted proposals: checking it costs no database read.
        published = self.pool.get()
        if published is None or proposal_id not in published.texts:
            raise Conflict(
                "proposal_not_votable",
                f"Proposal {proposal_id} is not open to votes (unknown, not accepted, or not yet published).",
            )
