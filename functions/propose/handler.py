"""propose: citizens submit proposals and read them back."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path

from agora import http
from agora.api import ID_PATTERN, ProposalCreated, ProposalView, Submission
from agora.domain.identity import Claims
from agora.services import idempotency, wiring

router = Router()


@router.post("/proposals")
def submit(
    submission: Submission,
    me: Annotated[Claims, Depends(http.participant)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
) -> Response[ProposalCreated]:
    def create() -> dict[str, str]:
        proposal = wiring.proposals().submit(me.participant_id, submission.text, submission.language)
        return {"id": proposal.id, "status": proposal.status.value}

    created = idempotency.once(
        ("propose", me.participant_id, idempotency_key), create, submission.model_dump(), app.lambda_context
    )
    return Response(201, "application/json", ProposalCreated(**created))


@router.get("/proposals/<proposal_id>")
def read(
    proposal_id: Annotated[str, Path(pattern=ID_PATTERN)],
    me: Annotated[Claims | None, Depends(http.maybe_participant)],
) -> ProposalView:
    viewer = me.participant_id if me else None
    return ProposalView.of(wiring.proposals().get(proposal_id, viewer))


app = http.resolver(router)
lambda_handler = http.entry(app)
