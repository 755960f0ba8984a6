"""Lambda packaging without Docker.

Function code is each `functions/<name>/` folder as is (one handler.py, nothing to build).
Everything else ships once, in a layer per consultation:

    python/agora/...        the shared package, minus what never runs on Lambda
    python/<dependencies>   pyproject's runtime dependencies as Lambda-platform wheels
    consultation.json       the consultation this stack serves, validated here (/opt/consultation.json:
                            the functions build its settings without validating them again)

pip builds the layer on the synth machine by asking for wheels of the Lambda platform
(cp313, manylinux aarch64, binaries only), so no Docker image and no emulation are needed.

/opt is read-only on Lambda: a layer without bytecode compiles every module from source at each
cold start. The layer's bytecode is compiled by an interpreter of the functions' Python version
(bytecode is version-specific), hash-checked against nothing (`unchecked-hash`: no timestamps, so
two builds of the same files are byte-identical) and with /opt/python paths in its tracebacks.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from agora import config

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "layers" / "agora" / "agora"
PYPROJECT = ROOT / "pyproject.toml"

LAYER_CONSULTATION_FILE = "/opt/consultation.json"
# The embedded stack, the `agora` command and what it operates stacks with: tools, never shipped to Lambda.
NEVER_SHIPPED = ("local", "ops", "cli.py")

PYTHON_VERSION = "3.13"
# Lambda's python3.13 runtime is Amazon Linux 2023 (glibc 2.34). manylinux2014 alone would
# pin numpy to its last manylinux2014 release; manylinux_2_28 lets pip take current wheels.
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")
# The runtime ships boto3 and what it needs. A layer copy of any of them (botocore comes with
# aws-xray-sdk, urllib3 with botocore) would come first on sys.path and shadow the runtime's,
# pairing its boto3 with libraries of other versions.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"})
# Where Lambda mounts the layer's python/ folder: the bytecode's source paths.
LAYER_SITE = "/opt/python"
# The interpreter that compiles the bytecode, when `python3.13` on PATH is not the one to use.
LAMBDA_PYTHON_ENV = "AGORA_LAMBDA_PYTHON"
# Bump to force a rebuild when the layout below changes.
LAYOUT_VERSION = "3"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"unreadable requirement {requirement!r} in {PYPROJECT}")
    return _normalise(match.group(1))


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """[project].dependencies, minus what the Lambda runtime provides (boto3)."""
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return [d for d in deps if _requirement_name(d) not in RUNTIME_PROVIDED]


def pip_command(target: Path, requirements: list[str]) -> list[str]:
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    return [
        sys.executable, "-m", "pip", "install",
        *platforms,
        "--implementation", "cp",
        "--python-version", PYTHON_VERSION,
        "--only-binary=:all:",
        # pip would compile with the synth machine's Python: compile_bytecode does it for 3.13.
        "--no-compile",
        "--disable-pip-version-check",
        "--quiet",
        "--target", str(target),
        *requirements,
    ]


def _shipped(directory: str, names: list[str]) -> set[str]:
    """shutil.copytree ignore hook: caches always, development tools at the package root."""
    skipped = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
    if Path(directory).resolve() == PACKAGE.resolve():
        skipped.update(n for n in names if n in NEVER_SHIPPED)
    return skipped


def _package_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE)
        if path.is_dir() or rel.parts[0] in NEVER_SHIPPED:
            continue
        if "__pycache__" in rel.parts or path.suffix == ".pyc":
            continue
        files.append(path)
    return files


def _prune_runtime_provided(site: Path) -> None:
    """Remove the distributions the runtime already has, file by file from their RECORD."""
    for dist_info in site.glob("*.dist-info"):
        name = _normalise(dist_info.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        if name not in RUNTIME_PROVIDED:
            continue
        tops = set()
        for line in (dist_info / "RECORD").read_text().splitlines():
            rel = line.rsplit(",", 2)[0]
            path = (site / rel).resolve()
            if rel and path.is_relative_to(site.resolve()) and path.is_file():
                path.unlink()
                tops.add(site / Path(rel).parts[0])
        for top in tops | {dist_info}:
            if top.is_dir():
                shutil.rmtree(top)
    # Console scripts (f2py, jp.py...) cannot run from a layer.
    shutil.rmtree(site / "bin", ignore_errors=True)


def lambda_python() -> str | None:
    """An interpreter of the functions' Python version: $AGORA_LAMBDA_PYTHON, `python3.13`, or this one."""
    candidates = [os.environ.get(LAMBDA_PYTHON_ENV), shutil.which(f"python{PYTHON_VERSION}"), sys.executable]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0 and probe.stdout.strip() == PYTHON_VERSION:
            return candidate
    return None


def compile_bytecode(site: Path, python: str) -> None:
    """Every module under `site` compiled by `python`, deterministically, as found at /opt/python."""
    subprocess.run(
        [
            python, "-m", "compileall", "-q", "-j", "0",
            "--invalidation-mode", "unchecked-hash",
            "-s", str(site), "-p", LAYER_SITE,
            str(site),
        ],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )


def build_layer(out_dir: str | Path, consultation_file: str | Path) -> None:
    """Write the layer's contents into `out_dir` (which CDK then zips)."""
    out = Path(out_dir)
    site = out / "python"
    shutil.copytree(PACKAGE, site / "agora", ignore=_shipped, dirs_exist_ok=True)
    subprocess.run(pip_command(site, runtime_requirements()), check=True)
    _prune_runtime_provided(site)
    python = lambda_python()
    if python:
        compile_bytecode(site, python)
    else:
        print(
            f"warning: no Python {PYTHON_VERSION} found (python{PYTHON_VERSION} on PATH or ${LAMBDA_PYTHON_ENV}): the layer "
            "ships without bytecode and every cold start compiles it (docs/operations.md)",
            file=sys.stderr,
        )
    (out / "consultation.json").write_text(config.document(config.load(consultation_file)), encoding="utf-8")


def layer_hash(consultation_file: str | Path) -> str:
    """The layer's asset hash from its inputs, so CDK never fingerprints a tree or runs pip to hash.

    Dependencies are ranges in pyproject: a new upstream release alone does not rebuild the
    layer; the next change to the package, pyproject or the consultation does.
    """
    h = hashlib.sha256()
    # With or without bytecode: the layer is rebuilt once the interpreter that compiles it appears.
    bytecode = "bytecode" if lambda_python() else "source only"
    for part in (LAYOUT_VERSION, PYTHON_VERSION, bytecode, *PLATFORMS, *runtime_requirements()):
        h.update(part.encode() + b"\0")
    for path in _package_files():
        h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(Path(consultation_file).read_bytes())
    return h.hexdigest()


@jsii.implements(ILocalBundling)
class LocalLayerBundling:
    """CDK calls this instead of `docker run`; returning True means the output is ready."""

    def __init__(self, consultation_file: Path) -> None:
        self.consultation_file = consultation_file

    def try_bundle(self, output_dir: str, *, image: DockerImage | None = None, **_: Any) -> bool:
        build_layer(output_dir, self.consultation_file)
        return True


def layer_code(consultation_file: Path) -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(PACKAGE.parent),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=layer_hash(consultation_file),
        bundling=BundlingOptions(
            # Required by the type, never pulled: the local bundler always succeeds or raises.
            image=DockerImage.from_registry("none-docker-not-used"),
            local=LocalLayerBundling(consultation_file),
        ),
    )


def function_code(folder: Path) -> lambda_.Code:
    return lambda_.Code.from_asset(str(folder), exclude=["__pycache__", "*.pyc"])
