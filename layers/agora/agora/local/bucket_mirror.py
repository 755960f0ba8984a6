"""The embedded bucket kept on disk, and bounded.

moto holds the bucket in memory; after every snapshot (the only writer) its current objects are
copied to `bucket/` in the data directory, and put back at the next start. Locally the bucket is
unversioned and keeps the last `KEEP_SNAPSHOTS` snapshot folders (`results/<timestamp>/`): what
is served (the manifest, `results/latest/`, the pool, the index, recent folders) and nothing that
grows with uptime. On AWS the bucket is versioned and expires old versions after 30 days.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

from agora import contract
from agora.local.datadir import read_json, write_atomically

KEEP_SNAPSHOTS = 10


def _listing(s3: Any, bucket: str, prefix: str = "") -> list[dict[str, Any]]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o for page in pages for o in page.get("Contents", [])]


def prune(s3: Any, bucket: str, keep: int = KEEP_SNAPSHOTS) -> int:
    """Delete the snapshot folders older than the `keep` newest; returns how many objects went."""
    latest = contract.LATEST_PREFIX.removeprefix(contract.RESULTS_PREFIX).rstrip("/")
    stamped: dict[str, list[str]] = {}
    for o in _listing(s3, bucket, contract.RESULTS_PREFIX):
        folder, _, name = o["Key"].removeprefix(contract.RESULTS_PREFIX).partition("/")
        if name and folder != latest:  # results/<timestamp>/<file>
            stamped.setdefault(folder, []).append(o["Key"])
    old = [key for folder in sorted(stamped)[:-keep] for key in stamped[folder]]
    for start in range(0, len(old), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in old[start : start + 1000]], "Quiet": True})
    return len(old)


class BucketMirror:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.index_file = root / "index.json"
        self._syncing = threading.Lock()  # the scheduler's copy and the stop's last one never interleave

    def index(self) -> dict[str, dict[str, str]]:
        return read_json(self.index_file, {})

    def restore(self, s3: Any, bucket: str) -> int:
        """Put the kept objects back into a new, empty bucket; returns how many."""
        index = self.index()
        for key, meta in index.items():
            s3.put_object(
                Bucket=bucket, Key=key, Body=(self.objects / meta["sha256"]).read_bytes(),
                ContentType=meta["content_type"], CacheControl=meta.get("cache_control", ""),
            )
        return len(index)

    def sync(self, s3: Any, bucket: str) -> None:
        """Copy the bucket's current objects to disk: blobs first, then the index (the commit point),
        then the blobs nothing names any more."""
        with self._syncing:
            self._sync(s3, bucket)

    def _sync(self, s3: Any, bucket: str) -> None:
        self.objects.mkdir(parents=True, exist_ok=True)
        before = self.index()
        after: dict[str, dict[str, str]] = {}
        for o in _listing(s3, bucket):
            key, etag = o["Key"], o["ETag"]
            if key in before and before[key].get("etag") == etag:
                after[key] = before[key]
                continue
            got = s3.get_object(Bucket=bucket, Key=key)
            body = got["Body"].read()
            sha = hashlib.sha256(body).hexdigest()
            if not (self.objects / sha).exists():
                write_atomically(self.objects / sha, body)
            after[key] = {
                "sha256": sha, "etag": etag,
                "content_type": got.get("ContentType", "application/octet-stream"),
                "cache_control": got.get("CacheControl", ""),
            }
        write_atomically(self.index_file, json.dumps(after, sort_keys=True).encode())
        named = {meta["sha256"] for meta in after.values()}
        for blob in self.objects.iterdir():
            if blob.name not in named and not blob.name.startswith("."):
                blob.unlink()
