"""The functions' AWS calls, recorded while the integration and e2e tests run, against their roles.

moto does not enforce IAM. agora.local.calls records each call a function's code makes (with the
environment variable that named each table, bucket or secret); this module turns each call into the
IAM requests AWS would authorize (action and resource, in the template's own terms: "{DataContent...
.Arn}/index/status") and evaluates them against the statements of that function's role in the
synthesized dev and prod templates. A call no statement allows fails the test that made it; a
granted action no call used is reported at the end of the run (tests/conftest.py).

`python -m tests.permissions` synthesizes both stages (bundling skipped) and prints the policies as
JSON; the test session runs it once and caches the answer by the hash of what shapes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("dev", "prod")
# What the synthesized roles and function environments are made from.
POLICY_SOURCES = ("infra", "layers/agora/agora/contract.py", "cdk.json", "functions")

# Operations whose IAM action is not "<service>:<operation>" (S3's list and head calls).
S3_ACTIONS = {
    "HeadObject": "GetObject",
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
}
# The action each item of a DynamoDB transaction needs on its table.
TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}


# --- the template's side ----------------------------------------------------------------------


def resolve(value: Any) -> str:
    """A CloudFormation value as a string, logical ids and attributes in braces ("{Bucket.Arn}/*")."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "{%s}" % value["Ref"]
    if "Fn::GetAtt" in value:
        return "{%s.%s}" % tuple(value["Fn::GetAtt"])
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(resolve(p) for p in parts)
    raise ValueError(f"unexpected CloudFormation value in a policy: {value!r}")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def matches(self, action: str, resource: str) -> bool:
        return any(_glob(a, action, case=False) for a in self.actions) and any(_glob(r, resource) for r in self.resources)


def _glob(pattern: str, value: str, case: bool = True) -> bool:
    """IAM's wildcards: * any run of characters, ? one; actions are case-insensitive."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def role_statements(template: dict[str, Any], role_id: str) -> list[Statement]:
    statements = []
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] != "AWS::IAM::Policy" or {"Ref": role_id} not in props.get("Roles", []):
            continue
        for s in props["PolicyDocument"]["Statement"]:
            if "Condition" in s:
                raise ValueError(f"a condition in {role_id}'s policy: teach tests/permissions.py to evaluate it")
            statements.append(
                Statement(s["Effect"], tuple(_listed(s["Action"])), tuple(resolve(r) for r in _listed(s["Resource"])))
            )
    return statements


def function_policies(template: dict[str, Any], function_ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Each function's role statements and environment (variable -> CloudFormation value)."""
    resources = template["Resources"]
    out = {}
    for name, logical_id in function_ids.items():
        props = resources[logical_id]["Properties"]
        role_id = props["Role"]["Fn::GetAtt"][0]
        out[name] = {
            "statements": [vars(s) | {"actions": list(s.actions), "resources": list(s.resources)} for s in role_statements(template, role_id)],
            "env": {k: resolve(v) for k, v in props.get("Environment", {}).get("Variables", {}).items() if isinstance(v, dict)},
        }
    return out


def synthesize() -> dict[str, dict[str, dict[str, Any]]]:
    """Both stages' function policies, from the demo consultation's stacks (needs Node)."""
    from aws_cdk.assertions import Template

    from agora import contract
    from infra.app import build, default_context

    policies = {}
    for stage in STAGES:
        with tempfile.TemporaryDirectory() as outdir:
            context = {**default_context(), "consultation": "demo", "stage": stage, "aws:cdk:bundling-stacks": []}
            stack = build(context, outdir=outdir).node.find_child(contract.stack_name("demo", stage))
            template = Template.from_stack(stack).to_json()
            ids = {n.value: stack.get_logical_id(f.node.default_child) for n, f in stack.functions.by_name.items()}
            policies[stage] = function_policies(template, ids)
    return policies


def sources_hash() -> str:
    h = hashlib.sha256()
    for source in POLICY_SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) + sorted(path.rglob("*.json")) if path.is_dir() else [path]:
            if "__pycache__" not in file.parts:
                h.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()


def synthesize_in_subprocess() -> dict[str, dict[str, dict[str, Any]]]:
    """Synthesis starts Node (jsii): kept out of the test process, which never needs it otherwise."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.permissions"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"synthesizing the role policies failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


# --- the calls' side --------------------------------------------------------------------------


def _base(named: Any, service: str, env: dict[str, str]) -> str:
    """The ARN a recorded name stands for, as the template writes it."""
    if not isinstance(named, dict):
        return f"<unknown {service} resource {named!r}: not named by an environment variable>"
    value = env.get(named["env"])
    if value is None:
        return f"<{named['env']}: not in the function's environment>"
    # Tables and buckets are passed by name (Ref) and granted by ARN; secrets are passed by ARN.
    return value if service == "secretsmanager" else re.sub(r"^\{([^.}]+)\}$", r"{\1.Arn}", value)


def requests(call: dict[str, Any], env: dict[str, str]) -> list[tuple[str, str]]:
    """The (action, resource) pairs AWS authorizes for one recorded call."""
    service, op, params = call["service"], call["operation"], call["params"]
    if service == "dynamodb":
        if "TransactItems" in params:
            return [
                (f"dynamodb:{TRANSACT_ACTIONS[kind]}", _base(body["TableName"], service, env))
                for item in params["TransactItems"]
                for kind, body in item.items()
            ]
        if "RequestItems" in params:
            return [(f"dynamodb:{op}", _base(t, service, env)) for t in params["RequestItems"]]
        table = _base(params.get("TableName"), service, env)
        return [(f"dynamodb:{op}", table + (f"/index/{params['IndexName']}" if "IndexName" in params else ""))]
    if service == "s3":
        bucket = _base(params.get("Bucket"), service, env)
        action = "GetObjectVersion" if op == "GetObject" and "VersionId" in params else S3_ACTIONS.get(op, op)
        key = f"/{params['Key']}" if "Key" in params else ""
        copied = [("s3:GetObject", f"<a copy's source {params['CopySource']!r}>")] if "CopySource" in params else []
        return [(f"s3:{action}", bucket + key), *copied]
    if service == "secretsmanager":
        return [(f"secretsmanager:{op}", _base(params.get("SecretId"), service, env))]
    return [(f"{service}:{op}", "*")]


def allowed(statements: Iterable[Statement], action: str, resource: str) -> bool:
    """IAM's evaluation within one identity policy set: an explicit deny wins, else any allow."""
    matching = [s for s in statements if s.matches(action, resource)]
    return bool(matching) and all(s.effect == "Allow" for s in matching)


@dataclass
class Verdict:
    denied: list[str] = field(default_factory=list)
    # (stage, function, action pattern, resource pattern) of every granted pair some call used.
    used: set[tuple[str, str, str, str]] = field(default_factory=set)


def evaluate(calls: Iterable[dict[str, Any]], policies: dict[str, dict[str, dict[str, Any]]]) -> Verdict:
    verdict = Verdict()
    for call in calls:
        for stage, functions in policies.items():
            policy = functions.get(call["function"])
            if policy is None:
                verdict.denied.append(f"{stage}: {call['function']} is no function of the template")
                continue
            statements = [Statement(s["effect"], tuple(s["actions"]), tuple(s["resources"])) for s in policy["statements"]]
            for action, resource in requests(call, policy["env"]):
                if not allowed(statements, action, resource):
                    verdict.denied.append(f"{stage}: {call['function']} may not {action} on {resource} ({call['operation']})")
                    continue
                for s in statements:
                    for a in s.actions:
                        for r in s.resources:
                            if _glob(a, action, case=False) and _glob(r, resource):
                                verdict.used.add((stage, call["function"], a, r))
    return verdict


def unused(policies: dict[str, dict[str, dict[str, Any]]], used: set[tuple[str, str, str, str]]) -> list[str]:
    """Granted actions that no recorded call needed, one line per function and resource."""
    spare: dict[tuple[str, str], set[str]] = {}
    for stage, functions in policies.items():
        for name, policy in functions.items():
            for s in policy["statements"]:
                for r in s["resources"]:
                    for a in s["actions"]:
                        if s["effect"] == "Allow" and (stage, name, a, r) not in used:
                            spare.setdefault((name, r), set()).add(f"{a} ({stage})")
    out = []
    for (name, resource), actions in sorted(spare.items()):
        # The same grant on both stages reads once.
        names = sorted({a.rsplit(" (", 1)[0] for a in actions})
        both = all(f"{a} ({st})" in actions for a in names for st in policies)
        listed = ", ".join(names) if both else ", ".join(sorted(actions))
        out.append(f"{name} on {resource}: {listed}")
    return out


def read_calls(path: Path, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The calls recorded from byte `offset` on, and where the next read starts (after the last
    whole line: one the dev server is still writing is read next time)."""
    if not path.exists():
        return [], offset
    with path.open("rb") as lines:
        lines.seek(offset)
        data = lines.read()
    whole = data[: data.rfind(b"\n") + 1]
    return [json.loads(line) for line in whole.splitlines()], offset + len(whole)

# --- the pytest plugin (tests/conftest.py loads it) -------------------------------------------

CHECKED_SUITES = ("integration", "e2e", "browser")  # where the functions run on moto
CACHE_KEY = "agora/role-policies"


class Checks:
    """The session's record file, the policies (synthesized at the first call to check), what was used."""

    def __init__(self, config: pytest.Config, calls_file: Path) -> None:
        self.config, self.calls_file = config, calls_file
        self.offset = 0
        self.checked = 0
        self.used: set[tuple[str, str, str, str]] = set()
        self._policies: dict[str, dict[str, dict[str, Any]]] | None = None

    def policies(self) -> dict[str, dict[str, dict[str, Any]]]:
        if self._policies is None:
            key, cache = sources_hash(), getattr(self.config, "cache", None)  # none under -p no:cacheprovider
            cached = cache.get(CACHE_KEY, None) if cache else None
            if cached and cached.get("hash") == key:
                self._policies = cached["policies"]
            else:
                self._policies = synthesize_in_subprocess()
                if cache:
                    cache.set(CACHE_KEY, {"hash": key, "policies": self._policies})
        return self._policies

    def new_denials(self) -> list[str]:
        calls, self.offset = read_calls(self.calls_file, self.offset)
        if not calls:
            return []
        verdict = evaluate(calls, self.policies())
        self.checked += len(calls)
        self.used |= verdict.used
        return verdict.denied


def pytest_configure(config: pytest.Config) -> None:
    from agora.local.calls import CALLS_FILE_ENV

    # Inherited by `agora dev` in the e2e suite: its functions record into the same file.
    calls_file = Path(tempfile.mkdtemp(prefix="agora-calls-")) / "aws-calls.jsonl"
    os.environ[CALLS_FILE_ENV] = str(calls_file)
    config.stash[CHECKS] = Checks(config, calls_file)


@pytest.fixture(autouse=True)
def _calls_within_permissions(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each integration, e2e or browser test: every AWS call its functions made is one their role allows."""
    yield
    if Path(request.node.path).relative_to(ROOT / "tests").parts[0] not in CHECKED_SUITES or shutil.which("node") is None:
        return
    denied = request.config.stash[CHECKS].new_denials()
    if denied:
        pytest.fail("calls the functions' roles do not allow (infra/constructs/functions.py):\n" + "\n".join(sorted(set(denied))))


def pytest_sessionfinish(session: pytest.Session) -> None:
    checks = session.config.stash[CHECKS]
    if checks.checked or checks.offset:
        denied = checks.new_denials()  # what the dev server recorded after the last test
        if denied:
            print("\ncalls the functions' roles do not allow:\n" + "\n".join(sorted(set(denied))), file=sys.stderr)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    shutil.rmtree(checks.calls_file.parent, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    checks = config.stash[CHECKS]
    if not checks.checked:
        return
    terminalreporter.section("role permissions")
    terminalreporter.write_line(f"{checks.checked} AWS calls by the functions checked against their roles (dev and prod)")
    spare = unused(checks.policies(), checks.used)
    if spare:
        terminalreporter.write_line("granted but used by no call in this run (X-Ray and the secret are not exercised locally):")
        for line in spare:
            terminalreporter.write_line("  " + line)


CHECKS = pytest.StashKey[Checks]()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    json.dump(synthesize(), sys.stdout)
