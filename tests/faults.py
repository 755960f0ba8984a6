"""Faults injected into every boto3 client of the process (the functions', Powertools idempotency's, moto's).

Two places, because they mean different things:

* `fail(...)` raises from `BaseClient._make_api_call`, around botocore's retry loop: what a caller
  sees once the SDK's retries are spent. `when="before"` means nothing reached the service;
  `when="after"` means the call took effect and then its answer was lost (a timeout on the way back).
* `flaky(...)` raises a connection-level error from a `before-send` handler registered first, inside the
  retry loop, so botocore retries it as it would on AWS: transient faults absorbed within the budget.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.client
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)


def client_error(code: str, operation: str = "PutItem", status: int = 400, reasons: list[str] | None = None) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"injected {code}"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r, "Message": r} for r in reasons]
    return ClientError(response, operation)


URL = "https://dynamodb.eu-west-3.amazonaws.com/"
ERRORS: dict[str, Callable[[], Exception]] = {
    "throughput_exceeded": lambda: client_error("ProvisionedThroughputExceededException"),
    "throttling": lambda: client_error("ThrottlingException"),
    "request_limit": lambda: client_error("RequestLimitExceeded"),
    "internal_error": lambda: client_error("InternalServerError", status=500),
    "s3_slow_down": lambda: client_error("SlowDown", "GetObject", 503),
    "s3_service_unavailable": lambda: client_error("ServiceUnavailable", "GetObject", 503),
    "transaction_throttled": lambda: client_error(
        "TransactionCanceledException", "TransactWriteItems", reasons=["None", "ThrottlingError"]
    ),
    "transaction_conflict": lambda: client_error(
        "TransactionCanceledException", "TransactWriteItems", reasons=["TransactionConflict", "None"]
    ),
    "transaction_in_progress": lambda: client_error("TransactionInProgressException", "TransactWriteItems"),
    "read_timeout": lambda: ReadTimeoutError(endpoint_url=URL),
    "connect_timeout": lambda: ConnectTimeoutError(endpoint_url=URL),
    "endpoint_unreachable": lambda: EndpointConnectionError(endpoint_url=URL),
    "connection_closed": lambda: ConnectionClosedError(endpoint_url=URL),
}


@dataclass
class Rule:
    service: str | None  # None: any
    operation: str | None
    error: Callable[[], Exception]
    when: str = "before"  # or "after" the call took effect
    skip: int = 0  # let this many matching calls through first
    times: int | None = 1  # then fail this many (None: all)
    seen: int = 0
    fired: int = 0

    def matches(self, service: str, operation: str) -> bool:
        return self.service in (None, service) and self.operation in (None, operation)

    def trips(self) -> bool:
        self.seen += 1
        if self.seen <= self.skip or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True


@dataclass
class Faults:
    rules: list[Rule] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)  # every call made, in order

    def fail(
        self,
        error: str | Callable[[], Exception],
        service: str | None = None,
        operation: str | None = None,
        when: str = "before",
        skip: int = 0,
        times: int | None = 1,
    ) -> Rule:
        rule = Rule(service, operation, ERRORS[error] if isinstance(error, str) else error, when, skip, times)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def _rule(self, service: str, operation: str, when: str) -> Rule | None:
        for rule in self.rules:
            if rule.when == when and rule.matches(service, operation) and rule.trips():
                return rule
        return None


@contextlib.contextmanager
def injected() -> Iterator[Faults]:
    faults = Faults()
    real = botocore.client.BaseClient._make_api_call

    def make_api_call(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        service = self.meta.service_model.service_name
        faults.calls.append((service, operation_name))
        if rule := faults._rule(service, operation_name, "before"):
            raise rule.error()
        result = real(self, operation_name, api_params)
        if rule := faults._rule(service, operation_name, "after"):
            raise rule.error()
        return result

    botocore.client.BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    try:
        yield faults
    finally:
        botocore.client.BaseClient._make_api_call = real  # type: ignore[method-assign]


@contextlib.contextmanager
def flaky(client: Any, operation: str, failures: int, error: str = "read_timeout") -> Iterator[list[int]]:
    """The next `failures` attempts of `operation` on this client fail at the connection; botocore retries."""
    attempts: list[int] = []
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def handler(**_: Any) -> None:
        attempts.append(1)
        if len(attempts) <= failures:
            raise ERRORS[error]()

    client.meta.events.register_first(event, handler)
    try:
        yield attempts
    finally:
        client.meta.events.unregister(event, handler)


@contextlib.contextmanager
def answer_lost(client: Any, operation: str, times: int = 1) -> Iterator[list[int]]:
    """The first `times` attempts of `operation` on this client take effect, then lose their answer
    (a read timeout on the way back); botocore retries with the same parameters, as it would on AWS.

    Registered last on the bare `before-send` event, where moto's handler applies the call: botocore
    runs a more specific event's handlers (`before-send.dynamodb.PutItem`) before those, even the last."""
    attempts: list[int] = []
    target = f"{client.meta.service_model.metadata.get('targetPrefix', '')}.{operation}"

    def handler(request: Any, **_: Any) -> None:
        sent = request.headers.get("X-Amz-Target", b"")
        if (sent.decode() if isinstance(sent, bytes) else sent) != target:
            return
        attempts.append(1)
        if len(attempts) <= times:
            raise ERRORS["read_timeout"]()

    client.meta.events.register_last("before-send", handler)
    try:
        yield attempts
    finally:
        client.meta.events.unregister("before-send", handler)
