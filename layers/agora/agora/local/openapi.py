"""The OpenAPI description, generated from the handlers' own routes and models (the source of truth)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from agora import contract
from agora.local.functions import FunctionHost

DESCRIPTION = (
    "Mass consultation API: participants propose and vote, moderators decide, results are published as files. "
    "Errors are {\"error\": {\"code\", \"message\", \"details\"}}; invalid content is 422."
)


def specification(host: FunctionHost | None = None, server_url: str | None = None) -> dict[str, Any]:
    host = host or FunctionHost()
    app = APIGatewayRestResolver(enable_validation=True)
    for function in contract.HTTP_FUNCTIONS:
        app.include_router(host.load(function.value).router)
    spec = app.get_openapi_json_schema(
        title="agora",
        version="1",
        description=DESCRIPTION,
        servers=[Server(url=server_url)] if server_url else None,
        security_schemes={
            "participant": HTTPBearer(description="The participant_token from POST /participants."),
            "moderator": HTTPBearer(description="Cognito JWT on AWS; the --moderator-key on the embedded stack."),
        },
    )
    return json.loads(spec)
