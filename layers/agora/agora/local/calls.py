"""Recording which AWS calls each function's code makes, for the tests that prove the roles' permissions.

moto does not enforce IAM, so a call a function's role does not allow passes every local test and
fails on AWS. With AGORA_AWS_CALLS set to a file, every botocore client created afterwards records,
for each call made while a function's code runs (`invoking`), one JSON line: the function, the
service, the operation, and the parameters that name a resource, with each table, bucket or secret
name replaced by the environment variable that held it (how the template names it too).
tests/permissions.py evaluates the lines against the synthesized role policies.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import botocore.session

from agora import contract

CALLS_FILE_ENV = "AGORA_AWS_CALLS"
# The parameters through which an operation names what it touches.
NAMING_PARAMS = ("TableName", "IndexName", "Bucket", "Key", "VersionId", "SecretId", "QueueUrl", "CopySource")
NAMING_ENV = (
    *(spec.env_var for spec in contract.TABLES),
    contract.BUCKET_ENV,
    contract.SECRET_ARN_ENV,
)

_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("agora_function", default=None)
_lock = threading.Lock()
_installed: list[str] = []


@contextlib.contextmanager
def invoking(function: str) -> Iterator[None]:
    """Attribute the AWS calls made inside to `function` (a cold start's module code included)."""
    token = _function.set(function)
    try:
        yield
    finally:
        _function.reset(token)


def install_from_environment() -> None:
    """Record into $AGORA_AWS_CALLS, once per process; nothing when it is unset."""
    path = os.environ.get(CALLS_FILE_ENV)
    with _lock:
        if not path or _installed:
            return
        _installed.append(path)
    create_client = botocore.session.Session.create_client

    def recording_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, *args, **kwargs)
        client.meta.events.register("before-parameter-build", _record)
        return client

    botocore.session.Session.create_client = recording_client  # type: ignore[method-assign]


def _names() -> dict[str, str]:
    return {os.environ[var]: var for var in NAMING_ENV if os.environ.get(var)}


def _named(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return {"env": names[value]} if value in names else value
    if isinstance(value, dict):
        return {k: _named(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_named(v, names) for v in value]
    return value


def _resources(params: dict[str, Any]) -> dict[str, Any]:
    """The naming parameters, at the top and inside batch and transaction items."""
    found: dict[str, Any] = {k: params[k] for k in NAMING_PARAMS if k in params}
    if "RequestItems" in params:  # BatchGetItem, BatchWriteItem
        found["RequestItems"] = sorted(params["RequestItems"])
    if "TransactItems" in params:  # TransactWriteItems, TransactGetItems: [{"Put": {"TableName": ...}}]
        found["TransactItems"] = [
            {kind: {"TableName": body.get("TableName")}} for item in params["TransactItems"] for kind, body in item.items()
        ]
    return found


def _record(params: dict[str, Any], model: Any, **_: Any) -> None:
    function = _function.get()
    if function is None:
        return
    line = {
        "function": function,
        "service": model.service_model.signing_name,
        "operation": model.name,
        "params": _named(_resources(params), _names()),
    }
    with _lock, open(_installed[0], "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
