"""next_proposal: the participant's next sequence, from the cached pool and one Query."""

import time
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit

from agora import bootstrap, http
from agora.api import SequenceItem, SequenceOut
from agora.contract import Metric
from agora.domain.identity import Claims

services = bootstrap.container()
participants = http.Participants(services.authenticate)
router = Router()


@router.get("/sequence")
def sequence(
    me: Annotated[Claims, Depends(participants.required)],
    size: Annotated[int, Query(ge=1, le=50, description="At most the consultation's sequence size is served.")] = 12,
) -> SequenceOut:
    started = time.perf_counter()
    served = services.sequence.next(me.participant_id, size)
    http.record(Metric.SEQUENCE_LATENCY, (time.perf_counter() - started) * 1000, MetricUnit.Milliseconds)
    return SequenceOut(proposals=[SequenceItem(id=s.id, text=s.text, language=s.language, proof=s.proof) for s in served])


app = http.resolver(router, lambda: services.consultation.origins)
lambda_handler = http.entry(app)
