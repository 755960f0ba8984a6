"""The pages CDK deploys name the consultation's question in what a shared link previews, escaped:
the bundled index.html is the one agora.pages renders, and the copy of web/ leaves its own out."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from agora import pages  # noqa: E402
from agora.config import load  # noqa: E402
from tests.unit.test_pages import TRICKY, Tags  # noqa: E402

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def bundled_pages(outdir: Path) -> list[Path]:
    """Every index.html among the synthesized assets."""
    return sorted(outdir.glob(f"asset.*/**/{pages.INDEX}"))


def test_the_demo_stack_deploys_its_question(demo_stack: Any) -> None:
    demo = load(ROOT / "consultations" / "demo.toml")
    (page,) = bundled_pages(Path(demo_stack.node.scope.outdir))
    tags = Tags(page.read_text())
    assert tags.meta["og:title"] == tags.title == demo.question["fr"]
    assert tags.meta["og:description"] == demo.context["fr"]


def test_a_question_with_markup_is_deployed_escaped(tmp_path: Path) -> None:
    from aws_cdk import App, Stack
    from aws_cdk import aws_s3 as s3

    from infra.constructs.edge import Edge

    demo = load(ROOT / "consultations" / "demo.toml")
    tricky = demo.model_copy(update={"question": {"fr": TRICKY, "en": "x"}})
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Pages")
    edge = Edge(stack, "Edge", bucket=s3.Bucket(stack, "Bucket"), login_url="https://login.example.org")
    edge.publish_pages(ROOT / "web", tricky, "https://api.example.org", "https://login.example.org", "client")
    app.synth()
    (page,) = bundled_pages(tmp_path)
    text = page.read_text()
    assert Tags(text).meta["og:title"] == TRICKY
    assert html.escape(TRICKY, quote=True) in text and TRICKY not in text
