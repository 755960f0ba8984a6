"""The OpenAPI description, generated from the handlers' own routes and models (the source of truth).

Powertools describes each route's success body and its own validation error; `document_errors` adds
what the handlers and the gateway also answer, in the one error shape, from the same sources: the
contract's routes (their success status and moderator auth) and the handlers' signatures (which
routes need a participant token, which read one when it is sent).
"""

from __future__ import annotations

import json
import typing
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from agora import contract, http
from agora.local.functions import FunctionHost

DESCRIPTION = (
    "Mass consultation API: participants propose and vote, moderators decide, results are published as files. "
    "Errors are {\"error\": {\"code\", \"message\", \"details\"}}; invalid content is 422."
)


def specification(host: FunctionHost | None = None, server_url: str | None = None) -> dict[str, Any]:
    host = host or FunctionHost()
    app = APIGatewayRestResolver(enable_validation=True)
    modules = [host.load(function.value) for function in contract.HTTP_FUNCTIONS]
    for module in modules:
        app.include_router(module.router)
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
    return document_errors(json.loads(spec), credentials(modules))


ERROR = {
    "type": "object",
    "description": "Every error: a stable machine-readable code, a message for people, and details (or null).",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "examples": ["invalid_request"]},
                "message": {"type": "string"},
                "details": {"description": "What was wrong, where it helps (a field, the allowed values); null otherwise."},
            },
        }
    },
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}
WHY = {
    401: "Missing, forged or expired credentials.",
    403: "A participant token on a moderator route.",
    404: "No such thing, or not visible to the caller.",
    415: "The body is not JSON (send Content-Type: application/json).",
    409: "The request clashes with the current state (closed consultation, proposal not open to votes, "
    "decision not allowed, lock held, request in progress).",
    422: "The request's content breaks a rule; `details` says where.",
    429: "An allowance is used up; retry after `Retry-After` seconds.",
    503: "A dependency is busy or unreachable; retry after `Retry-After` seconds. Nothing half-done stays behind.",
}
# Routes with a per-participant or per-network allowance (429).
RATE_LIMITED = {
    "GET /proposals/similar",
    "GET /proposals/{proposal_id}/similar",
    "GET /sequence",
    "POST /proposals",
    "PUT /proposals/{proposal_id}/vote",
    "PUT /proposals/{proposal_id}/vote/qualifications/{qualification}",
}


def credentials(modules: list[ModuleType]) -> dict[str, str]:
    """'METHOD /path' -> "participant" when the handler needs a participant token, "optional" when it
    reads one if sent, read from the handlers' signatures (their Depends)."""
    found: dict[str, str] = {}
    for module in modules:
        for (rule, methods, *_), func in module.router._routes.items():
            deps = {
                getattr(getattr(meta, "dependency", None), "__func__", None)
                for hint in typing.get_type_hints(func, include_extras=True).values()
                for meta in getattr(hint, "__metadata__", ())
            }
            kind = "participant" if http.Participants.required in deps else "optional" if http.Participants.optional in deps else None
            if kind:
                path = rule.replace("<", "{").replace(">", "}")
                for method in methods:
                    found[f"{method} {path}"] = kind
    return found


def document_errors(spec: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    """Every operation: its real success status, its security, and the errors it can answer."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    for name in ("HTTPValidationError", "ValidationError"):  # Powertools' own 422 shape, which we never send
        schemas.pop(name, None)
    for route in contract.ROUTES:
        name = f"{route.method} {route.path}"
        op = spec["paths"][route.path][route.method.lower()]
        responses = op["responses"]
        success = responses.pop("200")
        if route.status == 204:
            success = {"description": "Done (nothing to return)."}
        responses[str(route.status)] = success
        statuses = {422, 503}
        kind = "moderator" if route.auth is contract.Auth.MODERATOR else kinds.get(name)
        if kind:
            statuses.add(401)
            op["security"] = [{kind if kind == "moderator" else "participant": []}]
            if kind == "optional":
                op["security"].insert(0, {})
        if kind == "moderator":
            statuses.add(403)
        if "{" in route.path or name == "GET /results":
            statuses.add(404)
        if route.method != "GET":
            statuses.add(409)
        if name in RATE_LIMITED:
            statuses.add(429)
        if "requestBody" in op:
            statuses.add(415)
        for status in sorted(statuses):
            response: dict[str, Any] = {
                "description": WHY[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
            if status in (429, 503):
                response["headers"] = RETRY_AFTER
            responses[str(status)] = response
    return spec
