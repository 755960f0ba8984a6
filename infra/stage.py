"""What differs between a consultation's dev and prod stacks; everything else is the same template."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs

from agora import contract

F = contract.Function


@dataclass(frozen=True)
class Stage:
    name: str
    # Prod holds citizens' data: tables and bucket survive the stack, tables refuse deletion,
    # and can be restored to any second of the last 35 days. Dev is built to be thrown away.
    keeps_data: bool
    log_retention: logs.RetentionDays
    reserved_concurrency: dict[F, int] = field(default_factory=dict)  # contract.RESERVED_CONCURRENCY
    moderator_mfa: bool = False

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.keeps_data else RemovalPolicy.DESTROY


STAGES = {
    "dev": Stage("dev", keeps_data=False, log_retention=logs.RetentionDays.ONE_WEEK),
    "prod": Stage(
        "prod",
        keeps_data=True,
        log_retention=logs.RetentionDays.THREE_MONTHS,
        reserved_concurrency=contract.RESERVED_CONCURRENCY["prod"],
        moderator_mfa=True,
    ),
}
