"""moderate: the queue under short locks, and accept / refuse / postpone decisions."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from agora import config, http
from agora.api import ID_PATTERN, Acceptance, ModeratedProposal, Queue, Refusal
from agora.services import wiring

router = Router()
ProposalId = Annotated[str, Path(pattern=ID_PATTERN)]
Moderator = Annotated[str, Depends(http.moderator)]


@router.get("/moderation/queue")
def queue(moderator: Moderator, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> Queue:
    taken = wiring.moderation().queue(moderator, limit)
    return Queue(
        proposals=[ModeratedProposal.of(p) for p in taken],
        lock_seconds=config.current().moderation.lock_seconds,
    )


@router.post("/moderation/proposals/<proposal_id>/accept")
def accept(proposal_id: ProposalId, moderator: Moderator, acceptance: Acceptance | None = None) -> ModeratedProposal:
    acceptance = acceptance or Acceptance()
    decided = wiring.moderation().accept(moderator, proposal_id, acceptance.text, tuple(acceptance.themes))
    return ModeratedProposal.of(decided)


@router.post("/moderation/proposals/<proposal_id>/refuse")
def refuse(proposal_id: ProposalId, moderator: Moderator, refusal: Refusal) -> ModeratedProposal:
    return ModeratedProposal.of(wiring.moderation().refuse(moderator, proposal_id, refusal.reason))


@router.post("/moderation/proposals/<proposal_id>/postpone")
def postpone(proposal_id: ProposalId, moderator: Moderator) -> ModeratedProposal:
    return ModeratedProposal.of(wiring.moderation().postpone(moderator, proposal_id))


app = http.resolver(router)
lambda_handler = http.entry(app)
