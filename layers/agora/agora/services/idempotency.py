"""Retried requests with the same Idempotency-Key take effect once (Powertools idempotency on DynamoDB)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from agora import contract

@cache
def _store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=os.environ[contract.IDEMPOTENCY.env_var],
        key_attr=contract.IDEMPOTENCY.partition_key,
        expiry_attr=contract.IDEMPOTENCY.ttl_attribute or "expiration",
    )


def derived_id(*parts: str | None) -> str | None:
    """A stable 32-hex id for what a request creates, from who sent it and its Idempotency-Key (None
    without a key): a retry whose first attempt was stored but not answered finds it instead of
    creating another. The participant id is random and secret to them, so the id reveals nothing."""
    if parts[-1] is None:
        return None
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:32]


def once(
    key: tuple[str | None, ...], action: Callable[[], dict[str, Any]], payload: dict[str, Any], lambda_context: Any
) -> dict[str, Any]:
    """Run `action` once per key (whose last part is the client's Idempotency-Key, or None for no key)."""
    if key[-1] is None:
        return action()
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="payload",  # the same key with another body is refused, not replayed
        expires_after_seconds=24 * 3600,
    )
    config.register_lambda_context(lambda_context)  # so a crashed attempt's lock expires with the invocation

    @idempotent_function(data_keyword_argument="request", persistence_store=_store(), config=config)
    def run(request: dict[str, Any]) -> dict[str, Any]:
        return action()

    return run(request={"key": list(key), "payload": payload})
