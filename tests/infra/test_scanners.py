"""cfn-lint and checkov on the dev and prod templates, as `agora synth` writes them (bundling skipped).

cfn-lint: no error. checkov: every failed check is fixed or listed, with its reason, in
infra/checkov-accepted.toml, and every listed check still fails somewhere (the list stays true).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

if shutil.which("node") is None:
    pytest.skip("the CDK synthesizes through jsii, which needs Node.js: `node` is not on PATH", allow_module_level=True)

from agora import contract  # noqa: E402
from tests.infra.conftest import CAMPAIGN, demo_context  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ACCEPTED = ROOT / "infra" / "checkov-accepted.toml"
# make test installs checkov in a venv of its own: its pinned dependencies would fight the project's.
CHECKOV = ROOT / ".venv" / "checkov" / "bin" / "checkov"


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from infra.app import build

    paths = []
    for stage, extra in (("dev", {}), ("prod", CAMPAIGN)):
        outdir = tmp_path_factory.mktemp(f"scan-{stage}")
        build(demo_context(stage=stage, **{"aws:cdk:bundling-stacks": []}, **extra), outdir=outdir).synth()
        paths.append(outdir / f"{contract.stack_name('demo', stage)}.template.json")
    return paths


def test_cfn_lint_finds_no_error(templates: list[Path]) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "json", *map(str, templates)],
        capture_output=True, text=True, check=False,
    )
    findings: list[dict[str, Any]] = json.loads(done.stdout or "[]")
    errors = [f"{f['Rule']['Id']} {f['Message']} ({f['Location']['Path']})" for f in findings if f["Level"] == "Error"]
    assert not errors, "\n".join(errors)
    # cfn-lint's exit code is a bit mask: 2 errors, 4 warnings (CDK's DependsOn beside a GetAtt), 8 notes.
    assert done.returncode in (0, 4, 8, 12), done.stderr


def test_every_failed_checkov_check_is_fixed_or_accepted_with_its_reason(templates: list[Path]) -> None:
    if not CHECKOV.exists():
        pytest.skip(f"no checkov at {CHECKOV}: `make test` installs it")
    accepted = tomllib.loads(ACCEPTED.read_text())
    assert all(entry.get("reason", "").strip() for entry in accepted.values()), "every accepted check needs its reason"
    files = [arg for path in templates for arg in ("-f", str(path))]
    done = subprocess.run(
        [str(CHECKOV), *files, "--framework", "cloudformation", "--output", "json", "--quiet", "--compact"],
        capture_output=True, text=True, check=False,
    )
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed: dict[str, set[str]] = {}
    for report in reports:
        for check in report["results"]["failed_checks"]:
            failed.setdefault(check["check_id"], set()).add(f"{check['resource']} ({check['check_name']})")
    unexplained = {k: sorted(v) for k, v in failed.items() if k not in accepted}
    assert not unexplained, f"fix these or list them with a reason in {ACCEPTED.name}: {json.dumps(unexplained, indent=1)}"
    stale = sorted(set(accepted) - set(failed))
    assert not stale, f"{stale} pass now: remove them from {ACCEPTED.name}"
