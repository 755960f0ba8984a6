"""snapshot: scheduled; publishes the results files, the manifest and the sequence pool."""

from typing import Any

from agora import bootstrap
from agora.contract import Metric
from agora.http import count, logged, logger, metrics
from agora.tracing import tracer

services = bootstrap.container()


@logged()
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    published = services.snapshot.run()
    manifest = published.manifest
    logger.info("snapshot published", extra={"folder": manifest["folder"], "seconds": published.seconds})
    count(Metric.SNAPSHOTS_PUBLISHED)  # its absence for three periods is the staleness alarm
    return {"folder": manifest["folder"], "files": [f["name"] for f in manifest["files"]]}
