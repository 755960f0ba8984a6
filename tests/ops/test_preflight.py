"""`agora deploy`'s account checks: the CDK bootstrap, API Gateway's logging role, prod's concurrency.

SSM, API Gateway and IAM on moto; Lambda's account settings and Service Quotas as stubbed answers
(moto's are fixed), so each account shape can be played.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from agora import cli
from agora.ops import preflight, stack

REGION = "eu-west-3"
BOOTSTRAP = preflight.bootstrap_command("123456789012", REGION, "ops")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):  # AWS's own policies, by ARN
        yield


def test_a_missing_bootstrap_says_exactly_what_to_run(aws: None) -> None:
    (problem,) = preflight.check_bootstrap(boto3.client("ssm"), BOOTSTRAP, run=None)
    assert "npx --no-install cdk bootstrap aws://123456789012/eu-west-3 --profile ops" in problem
    assert "--bootstrap" in problem


def test_an_old_bootstrap_is_named_and_a_current_one_passes(aws: None) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=preflight.BOOTSTRAP_VERSION_PARAMETER, Value="5", Type="String")
    (problem,) = preflight.check_bootstrap(ssm, BOOTSTRAP, run=None)
    assert "version 5" in problem and "6+" in problem
    ssm.put_parameter(Name=preflight.BOOTSTRAP_VERSION_PARAMETER, Value="27", Type="String", Overwrite=True)
    assert preflight.check_bootstrap(ssm, BOOTSTRAP, run=None) == []


def test_deploy_bootstraps_when_asked(aws: None) -> None:
    ran: list[list[str]] = []
    assert preflight.check_bootstrap(boto3.client("ssm"), BOOTSTRAP, run=lambda argv: ran.append(argv) or 0) == []
    assert ran == [BOOTSTRAP]
    failed = preflight.check_bootstrap(boto3.client("ssm"), BOOTSTRAP, run=lambda argv: 1)
    assert failed and "failed" in failed[0]


def test_api_logs_role_is_set_only_when_asked_and_once(aws: None) -> None:
    apigateway, iam = boto3.client("apigateway"), boto3.client("iam")
    (problem,) = preflight.check_api_logs_role(apigateway, iam, set_it=False)
    assert "--set-api-logs-role" in problem and preflight.API_LOGS_ROLE in problem
    assert not apigateway.get_account().get("cloudwatchRoleArn")  # refusing changed nothing
    assert preflight.check_api_logs_role(apigateway, iam, set_it=True) == []
    role = iam.get_role(RoleName=preflight.API_LOGS_ROLE)["Role"]
    assert apigateway.get_account()["cloudwatchRoleArn"] == role["Arn"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName=preflight.API_LOGS_ROLE)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [preflight.API_LOGS_POLICY]
    assert preflight.check_api_logs_role(apigateway, iam, set_it=True) == []  # already set: nothing to do


def concurrency(limit: int, unreserved: int, quota: int | None, needed: int, already_ours: int = 0) -> preflight.Findings:
    lambda_ = boto3.client("lambda", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    quotas = boto3.client("service-quotas", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    with Stubber(lambda_) as lambda_stub, Stubber(quotas) as quota_stub:
        lambda_stub.add_response(
            "get_account_settings",
            {"AccountLimit": {"ConcurrentExecutions": limit, "UnreservedConcurrentExecutions": unreserved}},
        )
        params = {"ServiceCode": "lambda", "QuotaCode": "L-B99A9384"}
        if quota is None:
            quota_stub.add_client_error("get_service_quota", "AccessDeniedException", expected_params=params)
        else:
            quota_stub.add_response("get_service_quota", {"Quota": {"Value": float(quota)}}, params)
        return preflight.check_concurrency(lambda_, quotas, REGION, needed=needed, already_ours=already_ours)


def test_prod_on_a_new_account_is_told_what_to_request() -> None:
    needed = preflight.stack_concurrency("prod", provisioned=20)
    assert needed == 81  # 61 reserved (snapshot 1, moderate 10, propose 50) and 20 warm containers
    (problem,) = concurrency(limit=10, unreserved=10, quota=10, needed=needed).problems
    assert "needs 181 concurrent executions and has 10" in problem
    assert "--quota-code L-B99A9384 --desired-value 1000 --region eu-west-3" in problem


def test_other_reservations_count_and_this_stacks_own_are_given_back() -> None:
    # 1000 in all, 900 reserved by others: 81 more and 100 unreserved do not fit.
    assert concurrency(limit=1000, unreserved=100, quota=1000, needed=81).problems
    # The same account, but 61 of the reserved are this stack's own (an update): still 881 + 181 > 1000.
    assert concurrency(limit=1000, unreserved=100, quota=1000, needed=81, already_ours=61).problems
    assert not concurrency(limit=1000, unreserved=900, quota=1000, needed=81, already_ours=61).problems
    assert not concurrency(limit=1000, unreserved=1000, quota=None, needed=81).problems  # quotas unreadable


def test_a_granted_increase_not_yet_applied_says_to_wait() -> None:
    found = concurrency(limit=10, unreserved=10, quota=1000, needed=81)
    assert "the quota already says 1000" in found.problems[0]
    assert concurrency(limit=1000, unreserved=1000, quota=3000, needed=81).notes


def test_aws_commands_find_the_region_from_aws_region(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    assert cli.main(["moderators", "list", "--consultation", "demo"]) == 2
    assert "--region" in capsys.readouterr().err  # said, not a AwsSetupMissingError traceback
    monkeypatch.setenv("AWS_REGION", "eu-south-1")
    assert stack.Connection().client("sts").meta.region_name == "eu-south-1"
    assert stack.Connection(region="eu-west-3").client("sts").meta.region_name == "eu-west-3"


def test_an_unknown_profile_is_said_not_raised(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    assert cli.main(["status", "demo", "--profile", "nobody", "--region", "eu-west-3"]) == 2
    assert "nobody" in capsys.readouterr().err
