"""The AWS soft quotas a stage needs above their defaults to take its design crowd without a
throttled request (contract.STAGE_CAPACITY): `agora deploy` prints them. bench/capacity.py derives
the same list from its model, and a test holds the two equal."""

from __future__ import annotations

from dataclasses import dataclass

from agora import contract


@dataclass(frozen=True)
class Quota:
    """One soft quota, as the Service Quotas console names it (per account and region)."""

    service: str
    name: str
    default: int
    needed: int
    unit: str

    def line(self) -> str:
        return f"{self.service}: {self.name} {self.default:,} -> at least {self.needed:,} {self.unit}"


API_THROTTLE_RATE = Quota("Amazon API Gateway", "Throttle rate", 10_000, 0, "requests/s")
LAMBDA_CONCURRENCY = Quota("AWS Lambda", "Concurrent executions", 1_000, 0, "executions")
TABLE_WRITE_THROUGHPUT = Quota("Amazon DynamoDB", "Table-level write throughput limit", 40_000, 0, "WCU/s")


def needed(stage: str) -> list[Quota]:
    """Quotas to raise before a stage's design crowd arrives (an account shares them across stacks)."""
    capacity = contract.STAGE_CAPACITY[stage]
    wanted = [
        Quota(**{**API_THROTTLE_RATE.__dict__, "needed": capacity.api_rate}),
        Quota(**{**LAMBDA_CONCURRENCY.__dict__, "needed": capacity.lambda_concurrency}),
        Quota(**{**TABLE_WRITE_THROUGHPUT.__dict__, "needed": max(capacity.warm_write_units.values(), default=0)}),
    ]
    return [q for q in wanted if q.needed > q.default]


def report(stage: str) -> list[str]:
    capacity = contract.STAGE_CAPACITY[stage]
    wanted = needed(stage)
    if not wanted:
        return [f"{stage}: AWS's default quotas suffice for this stage's design load"]
    return [
        f"{stage} is built for {capacity.citizens:,} citizens within 10 minutes (docs/capacity.md); "
        "request these quota increases in the account and region first (Service Quotas):",
        *(f"  {q.line()}" for q in wanted),
    ]
