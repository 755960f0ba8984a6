"""propose: citizens submit proposals, read them back, find similar ones while typing, and search."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from agora import bootstrap, http
from agora.api import (
    ID_PATTERN,
    ProposalCreated,
    ProposalList,
    ProposalPage,
    ProposalView,
    SimilarProposal,
    SimilarProposals,
    Submission,
    Themes,
    ThemeView,
)
from agora.contract import Metric
from agora.domain.identity import Claims

services = bootstrap.container()
participants = http.Participants(services.authenticate)
router = Router()
ProposalId = Annotated[str, Path(pattern=ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=50)]


@router.post("/proposals")
def submit(
    submission: Submission,
    me: Annotated[Claims, Depends(participants.required)],
    source: Annotated[str | None, Depends(http.source_address)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
) -> Response[ProposalCreated]:
    created, stored = services.proposals.submit_once(
        me.participant_id, submission.text, submission.language, source, idempotency_key, submission.model_dump(), app.lambda_context
    )
    if stored:
        http.count(Metric.PROPOSALS_SUBMITTED)
    return Response(201, "application/json", ProposalCreated(**created))


@router.get("/proposals")
def search(
    q: Annotated[str, Query(max_length=200, description="Words that must all appear (accents and case ignored).")] = "",
    theme: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 20,
) -> ProposalPage:
    found, next_cursor = services.proposals.search(q, theme, cursor, limit)
    return ProposalPage(proposals=[ProposalView.listed(e) for e in found], next_cursor=next_cursor)


@router.get("/proposals/similar")
def similar_to_text(
    text: Annotated[str, Query(max_length=2000, description="What the citizen is typing, prefix included or not.")],
    me: Annotated[Claims | None, Depends(participants.optional)],
    source: Annotated[str | None, Depends(http.source_address)],
    limit: Limit = 10,
) -> SimilarProposals:
    """Accepted proposals like the text, and the caller's own undecided ones (with a token)."""
    found = services.similar.like_text(text, me.participant_id if me else None, limit, source)
    return SimilarProposals(proposals=[SimilarProposal.of(m.entry, m.score) for m in found])


@router.get("/proposals/<proposal_id>")
def read(proposal_id: ProposalId, me: Annotated[Claims | None, Depends(participants.optional)]) -> ProposalView:
    viewer = me.participant_id if me else None
    return ProposalView.of(services.proposals.get(proposal_id, viewer))


@router.get("/proposals/<proposal_id>/similar")
def similar_to_proposal(
    proposal_id: ProposalId,
    me: Annotated[Claims | None, Depends(participants.optional)],
    source: Annotated[str | None, Depends(http.source_address)],
    limit: Limit = 10,
) -> SimilarProposals:
    found = services.similar.like_proposal(proposal_id, me.participant_id if me else None, limit, source)
    return SimilarProposals(proposals=[SimilarProposal.of(m.entry, m.score) for m in found])


@router.get("/participants/me/proposals")
def mine(me: Annotated[Claims, Depends(participants.required)]) -> ProposalList:
    return ProposalList(proposals=[ProposalView.of(p) for p in services.proposals.mine(me.participant_id)])


@router.get("/themes")
def themes() -> Themes:
    return Themes(themes=[ThemeView.of(t) for t in services.themes.all()])


app = http.answering_idempotency_errors(http.resolver(router, lambda: services.consultation.origins))
lambda_handler = http.entry(app)
