"""A small consultation built through the real counting rules: votes and profiles, their exact
tallies (`recount`), and the vote sample a snapshot would read."""

from __future__ import annotations

import random
from dataclasses import dataclass

from agora import config
from agora.config import Consultation, DemographicQuestion
from agora.domain.participants import Participant
from agora.domain.proposals import Proposal, Status
from agora.results.sample import VoteSample
from agora.domain.tallies import TallyRef, recount
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey
from tests.conftest import DEMO



def consultation(*questions: DemographicQuestion, k: int = 10) -> Consultation:
    """The demo consultation, asking these questions instead of its own."""
    return config.load(DEMO).model_copy(update={"demographics": questions, "k_anonymity": k})


def proposal(i: int, text: str | None = None) -> Proposal:
    return Proposal(f"{i:032x}", text or f"Il faut faire la chose n°{i}", "fr", f"author{i % 3}", 1.0 + i, Status.ACCEPTED, ("thème",))


@dataclass
class Data:
    proposals: list[Proposal]
    items: list[Vote | Participant]

    @property
    def tallies(self) -> dict[TallyRef, dict[str, int]]:
        return recount(self.items)

    @property
    def sample(self) -> VoteSample:
        votes = [(v.participant_id, v.proposal_id, v.key.value) for v in self.items if isinstance(v, Vote) and v.trust is Trust.SEQUENCE]
        profiles = {p.id: p.demographics for p in self.items if isinstance(p, Participant)}
        return VoteSample.of(votes, profiles, len(self.items), True)


def voters(people: list[dict[str, str]], proposals: list[Proposal], per_person: int, seed: int = 1, untrusted: float = 0.0) -> Data:
    """Each person votes on `per_person` proposals; two camps (by parity of their index) disagree."""
    rng = random.Random(seed)
    items: list[Vote | Participant] = []
    for i, demographics in enumerate(people):
        pid = f"person{i:05d}"
        items.append(Participant(pid, 0.0, dict(demographics), took_part_at=0.0))
        for p in rng.sample(proposals, per_person):
            likes = (int(p.id, 16) % 2 == 0) == (i % 2 == 0)
            roll = rng.random()
            key = VoteKey.NEUTRAL if roll > 0.9 else (VoteKey.AGREE if likes == (roll < 0.75) else VoteKey.DISAGREE)
            qualifications = frozenset(q for q in QUALIFICATIONS[key] if rng.random() < 0.3)
            trust = Trust.UNTRUSTED if rng.random() < untrusted else Trust.SEQUENCE
            items.append(Vote(pid, p.id, key, trust, qualifications, dict(demographics), 0.0))
    return Data(proposals, items)
