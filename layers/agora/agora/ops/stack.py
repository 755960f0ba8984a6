"""Where a consultation's resources are: a deployed stack's outputs, or the embedded stack's names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from agora import contract

O = contract.Output


@dataclass(frozen=True)
class Connection:
    """AWS from the environment's credentials, or the embedded stack's moto server (`agora dev` prints it)."""

    endpoint_url: str | None = None

    @property
    def embedded(self) -> bool:
        return self.endpoint_url is not None

    def client(self, service: str) -> Any:
        if not self.embedded:
            return boto3.client(service)
        from agora.local.stack import REGION

        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="embedded",
            aws_secret_access_key="embedded",
        )


@dataclass(frozen=True)
class Resources:
    content_table: str
    tallies_table: str
    bucket: str
    dead_letters_url: str
    # Only a deployed stack has these: the embedded stack has no Lambda metrics nor Cognito.
    score_function: str | None = None
    metrics_namespace: str | None = None
    user_pool: str | None = None


def locate(connection: Connection, slug: str, stage: str) -> Resources:
    if connection.embedded:
        from agora.local import resources

        queue = connection.client("sqs").get_queue_url(QueueName=resources.dead_letters_name(slug))["QueueUrl"]
        return Resources(
            content_table=resources.table_name(slug, contract.CONTENT),
            tallies_table=resources.table_name(slug, contract.TALLIES),
            bucket=resources.bucket_name(slug),
            dead_letters_url=queue,
        )
    outputs = outputs_of(connection, contract.stack_name(slug, stage))
    return Resources(
        content_table=outputs[O.CONTENT_TABLE.value],
        tallies_table=outputs[O.TALLIES_TABLE.value],
        bucket=outputs[O.BUCKET.value],
        dead_letters_url=outputs[O.DEAD_LETTERS.value],
        score_function=outputs[O.SCORE_FUNCTION.value],
        metrics_namespace=outputs[O.METRICS_NAMESPACE.value],
        user_pool=outputs[O.USER_POOL.value],
    )


def operator(connection: Connection) -> str:
    """Who runs an operation, for its audit trail: the AWS identity, or the local user."""
    if connection.embedded:
        import getpass

        return f"{getpass.getuser()} (embedded stack)"
    return str(connection.client("sts").get_caller_identity()["Arn"])


def outputs_of(connection: Connection, stack: str) -> dict[str, str]:
    (described,) = connection.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
