"""Cold start: importing each function's handler vs importing boto3 and the Powertools event handler.

Each import runs in a fresh interpreter, several times; the median counts. numpy must never load
on the propose and vote paths.
"""

from __future__ import annotations

import json
import subprocess
import sys
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
PROBE = (
    "import sys, time\n"
    "start = time.perf_counter()\n"
    "exec(compile({code!r}, 'cold', 'exec'))\n"
    "print(__import__('json').dumps([time.perf_counter() - start, 'numpy' in sys.modules]))"
)
NUMPY_FREE = (contract.Function.PROPOSE, contract.Function.VOTE)


def cold(code: str, runs: int) -> tuple[float, bool]:
    samples, numpy = [], False
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        seconds, numpy = json.loads(out.stdout.strip().splitlines()[-1])
        samples.append(seconds)
    return median(samples), numpy


def rows(quick: bool = False) -> list[Row]:
    runs = 1 if quick else 5
    baseline, _ = cold(BASELINE, runs)
    out = []
    for function in contract.Function:
        path = str(ROOT / "functions" / function.value / "handler.py")
        seconds, numpy = cold(HANDLER.format(path=path), runs)
        out.append(Row(f"cold start: import {function.value}", seconds * 1000, baseline * 1000, "ms", "ratio <= 1.3"))
        if function in NUMPY_FREE:
            out.append(Row(f"cold start: numpy imported by {function.value}", float(numpy), 0.0, "0/1", "value <= 0"))
    return out
