"""Serving a participant the next proposals to vote on, each with a proof of where it came from."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from agora.adapters.bucket import CachedObject
from agora.adapters.pool import PublishedPool
from agora.adapters.votes import VoteStore
from agora.config import SequenceConfig
from agora.domain.identity import Signer
from agora.domain.sequencing import SequenceSettings, select_sequence


def settings_for(sequence: SequenceConfig) -> SequenceSettings:
    """The consultation's choices of exposure and retirement; the rest of the policy is agora's."""
    return SequenceSettings(min_votes=sequence.min_votes, retire_at=sequence.retire_at, new_share=sequence.new_share)


@dataclass(frozen=True)
class Served:
    id: str
    text: str
    language: str
    proof: str


class SequenceService:
    def __init__(
        self,
        votes: VoteStore,
        pool: CachedObject[PublishedPool],
        signer: Signer,
        settings: SequenceSettings = SequenceSettings(),
        clock: Callable[[], float] = time.time,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.votes, self.pool, self.signer, self.settings, self.clock = votes, pool, signer, settings, clock
        self.rng = rng or np.random.default_rng()

    def next(self, participant_id: str, size: int) -> list[Served]:
        published = self.pool.get()
        if published is None:
            return []
        voted = self.votes.voted_proposal_ids(participant_id)
        chosen = select_sequence(published.pool, voted, size, self.rng, self.settings)
        issued = int(self.clock())
        return [
            Served(
                id=pid,
                text=published.texts[pid],
                language=published.languages[pid],
                proof=self.signer.proof(participant_id, pid, issued),
            )
            for pid in chosen
        ]
