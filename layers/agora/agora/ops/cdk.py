"""`agora synth|diff|deploy|destroy`: the CDK CLI of package.json, on its own Node (the npm package
`node`), with the context that picks one consultation's stack and stage (infra/app.py reads it)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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
        }
        return [arg for key, value in values.items() if value is not None for arg in ("-c", f"{key.value}={value}")]


def command(action: str, deployment: Deployment, *, force: bool = False, output: Path | None = None) -> list[str]:
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
    return argv


def environment() -> dict[str, str]:
    """PATH with the project's Node first (CDK's CLI and jsii both run `node`), then this
    interpreter's folder: cdk.json runs `python infra/app.py`, which must be this venv's Python."""
    path = os.pathsep.join([str(NODE_BIN), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path}


def run(argv: list[str]) -> int:
    if not (NODE_BIN / "cdk").exists():
        raise Refused(f"no CDK CLI in {NODE_BIN}: run `npm ci` at {ROOT} (make test does)")
    return subprocess.run(argv, cwd=ROOT, env=environment(), check=False).returncode


def template(deployment: Deployment, output: Path | None = None) -> Path:
    """Where `agora synth` leaves the stack's template."""
    return (output or ROOT / "cdk.out") / f"{deployment.stack}.template.json"
