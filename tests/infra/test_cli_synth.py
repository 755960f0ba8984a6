"""`agora synth` for real: the CDK CLI of package.json on its own Node, the app, cdk-nag and the layer build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from agora.ops import cdk

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (cdk.NODE_BIN / "cdk").exists(), reason="no CDK CLI: run `npm ci` (make test does)"),
]


def test_agora_synth_writes_the_stage_template_through_the_cdk_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agora.cli", "synth", "demo", "--stage", "prod", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    template_path = tmp_path / "agora-demo-prod.template.json"
    assert f"template: {template_path}" in done.stdout
    resources = json.loads(template_path.read_text())["Resources"].values()
    assert any(r["Type"] == "AWS::WAFv2::WebACL" for r in resources)
    # The CLI ran the app with this interpreter and bundled the layer (no Docker).
    assert list(tmp_path.glob("asset.*/python/agora/contract.py"))
    # cdk-nag ran and found nothing unaccepted (an error would have failed the synth).
    assert "AwsSolutions-" not in done.stderr
