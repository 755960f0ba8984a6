"""Infra tests synthesize the CDK app: they need Node (jsii) and are marked slow."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

# Before anything imports aws_cdk (which starts the jsii runtime on Node).
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `infra` is imported from the repository root

NODE_MISSING = shutil.which("node") is None
NODE_REASON = "the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH"


def demo_context(**extra: Any) -> dict[str, Any]:
    from infra.app import default_context

    return {**default_context(), "consultation": "demo", **extra}


# What a prod deployment for a TV campaign passes: warm next_proposal containers, someone to tell,
# and the account's CloudFront web ACL.
CAMPAIGN = {
    "next_proposal_provisioned": "5",
    "warm_write_units": "14000",
    "alarm_email": "ops@example.org",
    "cloudfront_web_acl_arn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/agora/abc",
}


def _stack(tmp_path_factory: pytest.TempPathFactory, stage: str, **extra: Any) -> Any:
    """The demo stack of a stage, with bundling skipped (no pip, no layer build)."""
    if NODE_MISSING:
        pytest.skip(NODE_REASON)
    from agora import contract
    from infra.app import build

    context = demo_context(stage=stage, **{"aws:cdk:bundling-stacks": []}, **extra)
    app = build(context, outdir=tmp_path_factory.mktemp(f"cdk.out-{stage}"))
    return app.node.find_child(contract.stack_name("demo", stage))


@pytest.fixture(scope="session")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The dev stage, as `agora deploy demo` builds it."""
    return _stack(tmp_path_factory, "dev")


@pytest.fixture(scope="session")
def prod_stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The prod stage, as `agora deploy demo --stage prod` builds it for a campaign."""
    return _stack(tmp_path_factory, "prod", **CAMPAIGN)


@pytest.fixture(scope="session")
def template(demo_stack: Any) -> Any:
    from aws_cdk.assertions import Template

    return Template.from_stack(demo_stack)


@pytest.fixture(scope="session")
def prod_template(prod_stack: Any) -> Any:
    from aws_cdk.assertions import Template

    return Template.from_stack(prod_stack)
