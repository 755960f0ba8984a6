"""Conditional writes to the content table, and how to tell a refused one from our own retried one."""

from __future__ import annotations

import uuid
from typing import Any

from botocore.exceptions import ClientError

from agora.adapters import items


def conditional_failed(error: ClientError) -> bool:
    """A write refused by its condition: a single item's, or a transaction whose only reasons are
    failed conditions (not a conflict or throttling)."""
    code = error.response["Error"]["Code"]
    if code == "ConditionalCheckFailedException":
        return True
    if code != "TransactionCanceledException":
        return False
    reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
    return all(code in (None, "None", "ConditionalCheckFailed") for code in reasons)


def new_write() -> str:
    """An id for one conditional write, stored with the item (items.WRITE). botocore retries a call
    with the same parameters, so when an attempt took effect but its answer was lost, the retry
    fails its condition against an item that carries this very id: it was our own write."""
    return uuid.uuid4().hex[:16]


def item_when_failed(db: Any, table: str, key: dict[str, Any], error: ClientError) -> dict[str, Any] | None:
    """The item that failed the condition (deserialized): returned by DynamoDB with the error when asked
    (ReturnValuesOnConditionCheckFailure), read again otherwise."""
    raw = error.response.get("Item") or db.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return items.deserialize(raw) if raw else None


def is_own_write(stored: dict[str, Any] | None, write: str) -> bool:
    return stored is not None and stored.get(items.WRITE) == write
