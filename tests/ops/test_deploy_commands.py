"""`agora synth|diff|deploy|destroy` build the CDK CLI's argv and context; no deploy can run here, so the
subprocess is stubbed and what it would have run is checked (tests/infra/test_cli_synth.py runs a real synth)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agora import cli
from agora.ops import cdk

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    (tmp_path / "cdk").touch()  # "npm ci" was run
    monkeypatch.setattr(cdk, "NODE_BIN", tmp_path)

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append({"argv": argv, **kwargs})
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(cdk.subprocess, "run", fake_run)
    # The account checks have their own tests (test_preflight.py): here the account is ready.
    monkeypatch.setattr(cdk, "preflight", lambda connection, deployment, **flags: calls.append({"preflight": deployment, **flags}))
    return calls


def test_deploy_passes_the_consultation_stage_and_campaign_as_context(ran: list[dict[str, Any]]) -> None:
    code = cli.main(
        ["deploy", "demo", "--stage", "prod", "--provisioned-concurrency", "20", "--warm-write-units", "14000",
         "--alarm-email", "ops@example.org",
         "--cloudfront-web-acl", "arn:aws:wafv2:us-east-1:1:global/webacl/a/b"]
    )
    assert code == 0
    checked, call = ran
    assert checked["preflight"].stage == "prod" and not checked["bootstrap"] and not checked["set_api_logs_role"]
    assert call["argv"] == [
        "npx", "--no-install", "cdk", "deploy", "agora-demo-prod",
        "-c", "consultation=demo",
        "-c", "stage=prod",
        "-c", "next_proposal_provisioned=20",
        "-c", "warm_write_units=14000",
        "-c", "cloudfront_web_acl_arn=arn:aws:wafv2:us-east-1:1:global/webacl/a/b",
        "-c", "alarm_email=ops@example.org",
    ]  # fmt: skip
    # From the project root (cdk.json), on the project's Node, with this interpreter as `python`.
    assert call["cwd"] == cdk.ROOT == ROOT
    path = call["env"]["PATH"].split(os.pathsep)
    assert path[:2] == [str(cdk.NODE_BIN), str(Path(sys.executable).parent)]


def test_dev_is_the_default_stage_and_an_idle_campaign_adds_no_context(ran: list[dict[str, Any]]) -> None:
    assert cli.main(["diff", "demo"]) == 0
    assert ran[0]["argv"] == ["npx", "--no-install", "cdk", "diff", "agora-demo-dev", "-c", "consultation=demo", "-c", "stage=dev"]


def test_synth_writes_quietly_where_asked(ran: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["synth", "demo", "--output", str(tmp_path)]) == 0
    assert ran[0]["argv"][-3:] == ["--quiet", "--output", str(tmp_path)]
    assert f"template: {tmp_path / 'agora-demo-dev.template.json'}" in capsys.readouterr().out


def test_destroy_refuses_prod_without_force(ran: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["destroy", "demo", "--stage", "prod"]) == 2
    assert not ran
    assert "citizens' data" in capsys.readouterr().err
    assert cli.main(["destroy", "demo", "--stage", "prod", "--force"]) == 0
    assert ran[0]["argv"] == [
        "npx", "--no-install", "cdk", "destroy", "agora-demo-prod", "-c", "consultation=demo", "-c", "stage=prod", "--force",
    ]  # fmt: skip


def test_dev_destroy_leaves_cdks_own_confirmation(ran: list[dict[str, Any]]) -> None:
    assert cli.main(["destroy", "demo"]) == 0
    assert "--force" not in ran[0]["argv"]


def test_no_cdk_cli_installed_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cdk, "NODE_BIN", tmp_path / "node_modules" / ".bin")
    assert cli.main(["synth", "demo"]) == 2
    assert "npm ci" in capsys.readouterr().err


def test_region_and_profile_reach_the_cdk_cli(ran: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile ops]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["diff", "demo", "--profile", "ops"]) == 0
    assert ran[-1]["argv"][-2:] == ["--profile", "ops"]
    assert ran[-1]["env"]["AWS_REGION"] == ran[-1]["env"]["CDK_DEFAULT_REGION"] == "eu-central-1"  # the profile's
    assert cli.main(["diff", "demo", "--profile", "ops", "--region", "eu-west-3"]) == 0
    assert ran[-1]["env"]["AWS_REGION"] == "eu-west-3"  # the command line wins
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    assert cli.main(["deploy", "demo", "--bootstrap", "--set-api-logs-role"]) == 0
    checked, call = ran[-2:]
    assert checked["bootstrap"] and checked["set_api_logs_role"]
    assert call["env"]["AWS_DEFAULT_REGION"] == "eu-north-1"  # AWS_REGION alone is enough


def test_a_custom_domain_is_passed_as_context(ran: list[dict[str, Any]]) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    assert cli.main(["synth", "demo", "--domain", "consult.example.org", "--certificate-arn", arn]) == 0
    argv = ran[0]["argv"]
    assert "domain_name=consult.example.org" in argv and f"certificate_arn={arn}" in argv


def test_a_refused_preflight_deploys_nothing(ran: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise cdk.Refused("not deployed:\n- no CDK bootstrap")

    monkeypatch.setattr(cdk, "preflight", refuse)
    assert cli.main(["deploy", "demo", "--stage", "prod"]) == 2
    assert not ran and "no CDK bootstrap" in capsys.readouterr().err
