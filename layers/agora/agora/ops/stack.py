"""Where a consultation's resources are: a deployed stack's outputs, or the embedded stack's names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError, ProfileNotFound

from agora import contract

O = contract.Output


class AwsSetupMissing(Exception):
    """No region from the command line, the environment or the profile; or no such profile."""


def aws_region(region: str | None = None) -> str | None:
    """--region, else AWS_REGION (which boto3 alone ignores), else AWS_DEFAULT_REGION or the profile's."""
    return region or os.environ.get("AWS_REGION") or None


@dataclass(frozen=True)
class Connection:
    """AWS from a profile's (or the environment's) credentials, or the embedded stack's moto server
    (`agora dev` prints it)."""

    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None  # None: AWS_PROFILE, else the default credentials

    @property
    def embedded(self) -> bool:
        return self.endpoint_url is not None

    @cached_property
    def session(self) -> boto3.session.Session:
        try:
            return boto3.session.Session(profile_name=self.profile or None, region_name=aws_region(self.region))
        except ProfileNotFound as e:
            raise AwsSetupMissing(f"{e}: see `aws configure list-profiles`") from e

    def client(self, service: str) -> Any:
        if not self.embedded:
            if self.session.region_name is None:
                raise AwsSetupMissing("no AWS region: pass --region, or set AWS_REGION or the profile's region")
            return self.session.client(service)
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
    pages_url: str | None = None


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
        pages_url=outputs.get(O.PAGES_URL.value),  # stacks deployed before it was an output have none
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


def reserved_concurrency(connection: Connection, stack: str) -> int:
    """What the stack's functions reserve now (0 before its first deploy): an update gives it back."""
    cloudformation, lambda_ = connection.client("cloudformation"), connection.client("lambda")
    try:
        resources = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    except ClientError as e:
        if "does not exist" in str(e):
            return 0
        raise
    functions = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Lambda::Function"]
    return sum(lambda_.get_function_concurrency(FunctionName=f).get("ReservedConcurrentExecutions", 0) for f in functions)
