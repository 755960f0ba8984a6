"""What `agora deploy` checks in the account before CloudFormation would stop halfway.

A fresh account lacks three things a deploy needs: the CDK bootstrap (version 6 or later, the
default `hnb659fds` qualifier), the account-wide role through which API Gateway writes access logs,
and, for prod, enough Lambda concurrency for what the stack reserves. Each check answers with what
is missing and exactly what to run; the first two can be done by `agora deploy` itself when asked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from agora import contract

BOOTSTRAP_QUALIFIER = "hnb659fds"
BOOTSTRAP_VERSION_PARAMETER = f"/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version"
MIN_BOOTSTRAP_VERSION = 6
# Lambda refuses to reserve (or provision) the account's last 100 concurrent executions.
UNRESERVED_MINIMUM = 100
CONCURRENCY_QUOTA = ("lambda", "L-B99A9384")  # Service Quotas: "Concurrent executions"
API_LOGS_ROLE = "agora-apigateway-cloudwatch-logs"
API_LOGS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"


@dataclass
class Findings:
    """What stops a deploy (problems) and what an operator should still know (notes)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def bootstrap_version(ssm: Any) -> int | None:
    try:
        return int(ssm.get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)["Parameter"]["Value"])
    except ClientError as e:
        if e.response["Error"]["Code"] == "ParameterNotFound":
            return None
        raise


def bootstrap_command(account: str, region: str, profile: str | None) -> list[str]:
    profile_args = ["--profile", profile] if profile else []
    return ["npx", "--no-install", "cdk", "bootstrap", f"aws://{account}/{region}", *profile_args]


def check_bootstrap(ssm: Any, command: list[str], run: Callable[[list[str]], int] | None) -> list[str]:
    """The bootstrap is there, or `run` (when given) made it; otherwise what to run."""
    version = bootstrap_version(ssm)
    if version is not None and version >= MIN_BOOTSTRAP_VERSION:
        return []
    found = "no CDK bootstrap" if version is None else f"CDK bootstrap version {version}"
    if run is not None:
        print(f"{found} in this account and region: running {' '.join(command)}")
        return [] if run(command) == 0 else [f"the CDK bootstrap failed: run {' '.join(command)} and read its errors"]
    return [
        f"{found} in this account and region (needs version {MIN_BOOTSTRAP_VERSION}+, qualifier {BOOTSTRAP_QUALIFIER}): "
        f"run `{' '.join(command)}`, or deploy again with --bootstrap"
    ]


def check_api_logs_role(apigateway: Any, iam: Any, set_it: bool) -> list[str]:
    """API Gateway's account-wide CloudWatch role, without which a stage with access logs fails to deploy."""
    if apigateway.get_account().get("cloudwatchRoleArn"):
        return []
    if not set_it:
        return [
            "API Gateway has no CloudWatch role in this account and region, so the API's access logs cannot be written: "
            f"deploy again with --set-api-logs-role (creates the IAM role {API_LOGS_ROLE} with AWS's policy "
            "AmazonAPIGatewayPushToCloudWatchLogs and makes it the account's; every API of the region then uses it)"
        ]
    arn = _api_logs_role(iam)
    apigateway.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}])
    print(f"API Gateway's CloudWatch role is now {arn}")
    return []


def _api_logs_role(iam: Any) -> str:
    try:
        return iam.get_role(RoleName=API_LOGS_ROLE)["Role"]["Arn"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchEntity":
            raise
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    arn = iam.create_role(
        RoleName=API_LOGS_ROLE,
        AssumeRolePolicyDocument=json.dumps(trust),
        Description="API Gateway writes access logs to CloudWatch Logs (set by agora deploy --set-api-logs-role)",
    )["Role"]["Arn"]
    iam.attach_role_policy(RoleName=API_LOGS_ROLE, PolicyArn=API_LOGS_POLICY)
    return arn


def stack_concurrency(stage: str, provisioned: int) -> int:
    """What the stack takes from the account's concurrency: its reservations and warm containers."""
    return sum(contract.RESERVED_CONCURRENCY.get(stage, {}).values()) + provisioned


def check_concurrency(lambda_: Any, quotas: Any, region: str, needed: int, already_ours: int) -> Findings:
    """The account's concurrency leaves `needed` for this stack and still 100 unreserved."""
    findings = Findings()
    limits = lambda_.get_account_settings()["AccountLimit"]
    limit, unreserved = limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]
    try:
        quota = int(quotas.get_service_quota(ServiceCode=CONCURRENCY_QUOTA[0], QuotaCode=CONCURRENCY_QUOTA[1])["Quota"]["Value"])
    except ClientError:
        quota = limit  # Service Quotas may be unreadable for this role: the account limit says as much
    # Another stack's reservations stay; this stack's current ones are given back by the update.
    reserved_elsewhere = limit - unreserved - already_ours
    required = needed + reserved_elsewhere + UNRESERVED_MINIMUM
    request = (
        f"aws service-quotas request-service-quota-increase --service-code {CONCURRENCY_QUOTA[0]} "
        f"--quota-code {CONCURRENCY_QUOTA[1]} --desired-value {max(required, 1000)} --region {region}"
    )
    if limit < required:
        what_next = (
            f"the quota already says {quota}: deploy once the account shows it"
            if quota >= required
            else f"request it (AWS answers within days): {request}"
        )
        findings.problems.append(
            f"Lambda concurrency: this stack reserves {needed} (contract.RESERVED_CONCURRENCY and provisioned "
            f"containers), other functions reserve {reserved_elsewhere} and Lambda keeps {UNRESERVED_MINIMUM} "
            f"unreserved: the account needs {required} concurrent executions and has {limit}; {what_next}"
        )
    elif quota > limit:
        findings.notes.append(f"Lambda concurrency: the quota is {quota}, the account still shows {limit} (an increase on its way)")
    return findings


def quota_increases(stage: str) -> list[str]:
    """Quota increases to ask for before a campaign, printed by every `agora deploy`.

    The place for the list of docs/capacity.md (DynamoDB, API Gateway, Lambda burst...): each line
    says what to request and why. Empty until that list is written here.
    """
    return []
