"""vote: one conditional write per vote or qualification; the stream does the counting."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from agora import bootstrap, http
from agora.api import ID_PATTERN, Ballot, VoteOut
from agora.contract import Metric
from agora.domain.identity import Claims
from agora.domain.votes import Trust

services = bootstrap.container()
participants = http.Participants(services.authenticate)
router = Router()
ProposalId = Annotated[str, Path(pattern=ID_PATTERN)]
Qualification = Annotated[str, Path(pattern=r"^[a-z_]{1,32}$")]
Me = Annotated[Claims, Depends(participants.required)]
Source = Annotated[str | None, Depends(http.source_address)]


@router.put("/proposals/<proposal_id>/vote")
def vote(proposal_id: ProposalId, ballot: Ballot, me: Me, source: Source) -> VoteOut:
    recorded, changed = services.voting.vote(me, proposal_id, ballot.key, ballot.proof, source)
    if changed:
        http.count(Metric.VOTES_RECORDED)
        if recorded.trust is Trust.SEQUENCE:
            http.count(Metric.VOTES_TRUSTED)
    return VoteOut.of(recorded, changed)


@router.delete("/proposals/<proposal_id>/vote")
def withdraw(proposal_id: ProposalId, me: Me) -> Response[None]:
    services.voting.withdraw(me, proposal_id)
    return Response(204)


@router.put("/proposals/<proposal_id>/vote/qualifications/<qualification>")
def qualify(proposal_id: ProposalId, qualification: Qualification, me: Me, source: Source) -> VoteOut:
    return VoteOut.of(*services.voting.qualify(me, proposal_id, qualification, source))


@router.delete("/proposals/<proposal_id>/vote/qualifications/<qualification>")
def unqualify(proposal_id: ProposalId, qualification: Qualification, me: Me) -> Response[None]:
    services.voting.unqualify(me, proposal_id, qualification)
    return Response(204)


app = http.resolver(router, lambda: services.consultation.origins)
lambda_handler = http.entry(app)
