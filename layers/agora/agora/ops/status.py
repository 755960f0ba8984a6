"""`agora status`: is the consultation keeping up? Queues, votes per minute, score's lag, the last snapshot.

A deployed stack answers from CloudWatch (the functions' metrics), DynamoDB, SQS and S3. The
embedded stack has no CloudWatch: its votes per minute and lag are read where the metrics would
have come from, the vote items and the stream against score's checkpoints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from agora import contract
from agora.adapters.tallies import TallyStore
from agora.domain.proposals import Status as ProposalStatus
from agora.ops.stack import Connection, Resources

WINDOW_MINUTES = 5  # votes per minute and iterator age look this far back


@dataclass(frozen=True)
class Status:
    pending_proposals: int
    dead_letters: int
    votes_per_minute: float
    iterator_age_seconds: float | None  # None: nothing measured in the window
    last_snapshot_at: datetime | None
    now: datetime

    def lines(self) -> list[str]:
        age = "no data" if self.iterator_age_seconds is None else f"{self.iterator_age_seconds:.0f} s"
        if self.last_snapshot_at is None:
            snapshot = "never"
        else:
            seconds = (self.now - self.last_snapshot_at).total_seconds()
            snapshot = f"{self.last_snapshot_at.isoformat(timespec='seconds')} ({seconds:.0f} s ago)"
        return [
            f"moderation queue:   {self.pending_proposals} pending proposals",
            f"score dead letters: {self.dead_letters} batches" + ("  <- run a recount" if self.dead_letters else ""),
            f"votes per minute:   {self.votes_per_minute:.1f} (last {WINDOW_MINUTES} min)",
            f"score lag:          {age} (iterator age)",
            f"last snapshot:      {snapshot}",
        ]


def gather(connection: Connection, resources: Resources, now: datetime | None = None) -> Status:
    now = now or datetime.now(UTC)
    dynamodb = connection.client("dynamodb")
    if connection.embedded:
        votes = _votes_per_minute_from_items(dynamodb, resources, now)
        lag = lag_from_stream(dynamodb, connection.client("dynamodbstreams"), resources, now)
    else:
        votes, lag = _from_cloudwatch(connection.client("cloudwatch"), resources, now)
    return Status(
        pending_proposals=_pending(dynamodb, resources.content_table),
        dead_letters=int(
            connection.client("sqs").get_queue_attributes(
                QueueUrl=resources.dead_letters_url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]["ApproximateNumberOfMessages"]
        ),
        votes_per_minute=votes,
        iterator_age_seconds=lag,
        last_snapshot_at=_last_snapshot(connection.client("s3"), resources.bucket),
        now=now,
    )


def _pending(dynamodb: Any, table: str) -> int:
    (index,) = contract.CONTENT.indexes
    pages = dynamodb.get_paginator("query").paginate(
        TableName=table,
        IndexName=index.name,
        KeyConditionExpression="#pk = :status",
        ExpressionAttributeNames={"#pk": index.partition_key},
        ExpressionAttributeValues={":status": {"S": contract.STATUS + ProposalStatus.PENDING.value}},
        Select="COUNT",
    )
    return sum(page["Count"] for page in pages)


def _last_snapshot(s3: Any, bucket: str) -> datetime | None:
    try:
        manifest = json.loads(s3.get_object(Bucket=bucket, Key=contract.MANIFEST_KEY)["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None
    return datetime.fromisoformat(manifest["generated_at"])


def _from_cloudwatch(cloudwatch: Any, resources: Resources, now: datetime) -> tuple[float, float | None]:
    """VotesRecorded (the vote function's EMF metric) and score's IteratorAge, over the window."""

    def query(id: str, namespace: str, name: str, dimensions: dict[str, str], stat: str) -> dict[str, Any]:
        return {
            "Id": id,
            "MetricStat": {
                "Metric": {
                    "Namespace": namespace,
                    "MetricName": name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                },
                "Period": WINDOW_MINUTES * 60,
                "Stat": stat,
            },
        }

    out = cloudwatch.get_metric_data(
        MetricDataQueries=[
            query("votes", resources.metrics_namespace, contract.Metric.VOTES_RECORDED, {"service": contract.METRICS_SERVICE}, "Sum"),
            query("lag", "AWS/Lambda", "IteratorAge", {"FunctionName": resources.score_function}, "Maximum"),
        ],
        StartTime=now - timedelta(minutes=WINDOW_MINUTES),
        EndTime=now,
    )
    values = {r["Id"]: r["Values"] for r in out["MetricDataResults"]}
    votes = sum(values["votes"]) / WINDOW_MINUTES
    return votes, max(values["lag"]) / 1000 if values["lag"] else None


def _votes_per_minute_from_items(dynamodb: Any, resources: Resources, now: datetime) -> float:
    """A Scan: fine on the embedded stack's few thousand items, never on a deployed table."""
    since = (now - timedelta(minutes=WINDOW_MINUTES)).timestamp()
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=resources.content_table,
        FilterExpression="begins_with(sk, :vote) AND voted_at >= :since",
        ExpressionAttributeValues={":vote": {"S": contract.VOTE_SK}, ":since": {"N": str(since)}},
        Select="COUNT",
    )
    return sum(page["Count"] for page in pages) / WINDOW_MINUTES


def lag_from_stream(dynamodb: Any, streams: Any, resources: Resources, now: datetime) -> float:
    """Iterator age as Lambda reports it: how old the oldest change score has yet to count is."""
    from agora.local.poller import wanted

    arn = dynamodb.describe_table(TableName=resources.content_table)["Table"]["LatestStreamArn"]
    checkpoints = TallyStore(resources.tallies_table, dynamodb)
    oldest: datetime | None = None
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        counted = checkpoints.checkpoint(shard["ShardId"])
        position = (
            # A sequence number has at least 21 digits: DynamoDB Local pads small ones with zeros.
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": str(counted).zfill(21)}
            if counted
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], **position)["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator, Limit=contract.SCORE_BATCH_SIZE)["Records"]
        first = next((r["dynamodb"]["ApproximateCreationDateTime"] for r in records if wanted(r)), None)
        if first is not None and (oldest is None or first < oldest):
            oldest = first
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
