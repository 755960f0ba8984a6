"""snapshot on a schedule: results files, manifest and sequence pool (docs/architecture.md §5)."""

from __future__ import annotations

import math

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from constructs import Construct

from infra import nag


def period_minutes(every_seconds: int) -> int:
    """Scheduler rates are whole minutes: round the configured period up, at least one."""
    return max(1, math.ceil(every_seconds / 60))


class Snapshots(Construct):
    def __init__(self, scope: Construct, id: str, *, function: lambda_.IFunction, every_seconds: int) -> None:
        super().__init__(scope, id)
        minutes = period_minutes(every_seconds)
        self.schedule = scheduler.Schedule(
            self,
            "Schedule",
            description="publish results and the sequence pool",
            schedule=scheduler.ScheduleExpression.rate(Duration.minutes(minutes)),
            # The target creates the role Scheduler assumes, allowed to invoke this function only.
            target=targets.LambdaInvoke(
                function,
                # Retry a failed delivery, but not past one period: the next snapshot supersedes it.
                retry_attempts=2,
                max_event_age=Duration.minutes(minutes),
            ),
        )
        nag.accept(
            self.node.scope,  # CDK puts the target's role at the stack's root
            "IAM5",
            "the schedule's role may invoke snapshot and its versions only",
            [nag.resource_arn(function, ":*")],
        )
