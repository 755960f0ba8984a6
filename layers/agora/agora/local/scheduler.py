"""EventBridge Scheduler's job on one machine: invoke snapshot every period, or on demand."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Scheduler:
    def __init__(self, every: float, run: Callable[[], Any]) -> None:
        self.every, self._run_job = every, run
        self.runs = 0
        self.errors: list[str] = []
        self._lock = threading.Lock()  # one snapshot at a time, as with a reserved concurrency of 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop scheduling; a snapshot still running after `timeout` is left to its function's fate
        (a snapshot writes its manifest last: cut short, it leaves the previous one served)."""
        self._stop.set()
        self._thread.join(timeout=timeout)

    def run_now(self) -> Any:
        with self._lock:
            result = self._run_job()
            self.runs += 1
            return result

    @contextmanager
    def withheld(self) -> Iterator[None]:
        """No snapshot starts meanwhile (one under way finishes first): none publishes half an import."""
        with self._lock:
            yield

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.run_now()
            except Exception as e:  # noqa: BLE001 - a failed snapshot leaves the previous one served
                error = f"{type(e).__name__}: {e}"
                if not self.errors or self.errors[-1] != error:  # said once, not every period
                    print(f"snapshot failed: {error}", file=sys.stderr, flush=True)
                self.errors.append(error)
