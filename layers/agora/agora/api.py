"""The schemas of the HTTP bodies: request and response models shared by handlers and the OpenAPI spec.

Routes, table keys and settings are defined once in `agora.contract`; this module only says what
each route's body looks like."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agora.config import MAX_ANSWER, MAX_REASON
from agora.domain.proposals import Decision, Indexed, Proposal
from agora.domain.votes import Trust, Vote, VoteKey

if TYPE_CHECKING:
    from agora.domain.themes import Theme

ID_PATTERN = r"^[0-9a-f]{32}$"


class Model(BaseModel):
    # Each function serves a few routes: its validators are built for the bodies it reads and answers,
    # on its first request, and never for the others' (docs/capacity.md, cold start).
    model_config = ConfigDict(defer_build=True)


class Body(Model):
    model_config = ConfigDict(extra="forbid")


# Question ids follow config.DemographicQuestion's pattern (at most 31 characters); choices are short labels.
QuestionId = Annotated[str, StringConstraints(max_length=32)]
Answer = Annotated[str, StringConstraints(max_length=MAX_ANSWER)]
ThemeId = Annotated[str, StringConstraints(max_length=40)]  # domain.themes.theme_id: at most 40
Reason = Annotated[str, StringConstraints(max_length=MAX_REASON)]


class Registration(Body):
    demographics: dict[QuestionId, Answer | None] = Field(
        default_factory=dict,
        max_length=50,
        description="Answers to the consultation's optional questions; null = prefer not to say.",
    )


class ParticipantCreated(Model):
    participant_id: str
    participant_token: str
    demographics: dict[str, str]


class Submission(Body):
    text: str = Field(max_length=2000, description="The proposal, beginning with the prefix for its language.")
    language: str | None = Field(None, max_length=8, description="One of the consultation's languages; default its first.")


class ProposalCreated(Model):
    id: str
    status: str


class ProposalView(Model):
    id: str
    text: str
    language: str
    status: str
    themes: list[str]
    created_at: float
    refusal_reason: str | None = None
    duplicate_of: str | None = Field(None, description="When refused as already existing: the original proposal.")

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
            duplicate_of=p.duplicate_of,
        )

    @classmethod
    def listed(cls, e: Indexed) -> ProposalView:
        return cls(
            id=e.id, text=e.text, language=e.language, status=e.status.value, themes=list(e.themes), created_at=e.created_at
        )


class ProposalList(Model):
    proposals: list[ProposalView]


class ProposalPage(ProposalList):
    next_cursor: str | None = Field(None, description="Send it back as `cursor` for the next page; null on the last.")


class SimilarProposal(Model):
    id: str
    score: float = Field(description="Cosine similarity in [0, 1] of their character trigrams.")
    status: str
    text: str = Field(
        description="Citizens are shown accepted proposals and, with their token, their own undecided ones; moderators all."
    )
    themes: list[str]
    created_at: float

    @classmethod
    def of(cls, e: Indexed, score: float) -> SimilarProposal:
        return cls(id=e.id, score=score, status=e.status.value, text=e.text, themes=list(e.themes), created_at=e.created_at)


class SimilarProposals(Model):
    proposals: list[SimilarProposal]


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


class ThemeSuggestion(Model):
    theme: str
    share: float = Field(description="Share of the similar tagged proposals' weight that carries this theme.")


class QueueItem(ModeratedProposal):
    duplicates: list[SimilarProposal] = Field(description="Likely duplicates, accepted or pending, best first.")
    suggested_themes: list[ThemeSuggestion]


class Queue(Model):
    proposals: list[QueueItem]
    lock_seconds: int
    pending: int = Field(description="Pending proposals in all, those handed out included.")


class LockRenewal(Body):
    proposal_ids: list[str] = Field(min_length=1, max_length=100)


class Locks(Model):
    locks: dict[str, float | None] = Field(description="Per proposal: the lock's new end, or null when someone else holds it or it was decided.")
    lock_seconds: int


class ModeratedPage(Model):
    proposals: list[ModeratedProposal]
    next_cursor: str | None = Field(None, description="Send it back as `cursor` for the next page; null on the last.")


class Acceptance(Body):
    text: str | None = Field(None, max_length=2000, description="Corrected text (spelling), prefix included.")
    themes: list[ThemeId] = Field(default_factory=list, max_length=10)


class Refusal(Body):
    reason: Reason = Field(description="One of the charter's refusal reasons.")
    duplicate_of: str | None = Field(
        None, pattern=ID_PATTERN, description="With `already_exists`: the original this proposal repeats."
    )


class BulkAction(Body):
    action: Literal["accept", "refuse", "postpone", "tag", "reopen"]
    proposal_ids: list[str] = Field(min_length=1, max_length=100)
    reason: Reason | None = Field(None, description="For `refuse`.")
    duplicate_of: str | None = Field(None, pattern=ID_PATTERN, description="For `refuse` with `already_exists`.")
    themes: list[ThemeId] = Field(default_factory=list, max_length=10, description="For `accept` (replace) and `tag` (add).")


class BulkOutcome(Model):
    id: str
    done: bool
    status: str | None = None
    error: dict[str, str] | None = Field(None, description="{code, message} when this proposal was left alone.")


class BulkResult(Model):
    results: list[BulkOutcome]
    done: int
    failed: int


class DecisionView(Model):
    action: str
    moderator: str
    at: float
    before: str
    after: str
    reason: str | None = None
    duplicate_of: str | None = None
    themes: list[str]
    text: str | None = Field(None, description="The corrected text, when the moderator changed it.")

    @classmethod
    def of(cls, d: Decision) -> DecisionView:
        return cls(
            action=d.action.value,
            moderator=d.moderator,
            at=d.at,
            before=d.before.value,
            after=d.after.value,
            reason=d.reason,
            duplicate_of=d.duplicate_of,
            themes=list(d.themes),
            text=d.text,
        )


class AuditTrail(Model):
    proposal_id: str
    decisions: list[DecisionView] = Field(description="Oldest first.")


class NewTheme(Body):
    name: str = Field(min_length=1, max_length=60)


class ThemeView(Model):
    id: str
    name: str

    @classmethod
    def of(cls, t: Theme) -> ThemeView:
        return cls(id=t.id, name=t.name)


class Themes(Model):
    themes: list[ThemeView]


class ProposalClusterView(Model):
    keywords: list[str] = Field(description="The words that weigh most in the cluster, to help name it.")
    proposals: list[ProposalView]


class ProposalClusters(Model):
    # "groups": the deployed field name of GET /moderation/groups, kept for the pages and clients
    # already using it; these are clusters of proposals, not the opinion groups of the results.
    groups: list[ProposalClusterView]


class SequenceItem(Model):
    id: str
    text: str
    language: str
    proof: str = Field(description="Send it back with the vote so it counts as a sequence vote.")


class SequenceOut(Model):
    proposals: list[SequenceItem]


class Ballot(Body):
    key: VoteKey
    proof: str | None = Field(None, max_length=200)


class VoteOut(Model):
    proposal_id: str
    key: VoteKey = Field(description="The stored vote's key (this response always describes the vote as stored).")
    qualifications: list[str]
    trusted: bool = Field(
        description=(
            "The stored vote was made in the sequence (a valid proof) and counts in scores and results. "
            "False: it is recorded but never counted; a page must not present it as a support that counts."
        )
    )
    changed: bool = Field(description="Whether this request changed the stored vote; false means nothing was changed.")

    @classmethod
    def of(cls, vote: Vote, changed: bool) -> VoteOut:
        return cls(
            proposal_id=vote.proposal_id,
            key=vote.key,
            qualifications=sorted(vote.qualifications),
            trusted=vote.trust is Trust.SEQUENCE,
            changed=changed,
        )


class ResultFile(Model):
    name: str
    url: str
    sha256: str
    bytes: int
    content_type: str
    latest_url: str


class Manifest(Model):
    generated_at: str
    folder: str
    files: list[ResultFile]
