"""Moderators taking proposals from the queue under a short lock and deciding on them, one or many at a time.

Every decision is written with its audit entry (who, when, what) in one transaction.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from agora.adapters.aws import transient
from agora.config import Consultation
from agora.domain.errors import Conflict, DomainError, NotFound, Unavailable
from agora.domain.proposals import (
    OUTCOME,
    Action,
    Decision,
    Proposal,
    Status,
    check_allowed,
    check_original,
    check_refusal,
    validate_text,
)
from agora.services import ports
from agora.services.similar import Review, SimilarityService
from agora.services.themes import ThemeService

Ruling = Callable[[Proposal], Proposal]


@dataclass(frozen=True)
class Outcome:
    """One proposal's fate in a bulk action: the decided proposal, or why it was left alone."""

    proposal_id: str
    decided: Proposal | None = None
    error: DomainError | None = None


@dataclass(frozen=True)
class Bulk:
    """What a bulk action did: each proposal's outcome, in the order asked (duplicates once)."""

    action: Action
    outcomes: list[Outcome]

    @property
    def done(self) -> int:
        return sum(o.decided is not None for o in self.outcomes)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.done


class ModerationService:
    def __init__(
        self,
        consultation: Consultation,
        store: ports.ProposalStore,
        similar: SimilarityService,
        themes: ThemeService,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.consultation, self.store, self.clock = consultation, store, clock
        self.similar, self.themes = similar, themes
        self.settings = consultation.moderation

    def queue(self, moderator: str, limit: int | None = None) -> list[tuple[Proposal, Review]]:
        """The oldest pending proposals nobody else holds, each now locked for this moderator,
        with its likely duplicates and suggested themes."""
        limit = limit or self.settings.queue_page
        now = self.clock()
        taken: list[Proposal] = []
        for candidate, _ in self.store.by_status(Status.PENDING):
            if candidate.lock_owner not in (None, moderator) and (candidate.lock_until or 0) >= now:
                continue
            locked = self.store.lock(candidate.id, moderator, now, now + self.settings.lock_seconds)
            if locked is not None:
                taken.append(locked)
                if len(taken) >= limit:
                    break
        reviews = self.similar.review(taken) if taken else {}
        return [(p, reviews[p.id]) for p in taken]

    # --- one proposal ---------------------------------------------------------------------------

    def accept(self, moderator: str, proposal_id: str, text: str | None, themes: tuple[str, ...]) -> Proposal:
        self.themes.check(themes)
        return self._decide(moderator, proposal_id, Action.ACCEPT, self._acceptance(text, themes))

    def refuse(self, moderator: str, proposal_id: str, reason: str, duplicate_of: str | None = None) -> Proposal:
        return self._decide(moderator, proposal_id, Action.REFUSE, self._refusal(reason, duplicate_of))

    def postpone(self, moderator: str, proposal_id: str) -> Proposal:
        return self._decide(moderator, proposal_id, Action.POSTPONE, lambda p: p)

    def reopen(self, moderator: str, proposal_id: str) -> Proposal:
        """Undo a decision: the proposal is pending again (and, if it was accepted, leaves the sequences at the next snapshot)."""
        return self._decide(moderator, proposal_id, Action.REOPEN, _reopening)

    def renew(self, moderator: str, proposal_ids: list[str]) -> dict[str, float | None]:
        """Extend this moderator's locks while they work: each proposal's new lock end, or None when
        another moderator holds it or it was decided meanwhile."""
        now = self.clock()
        renewed = {pid: self.store.lock(pid, moderator, now, now + self.settings.lock_seconds) for pid in dict.fromkeys(proposal_ids)}
        return {pid: p.lock_until if p else None for pid, p in renewed.items()}

    def pending(self) -> int:
        return self.store.count(Status.PENDING)

    def listed(self, status: Status, after: str | None, limit: int) -> tuple[list[Proposal], str | None]:
        """A page of the proposals with a status, oldest first, and the cursor after the last (None at the end)."""
        found: list[Proposal] = []
        last: str | None = None
        for proposal, cursor in self.store.by_status(status, after):
            if len(found) == limit:
                return found, last
            found.append(proposal)
            last = cursor
        return found, None

    def decisions(self, proposal_id: str) -> list[Decision]:
        if self.store.get(proposal_id) is None:
            raise NotFound("proposal_not_found", f"No proposal {proposal_id}.")
        return self.store.decisions(proposal_id)

    # --- a selection ------------------------------------------------------------------------------

    def bulk(
        self,
        moderator: str,
        action: Action,
        proposal_ids: list[str],
        reason: str | None = None,
        duplicate_of: str | None = None,
        themes: tuple[str, ...] = (),
    ) -> Bulk:
        """The same action on each proposal. What is wrong with the request itself (a reason off
        the charter, an unknown theme) refuses it whole; what is wrong with one proposal (locked,
        already decided) leaves that one alone and is reported beside the others."""
        self.themes.check(themes)
        rulings: dict[Action, Callable[[], Ruling]] = {
            Action.ACCEPT: lambda: self._acceptance(None, themes),
            Action.REFUSE: lambda: self._refusal(reason or "", duplicate_of),
            Action.POSTPONE: lambda: lambda p: p,
            Action.TAG: lambda: lambda p: dataclasses.replace(p, themes=tuple(dict.fromkeys((*p.themes, *themes)))),
            Action.REOPEN: lambda: _reopening,
        }
        ruling = rulings[action]()
        outcomes = []
        for proposal_id in dict.fromkeys(proposal_ids):
            try:
                outcomes.append(Outcome(proposal_id, decided=self._decide(moderator, proposal_id, action, ruling)))
            except DomainError as e:
                outcomes.append(Outcome(proposal_id, error=e))
            except Exception as e:  # a throttled or lost write: this one is left for a retry, the others go on
                if not transient(e):
                    raise
                outcomes.append(Outcome(proposal_id, error=Unavailable("overloaded", "The service was busy; retry this one.")))
        return Bulk(action, outcomes)

    # --- how each action changes a proposal ------------------------------------------------------

    def _acceptance(self, text: str | None, themes: tuple[str, ...]) -> Ruling:
        def accept(p: Proposal) -> Proposal:
            corrected = validate_text(text, p.language, self.consultation.proposals) if text else p.text
            return dataclasses.replace(
                p,
                text=corrected,
                original_text=p.text if corrected != p.text else p.original_text,
                themes=themes or p.themes,
                refusal_reason=None,
                duplicate_of=None,
            )

        return accept

    def _refusal(self, reason: str, duplicate_of: str | None) -> Ruling:
        check_refusal(reason, self.settings.refusal_reasons, duplicate_of)
        original = self.store.get(duplicate_of, consistent=True) if duplicate_of else None

        def refuse(p: Proposal) -> Proposal:
            if duplicate_of:
                check_original(p, original, duplicate_of)
            return dataclasses.replace(p, refusal_reason=reason, duplicate_of=duplicate_of)

        return refuse

    def _decide(self, moderator: str, proposal_id: str, action: Action, ruling: Ruling) -> Proposal:
        current = self.store.get(proposal_id, consistent=True)
        if current is None:
            raise NotFound("proposal_not_found", f"No proposal {proposal_id}.")
        check_allowed(current, action)
        now = self.clock()
        decided = dataclasses.replace(ruling(current), status=OUTCOME.get(action, current.status))
        if action is Action.REOPEN:  # undecided again; the audit trail keeps who reopened it
            decided = dataclasses.replace(decided, decided_by=None, decided_at=None)
        elif action is not Action.TAG:  # tagging is no decision on the proposal's fate
            decided = dataclasses.replace(decided, decided_by=moderator, decided_at=round(now, 3))
        decision = Decision(
            proposal_id=proposal_id,
            action=action,
            moderator=moderator,
            at=round(now, 3),
            before=current.status,
            after=decided.status,
            reason=decided.refusal_reason if action is Action.REFUSE else None,
            duplicate_of=decided.duplicate_of if action is Action.REFUSE else None,
            themes=decided.themes if action in (Action.ACCEPT, Action.TAG) else (),
            text=decided.text if decided.text != current.text else None,
        )
        if not self.store.decide(decided, current, decision, now):
            raise Conflict(
                "locked",
                f"Proposal {proposal_id} is held by another moderator or was just decided; take the next one.",
            )
        return dataclasses.replace(decided, lock_owner=None, lock_until=None)


def _reopening(p: Proposal) -> Proposal:
    return dataclasses.replace(p, refusal_reason=None, duplicate_of=None)
