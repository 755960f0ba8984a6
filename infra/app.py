"""The CDK app: one ConsultationStack per consultations/*.toml (or the one `-c consultation=<slug>`
names), for the stage `-c stage=dev|prod` names (dev by default).

`npx cdk synth` runs this file and hands it cdk.json's context (plus -c) in the environment;
`python infra/app.py [-c key=value ...]` gets the same context from cdk.json read here, so both
synthesize the same template.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would be sys.path[0]; import from the repository root instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "infra"]
sys.path.insert(0, str(ROOT))

# CI runs Node 20 (.ci/run): jsii's end-of-life banner would drown every synth's output.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

import aws_cdk as cdk  # noqa: E402

from agora import config, contract  # noqa: E402
from infra import nag  # noqa: E402
from infra.consultation_stack import ConsultationStack  # noqa: E402
from infra.stage import STAGES  # noqa: E402

C = contract.Context

CONSULTATIONS = ROOT / "consultations"
# What the CDK CLI adds to every synth by default; with cdk.json's "versionReporting": false,
# a direct run then writes the very template `cdk synth` writes.
CLI_DEFAULTS = {"aws:cdk:enable-path-metadata": True, "aws:cdk:enable-asset-metadata": True}


def default_context() -> dict[str, Any]:
    """cdk.json's context, plus what the CLI would add; `-c` and the CLI's own context win."""
    return {**CLI_DEFAULTS, **json.loads((ROOT / "cdk.json").read_text()).get("context", {})}


def cli_context(argv: list[str]) -> dict[str, Any]:
    """`-c key=value` / `--context key=value`, as the CDK CLI accepts them."""
    context: dict[str, Any] = {}
    args = iter(argv)
    for arg in args:
        if arg in ("-c", "--context"):
            key, sep, value = next(args, "").partition("=")
            if not sep:
                raise SystemExit(f"expected {arg} key=value")
            # Lists and objects (e.g. aws:cdk:bundling-stacks=[]) as JSON; everything else a string.
            context[key] = json.loads(value) if value[:1] in ("[", "{") else value
        else:
            raise SystemExit(f"unknown argument {arg!r}; usage: app.py [-c key=value ...]")
    return context


def build(context: dict[str, Any], outdir: str | Path | None = None) -> cdk.App:
    if outdir is None and not os.environ.get("CDK_OUTDIR"):
        outdir = ROOT / "cdk.out"  # run directly, write where the CLI would (it sets CDK_OUTDIR)
    app = cdk.App(context=context, outdir=str(outdir) if outdir else None)
    only = app.node.try_get_context(C.CONSULTATION)
    stage = app.node.try_get_context(C.STAGE) or "dev"
    if stage not in STAGES:
        raise SystemExit(f"no stage {stage!r} (known: {', '.join(STAGES)})")
    files = sorted(CONSULTATIONS.glob("*.toml"))
    consultations = [(config.load(f), f) for f in files]  # validates every file, even unselected
    chosen = [(k, f) for k, f in consultations if only in (None, k.slug)]
    if not chosen:
        known = ", ".join(k.slug for k, _ in consultations) or "none"
        raise SystemExit(f"no consultation {only!r} in {CONSULTATIONS} (known: {known})")
    for consultation, path in chosen:
        ConsultationStack(
            app,
            contract.stack_name(consultation.slug, stage),
            consultation,
            stage=STAGES[stage],
            consultation_file=path,
            next_proposal_provisioned=int(app.node.try_get_context(C.NEXT_PROPOSAL_PROVISIONED) or 0),
            warm_write_units=int(app.node.try_get_context(C.WARM_WRITE_UNITS) or 0),
            cloudfront_web_acl_arn=app.node.try_get_context(C.CLOUDFRONT_WEB_ACL),
            alarm_email=app.node.try_get_context(C.ALARM_EMAIL),
            domain_name=app.node.try_get_context(C.DOMAIN_NAME),
            certificate_arn=app.node.try_get_context(C.CERTIFICATE_ARN),
        )
    nag.check(app)
    return app


def main(argv: list[str]) -> None:
    build({**default_context(), **cli_context(argv)}).synth()


if __name__ == "__main__":
    main(sys.argv[1:])
