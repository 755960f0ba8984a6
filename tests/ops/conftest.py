"""The in-process stack on moto, seen as a deployed one: a CloudFormation stack whose outputs name its
resources, as `agora status|forget|moderators` find them on AWS."""

from __future__ import annotations

import json

import boto3
import pytest

from agora import contract
from agora.local import resources
from agora.local.inprocess import InProcessStack
from tests.integration.conftest import api

__all__ = ["api"]  # the in-process stack on moto, as the integration tests have it

O = contract.Output
STACK = contract.stack_name("demo", "dev")


@pytest.fixture
def deployed(api: InProcessStack) -> dict[str, str]:
    """The stack's outputs, as CloudFormation on moto holds them."""
    pool = boto3.client("cognito-idp").create_user_pool(PoolName="moderators", UsernameAttributes=["email"])
    outputs = {
        O.API_URL: "https://api.example/v1/",
        O.DISTRIBUTION_DOMAIN: "d1234.cloudfront.net",
        O.BUCKET: api.env[contract.BUCKET_ENV],
        O.CONTENT_TABLE: api.env[contract.CONTENT.env_var],
        O.TALLIES_TABLE: api.env[contract.TALLIES.env_var],
        O.DEAD_LETTERS: api.env[resources.DLQ_ENV],
        O.SCORE_FUNCTION: f"{STACK}-score",
        O.METRICS_NAMESPACE: STACK,
        O.USER_POOL: pool["UserPool"]["Id"],
        O.USER_POOL_CLIENT: "client",
    }
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},  # a template needs one
        "Outputs": {key.value: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    return {key.value: value for key, value in outputs.items()}
