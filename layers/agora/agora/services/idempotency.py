"""Retried requests with the same Idempotency-Key take effect once (Powertools idempotency on DynamoDB)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)


def derived_id(*parts: str | None) -> str | None:
    """A stable 32-hex id for what a request creates, from who sent it and its Idempotency-Key (None
    without a key): a retry whose first attempt was stored but not answered finds it instead of
    creating another. The participant id is random and secret to them, so the id reveals nothing."""
    if parts[-1] is None:
        return None
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:32]


Action = Callable[[], dict[str, Any]]


class PowertoolsOnce:  # a ports.Once
    """Run an action once per key (whose last part is the client's Idempotency-Key, or None for no
    key); a retry gets the first answer, the same key with another payload is refused."""

    def __init__(self, table: str, key_attribute: str, expiry_attribute: str) -> None:
        self.table, self.key_attribute, self.expiry_attribute = table, key_attribute, expiry_attribute

    @cached_property
    def _store(self) -> DynamoDBPersistenceLayer:
        return DynamoDBPersistenceLayer(table_name=self.table, key_attr=self.key_attribute, expiry_attr=self.expiry_attribute)

    def __call__(self, key: tuple[str | None, ...], action: Action, payload: dict[str, Any], lambda_context: Any) -> dict[str, Any]:
        if key[-1] is None:
            return action()
        config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",  # the same key with another body is refused, not replayed
            expires_after_seconds=24 * 3600,
        )
        config.register_lambda_context(lambda_context)  # so a crashed attempt's lock expires with the invocation

        @idempotent_function(data_keyword_argument="request", persistence_store=self._store, config=config)
        def run(request: dict[str, Any]) -> dict[str, Any]:
            return action()

        return run(request={"key": list(key), "payload": payload})
