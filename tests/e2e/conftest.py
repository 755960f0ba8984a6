"""Start `agora dev` as an operator would, on a free port, and stop it with Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import boto3
import pytest

from tests.conftest import DEMO, ROOT

T = TypeVar("T")
MODERATOR_KEY = "e2e-moderator-key"
AWS_ENDPOINT = re.compile(r"AWS endpoint: (\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(probe: Callable[[], T], timeout: float = 300.0, interval: float = 0.2) -> T:
    """Poll an observable condition until it holds (the stream and the scheduler run on their own).
    The deadline only bounds a broken run: a busy machine takes longer, a passing run stops early."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            assert result, f"condition still false after {timeout} s"
            return result
        time.sleep(interval)


@dataclass
class RunningStack:
    url: str
    aws_endpoint: str
    process: subprocess.Popen[str]
    output: list[str]  # what it printed until `ready`
    data_dir: Path
    later: list[str] = field(default_factory=list)  # what it printed since, read as it comes
    reader: threading.Thread | None = None

    def client(self, service: str):
        return boto3.client(
            service, endpoint_url=self.aws_endpoint, region_name="eu-west-3",
            aws_access_key_id="embedded", aws_secret_access_key="embedded",
        )


def start(*extra: str, data_dir: Path | None = None) -> RunningStack:
    """A stack on its own data directory (a new one unless given: each test starts empty)."""
    port = free_port()
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="agora-e2e-"))
    process = subprocess.Popen(
        [sys.executable, "-m", "agora.cli", "dev", "--port", str(port), "--consultation", str(DEMO),
         "--moderator-key", MODERATOR_KEY, "--data-dir", str(data_dir), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)
        if "ready" in line:
            break
    else:
        raise AssertionError("agora dev stopped before it was ready:\n" + "".join(output))
    endpoint = next(m.group(1) for line in output if (m := AWS_ENDPOINT.search(line)))
    running = RunningStack(f"http://127.0.0.1:{port}", endpoint, process, output, data_dir)
    # Drained as it comes: a full pipe would block the stack's next log line, and with it a request.
    running.reader = threading.Thread(target=lambda: running.later.extend(process.stdout), daemon=True)  # type: ignore[arg-type]
    running.reader.start()
    return running


def stop(stack: RunningStack, keep_data: bool = False) -> str:
    """Ctrl-C, as an operator stops it; its data directory goes too unless kept for a restart."""
    stack.process.send_signal(signal.SIGINT)
    stack.process.wait(timeout=60)
    if stack.reader is not None:
        stack.reader.join(timeout=10)
    rest = "".join(stack.later)
    if not keep_data:
        shutil.rmtree(stack.data_dir, ignore_errors=True)
    return rest


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    running = start("--snapshot-every", "1", "--redeliver-every", "2")
    yield running
    if running.process.poll() is None:
        stop(running)
