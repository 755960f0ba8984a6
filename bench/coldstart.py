"""Cold start: importing each function's handler vs importing boto3 and the Powertools event handler.

Each import runs in a fresh interpreter, several times, alternating with the baseline; the median
CPU time counts (wall time on shared cores measures the neighbours). A cold start is the import and
the first request's work, so the request-path functions then answer one request in the same
interpreter: one that needs no AWS call (valid credentials, from the consultation's own origin, with
a body or query the route refuses), so the figure is the function's own work — the consultation's
settings read, the route's validators built and run, the 422 answered with CORS, logs and metrics —
and not the network's. A request that reaches a store also creates its boto3 client, as any function
would. The baseline answers the same request from a bare resolver with one route. Measured twice:

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
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from dataclasses import dataclass
from http import HTTPStatus
from statistics import median
from typing import Any

from agora import config, contract
from agora.domain.identity import Claims, Signer
from bench.harness import Row

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "import boto3\nfrom aws_lambda_powertools.event_handler import APIGatewayRestResolver"
HANDLER = (
    "import importlib.util\n"
    "spec = importlib.util.spec_from_file_location('handler', {path!r})\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)"
)
BASELINE_REQUEST = (
    "app = APIGatewayRestResolver()\n"
    "app.route({rule!r}, method={method!r})(lambda **_: ({{'error': {{'code': 'invalid_request'}}}}, 422))\n"
    "answer = app.resolve(event, context)"
)
HANDLER_REQUEST = "answer = module.lambda_handler(event, context)"
# CPU time, not wall time: on shared cores the wall clock mostly measures the neighbours.
PROBE = (
    "import sys, time\n"
    "sys.path[:0] = {paths!r}\n"
    "start = time.process_time()\n"
    "exec(compile({code!r}, 'cold', 'exec'))\n"
    "imported = time.process_time()\n"
    "event, context, answer = {event!r}, {context}, None\n"
    "if event:\n"
    "    exec(compile({request!r}, 'first', 'exec'))\n"
    "print(__import__('json').dumps([imported - start, time.process_time() - start, 'numpy' in sys.modules,\n"
    "                                answer and answer['statusCode']]))"
)
CONTEXT = (
    "type('Context', (), dict(function_name='cold', memory_limit_in_mb=1024, aws_request_id='cold-1',"
    " invoked_function_arn='arn:aws:lambda:eu-west-3:000000000000:function:cold'))()"
)
ORIGIN = "https://consultation.example"
SECRET = "cold-start-bench"
PROPOSAL_ID = "0" * 32
# Per request-path function: a route asked with valid credentials and a body (or query) it refuses.
FIRST_REQUEST = {
    contract.Function.CONSULTATION: ("PATCH", "/participants/me", "/participants/me", None, {"demographics": {"age": "x" * 65}}),
    contract.Function.PROPOSE: ("POST", "/proposals", "/proposals", None, {"text": "Il faut " + "x" * 2000, "language": "fr"}),
    contract.Function.VOTE: ("PUT", "/proposals/<proposal_id>/vote", f"/proposals/{PROPOSAL_ID}/vote", None, {"key": "maybe"}),
    contract.Function.NEXT_PROPOSAL: ("GET", "/sequence", "/sequence", {"size": "0"}, None),
    contract.Function.MODERATE: ("POST", "/moderation/proposals/<proposal_id>/refuse",
                                 f"/moderation/proposals/{PROPOSAL_ID}/refuse", None, {"reason": "x" * 61}),
}  # fmt: skip
NUMPY_FREE = (contract.Function.PROPOSE, contract.Function.VOTE)
REQUEST_PATH = (contract.Function.CONSULTATION, contract.Function.PROPOSE, contract.Function.VOTE,
                contract.Function.NEXT_PROPOSAL, contract.Function.MODERATE)  # fmt: skip


# The interpreter under the venv, which sees none of the venv's packages with -S.
BARE_PYTHON = str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}")


@dataclass(frozen=True)
class Cold:
    """Median CPU seconds of the import, and of the import with the first request answered."""

    imported: float
    answered: float


def event(function: contract.Function) -> dict[str, Any] | None:
    """The API Gateway event of the function's first request, or None for a background function."""
    if function not in FIRST_REQUEST:
        return None
    method, _, path, query, body = FIRST_REQUEST[function]
    token = Signer(SECRET.encode(), 3600, 3600).token(Claims("cold", int(time.time())))
    headers = {"Origin": ORIGIN, "Authorization": f"Bearer {token}", **({"Content-Type": "application/json"} if body else {})}
    moderator = {"claims": {"cognito:username": "cold"}} if function is contract.Function.MODERATE else None
    return {
        "httpMethod": method, "path": path, "resource": path, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": query,
        "multiValueQueryStringParameters": query and {k: [v] for k, v in query.items()}, "pathParameters": None,
        "stageVariables": None, "body": body and json.dumps(body), "isBase64Encoded": False,
        "requestContext": {"requestId": "cold-1", "stage": "prod", "identity": {"sourceIp": "192.0.2.1"}, "authorizer": moderator},
    }  # fmt: skip


def once(code: str, request: str, function: contract.Function, run: Run) -> tuple[float, float, bool]:
    python = BARE_PYTHON if run.flags else sys.executable
    probe = PROBE.format(code=code, paths=list(run.paths), event=event(function), context=CONTEXT, request=request)
    out = subprocess.run([python, *run.flags, "-c", probe], capture_output=True, text=True, check=True, cwd=run.cwd, env=run.env)
    imported, answered, numpy, status = json.loads(out.stdout.strip().splitlines()[-1])
    if event(function) and status != HTTPStatus.UNPROCESSABLE_ENTITY:
        raise RuntimeError(f"{function.value}'s first request answered {status}, not 422: {out.stdout[-2000:]}")
    return imported, answered, numpy


@dataclass(frozen=True)
class Run:
    """How a probe runs: interpreter flags, sys.path entries before the script's, directory, environment."""

    runs: int
    env: dict[str, str]
    flags: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    cwd: Path = ROOT


def against_baseline(code: str, function: contract.Function, run: Run) -> tuple[Cold, Cold, bool]:
    """The handler's cold start and the bare one's, run alternately; and whether numpy loaded."""
    mine, bare, numpy = [], [], False
    rule = FIRST_REQUEST.get(function, ("GET", "/"))
    for _ in range(run.runs):
        *seconds, numpy = once(code, HANDLER_REQUEST, function, run)
        mine.append(seconds)
        bare.append(once(BASELINE, BASELINE_REQUEST.format(method=rule[0], rule=rule[1]), function, run)[:2])
    return Cold(*map(median, zip(*mine))), Cold(*map(median, zip(*bare))), numpy


def environment(consultation_file: Path) -> dict[str, str]:
    """What the deployment gives every function, for the settings and CORS the first request reads."""
    return {
        **os.environ,
        contract.CONSULTATION_FILE_ENV: str(consultation_file),
        contract.WEB_ORIGIN_ENV: ORIGIN,
        contract.SECRET_ENV: SECRET,  # on AWS the secret is read from Secrets Manager: a network call, left out
        "AWS_DEFAULT_REGION": "eu-west-3",
        "POWERTOOLS_SERVICE_NAME": contract.METRICS_SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": "agora-coldstart",
    }


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
    write_settings(root / "opt" / "consultation.json")
    return str(layer), str(runtime)


def write_settings(path: Path) -> Path:
    """The settings document the layer's bundling writes, from the demo consultation."""
    path.write_text(config.document(config.load(ROOT / "consultations" / "demo.toml")), encoding="utf-8")
    return path


def cold_rows(function: contract.Function, where: str, mine: Cold, bare: Cold, numpy: bool, note: str = "") -> list[Row]:
    goal = "ratio <= 1.3" if function in REQUEST_PATH else "ratio <= 2.5"
    out = [Row(f"cold start: import {function.value} ({where})", mine.imported * 1000, bare.imported * 1000, "ms CPU", goal, note)]
    if function in FIRST_REQUEST:
        out.append(Row(f"cold start: import and first request {function.value} ({where})", mine.answered * 1000,
                       bare.answered * 1000, "ms CPU", goal, note or "baseline: a bare resolver answering the same request"))
    if function in NUMPY_FREE:
        out.append(Row(f"cold start: numpy imported by {function.value} ({where})", float(numpy), 0.0, "0/1", "value <= 0"))
    return out


def rows(quick: bool = False) -> list[Row]:
    runs = 1 if quick else 5
    out = []
    with tempfile.TemporaryDirectory(prefix="agora-lambda-") as tmp:
        root = Path(tmp)
        venv = Run(runs, environment(write_settings(root / "consultation.json")))
        for function in contract.Function:
            code = HANDLER.format(path=str(ROOT / "functions" / function.value / "handler.py"))
            out += cold_rows(function, "venv", *against_baseline(code, function, venv))
        paths = lambda_layout(root)
        for compiled in (False, True):
            if compiled:
                compileall.compile_dir(root, quiet=1, workers=1)
            # -I -S: nothing from the environment or any site-packages; -B: a read-only /opt keeps no bytecode.
            flags = ("-I", "-S") if compiled else ("-I", "-S", "-B")
            where = f"Lambda layout, {'with' if compiled else 'without'} bytecode"
            for function in REQUEST_PATH:
                task = root / "var" / "task" / function.value
                code = HANDLER.format(path=str(task / "handler.py"))
                layout = Run(runs, environment(root / "opt" / "consultation.json"), flags, (str(task), *paths), root)
                out += cold_rows(function, where, *against_baseline(code, function, layout),
                                 note="baseline: the bare import in the same layout")
    return out
