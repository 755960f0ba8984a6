"""Run the Lambda handlers with Lambda's one-event-per-container concurrency model.

Each container is a separate load of `functions/<name>/handler.py` (its own module globals,
its own services from `agora.bootstrap.container()`, like a warm Lambda container), checked out for one invocation at a time. `FunctionHost` keeps
containers in this process (for the in-process tests, whose moto mock lives here);
`ProcessFunctionHost` makes each container a worker process, as Lambda does: Powertools keeps
the event being resolved on the router *class*, so two containers sharing an interpreter would
read each other's bodies and identities.
"""

from __future__ import annotations

import contextlib
import cProfile
import importlib.util
import itertools
import multiprocessing
import os
import queue
import signal
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from agora.local import calls

FUNCTIONS_DIR = Path(__file__).resolve().parents[4] / "functions"
# Set to a directory, each worker profiles its invocations and writes `<function>-<pid>.prof` there as
# it exits (read with `python -m pstats`): where a request's time goes inside the handlers.
PROFILE_DIR_ENV = "AGORA_PROFILE_DIR"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


class Container(Protocol):
    def lambda_handler(self, event: dict[str, Any], context: Any) -> Any: ...


class FunctionError(RuntimeError):
    """The handler raised: Lambda's unhandled function error."""


class ContainerDied(FunctionError):
    """The container's process exited during an invocation."""


def load_module(path: Path, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FunctionHost:
    def __init__(self, functions_dir: Path = FUNCTIONS_DIR, max_containers: int = 8) -> None:
        self.functions_dir = functions_dir
        self.max_containers = max_containers
        self._idle: dict[str, queue.LifoQueue[Any]] = {}
        self._started: dict[str, int] = {}
        self._lock = threading.Lock()
        self._serial = itertools.count()
        calls.install_from_environment()

    def names(self) -> list[str]:
        return sorted(p.parent.name for p in self.functions_dir.glob("*/handler.py"))

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        with calls.invoking(name):
            container: Container | None = self._checkout(name)
            try:
                return container.lambda_handler(event, LambdaContext(name))  # type: ignore[union-attr]
            except ContainerDied:
                container = None  # replaced by a cold one on demand
                with self._lock:
                    self._started[name] -= 1
                raise
            finally:
                if container is not None:
                    self._idle[name].put(container)

    def _checkout(self, name: str) -> Any:
        with self._lock:
            idle = self._idle.setdefault(name, queue.LifoQueue())
            cold = idle.empty() and self._started.get(name, 0) < self.max_containers
            if cold:
                self._started[name] = self._started.get(name, 0) + 1
        if not cold:
            return idle.get()
        try:
            return self.container(name)
        except BaseException:
            with self._lock:
                self._started[name] -= 1
            raise

    def container(self, name: str) -> Container:
        return self.load(name)

    def load(self, name: str) -> ModuleType:
        """The handler module, loaded afresh in this process."""
        return load_module(self.functions_dir / name / "handler.py", f"agora_function_{name}_{next(self._serial)}")


# Imported once by the fork server, so a cold container starts in a fraction of the time. Libraries
# only: agora's modules read the environment when imported (the logger's service name, say).
PRELOAD = ["boto3", "botocore.session", "pydantic", "aws_lambda_powertools.event_handler", "numpy"]


def _context() -> Any:
    """Workers fork from a single-threaded server process: never from this one, full of threads."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class WorkerContainer:
    """One warm container: a process that loaded the handler and runs one event at a time."""

    def __init__(self, functions_dir: Path, name: str) -> None:
        context = _context()
        self._conn, child = context.Pipe()
        handler = str(functions_dir / name / "handler.py")
        self.process = context.Process(
            target=_serve, args=(child, handler, name, dict(os.environ)), name=f"lambda-{name}", daemon=True
        )
        self.process.start()
        child.close()
        ready = self._receive()
        if ready[0] != "ready":
            self.stop(time.monotonic() + 1)
            raise FunctionError(f"{name} failed to start: {ready[1]}")

    def lambda_handler(self, event: dict[str, Any], _context: Any) -> Any:
        self._conn.send(event)
        outcome, value = self._receive()
        if outcome == "error":
            raise FunctionError(value)
        return value

    def _receive(self) -> tuple[str, Any]:
        try:
            return self._conn.recv()
        except (EOFError, OSError) as e:
            raise ContainerDied(f"the container exited (code {self.process.exitcode}): {type(e).__name__}") from e

    def stop(self, deadline: float) -> None:
        """Wait for the worker to exit (its pipe is closed) until `deadline`, then kill it."""
        self._conn.close()
        self.process.join(timeout=max(0.0, deadline - time.monotonic()))
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=1)


def _serve(conn: Connection, path: str, name: str, environment: dict[str, str]) -> None:
    """A worker's life: load the handler once, then answer events until the host closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the host stops us
    os.environ.clear()
    os.environ.update(environment)  # the stack's environment now, not the fork server's at its start
    calls.install_from_environment()
    try:
        with calls.invoking(name):
            module = load_module(Path(path), f"agora_function_{name}")
    except Exception as e:  # noqa: BLE001 - reported to the host, which fails the invocation
        conn.send(("error", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", None))
    profile_dir = environment.get(PROFILE_DIR_ENV)
    profiler = cProfile.Profile() if profile_dir else None
    while True:
        try:
            event = conn.recv()
        except (EOFError, OSError):
            if profiler is not None:
                profiler.dump_stats(Path(profile_dir, f"{name}-{os.getpid()}.prof"))
            return
        try:
            with calls.invoking(name), profiler or contextlib.nullcontext():
                reply: tuple[str, Any] = ("ok", module.lambda_handler(event, LambdaContext(name)))
        except Exception as e:  # noqa: BLE001 - Lambda reports an unhandled error to the invoker
            reply = ("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}")
        conn.send(reply)


class ProcessFunctionHost(FunctionHost):
    """Each warm container a worker process: a pool per function, one invocation at a time each."""

    def __init__(self, functions_dir: Path = FUNCTIONS_DIR, max_containers: int = 4) -> None:
        super().__init__(functions_dir, max_containers)
        self._all: list[WorkerContainer] = []

    @staticmethod
    def warm_up() -> threading.Thread:
        """Start the fork server (its imports take seconds) while the rest of the stack starts."""
        from multiprocessing import forkserver

        _context()
        thread = threading.Thread(target=forkserver.ensure_running, name="forkserver-warm-up", daemon=True)
        thread.start()
        return thread

    def container(self, name: str) -> Container:
        started = WorkerContainer(self.functions_dir, name)
        with self._lock:
            self._all.append(started)
        return started

    def stop(self, grace: float = 2.0) -> None:
        with self._lock:
            containers, self._all = self._all, []
        for c in containers:
            c._conn.close()  # every idle worker starts exiting at once
        deadline = time.monotonic() + grace
        for c in containers:
            c.stop(deadline)
