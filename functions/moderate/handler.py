"""moderate: the queue under short locks, decisions one by one or in bulk, their audit trail, and themes."""

from typing import TYPE_CHECKING, Annotated, Literal

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from agora import bootstrap, http
from agora.api import (
    ID_PATTERN,
    Acceptance,
    AuditTrail,
    BulkAction,
    BulkOutcome,
    BulkResult,
    DecisionView,
    LockRenewal,
    Locks,
    ModeratedPage,
    ModeratedProposal,
    NewTheme,
    ProposalClusters,
    ProposalClusterView,
    ProposalView,
    Queue,
    QueueItem,
    Refusal,
    SimilarProposal,
    ThemeSuggestion,
    ThemeView,
)
from agora.contract import Metric
from agora.domain.proposals import Action, Status

if TYPE_CHECKING:  # the service (and numpy, through similarity) loads on the first request, not at import
    from agora.services.moderation import Outcome

services = bootstrap.container()
router = Router()
ProposalId = Annotated[str, Path(pattern=ID_PATTERN)]
Moderator = Annotated[str, Depends(http.moderator)]


@router.get("/moderation/queue")
def queue(moderator: Moderator, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> Queue:
    taken = services.moderation.queue(moderator, limit)
    items = [
        QueueItem(
            **ModeratedProposal.of(p).model_dump(),
            duplicates=[SimilarProposal.of(m.entry, m.score) for m in review.duplicates],
            suggested_themes=[ThemeSuggestion(theme=t, share=s) for t, s in review.themes],
        )
        for p, review in taken
    ]
    return Queue(proposals=items, lock_seconds=services.consultation.moderation.lock_seconds, pending=services.moderation.pending())


@router.post("/moderation/locks")
def renew_locks(renewal: LockRenewal, moderator: Moderator) -> Locks:
    renewed = services.moderation.renew(moderator, renewal.proposal_ids)
    return Locks(locks=renewed, lock_seconds=services.consultation.moderation.lock_seconds)


@router.get("/moderation/proposals")
def listed(
    moderator: Moderator,
    status: Annotated[Literal["pending", "postponed", "accepted", "refused"], Query()],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ModeratedPage:
    found, after = services.moderation.listed(Status(status), cursor, limit)
    return ModeratedPage(proposals=[ModeratedProposal.of(p) for p in found], next_cursor=after)


@router.post("/moderation/proposals/<proposal_id>/accept")
def accept(proposal_id: ProposalId, moderator: Moderator, acceptance: Acceptance | None = None) -> ModeratedProposal:
    acceptance = acceptance or Acceptance()
    decided = services.moderation.accept(moderator, proposal_id, acceptance.text, tuple(acceptance.themes))
    return ModeratedProposal.of(decided)


@router.post("/moderation/proposals/<proposal_id>/refuse")
def refuse(proposal_id: ProposalId, moderator: Moderator, refusal: Refusal) -> ModeratedProposal:
    decided = services.moderation.refuse(moderator, proposal_id, refusal.reason, refusal.duplicate_of)
    http.count(Metric.PROPOSALS_REFUSED, reason=refusal.reason)
    return ModeratedProposal.of(decided)


@router.post("/moderation/proposals/<proposal_id>/postpone")
def postpone(proposal_id: ProposalId, moderator: Moderator) -> ModeratedProposal:
    return ModeratedProposal.of(services.moderation.postpone(moderator, proposal_id))


@router.post("/moderation/proposals/<proposal_id>/reopen")
def reopen(proposal_id: ProposalId, moderator: Moderator) -> ModeratedProposal:
    return ModeratedProposal.of(services.moderation.reopen(moderator, proposal_id))


@router.get("/moderation/proposals/<proposal_id>/decisions")
def decisions(proposal_id: ProposalId, moderator: Moderator) -> AuditTrail:
    trail = services.moderation.decisions(proposal_id)
    return AuditTrail(proposal_id=proposal_id, decisions=[DecisionView.of(d) for d in trail])


@router.post("/moderation/bulk")
def bulk(selection: BulkAction, moderator: Moderator) -> BulkResult:
    bulk = services.moderation.bulk(
        moderator,
        Action(selection.action),
        selection.proposal_ids,
        reason=selection.reason,
        duplicate_of=selection.duplicate_of,
        themes=tuple(selection.themes),
    )
    if bulk.action is Action.REFUSE and bulk.done:
        http.count(Metric.PROPOSALS_REFUSED, bulk.done, reason=selection.reason)
    return BulkResult(results=[_outcome(o) for o in bulk.outcomes], done=bulk.done, failed=bulk.failed)


def _outcome(o: "Outcome") -> BulkOutcome:
    return BulkOutcome(
        id=o.proposal_id,
        done=o.decided is not None,
        status=o.decided.status.value if o.decided else None,
        error={"code": o.error.code, "message": o.error.message} if o.error else None,
    )


@router.post("/moderation/themes")
def create_theme(theme: NewTheme, moderator: Moderator) -> Response[ThemeView]:
    return Response(201, "application/json", ThemeView.of(services.themes.create(moderator, theme.name)))


# The deployed path says "groups"; it serves proposal clusters (not opinion groups), kept for its clients.
@router.get("/moderation/groups")
def clusters(moderator: Moderator, k: Annotated[int, Query(ge=2, le=50)] = 12) -> ProposalClusters:
    found = services.themes.clusters(k)
    return ProposalClusters(
        groups=[ProposalClusterView(keywords=list(c.keywords), proposals=[ProposalView.listed(e) for e in entries]) for c, entries in found]
    )


app = http.resolver(router, lambda: services.consultation.origins)
lambda_handler = http.entry(app)
