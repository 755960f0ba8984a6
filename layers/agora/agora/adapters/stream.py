"""DynamoDB stream events (from Lambda or the embedded poller) to domain changes."""

from __future__ import annotations

from typing import Any

from agora.adapters.items import counted_from
from agora.domain.tallies import Change

# Who deletes an item whose TTL passed: retention removes personal data, never the public figures.
TTL_DELETER = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def changes(records: list[dict[str, Any]]) -> tuple[list[Change], int | None, str | None]:
    """The records' changes up to the first one that cannot be read, and that one's sequence number and error."""
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
            return parsed, sequence, f"{type(e).__name__}: {e}"
    return parsed, None, None
