"""score: exact tallies from the content table's stream (vote items and participant profiles).

Invoked per shard with ReportBatchItemFailures and a tumbling window, whose events carry the
shardId the checkpoint is kept under. The window's state holds the changes counted so far, which
commit when the window closes (an event without window flags, as the embedded poller may send,
commits at once).
"""

from typing import Any

from agora.adapters import stream
from agora.http import count, logged, logger, metrics
from agora.tracing import tracer
from agora.services import wiring
from agora.services.scoring import Window


class NotCommitted(Exception):
    """The window's changes could not be committed and no record of this batch can say so: failing the
    invocation makes Lambda retry it with the same state."""


class UnreadableRecord(Exception):
    """The batch starts with a record score cannot read: failing the invocation makes Lambda bisect the
    batch until that record is alone, so only it goes to the on-failure destination after its retries.
    Reporting it as a batch item failure instead would send every record after it there too."""


@logged()
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = event.get("Records", [])
    changes, unreadable, reason = stream.changes(records)
    if unreadable is not None and unreadable == int(records[0]["dynamodb"]["SequenceNumber"]):
        logger.error("unreadable stream record", extra={"shard": event["shardId"], "sequence": unreadable, "error": reason})
        raise UnreadableRecord(f"record {unreadable}: {reason}")
    # An unreadable record ends the batch: what precedes it commits now, whatever the window.
    final = event.get("isFinalInvokeForWindow", True) or unreadable is not None
    outcome = wiring.scoring().apply(event["shardId"], changes, Window.from_state(event.get("state")), final)
    if outcome.failed_from is not None:
        failed_from, errors = outcome.failed_from, outcome.errors
    else:
        failed_from, errors = unreadable, [reason] if reason else []
    for error in errors:
        logger.error("stream records not counted", extra={"shard": event["shardId"], "from": failed_from, "error": error})
    if outcome.errors and failed_from is None:
        raise NotCommitted("; ".join(outcome.errors))
    count("ChangesCounted", outcome.committed)
    count("ChangesHeld", outcome.held)
    count("RedeliveriesSkipped", outcome.skipped)
    count("TallyTransactions", outcome.transactions)
    failures = [] if failed_from is None else [{"itemIdentifier": str(failed_from)}]
    state = outcome.window.state() if outcome.window is not None else {}
    return {"batchItemFailures": failures, "state": state}
