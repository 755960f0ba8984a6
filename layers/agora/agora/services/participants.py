"""Registering anonymous participants and recognising them by their signed token."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping

from agora.config import Consultation
from agora.domain.errors import NotFound
from agora.domain.identity import Claims, Signer
from agora.domain.participants import Participant, validate_demographics
from agora.services import ports


class TakingPart:
    """Marks participants at their first vote or proposal: they count from then on, visitors never.

    A container remembers whom it has seen take part (a bounded set, forgotten whole when full), so
    a vote costs a read only when a container first meets its voter, and a write once per participant."""

    def __init__(self, store: ports.ParticipantStore, remembered: int = 100_000) -> None:
        self.store, self.remembered, self.seen = store, remembered, set[str]()

    def note(self, participant_id: str, at: float) -> None:
        if participant_id in self.seen:
            return
        if not self.store.took_part(participant_id):
            self.store.note_took_part(participant_id, at)
        if len(self.seen) >= self.remembered:
            self.seen.clear()
        self.seen.add(participant_id)


class ParticipantService:
    def __init__(
        self, consultation: Consultation, store: ports.ParticipantStore, signer: Signer, clock: Callable[[], float] = time.time
    ) -> None:
        self.consultation, self.store, self.signer, self.clock = consultation, store, signer, clock

    def register(self, demographics: Mapping[str, str | None]) -> tuple[Participant, str]:
        answers = validate_demographics(demographics, self.consultation.demographics)
        participant = Participant(id=uuid.uuid4().hex, created_at=round(self.clock(), 3), demographics=answers)
        self.store.put(participant)
        return participant, self._token(participant)

    def update_demographics(self, claims: Claims, demographics: Mapping[str, str | None]) -> tuple[Participant, str]:
        """Merge new answers into the profile (None clears one) and re-issue the token that carries them."""
        answers = validate_demographics(demographics, self.consultation.demographics)
        merged = {**claims.segments, **answers}
        for qid, answer in demographics.items():
            if answer is None:
                merged.pop(qid, None)
        participant = self.store.set_demographics(claims.participant_id, merged)
        if participant is None:
            raise NotFound("unknown_participant", "This participant no longer exists; register again.")
        return participant, self._token(participant)

    def authenticate(self, token: str) -> Claims:
        return self.signer.claims(token, self.clock())

    def _token(self, participant: Participant) -> str:
        return self.signer.token(
            Claims(participant.id, int(self.clock()), participant.demographics, since=int(participant.created_at))
        )
