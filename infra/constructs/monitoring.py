"""Seeing what's happening: the alarms, the SNS topic they notify, and one dashboard per consultation."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from agora import contract
from infra.constructs.snapshots import period_minutes

F, M = contract.Function, contract.Metric
MINUTE = Duration.minutes(1)
FIVE_MINUTES = Duration.minutes(5)
# An alarm may look back one day at most: three periods of eight hours.
LONGEST_SNAPSHOT_PERIOD_MINUTES = 480
GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namespace: str,
        functions: Mapping[F, lambda_.Function],
        rest_api: apigw.RestApi,
        tables: Mapping[str, dynamodb.Table],
        dead_letters: sqs.IQueue,
        snapshot_every_seconds: int,
        removal_policy: RemovalPolicy,
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.namespace = namespace
        # Encrypted at rest like everything else. Not with SNS's AWS-managed key: its policy cannot
        # be changed, and CloudWatch needs this one's to publish an alarm.
        self.key = kms.Key(
            self,
            "AlarmsKey",
            description=f"{namespace}: the alarm topic's messages at rest",
            enable_key_rotation=True,
            removal_policy=removal_policy,
        )
        self.key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(
            self, "Alarms", display_name=f"{namespace} alarms", enforce_ssl=True, master_key=self.key
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: list[cloudwatch.Alarm] = []

        # Citizens see these.
        self._alarm(
            "ApiServerErrors",
            "over 1 % of API requests answered 5xx in 3 of the last 5 minutes",
            rest_api.metric_server_error(statistic="Average", period=MINUTE),
            threshold=0.01,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            comparison_operator=GT,
        )
        for name, fn in functions.items():
            self._alarm(f"{name.value}-errors", f"{name.value} failed (crash or timeout)", fn.metric_errors(period=FIVE_MINUTES))
            self._alarm(f"{name.value}-throttles", f"{name.value} ran out of concurrency", fn.metric_throttles(period=FIVE_MINUTES))
        for logical_id, table in tables.items():
            self._alarm(f"{logical_id}-throttles", f"DynamoDB throttled the {logical_id} table", _throttle_events(table, logical_id))

        # Citizens don't see these at once, but the published results go wrong or stale.
        self._alarm(
            "ScoreIteratorAge",
            "tallies lag the votes by over 2 minutes: score is falling behind the stream",
            functions[F.SCORE].metric("IteratorAge", statistic="Maximum", period=MINUTE),
            threshold=120_000,
            evaluation_periods=3,
            comparison_operator=GT,
        )
        self._alarm(
            "DeadLetters",
            "score gave up on stream records: the tallies may miss votes, run a recount",
            dead_letters.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES),
        )
        period = Duration.minutes(min(period_minutes(snapshot_every_seconds), LONGEST_SNAPSHOT_PERIOD_MINUTES))
        self._alarm(
            "SnapshotStale",
            "no snapshot published for three periods: results and the sequence pool are frozen",
            self.metric(M.SNAPSHOTS_PUBLISHED, "Sum", period),
            evaluation_periods=3,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            # No datapoint is exactly what a stopped snapshot looks like.
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        )

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=namespace)
        self.dashboard.add_widgets(*self._widgets(functions, rest_api, tables, dead_letters))

    def metric(self, name: M, statistic: str, period: Duration = MINUTE, label: str | None = None) -> cloudwatch.Metric:
        """One of the functions' EMF metrics (agora.http.count and friends)."""
        return cloudwatch.Metric(
            namespace=self.namespace,
            metric_name=name.value,
            dimensions_map={"service": contract.METRICS_SERVICE},
            statistic=statistic,
            period=period,
            label=label,
        )

    def _by_reason(self, name: M) -> cloudwatch.SearchExpression:
        return cloudwatch.SearchExpression(
            expression=f"SEARCH('{{{self.namespace},reason,service}} MetricName=\"{name.value}\"', 'Sum', 60)",
            label="",
            period=MINUTE,
        )

    def _alarm(
        self,
        id: str,
        description: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float = 1,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        comparison_operator: cloudwatch.ComparisonOperator = GTE,
        treat_missing_data: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            id,
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            comparison_operator=comparison_operator,
            treat_missing_data=treat_missing_data,
        )
        # Told when it starts and when it is over.
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)

    def _widgets(
        self,
        functions: Mapping[F, lambda_.Function],
        rest_api: apigw.RestApi,
        tables: Mapping[str, dynamodb.Table],
        dead_letters: sqs.IQueue,
    ) -> list[cloudwatch.Row]:
        graph, width = cloudwatch.GraphWidget, 8
        fns = list(functions.values())
        recorded = self.metric(M.VOTES_RECORDED, "Sum")
        trusted = self.metric(M.VOTES_TRUSTED, "Sum")
        return [
            cloudwatch.Row(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=24)),
            cloudwatch.Row(
                graph(title="API requests per minute", width=width, left=[rest_api.metric_count(period=MINUTE, statistic="Sum")]),
                graph(
                    title="API errors (share of requests)",
                    width=width,
                    left=[
                        rest_api.metric_client_error(period=MINUTE, statistic="Average"),
                        rest_api.metric_server_error(period=MINUTE, statistic="Average"),
                    ],
                ),
                graph(
                    title="API latency (ms)",
                    width=width,
                    left=[rest_api.metric_latency(period=MINUTE, statistic=s) for s in ("p50", "p99")],
                ),
            ),
            cloudwatch.Row(
                graph(
                    title="Votes and proposals per minute",
                    width=width,
                    left=[recorded, self.metric(M.PROPOSALS_SUBMITTED, "Sum")],
                    right=[
                        cloudwatch.MathExpression(
                            expression="trusted / recorded",
                            using_metrics={"trusted": trusted, "recorded": recorded},
                            label="trusted share",
                            period=MINUTE,
                        )
                    ],
                ),
                graph(title="Rejected requests by reason", width=width, left=[self._by_reason(M.REJECTED)]),
                graph(title="Proposals refused by reason", width=width, left=[self._by_reason(M.PROPOSALS_REFUSED)]),
            ),
            cloudwatch.Row(
                graph(
                    title="Sequence latency (ms)",
                    width=width,
                    left=[self.metric(M.SEQUENCE_LATENCY, s, label=s) for s in ("p50", "p99")],
                ),
                graph(
                    title="Lambda concurrency",
                    width=width,
                    left=[f.metric("ConcurrentExecutions", statistic="Maximum", period=MINUTE) for f in fns],
                ),
                graph(
                    title="Lambda errors and throttles",
                    width=width,
                    left=[f.metric_errors(period=MINUTE) for f in fns],
                    right=[f.metric_throttles(period=MINUTE) for f in fns],
                ),
            ),
            cloudwatch.Row(
                graph(
                    title="score: iterator age (ms) and dead letters",
                    width=width,
                    left=[functions[F.SCORE].metric("IteratorAge", statistic="Maximum", period=MINUTE)],
                    right=[dead_letters.metric_approximate_number_of_messages_visible(period=MINUTE)],
                ),
                graph(
                    title="DynamoDB write units per minute",
                    width=width,
                    left=[t.metric_consumed_write_capacity_units(period=MINUTE, label=n) for n, t in tables.items()],
                ),
                graph(
                    title="DynamoDB throttle events",
                    width=width,
                    left=[_throttle_events(t, n, MINUTE) for n, t in tables.items()],
                ),
            ),
            cloudwatch.Row(
                graph(
                    title="Snapshots published",
                    width=width,
                    left=[self.metric(M.SNAPSHOTS_PUBLISHED, "Sum", FIVE_MINUTES)],
                ),
                graph(
                    title="score: stream records per minute, and tally transactions",
                    width=width,
                    left=[self.metric(m, "Sum") for m in (M.CHANGES_COUNTED, M.CHANGES_HELD, M.REDELIVERIES_SKIPPED)],
                    right=[self.metric(M.TALLY_TRANSACTIONS, "Sum")],
                ),
            ),
        ]


def _throttle_events(table: dynamodb.Table, name: str, period: Duration = FIVE_MINUTES) -> cloudwatch.MathExpression:
    # Ids unique per table: one graph shows every table's expression.
    reads, writes = f"reads_{name.lower()}", f"writes_{name.lower()}"
    return cloudwatch.MathExpression(
        expression=f"{reads} + {writes}",
        using_metrics={
            reads: table.metric("ReadThrottleEvents", statistic="Sum", period=period),
            writes: table.metric("WriteThrottleEvents", statistic="Sum", period=period),
        },
        label=name,
        period=period,
    )
