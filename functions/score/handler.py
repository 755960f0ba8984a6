"""score: exact tallies from the content table's stream (vote items and participant profiles).

Invoked per shard with ReportBatchItemFailures and a tumbling window, whose events carry
the shardId the checkpoint is kept under; the (empty) window state is handed back as required.
"""

from typing import Any

from agora.adapters import stream
from agora.http import count, logger, metrics
from agora.tracing import tracer
from agora.services import wiring


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    changes, unreadable, reason = stream.changes(event.get("Records", []))
    outcome = wiring.scoring().apply(event["shardId"], changes)
    if outcome.failed_from is not None:
        failed_from, errors = outcome.failed_from, outcome.errors
    else:
        failed_from, errors = unreadable, [reason] if reason else []
    for error in errors:
        logger.error("stream records not counted", extra={"shard": event["shardId"], "from": failed_from, "error": error})
    count("ChangesCounted", outcome.committed)
    count("RedeliveriesSkipped", outcome.skipped)
    count("TallyTransactions", outcome.transactions)
    failures = [] if failed_from is None else [{"itemIdentifier": str(failed_from)}]
    return {"batchItemFailures": failures, "state": {}}
