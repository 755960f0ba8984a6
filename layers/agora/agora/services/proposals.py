"""Citizens submitting proposals and reading them back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from agora.adapters.content import ContentStore
from agora.config import Consultation
from agora.domain.errors import NotFound
from agora.domain.proposals import Proposal, Status, validate_text
from agora.domain.opening import check_open


class ProposalService:
    def __init__(self, consultation: Consultation, content: ContentStore, clock: Callable[[], float] = time.time) -> None:
        self.consultation, self.content, self.clock = consultation, content, clock

    def submit(self, author_id: str, text: str, language: str | None) -> Proposal:
        now = self.clock()
        check_open(self.consultation, now)
        language = language or self.consultation.default_language
        clean = validate_text(text, language, self.consultation.proposals)
        proposal = Proposal(
            id=uuid.uuid4().hex, text=clean, language=language, author_id=author_id, created_at=round(now, 3)
        )
        self.content.put_proposal(proposal)
        return proposal

    def get(self, proposal_id: str, viewer_id: str | None) -> Proposal:
        """An accepted proposal for anyone; a pending, postponed or refused one only for its author."""
        proposal = self.content.get_proposal(proposal_id)
        if proposal is None or (proposal.status is not Status.ACCEPTED and proposal.author_id != viewer_id):
            raise NotFound("proposal_not_found", f"No proposal {proposal_id} is visible to you.")
        return proposal
