"""Where `agora dev` keeps a consultation between runs (default `.agora/<slug>/`).

    lock                   held while a stack runs: a second `agora dev` on the same data is refused
    dynamodb/              DynamoDB Local's SQLite files: tables, items, streams
    secrets.json           the token- and proof-signing secret (tokens stay valid across restarts)
    stream-position.json   the poller's last handed-over sequence number per shard
    bucket/                the bucket's current objects (index.json names them; objects/ by checksum)

Every file is replaced atomically (written aside, then renamed), so a stack stopped at any
moment leaves either the old or the new state, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import IO, Any


class InUse(RuntimeError):
    """Another stack runs on this data directory."""


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(aside, path)


def read_json(path: Path, default: Any) -> Any:
    return json.loads(path.read_text()) if path.exists() else default


class DataDir:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock: IO[str] | None = None

    def open(self, fresh: bool = False) -> None:
        """Take the lock (refusing a second stack), emptied first with `fresh`."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = (self.root / "lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise InUse(f"another `agora dev` uses {self.root}; stop it, or pass another --data-dir") from None
        self._lock = lock
        if fresh:
            for entry in self.root.iterdir():
                if entry.name != "lock":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    @property
    def dynamodb(self) -> Path:
        return self.root / "dynamodb"

    @property
    def dynamodb_log(self) -> Path:
        return self.root / "dynamodb-local.log"

    @property
    def stream_position(self) -> Path:
        return self.root / "stream-position.json"

    @property
    def bucket(self) -> Path:
        return self.root / "bucket"

    def signing_secret(self) -> str:
        """The stack's secret, made once and kept: tokens and proofs signed before a restart still verify."""
        path = self.root / "secrets.json"
        kept = read_json(path, {})
        if "signing_secret" not in kept:
            kept["signing_secret"] = secrets.token_urlsafe(32)
            write_atomically(path, json.dumps(kept).encode(), mode=0o600)
        return kept["signing_secret"]
