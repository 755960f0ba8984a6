"""Run the Lambda handlers in-process, with Lambda's one-event-per-container concurrency model.

Each container is a separate load of `functions/<name>/handler.py` (its own module globals,
like a warm Lambda container), checked out for one invocation at a time.
"""

from __future__ import annotations

import importlib.util
import itertools
import queue
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from agora.local import calls

FUNCTIONS_DIR = Path(__file__).resolve().parents[4] / "functions"


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


class FunctionHost:
    def __init__(self, functions_dir: Path = FUNCTIONS_DIR, max_containers: int = 8) -> None:
        self.functions_dir = functions_dir
        self.max_containers = max_containers
        self._idle: dict[str, queue.LifoQueue[ModuleType]] = {}
        self._started: dict[str, int] = {}
        self._lock = threading.Lock()
        self._serial = itertools.count()
        calls.install_from_environment()

    def names(self) -> list[str]:
        return sorted(p.parent.name for p in self.functions_dir.glob("*/handler.py"))

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        with calls.invoking(name):
            container = self._checkout(name)
            try:
                return container.lambda_handler(event, LambdaContext(name))
            finally:
                self._idle[name].put(container)

    def _checkout(self, name: str) -> ModuleType:
        with self._lock:
            idle = self._idle.setdefault(name, queue.LifoQueue())
            cold = idle.empty() and self._started.get(name, 0) < self.max_containers
            if cold:
                self._started[name] = self._started.get(name, 0) + 1
        return self.load(name) if cold else idle.get()

    def load(self, name: str) -> ModuleType:
        path = self.functions_dir / name / "handler.py"
        spec = importlib.util.spec_from_file_location(f"agora_function_{name}_{next(self._serial)}", path)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
