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
    # Caps where a runaway (a loop, a flood on one route) would take the account's concurrency
    # from voting: snapshot never overlaps itself, moderation and proposals stay small.
    reserved_concurrency: dict[F, int] = field(default_factory=dict)
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
        reserved_concurrency={F.SNAPSHOT: 1, F.MODERATE: 10, F.PROPOSE: 50},
        moderator_mfa=True,
    ),
}
