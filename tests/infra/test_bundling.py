"""The real layer bundling (no Docker): Lambda-platform wheels, only what ships, the consultation."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from agora import config

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def wheel_tags(site: Path, distribution: str) -> list[str]:
    (wheel,) = site.glob(f"{distribution}-*.dist-info/WHEEL")
    return [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]


def runtime_closure(root: str = "boto3") -> set[str]:
    """boto3 and everything it needs (what the Lambda runtime ships), from this venv's metadata."""
    from infra.bundling import _normalise

    seen, todo = set(), [root]
    while todo:
        name = _normalise(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def test_layer_bundles_lambda_platform_wheels_without_docker(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from infra.bundling import RUNTIME_PROVIDED, _normalise, lambda_python
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
    # The runtime provides boto3 and all it needs; a copy here would come first and shadow it.
    assert runtime_closure() <= RUNTIME_PROVIDED
    shipped = {_normalise(d.name.removesuffix(".dist-info").rsplit("-", 1)[0]) for d in site.glob("*.dist-info")}
    assert shipped and not shipped & RUNTIME_PROVIDED, shipped & RUNTIME_PROVIDED
    assert not [p for p in ("boto3", "botocore", "urllib3", "dateutil", "jmespath", "six.py") if (site / p).exists()]
    # Bytecode for the functions' Python beside every module, or a warning that says why not.
    sources = [p for p in site.rglob("*.py")]
    if lambda_python():
        missing = [p for p in sources if not (p.parent / "__pycache__" / f"{p.stem}.cpython-313.pyc").is_file()]
        assert not missing, missing[:5]
        assert not list(site.rglob("*.cpython-311.pyc"))
    else:
        assert not list(site.rglob("*.pyc"))
        assert "no Python 3.13 found" in capfd.readouterr().err
    assert (site / "aws_lambda_powertools").is_dir() and (site / "pydantic").is_dir()
    assert config.load(asset / "consultation.json") == config.load(ROOT / "consultations" / "demo.toml")
