"""score on the content table's stream: exact tallies from at-least-once delivery (docs/architecture.md §4)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from agora import contract
from infra import nag


class Tallies(Construct):
    def __init__(
        self, scope: Construct, id: str, *, function: lambda_.Function, table: dynamodb.ITable, removal_policy: RemovalPolicy
    ) -> None:
        super().__init__(scope, id)

        # Batches that still fail after the retries below: their records' metadata, kept for
        # the longest SQS allows so a recount can be run before the evidence expires.
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            # They say a recount is needed: prod keeps them even when the stack goes.
            removal_policy=removal_policy,
        )
        nag.accept(self.dead_letters, "SQS3", "it is the dead-letter destination itself")

        function.add_event_source(
            sources.DynamoEventSource(
                table,
                # Nothing may go uncounted, even what was written before the mapping existed.
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                # Only vote items and profiles change a tally; the rest never wakes score up.
                filters=[lambda_.FilterCriteria.filter(pattern) for pattern in contract.STREAM_FILTERS],
                # Fewer, fuller invocations: each one unpacks and repacks the window's state.
                batch_size=contract.SCORE_MAPPING_BATCH_SIZE,
                max_batching_window=Duration.seconds(contract.SCORE_BATCHING_WINDOW_SECONDS),
                # One invocation per shard at a time: the per-shard checkpoint relies on order.
                parallelization_factor=1,
                # The handler reports the first record it could not count; Lambda restarts there.
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=5,
                max_record_age=Duration.days(1),
                on_failure=sources.SqsDlq(self.dead_letters),
                # Tumbling-window events carry the shardId the checkpoint is keyed by, and a state
                # that holds the window's coalesced changes until it closes.
                tumbling_window=Duration.seconds(contract.SCORE_WINDOW_SECONDS),
            )
        )

