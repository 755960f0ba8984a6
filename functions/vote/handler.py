"""vote: one conditional write per vote; the stream does the counting."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from agora import http
from agora.api import ID_PATTERN, Ballot, VoteOut
from agora.domain.identity import Claims
from agora.domain.votes import Trust
from agora.services import wiring

router = Router()
ProposalId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.put("/proposals/<proposal_id>/vote")
def vote(proposal_id: ProposalId, ballot: Ballot, me: Annotated[Claims, Depends(http.participant)]) -> VoteOut:
    recorded, changed = wiring.voting().vote(me, proposal_id, ballot.key, ballot.proof)
    if changed:
        http.count("VotesRecorded")
    return VoteOut(
        proposal_id=proposal_id, key=recorded.key, trusted=recorded.trust is Trust.SEQUENCE, changed=changed
    )


@router.delete("/proposals/<proposal_id>/vote")
def withdraw(proposal_id: ProposalId, me: Annotated[Claims, Depends(http.participant)]) -> Response[None]:
    wiring.voting().withdraw(me, proposal_id)
    return Response(204)


app = http.resolver(router)
lambda_handler = http.entry(app)
