"""Moderators taking proposals from the queue under a short lock and deciding on them."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from agora.adapters.content import ContentStore
from agora.config import Consultation
from agora.domain.errors import Conflict, NotFound
from agora.domain.proposals import (
    Proposal,
    Status,
    check_decidable,
    check_refusal_reason,
    validate_text,
)


class ModerationService:
    def __init__(self, consultation: Consultation, content: ContentStore, clock: Callable[[], float] = time.time) -> None:
        self.consultation, self.content, self.clock = consultation, content, clock
        self.settings = consultation.moderation

    def queue(self, moderator: str, limit: int | None = None) -> list[Proposal]:
        """The oldest pending proposals nobody else holds, each now locked for this moderator."""
        limit = limit or self.settings.queue_page
        now = self.clock()
        taken: list[Proposal] = []
        for candidate, _ in self.content.proposals_by_status(Status.PENDING):
            if candidate.lock_owner not in (None, moderator) and (candidate.lock_until or 0) >= now:
                continue
            locked = self.content.lock(candidate.id, moderator, now, now + self.settings.lock_seconds)
            if locked is not None:
                taken.append(locked)
                if len(taken) >= limit:
                    break
        return taken

    def accept(self, moderator: str, proposal_id: str, text: str | None, themes: tuple[str, ...]) -> Proposal:
        def decide(p: Proposal) -> Proposal:
            corrected = validate_text(text, p.language, self.consultation.proposals) if text else p.text
            return dataclasses.replace(
                p,
                status=Status.ACCEPTED,
                text=corrected,
                original_text=p.text if corrected != p.text else None,
                themes=themes or p.themes,
            )

        return self._decide(moderator, proposal_id, decide)

    def refuse(self, moderator: str, proposal_id: str, reason: str) -> Proposal:
        check_refusal_reason(reason, self.settings.refusal_reasons)
        return self._decide(
            moderator, proposal_id, lambda p: dataclasses.replace(p, status=Status.REFUSED, refusal_reason=reason)
        )

    def postpone(self, moderator: str, proposal_id: str) -> Proposal:
        return self._decide(moderator, proposal_id, lambda p: dataclasses.replace(p, status=Status.POSTPONED))

    def _decide(self, moderator: str, proposal_id: str, decide: Callable[[Proposal], Proposal]) -> Proposal:
        current = self.content.get_proposal(proposal_id, consistent=True)
        if current is None:
            raise NotFound("proposal_not_found", f"No proposal {proposal_id}.")
        check_decidable(current)
        now = self.clock()
        decided = dataclasses.replace(decide(current), decided_by=moderator, decided_at=round(now, 3))
        if not self.content.save_decision(decided, current, moderator, now):
            raise Conflict(
                "locked",
                f"Proposal {proposal_id} is held by another moderator or was just decided; take the next one.",
            )
        return dataclasses.replace(decided, lock_owner=None, lock_until=None)
