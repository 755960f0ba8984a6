"""consultation: the question and its rules, participants, and the published results."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from agora import bootstrap, http
from agora.api import Manifest, ParticipantCreated, Registration
from agora.domain.identity import Claims

services = bootstrap.container()
participants = http.Participants(services.authenticate)
router = Router()


@router.get("/consultation")
def describe() -> dict[str, Any]:
    return services.about.describe()


@router.get("/results")
def results() -> Manifest:
    return Manifest.model_validate(services.about.results())


@router.post("/participants")
def register(registration: Registration | None = None) -> Response[ParticipantCreated]:
    participant, token = services.participants.register((registration or Registration()).demographics)
    body = ParticipantCreated(participant_id=participant.id, participant_token=token, demographics=participant.demographics)
    return Response(201, "application/json", body)


@router.patch("/participants/me")
def update(registration: Registration, me: Annotated[Claims, Depends(participants.required)]) -> ParticipantCreated:
    participant, token = services.participants.update_demographics(me, registration.demographics)
    return ParticipantCreated(participant_id=participant.id, participant_token=token, demographics=participant.demographics)


app = http.resolver(router, lambda: services.consultation.origins)
lambda_handler = http.entry(app)
