"""The HTTP contract's bodies: request and response models shared by handlers and the OpenAPI spec."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agora.domain.proposals import Proposal
from agora.domain.votes import VoteKey

ID_PATTERN = r"^[0-9a-f]{32}$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Registration(Body):
    demographics: dict[str, str | None] = Field(
        default_factory=dict, description="Answers to the consultation's optional questions; null = prefer not to say."
    )


class ParticipantCreated(BaseModel):
    participant_id: str
    participant_token: str
    demographics: dict[str, str]


class Submission(Body):
    text: str = Field(max_length=2000, description="The proposal, beginning with the prefix for its language.")
    language: str | None = Field(None, max_length=8, description="One of the consultation's languages; default its first.")


class ProposalCreated(BaseModel):
    id: str
    status: str


class ProposalView(BaseModel):
    id: str
    text: str
    language: str
    status: str
    themes: list[str]
    created_at: float
    refusal_reason: str | None = None

    @classmethod
    def of(cls, p: Proposal) -> ProposalView:
        return cls(
            id=p.id,
            text=p.text,
            language=p.language,
            status=p.status.value,
            themes=list(p.themes),
            created_at=p.created_at,
            refusal_reason=p.refusal_reason,
        )


class ModeratedProposal(ProposalView):
    author_id: str
    lock_until: float | None = None
    original_text: str | None = None

    @classmethod
    def of(cls, p: Proposal) -> ModeratedProposal:
        return cls(
            **ProposalView.of(p).model_dump(),
            author_id=p.author_id,
            lock_until=p.lock_until,
            original_text=p.original_text,
        )


class Queue(BaseModel):
    proposals: list[ModeratedProposal]
    lock_seconds: int


class Acceptance(Body):
    text: str | None = Field(None, max_length=2000, description="Corrected text (spelling), prefix included.")
    themes: list[str] = Field(default_factory=list, max_length=10)


class Refusal(Body):
    reason: str = Field(description="One of the charter's refusal reasons.")


class SequenceItem(BaseModel):
    id: str
    text: str
    language: str
    proof: str = Field(description="Send it back with the vote so it counts as a sequence vote.")


class SequenceOut(BaseModel):
    proposals: list[SequenceItem]


class Ballot(Body):
    key: VoteKey
    proof: str | None = Field(None, max_length=200)


class VoteOut(BaseModel):
    proposal_id: str
    key: VoteKey
    trusted: bool
    changed: bool = Field(description="False when the participant already held this key: nothing was changed.")


class ResultFile(BaseModel):
    name: str
    url: str
    sha256: str
    bytes: int
    content_type: str
    latest_url: str


class Manifest(BaseModel):
    generated_at: str
    folder: str
    files: list[ResultFile]
