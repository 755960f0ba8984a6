"""Serving a participant the next proposals to vote on, each with a proof of where it came from."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from agora.adapters.pool import PublishedPool
from agora.config import SequenceConfig
from agora.domain.errors import RateLimited
from agora.domain.identity import Signer
from agora.domain.limits import SlidingWindow
from agora.domain.sequencing import SequencePolicy, select_sequence
from agora.services import ports


def policy_for(sequence: SequenceConfig) -> SequencePolicy:
    """The consultation's choices of exposure and retirement; the rest of the policy is agora's."""
    return SequencePolicy(min_votes=sequence.min_votes, retire_at=sequence.retire_at, new_share=sequence.new_share)


@dataclass(frozen=True)
class Served:
    id: str
    text: str
    language: str
    proof: str


class SequenceService:
    def __init__(
        self,
        votes: ports.VoteStore,
        pool: ports.Published[PublishedPool],
        signer: Signer,
        sequence: SequenceConfig = SequenceConfig(),
        per_minute: int = 20,
        clock: Callable[[], float] = time.time,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.votes, self.pool, self.signer, self.clock = votes, pool, signer, clock
        self.policy, self.max_size = policy_for(sequence), sequence.size
        self.per_participant = SlidingWindow(per_minute, 60)
        self.rng = rng or np.random.default_rng()

    def next(self, participant_id: str, size: int) -> list[Served]:
        """Up to `size` proposals (no more than the consultation's sequence size), never one the
        participant voted on or proposed: an author's vote on their own proposal gets no proof, so
        it is recorded but never trusted."""
        now = self.clock()
        wait = self.per_participant.hit(participant_id, now)
        if wait is not None:
            raise RateLimited("too_many_sequences", f"Too many sequences asked in the last minute; retry in {wait} s.", wait)
        published = self.pool.get()
        if published is None:
            return []
        excluded = self.votes.not_to_serve(participant_id)
        chosen = select_sequence(published.pool, excluded, min(size, self.max_size), self.rng, self.policy)
        issued = int(now)
        return [Served(pid, *published.text(pid), proof=self.signer.proof(participant_id, pid, issued)) for pid in chosen]
