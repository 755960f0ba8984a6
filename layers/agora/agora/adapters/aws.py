"""boto3 clients, created once per process with bounded retries and timeouts.

The endpoint comes from the environment (AWS_ENDPOINT_URL), which is how the embedded
stack points the very same code at its moto server.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
)


@cache
def client(service: str) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG)


# Error codes that mean "busy or briefly unavailable": retry later, nothing is wrong with the request.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "InternalError",  # S3's 500
        "ServiceUnavailable",
        "SlowDown",
        "RequestTimeout",  # S3: the connection went idle mid-request
    }
)
# A cancelled transaction is transient when a reason is contention or capacity, not a condition.
TRANSIENT_CANCELLATIONS = frozenset({"ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded", "RequestLimitExceeded"})


def transient(e: BaseException) -> bool:
    """An AWS error worth a retry once the SDK's own retries are spent: throttling, contention, a 5xx,
    or no answer at all (BotoCoreError: timeouts, unreachable endpoints, closed connections)."""
    if isinstance(e, BotoCoreError):
        return True
    if not isinstance(e, ClientError):
        return False
    code = e.response.get("Error", {}).get("Code", "")
    if code in TRANSIENT_CODES or e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
        return True
    if code == "TransactionCanceledException":
        reasons = {r.get("Code") for r in e.response.get("CancellationReasons") or []}
        return bool(reasons & TRANSIENT_CANCELLATIONS)
    return False
