"""Citizens submitting proposals, reading them back, and searching the accepted ones."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agora.config import Consultation
from agora.domain import search
from agora.domain.errors import InvalidInput, NotFound, RateLimited, Unavailable
from agora.domain.identity import network_key
from agora.domain.limits import SlidingWindow
from agora.domain.opening import check_open
from agora.domain.proposals import Indexed, Proposal, validate_text, visible_to
from agora.domain.submissions import admit
from agora.domain.text import words
from agora.services import idempotency, ports

if TYPE_CHECKING:  # its vectors need numpy, which submitting a proposal should not wait for
    from agora.adapters.proposal_index import ProposalIndex

# Concurrent submissions by one participant each re-read the caps; past this many clashes, back off.
ATTEMPTS = 5


class ProposalService:
    def __init__(
        self,
        consultation: Consultation,
        store: ports.ProposalStore,
        index: ports.Published[ProposalIndex],
        once: ports.Once,
        taking_part: TakingPart,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.consultation, self.store, self.index, self.once, self.clock = consultation, store, index, once, clock
        self.taking_part = taking_part
        self.per_source = SlidingWindow(consultation.proposals.per_source_per_hour, 3600)

    def submit_once(
        self,
        author_id: str,
        text: str,
        language: str | None,
        address: str | None,
        idempotency_key: str | None,
        request: dict[str, Any],
        lambda_context: Any = None,
    ) -> tuple[dict[str, str], bool]:
        """`submit`, once per Idempotency-Key: a retry gets the first answer; the same key with
        another `request` body is refused. The stored proposal's id and status, and whether this
        request stored it (not a replay)."""
        stored: list[Proposal] = []

        def create() -> dict[str, str]:
            proposal_id = idempotency.derived_id("proposal", author_id, idempotency_key)
            stored.append(self.submit(author_id, text, language, address, proposal_id=proposal_id))
            return {"id": stored[0].id, "status": stored[0].status.value}

        answer = self.once(("propose", author_id, idempotency_key), create, request, lambda_context)
        return answer, bool(stored)

    def submit(
        self, author_id: str, text: str, language: str | None, address: str | None = None, proposal_id: str | None = None
    ) -> Proposal:
        """Store a valid proposal within its author's caps. Only a stored proposal counts against
        them: the caps and the proposal are written in one transaction, after validation.

        `proposal_id` (derived from the client's Idempotency-Key) makes a retry whose first attempt was
        stored, but not answered, return that proposal instead of storing a second one."""
        now = self.clock()
        check_open(self.consultation, now)
        language = language or self.consultation.default_language
        clean = validate_text(text, language, self.consultation.proposals)
        wait = self.per_source.hit(network_key(address), now)
        if wait is not None:
            raise RateLimited(
                "too_many_proposals_from_network",
                f"Too many proposals from your network in the last hour; retry in {wait} s.",
                wait,
            )
        proposal = Proposal(
            id=proposal_id or uuid.uuid4().hex, text=clean, language=language, author_id=author_id, created_at=round(now, 3)
        )
        closes_at = self.consultation.closes_at.timestamp()
        for _ in range(ATTEMPTS):
            before = self.store.submissions(author_id)
            if proposal.id in before.ids:  # a retry: the mark may be what failed the first attempt
                stored = self._already_stored(proposal)
                self.taking_part.note(author_id, stored.created_at)
                return stored
            after = admit(before, proposal.id, now, self.consultation.proposals, closes_at)
            if self.store.submit(proposal, before, after):
                self.taking_part.note(author_id, now)
                return proposal
        raise Unavailable("busy", "Too many proposals at once from this participant; retry in a moment.")

    def _already_stored(self, proposal: Proposal) -> Proposal:
        stored = self.store.get(proposal.id, consistent=True)
        if stored is None:  # counted in the caps but not stored: impossible, both are in one transaction
            raise Unavailable("busy", "This proposal is still being stored; retry in a moment.")
        if (stored.original_text or stored.text) != proposal.text:  # a moderator may have corrected the text
            raise InvalidInput(
                "idempotency_key_reused", "This Idempotency-Key was already used with a different request body."
            )
        return stored

    def get(self, proposal_id: str, viewer_id: str | None) -> Proposal:
        """An accepted proposal for anyone; a pending, postponed or refused one only for its author."""
        proposal = self.store.get(proposal_id)
        if proposal is None or not visible_to(proposal, viewer_id):
            raise NotFound("proposal_not_found", f"No proposal {proposal_id} is visible to you.")
        return proposal

    def mine(self, author_id: str) -> list[Proposal]:
        """The author's proposals, newest first, as they stand now (refusal reasons included)."""
        ids = self.store.submissions(author_id).ids
        found = self.store.many(list(ids))
        return [found[i] for i in reversed(ids) if i in found]

    def search(self, q: str, theme: str | None, cursor: str | None, limit: int) -> tuple[list[Indexed], str | None]:
        """Accepted proposals with every word of `q` and the theme, newest first, as of the last snapshot."""
        index = self.index.get()
        if index is None:
            return [], None
        entries, keys, texts, themes = index.accepted
        wanted = words(q, self.consultation.proposals.prefix.values())
        before = search.key_of(cursor) if cursor else None
        found, last = search.find(keys, texts, themes, wanted, theme, before, limit)
        return [entries[i] for i in found], (search.cursor(last) if last else None)
