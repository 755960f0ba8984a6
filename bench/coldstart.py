"""Cold start: importing each function's handler vs importing boto3 and the Powertools event handler.

Each import runs in a fresh interpreter, several times, alternating with the baseline; the median
CPU time counts (wall time on shared cores measures the neighbours). Measured twice:

* in the venv, with the bytecode a developer's machine has;
* from a directory laid out like Lambda's: the handler in var/task, the layer built by
  infra/bundling's own packaging rules in opt/python (the agora package as shipped, the runtime
  dependencies installed for this interpreter: the Lambda-platform wheels of the real layer do
  not run here), boto3 in var/runtime as the runtime provides it, imported by the interpreter
  under the venv with `-I -S` (no environment, no site-packages), in Lambda's sys.path order. With bytecode compiled
  into the layout (what a layer with .pyc ships) and without (each cold start compiles).

numpy must never load on the propose and vote paths.
"""

from __future__ import annotations

import compileall
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

from agora import contract
from bench.harness import Row

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "import boto3\nfrom aws_lambda_powertools.event_handler import APIGatewayRestResolver"
HANDLER = (
    "import importlib.util\n"
    "spec = importlib.util.spec_from_file_location('handler', {path!r})\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)"
)
# CPU time of the import, not wall time: on shared cores the wall clock mostly measures the neighbours.
PROBE = (
    "import sys, time\n"
    "sys.path[:0] = {paths!r}\n"
    "start = time.process_time()\n"
    "exec(compile({code!r}, 'cold', 'exec'))\n"
    "print(__import__('json').dumps([time.process_time() - start, 'numpy' in sys.modules]))"
)
NUMPY_FREE = (contract.Function.PROPOSE, contract.Function.VOTE)
REQUEST_PATH = (contract.Function.CONSULTATION, contract.Function.PROPOSE, contract.Function.VOTE,
                contract.Function.NEXT_PROPOSAL, contract.Function.MODERATE)  # fmt: skip


# The interpreter under the venv, which sees none of the venv's packages with -S.
BARE_PYTHON = str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}")


def once(code: str, flags: tuple[str, ...], paths: tuple[str, ...], cwd: Path) -> tuple[float, bool]:
    python = BARE_PYTHON if flags else sys.executable
    out = subprocess.run(
        [python, *flags, "-c", PROBE.format(code=code, paths=list(paths))], capture_output=True, text=True, check=True, cwd=cwd
    )
    seconds, numpy = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, numpy


def against_baseline(
    code: str, runs: int, flags: tuple[str, ...] = (), paths: tuple[str, ...] = (), cwd: Path = ROOT
) -> tuple[float, float, bool]:
    """Median seconds of `code` and of the bare import, run alternately; and whether numpy loaded."""
    mine, bare, numpy = [], [], False
    for _ in range(runs):
        seconds, numpy = once(code, flags, paths, cwd)
        mine.append(seconds)
        bare.append(once(BASELINE, flags, paths, cwd)[0])
    return median(mine), median(bare), numpy


def lambda_layout(root: Path) -> tuple[str, ...]:
    """var/task (every handler, each under its function's name), opt/python (the layer) and
    var/runtime (boto3); returns the sys.path entries in Lambda's order."""
    from infra import bundling

    task, layer, runtime = root / "var" / "task", root / "opt" / "python", root / "var" / "runtime"
    for function in contract.Function:
        shutil.copytree(ROOT / "functions" / function.value, task / function.value, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(bundling.PACKAGE, layer / "agora", ignore=bundling._shipped)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--target"]
    subprocess.run([*pip, str(layer), *bundling.runtime_requirements()], check=True)
    bundling._prune_runtime_provided(layer)  # as the real layer: botocore is the runtime's
    subprocess.run([*pip, str(runtime), "boto3"], check=True)
    return str(layer), str(runtime)


def rows(quick: bool = False) -> list[Row]:
    runs = 1 if quick else 5
    out = []
    for function in contract.Function:
        path = str(ROOT / "functions" / function.value / "handler.py")
        seconds, baseline, numpy = against_baseline(HANDLER.format(path=path), runs)
        goal = "ratio <= 1.3" if function in REQUEST_PATH else "ratio <= 2.5"
        out.append(Row(f"cold start: import {function.value} (venv)", seconds * 1000, baseline * 1000, "ms CPU", goal))
        if function in NUMPY_FREE:
            out.append(Row(f"cold start: numpy imported by {function.value}", float(numpy), 0.0, "0/1", "value <= 0"))
    with tempfile.TemporaryDirectory(prefix="agora-lambda-") as tmp:
        root = Path(tmp)
        paths = lambda_layout(root)
        for compiled in (False, True):
            if compiled:
                compileall.compile_dir(root, quiet=1, workers=1)
            # -I -S: nothing from the environment or any site-packages; -B: a read-only /opt keeps no bytecode.
            flags = ("-I", "-S") if compiled else ("-I", "-S", "-B")
            label = "with bytecode" if compiled else "without bytecode"
            for function in REQUEST_PATH:
                task = root / "var" / "task" / function.value
                code = HANDLER.format(path=str(task / "handler.py"))
                seconds, base, numpy = against_baseline(code, runs, flags, (str(task), *paths), root)
                out.append(Row(f"cold start: import {function.value} (Lambda layout, {label})", seconds * 1000, base * 1000,
                               "ms CPU", "ratio <= 1.3", "baseline: the bare import in the same layout"))
                if function in NUMPY_FREE:
                    out.append(Row(f"cold start: numpy imported by {function.value} (Lambda layout)", float(numpy), 0.0, "0/1", "value <= 0"))
    return out
