"""propose: citizens submit proposals, read them back, find similar ones while typing, and search."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from agora import http
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
from agora.services import idempotency, wiring

router = Router()
ProposalId = Annotated[str, Path(pattern=ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=50)]


@router.post("/proposals")
def submit(
    submission: Submission,
    me: Annotated[Claims, Depends(http.participant)],
    source: Annotated[str | None, Depends(http.source_address)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
) -> Response[ProposalCreated]:
    def create() -> dict[str, str]:
        proposal = wiring.proposals().submit(
            me.participant_id, submission.text, submission.language, source,
            proposal_id=idempotency.derived_id("proposal", me.participant_id, idempotency_key),
        )
        http.count(Metric.PROPOSALS_SUBMITTED)
        return {"id": proposal.id, "status": proposal.status.value}

    created = idempotency.once(
        ("propose", me.participant_id, idempotency_key), create, submission.model_dump(), app.lambda_context
    )
    return Response(201, "application/json", ProposalCreated(**created))


@router.get("/proposals")
def search(
    q: Annotated[str, Query(max_length=200, description="Words that must all appear (accents and case ignored).")] = "",
    theme: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 20,
) -> ProposalPage:
    found, next_cursor = wiring.proposals().search(q, theme, cursor, limit)
    return ProposalPage(proposals=[ProposalView.listed(e) for e in found], next_cursor=next_cursor)


@router.get("/proposals/similar")
def similar_to_text(
    text: Annotated[str, Query(max_length=2000, description="What the citizen is typing, prefix included or not.")],
    me: Annotated[Claims | None, Depends(http.maybe_participant)],
    source: Annotated[str | None, Depends(http.source_address)],
    limit: Limit = 10,
) -> SimilarProposals:
    """Accepted proposals like the text, and the caller's own undecided ones (with a token)."""
    found = wiring.similar().like_text(text, me.participant_id if me else None, limit, source)
    return SimilarProposals(proposals=[SimilarProposal.of(m.entry, m.score) for m in found])


@router.get("/proposals/<proposal_id>")
def read(proposal_id: ProposalId, me: Annotated[Claims | None, Depends(http.maybe_participant)]) -> ProposalView:
    viewer = me.participant_id if me else None
    return ProposalView.of(wiring.proposals().get(proposal_id, viewer))


@router.get("/proposals/<proposal_id>/similar")
def similar_to_proposal(
    proposal_id: ProposalId,
    me: Annotated[Claims | None, Depends(http.maybe_participant)],
    source: Annotated[str | None, Depends(http.source_address)],
    limit: Limit = 10,
) -> SimilarProposals:
    found = wiring.similar().like_proposal(proposal_id, me.participant_id if me else None, limit, source)
    return SimilarProposals(proposals=[SimilarProposal.of(m.entry, m.score) for m in found])


@router.get("/participants/me/proposals")
def mine(me: Annotated[Claims, Depends(http.participant)]) -> ProposalList:
    return ProposalList(proposals=[ProposalView.of(p) for p in wiring.proposals().mine(me.participant_id)])


@router.get("/themes")
def themes() -> Themes:
    return Themes(themes=[ThemeView.of(t) for t in wiring.themes().all()])


app = http.resolver(router)
lambda_handler = http.entry(app)
