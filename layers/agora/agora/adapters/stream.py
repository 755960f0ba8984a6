"""DynamoDB stream events (from Lambda or the embedded poller) to domain changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agora.adapters.items import counted_from
from agora.domain.tallies import Change

# Who deletes an item whose TTL passed: retention removes personal data, never the public figures.
TTL_DELETER = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@dataclass(frozen=True)
class Batch:
    """A batch's changes up to its first record that cannot be read, and that one's sequence number and error."""

    changes: list[Change]
    first: int | None = None  # the batch's first sequence number
    unreadable: int | None = None
    reason: str | None = None


def changes(records: list[dict[str, Any]]) -> Batch:
    first = int(records[0]["dynamodb"]["SequenceNumber"]) if records else None
    parsed: list[Change] = []
    for record in records:
        ddb = record["dynamodb"]
        sequence = int(ddb["SequenceNumber"])
        if record.get("userIdentity") == TTL_DELETER:
            parsed.append(Change(sequence, None, None))  # counted nowhere, but still passes the checkpoint
            continue
        try:
            parsed.append(Change(sequence, counted_from(ddb.get("OldImage")), counted_from(ddb.get("NewImage"))))
        except (KeyError, ValueError, TypeError) as e:
            return Batch(parsed, first, sequence, f"{type(e).__name__}: {e}")
    return Batch(parsed, first)
