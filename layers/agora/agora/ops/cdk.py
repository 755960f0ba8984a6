"""`agora synth|diff|deploy|destroy`: the CDK CLI of package.json, on its own Node (the npm package
`node`), with the context that picks one consultation's stack and stage (infra/app.py reads it)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agora import contract

ROOT = Path(__file__).resolve().parents[4]  # cdk.json, package.json and node_modules are here
NODE_BIN = ROOT / "node_modules" / ".bin"
C = contract.Context


class Refused(Exception):
    """An operation the command will not run as asked (a prod destroy without --force)."""


@dataclass(frozen=True)
class Deployment:
    slug: str
    stage: str = "dev"
    # For an announced campaign (a TV spot): warm next_proposal containers.
    next_proposal_provisioned: int = 0
    # ... and tables ready for its writes from the first second (docs/capacity.md).
    warm_write_units: int = 0
    cloudfront_web_acl_arn: str | None = None
    alarm_email: str | None = None
    domain_name: str | None = None
    certificate_arn: str | None = None

    @property
    def stack(self) -> str:
        return contract.stack_name(self.slug, self.stage)

    def context(self) -> list[str]:
        values = {
            C.CONSULTATION: self.slug,
            C.STAGE: self.stage,
            C.NEXT_PROPOSAL_PROVISIONED: self.next_proposal_provisioned or None,
            C.WARM_WRITE_UNITS: self.warm_write_units or None,
            C.CLOUDFRONT_WEB_ACL: self.cloudfront_web_acl_arn,
            C.ALARM_EMAIL: self.alarm_email,
            C.DOMAIN_NAME: self.domain_name,
            C.CERTIFICATE_ARN: self.certificate_arn,
        }
        return [arg for key, value in values.items() if value is not None for arg in ("-c", f"{key.value}={value}")]


def command(
    action: str, deployment: Deployment, *, force: bool = False, output: Path | None = None, profile: str | None = None
) -> list[str]:
    """The CDK CLI's argv for synth, diff, deploy or destroy of the deployment's stack."""
    if action == "destroy" and deployment.stage == "prod" and not force:
        raise Refused(
            f"{deployment.stack} holds citizens' data: its tables and bucket are retained, but the API, "
            "functions and alarms go. Pass --force to destroy it."
        )
    argv = ["npx", "--no-install", "cdk", action, deployment.stack, *deployment.context()]
    if action == "synth":
        argv.append("--quiet")  # the template goes to a file, not the terminal
    if output:
        argv += ["--output", str(output)]
    if action == "destroy" and force:
        argv.append("--force")  # CDK's own confirmation, already given
    if profile:
        argv += ["--profile", profile]
    return argv


def environment(region: str | None = None) -> dict[str, str]:
    """PATH with the project's Node first (CDK's CLI and jsii both run `node`), then this
    interpreter's folder: cdk.json runs `python infra/app.py`, which must be this venv's Python.
    The region the command chose, in every variable the CDK CLI and the SDKs read."""
    path = os.pathsep.join([str(NODE_BIN), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    regions = {name: region for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "CDK_DEFAULT_REGION")} if region else {}
    return {**os.environ, "PATH": path, **regions}


def run(argv: list[str], region: str | None = None) -> int:
    if not (NODE_BIN / "cdk").exists():
        raise Refused(f"no CDK CLI in {NODE_BIN}: run `npm ci` at {ROOT} (make test does)")
    return subprocess.run(argv, cwd=ROOT, env=environment(region), check=False).returncode


def preflight(connection: Any, deployment: Deployment, *, bootstrap: bool, set_api_logs_role: bool) -> None:
    """The account is ready for this deployment (agora.ops.preflight), or Refused with what to do."""
    from agora.ops import preflight as checks
    from agora.ops import stack

    region = connection.session.region_name
    account = connection.client("sts").get_caller_identity()["Account"]
    print(f"deploying {deployment.stack} to account {account}, region {region}")
    bootstrap_argv = checks.bootstrap_command(account, region, connection.profile)
    problems = checks.check_bootstrap(
        connection.client("ssm"), bootstrap_argv, (lambda argv: run(argv, region)) if bootstrap else None
    )
    problems += checks.check_api_logs_role(connection.client("apigateway"), connection.client("iam"), set_api_logs_role)
    if deployment.stage == "prod":
        found = checks.check_concurrency(
            connection.client("lambda"),
            connection.client("service-quotas"),
            region,
            needed=checks.stack_concurrency(deployment.stage, deployment.next_proposal_provisioned),
            already_ours=stack.reserved_concurrency(connection, deployment.stack),
        )
        problems += found.problems
        for note in found.notes:
            print(note)
    for increase in checks.quota_increases(deployment.stage):
        print(f"quota: {increase}")
    if problems:
        raise Refused("not deployed:\n" + "\n".join(f"- {p}" for p in problems))


def template(deployment: Deployment, output: Path | None = None) -> Path:
    """Where `agora synth` leaves the stack's template."""
    return (output or ROOT / "cdk.out") / f"{deployment.stack}.template.json"
