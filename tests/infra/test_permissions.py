"""The evaluation that proves each function's calls against its role (tests/permissions.py), on the
synthesized template: the integration and e2e suites rely on it to fail a call AWS would deny."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from agora import contract  # noqa: E402
from tests import permissions  # noqa: E402
from tests.infra.helpers import fn_id  # noqa: E402

pytestmark = pytest.mark.slow

F = contract.Function
CONTENT, TALLIES, BUCKET = {"env": contract.CONTENT.env_var}, {"env": contract.TALLIES.env_var}, {"env": contract.BUCKET_ENV}


@pytest.fixture(scope="module")
def policies(template: Any, demo_stack: Any) -> dict[str, dict[str, dict[str, Any]]]:
    ids = {name.value: fn_id(demo_stack, name) for name in F}
    return {"dev": permissions.function_policies(template.to_json(), ids)}


def call(function: F, service: str, operation: str, **params: Any) -> dict[str, Any]:
    return {"function": function.value, "service": service, "operation": operation, "params": params}


def denied(policies: dict[str, Any], *calls: dict[str, Any]) -> list[str]:
    return permissions.evaluate(calls, policies).denied


def test_the_vote_fallback_read_is_allowed(policies: dict[str, Any]) -> None:
    # The qualification route reads the vote when its conditional update fails (services/voting.py).
    assert not denied(policies, call(F.VOTE, "dynamodb", "GetItem", TableName=CONTENT))


@pytest.mark.parametrize(
    "forbidden",
    [
        call(F.VOTE, "dynamodb", "UpdateItem", TableName=TALLIES),  # another table
        call(F.VOTE, "s3", "PutObject", Bucket=BUCKET, Key="results/latest/summary.json"),  # a write on the bucket
        call(F.SNAPSHOT, "s3", "DeleteObject", Bucket=BUCKET, Key="results/latest/summary.json"),
        call(F.CONSULTATION, "dynamodb", "Scan", TableName=CONTENT),  # never used, so not granted
        call(F.MODERATE, "dynamodb", "BatchWriteItem", RequestItems=[CONTENT]),
        call(F.SCORE, "dynamodb", "TransactWriteItems", TransactItems=[{"Put": {"TableName": TALLIES}}, {"Delete": {"TableName": CONTENT}}]),
        call(F.NEXT_PROPOSAL, "dynamodb", "Query", TableName="a-table-no-variable-names"),
        call(F.VOTE, "sqs", "SendMessage", QueueUrl="https://sqs.example/q"),
    ],
    ids=lambda c: f"{c['function']}-{c['operation']}",
)
def test_a_call_the_role_does_not_allow_is_reported(policies: dict[str, Any], forbidden: dict[str, Any]) -> None:
    assert denied(policies, forbidden)


def test_transactions_and_indexes_are_authorized_item_by_item(policies: dict[str, Any]) -> None:
    assert not denied(
        policies,
        call(F.SCORE, "dynamodb", "TransactWriteItems", TransactItems=[{"Update": {"TableName": TALLIES}}, {"Put": {"TableName": TALLIES}}]),
        call(F.MODERATE, "dynamodb", "Query", TableName=CONTENT, IndexName="status"),
        call(F.SNAPSHOT, "s3", "ListObjectsV2", Bucket=BUCKET),
        call(F.SNAPSHOT, "s3", "HeadObject", Bucket=BUCKET, Key="results/manifest.json"),
    )


def test_an_explicit_deny_wins() -> None:
    allow = permissions.Statement("Allow", ("s3:*",), ("*",))
    deny = permissions.Statement("Deny", ("s3:Delete*",), ("{Bucket.Arn}/*",))
    assert permissions.allowed([allow, deny], "s3:GetObject", "{Bucket.Arn}/k")
    assert not permissions.allowed([allow, deny], "s3:DeleteObject", "{Bucket.Arn}/k")
    assert not permissions.allowed([], "s3:GetObject", "{Bucket.Arn}/k")


def test_unused_grants_are_listed_per_function(policies: dict[str, Any]) -> None:
    verdict = permissions.evaluate([call(F.VOTE, "dynamodb", "GetItem", TableName=CONTENT)], policies)
    spare = permissions.unused(policies, verdict.used)
    vote_content = [line for line in spare if line.startswith("vote on {") and "Content" in line and "/index" not in line]
    assert vote_content and "dynamodb:GetItem" not in vote_content[0] and "dynamodb:PutItem" in vote_content[0]
