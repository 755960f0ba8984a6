"""The real layer bundling (no Docker): Lambda-platform wheels, only what ships, the consultation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def wheel_tags(site: Path, distribution: str) -> list[str]:
    (wheel,) = site.glob(f"{distribution}-*.dist-info/WHEEL")
    return [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]


def test_layer_bundles_lambda_platform_wheels_without_docker(tmp_path: Path) -> None:
    from infra.app import build, default_context

    # A full synth with bundling on: CDK calls our ILocalBundling through jsii, as `cdk deploy` would.
    outdir = tmp_path / "cdk.out"
    build({**default_context(), "consultation": "demo"}, outdir=outdir).synth()

    template = json.loads((outdir / "agora-demo-dev.template.json").read_text())
    (layer,) = [
        r for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::LayerVersion" and r["Properties"]["Description"].startswith("agora")
    ]
    asset = outdir / ("asset." + layer["Properties"]["Content"]["S3Key"].removesuffix(".zip"))
    site = asset / "python"

    for distribution in ("numpy", "pydantic_core"):
        tags = wheel_tags(site, distribution)
        assert tags and all("manylinux" in t and "aarch64" in t and t.startswith("cp313-") for t in tags), tags

    assert (site / "agora" / "domain").is_dir()
    assert (site / "agora" / "contract.py").is_file()
    assert not (site / "agora" / "local").exists()
    assert not (site / "agora" / "ops").exists()
    assert not (site / "agora" / "cli.py").exists()
    assert not list(site.rglob("__pycache__"))
    # The runtime provides boto3 and botocore; a copy here would shadow them.
    assert not list(site.glob("boto3*")) and not list(site.glob("botocore*"))
    assert (site / "aws_lambda_powertools").is_dir() and (site / "pydantic").is_dir()
    assert (asset / "consultation.toml").read_bytes() == (ROOT / "consultations" / "demo.toml").read_bytes()
