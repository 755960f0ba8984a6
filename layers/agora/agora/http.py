"""What every HTTP function shares: the Powertools resolver, credentials, and error mapping.

Errors always take the shape {"error": {"code", "message", "details"}} with a status that
says what was wrong: 401 credentials, 404 unknown, 409 state, 422 content, 429 a participant's
cap reached, 503 overload.
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.logging.lambda_context import build_lambda_context_model
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.utilities import jmespath_utils
from botocore.exceptions import BotoCoreError, ClientError

from agora import contract
from agora.adapters.aws import transient
from agora.contract import Metric
from agora.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
    clipped,
)
from agora.domain.identity import Claims

# Most invocations record no business metric; that is normal, not worth a warning each time.
warnings.filterwarnings("ignore", "No application metrics to publish")

logger = Logger()
metrics = Metrics()

STATUS_OF: dict[type[DomainError], HTTPStatus] = {
    InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    NotFound: HTTPStatus.NOT_FOUND,
    Conflict: HTTPStatus.CONFLICT,
    Unauthorized: HTTPStatus.UNAUTHORIZED,
    Unavailable: HTTPStatus.SERVICE_UNAVAILABLE,
    RateLimited: HTTPStatus.TOO_MANY_REQUESTS,
}


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Add a business metric (contract.Metric). Skipped when metrics are disabled (the embedded stack):
    Powertools would otherwise keep them, and print them once 100 pile up in the shared process."""
    record(name, value, MetricUnit.Count, **dimensions)


def record(name: str, value: float, unit: MetricUnit, **dimensions: str) -> None:
    """A metric in any unit; one with its own dimensions (a reason) is written at once, since EMF
    dimensions apply to every metric of a set."""
    if is_metrics_disabled():
        return
    if dimensions:
        with single_metric(name=name, unit=unit, value=value, default_dimensions=dimensions):
            pass
    else:
        metrics.add_metric(name=name, unit=unit, value=value)


# An error answer never grows with the request: the domain quotes clipped values (errors.shown),
# and this bounds whatever else may echo one (a validation error's location, a detail).
MESSAGE_CAP, DETAIL_CAP, DETAIL_ITEMS = 1000, 200, 50


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return clipped(value, DETAIL_CAP)
    if isinstance(value, dict):
        return {_bounded(k): _bounded(v) for k, v in list(value.items())[:DETAIL_ITEMS]}
    if isinstance(value, (list, tuple)):
        return [_bounded(v) for v in value[:DETAIL_ITEMS]]
    return value


def error(status: HTTPStatus, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None) -> Response:
    if status < 500:
        count(Metric.REJECTED, reason=code)
    body = {"code": code, "message": clipped(message, MESSAGE_CAP), "details": _bounded(details)}
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": body}),
        headers=headers,
    )


def _domain_error(e: DomainError) -> Response:
    status = next(s for cls, s in STATUS_OF.items() if isinstance(e, cls))
    headers = {"Retry-After": str(e.retry_after)} if isinstance(e, (Unavailable, RateLimited)) else None
    return error(status, e.code, e.message, e.details, headers)


def _validation_error(e: RequestValidationError) -> Response:
    problems = [
        {
            "where": ".".join(clipped(str(part)) for part in err["loc"]),
            "problem": clipped(err.get("msg", err["type"]), DETAIL_CAP),
            "type": err["type"],
        }
        for err in e.errors()[:DETAIL_ITEMS]
    ]
    summary = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
    return error(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request", f"The request is invalid: {summary}", problems)


def _unsupported_media_type(_: RequestUnsupportedContentType) -> Response:
    return error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send the body as application/json.")


def _unreadable_body(_: Exception) -> Response:
    """A body that is not UTF-8 text, or JSON nested deeper than a parser will follow."""
    return error(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request", "The request body is not readable JSON (UTF-8, reasonably nested).")


def _not_found(_: NotFoundError) -> Response:
    return error(HTTPStatus.NOT_FOUND, "no_such_route", "No such route: see the API description.")


def _aws_error(e: ClientError | BotoCoreError) -> Response:
    code = e.response.get("Error", {}).get("Code", "") if isinstance(e, ClientError) else type(e).__name__
    if transient(e):
        logger.warning("dependency overloaded", extra={"code": code})
        return error(
            HTTPStatus.SERVICE_UNAVAILABLE, "overloaded", "The service is busy; retry shortly.", None, {"Retry-After": "1"}
        )
    logger.exception("unexpected AWS error")
    # Whether the write took effect is unknown here: say so rather than promise either way.
    return error(
        HTTPStatus.INTERNAL_SERVER_ERROR, "internal",
        "Something went wrong on our side; the request may or may not have taken effect: check, then retry.",
    )


def _idempotency_error(e: Exception) -> Response:
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError

    if isinstance(e, IdempotencyValidationError):
        return error(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request body.",
        )
    return error(
        HTTPStatus.CONFLICT, "request_in_progress", "The same request is still being processed; retry shortly.",
        None, {"Retry-After": "1"},
    )


def _idempotency_store_error(e: Exception) -> Response:
    """Powertools wraps the idempotency table's errors; a throttled or unreachable table is a 503 like any other."""
    cause = e.__cause__
    if isinstance(cause, (ClientError, BotoCoreError)):
        return _aws_error(cause)
    logger.exception("idempotency store error")
    return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side; retry with the same Idempotency-Key.")


def allowed_origins(configured: Iterable[str]) -> frozenset[str]:
    """Browsers may call the API from the consultation's own pages (AGORA_WEB_ORIGIN, set by the
    deployment) and from the config's `origins`; nowhere else. Results files are another matter
    (open data, any origin), served by CloudFront or the embedded gateway, not by these functions."""
    own = os.environ.get(contract.WEB_ORIGIN_ENV, "")
    return frozenset(o for o in (own, *configured) if o)


class ConsultationCORS(CORSConfig):
    """Echo the caller's Origin only when it is allowed (read once, on the first request, so handlers
    import without a consultation file), and say the answer varies with it."""

    def __init__(self, configured: Callable[[], Iterable[str]]) -> None:
        self.configured = configured
        super().__init__(
            allow_origin="",  # never matches: allowed_origin() below decides
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Retry-After"],  # so a page can tell its citizen when to try again
        )

    @functools.cached_property
    def origins(self) -> frozenset[str]:
        return allowed_origins(self.configured())

    def allowed_origin(self, extracted_origin: str) -> str | None:
        return extracted_origin if extracted_origin in self.origins else None

    def to_dict(self, origin: str | None) -> dict[str, str]:
        if not origin or origin not in self.origins:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Headers": CORSConfig.build_allow_methods(self.allow_headers),
            "Access-Control-Expose-Headers": ",".join(self.expose_headers),
            "Vary": "Origin",
        }


def resolver(router: Router, origins: Callable[[], Iterable[str]]) -> APIGatewayRestResolver:
    """The function's resolver; `origins` are the consultation's (read on the first request)."""
    app = APIGatewayRestResolver(enable_validation=True, cors=ConsultationCORS(origins))
    app.include_router(router)
    app.exception_handler(DomainError)(_domain_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(NotFoundError)(_not_found)
    app.exception_handler([UnicodeDecodeError, RecursionError])(_unreadable_body)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported_media_type)
    app.exception_handler([ClientError, BotoCoreError])(_aws_error)
    return app


def answering_idempotency_errors(app: APIGatewayRestResolver) -> APIGatewayRestResolver:
    """The resolver of the one function that honours Idempotency-Key (propose): importing Powertools'
    idempotency package would cost each other function 12 M instructions of cold start (docs/capacity.md)."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    app.exception_handler([IdempotencyValidationError, IdempotencyAlreadyInProgressError])(_idempotency_error)
    app.exception_handler(IdempotencyPersistenceLayerError)(_idempotency_store_error)
    return app


Handler = Callable[[dict[str, Any], Any], Any]


def logged(correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
    """Powertools' inject_lambda_context, but with the invocation's keys (function, request id,
    correlation id, cold start) in the current thread's context (Logger.thread_safe_append_keys, a
    ContextVar) instead of the logger's shared state: the embedded stack runs functions concurrently
    in one process, sharing this module's logger, and one invocation's keys must not land on
    another's lines. On Lambda, one invocation at a time per container, it logs the same keys."""

    def decorate(handler: Handler) -> Handler:
        cold = [True]

        @functools.wraps(handler)
        def run(event: dict[str, Any], context: Any) -> Any:
            keys: dict[str, Any] = {"cold_start": cold[0], **build_lambda_context_model(context).__dict__}
            cold[0] = False
            if correlation_id_path:
                keys["correlation_id"] = jmespath_utils.query(envelope=correlation_id_path, data=event)
            logger.thread_safe_append_keys(**keys)
            try:
                return handler(event, context)
            finally:
                logger.thread_safe_clear_keys()

        return run

    return decorate


def entry(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point: structured logs and metrics around the resolver.

    No Powertools Tracer on the request path: it loads the X-Ray SDK (~80 ms of every cold start,
    bench/coldstart.py) for subsegments we do not need there; Lambda's active tracing still
    records each invocation. The background functions (score, snapshot) use `agora.tracing`."""

    @logged(correlation_id_path="requestContext.requestId")
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler


# --- credentials (used with Annotated[..., Depends(...)]) ----------------------------------------


class Participants:
    """The participant a request comes from, as `Depends` targets: its `Authorization: Bearer <token>`
    header, checked by `authenticate` (the function's ParticipantService)."""

    def __init__(self, authenticate: Callable[[str], Claims]) -> None:
        self.authenticate = authenticate

    def required(self, request: Request) -> Claims:
        """The caller; 401 without a valid token."""
        header = request.resolved_event.headers.get("authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("missing_token", "Send the participant token as 'Authorization: Bearer <token>'.")
        return self.authenticate(token.strip())

    def optional(self, request: Request) -> Claims | None:
        return self.required(request) if request.resolved_event.headers.get("authorization") else None


def source_address(request: Request) -> str | None:
    """The caller's address as API Gateway saw it; only ever hashed (Signer.source_tag), never stored."""
    return request.resolved_event.request_context.identity.source_ip


def moderator(request: Request) -> str:
    """The moderator the API Gateway authorizer admitted (Cognito on AWS, the local key on the embedded stack)."""
    authorizer = request.resolved_event.request_context.authorizer
    claims = (authorizer.get("claims") if authorizer else None) or {}
    who = claims.get("cognito:username") or claims.get("sub")
    if not who:
        raise Unauthorized("moderator_only", "This route is for moderators.")
    return str(who)
