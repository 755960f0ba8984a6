"""score: exact tallies from the content table's stream (vote items and participant profiles).

Invoked per shard with ReportBatchItemFailures and a tumbling window, whose events carry the
shardId the checkpoint is kept under. The window's state holds the changes counted so far, which
commit when the window closes (an event without window flags, as the embedded poller may send,
commits at once). The rules are `services.tallies.TallyService.count`'s.
"""

from typing import Any

from agora import bootstrap
from agora.adapters import stream
from agora.contract import Metric
from agora.http import count, logged, logger, metrics
from agora.services.tallies import CountingFailed, Window
from agora.tracing import tracer

services = bootstrap.container()


@logged()
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    shard = event["shardId"]
    batch = stream.changes(event.get("Records", []))
    try:
        outcome = services.tallies.count(
            shard, batch, Window.from_state(event.get("state")), event.get("isFinalInvokeForWindow", True)
        )
    except CountingFailed as e:
        for details in e.logged:
            logger.error(e.message, extra={"shard": shard, **details})
        raise
    for error in outcome.errors:
        logger.error("stream records not counted", extra={"shard": shard, "from": outcome.failed_from, "error": error})
    count(Metric.CHANGES_COUNTED, outcome.committed)
    count(Metric.CHANGES_HELD, outcome.held)
    count(Metric.REDELIVERIES_SKIPPED, outcome.skipped)
    count(Metric.TALLY_TRANSACTIONS, outcome.transactions)
    failures = [] if outcome.failed_from is None else [{"itemIdentifier": str(outcome.failed_from)}]
    state = outcome.window.state() if outcome.window is not None else {}
    return {"batchItemFailures": failures, "state": state}
