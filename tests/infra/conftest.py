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


@pytest.fixture(scope="session")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo stack, built once per session, with bundling skipped (no pip, no layer build)."""
    if NODE_MISSING:
        pytest.skip(NODE_REASON)
    from infra.app import build

    app = build(demo_context(**{"aws:cdk:bundling-stacks": []}), outdir=tmp_path_factory.mktemp("cdk.out"))
    return app.node.find_child("agora-demo")


@pytest.fixture(scope="session")
def template(demo_stack: Any) -> Any:
    from aws_cdk.assertions import Template

    return Template.from_stack(demo_stack)
