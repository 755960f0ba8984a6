"""The embedded engine's costs that must not grow with use: a one-item transaction on DynamoDB Local
at 1,000 vs 100,000 items in the content table (moto's grew with the table: 244 ms at 500 items,
1.8 s at 4,000), and the whole stack's memory after 500 snapshots vs after 10 (the versioned moto
bucket grew ~19 MB a minute)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from agora import contract
from agora.local import resources
from agora.local.dynamodb_local import DynamoDBLocal
from bench._proc import pss_mb
from bench.harness import Row

ROOT = Path(__file__).resolve().parents[1]
TABLE = "bench-content"


def item(n: int) -> dict[str, Any]:
    return {"pk": {"S": f"PARTICIPANT#{n:08d}"}, "sk": {"S": f"VOTE#{n % 900:032d}"},
            "key": {"S": "agree"}, "voted_at": {"N": f"{1.8e9 + n:.4f}"}}


def fill(db: Any, start: int, stop: int) -> None:
    """Items `start`..`stop` (vote-sized), 25 per BatchWriteItem, from 4 threads."""
    def batch(first: int) -> None:
        pending: dict[str, Any] = {TABLE: [{"PutRequest": {"Item": item(n)}} for n in range(first, min(first + 25, stop))]}
        while pending:
            pending = db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(batch, range(start, stop, 25)))


# DynamoDB Local keeps, next to each key, a salted SHA-1 of it (`LocalDBUtils.getHashValue` in its jar)
# that orders a Scan and its pages: rows written here must carry the same.
SALT = b"LocalDdb"


def key_hash(*parts: bytes) -> bytes:
    return hashlib.sha1(SALT + b"".join(parts)).digest()


def bulk_fill(db_file: Path, start: int, stop: int) -> None:
    """Items `start`..`stop` written into DynamoDB Local's SQLite store while it is stopped, as its
    own writes leave them (the key, its hashes, the item as JSON, a stream record): through the
    engine they take 20-70 ms each on this loaded machine, an hour or more for 100,000."""
    with sqlite3.connect(db_file) as sql:
        size, stream, shard, record, last = sql.execute(
            f'SELECT t.itemSize, u.StreamID, u.ShardID, u.StreamRecord, (SELECT max(SequenceNumber) FROM us) '
            f'FROM "{TABLE}" t, us u LIMIT 1'
        ).fetchone()

        def row(i: dict[str, Any]) -> tuple[Any, ...]:
            pk, sk = i["pk"]["S"].encode(), i["sk"]["S"].encode()
            hashed, ranged = key_hash(pk), key_hash(sk)
            return pk, sk, hashed, ranged, size, json.dumps(i, separators=(",", ":")).encode(), key_hash(hashed, ranged)

        sql.executemany(
            f'INSERT INTO "{TABLE}" (hashKey, rangeKey, hashValue, rangeValue, itemSize, ObjectJSON, hashRangeValue) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            map(row, map(item, range(start, stop))),
        )
        now = int(time.time() * 1000)
        sql.executemany(
            "INSERT INTO us (StreamID, ShardID, SequenceNumber, CreationDateTime, StreamRecord, OperationType) VALUES (?, ?, ?, ?, ?, 'INSERT')",
            ((stream, shard, last + 1 + n, now, record) for n in range(stop - start)),
        )


def transaction_ms(db: Any, repeat: int = 40) -> float:
    """Median milliseconds of a one-item conditional TransactWriteItems (a vote's shape)."""
    samples = []
    for _ in range(repeat):
        item = {"pk": {"S": f"PARTICIPANT#{uuid.uuid4().hex}"}, "sk": {"S": "VOTE#x"}, "key": {"S": "agree"}}
        began = time.perf_counter()
        db.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}])
        samples.append(1000 * (time.perf_counter() - began))
    return statistics.median(samples)


def transaction_rows(small: int, large: int) -> list[Row]:
    """Each size measured on a freshly started engine (its JIT warmed up by a first pass)."""
    with tempfile.TemporaryDirectory(prefix="agora-bench-ddb-") as scratch:
        engine = DynamoDBLocal(Path(scratch) / "db", Path(scratch) / "log")
        engine.start()
        try:
            db = engine.client("dynamodb")
            db.create_table(**resources.table_definition(contract.CONTENT, TABLE))
            began = time.perf_counter()
            fill(db, 0, small)
            through_engine = small / (time.perf_counter() - began)
            measured = {}
            for size in (small, large):
                engine.stop()
                bulk_fill(next(engine.db_path.glob("*.db")), small, size)
                engine.start()
                db = engine.client("dynamodb")
                count = sum(page["Count"] for page in db.get_paginator("scan").paginate(TableName=TABLE, Select="COUNT"))
                assert count >= size, f"the engine's Scan sees {count} items, not {size}"  # and the transactions' own
                transaction_ms(db)  # the JVM compiles the path first
                measured[size] = transaction_ms(db)
            found = db.get_item(TableName=TABLE, Key={k: item(large - 1)[k] for k in ("pk", "sk")}).get("Item")
            assert found == item(large - 1), found  # the engine reads what was written to its store
        finally:
            engine.stop()
    return [
        Row(f"DynamoDB Local: one-item transaction at {large:,} vs {small:,} items", measured[large], measured[small], "ms",
            "ratio <= 1.5", f"median of 40; the first {small:,} items written through the engine ({through_engine:.0f} items/s), "
            f"the rest into its SQLite store"),
    ]


class Published:
    """Counts the snapshots by what they publish: each distinct manifest read from the bucket."""

    def __init__(self, stack: Any) -> None:
        self.stack, self.seen = stack, set()

    def count(self) -> int:
        found = self.stack.read_file(contract.MANIFEST_KEY)
        if found is not None:
            self.seen.add(json.loads(found[0])["generated_at"])
        return len(self.seen)

    def wait_for(self, count: int, timeout: float) -> int:
        """How many were published once `count` were, or `timeout` passed. Polled faster than a
        snapshot takes (one of these, at least a few tenths of a second), so none is missed."""
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.seen)


def snapshot_rows(few: int, many: int, allowed: float) -> list[Row]:
    import os

    from agora.local.client import Api, Moderator
    from agora.local.simulate import simulate
    from agora.local.stack import EmbeddedStack, Options

    environment = dict(os.environ)  # the stack points this process's AWS clients at itself: undone below
    with tempfile.TemporaryDirectory(prefix="agora-bench-snap-") as scratch:
        # The scheduler itself runs them, back to back: the period is shorter than a snapshot.
        stack = EmbeddedStack(Options(ROOT / "consultations" / "demo.toml", port=0, moderator_key="k",
                                      snapshot_every=0.05, data_dir=Path(scratch)))
        stack.start()
        try:
            api = Api(stack.url)
            author = api.register()
            for i in range(10):
                Moderator(api, "k").accept(author.propose(f"Il faut mesurer la mémoire, idée n°{i}")["id"])
            simulate(stack.url, 30, propose_share=0, concurrency=4, progress=False)
            stack.settle(120)
            published = Published(stack)
            began = published.count()  # those of the set-up are not counted
            if published.wait_for(began + few, 600) < began + few:
                raise TimeoutError(f"fewer than {few} snapshots in 10 min")
            after_few, few_at = pss_mb(os.getpid()), time.perf_counter()
            # Bounded: a snapshot takes seconds on a loaded machine; the row says how many were reached.
            reached = published.wait_for(began + many, allowed) - began
            after_many, minutes = pss_mb(os.getpid()), (time.perf_counter() - few_at) / 60
            kept, failed = len(stack.bucket_mirror.index()), len(stack.scheduler.errors)
        finally:
            stack.stop()
            os.environ.clear()
            os.environ.update(environment)
    return [
        Row(f"embedded: memory after {min(reached, many)} snapshots vs after {few}", after_many, after_few, "MB", "ratio <= 1.2",
            f"PSS of the stack and its children; {reached} snapshots published (scheduler every 0.05 s), "
            f"{reached - few} of them in {minutes:.1f} min, {failed} failed; {kept} objects kept in the bucket"),
    ]


def rows(quick: bool = False) -> list[Row]:
    small, large = (200, 2_000) if quick else (1_000, 100_000)
    few, many, allowed = (3, 12, 300) if quick else (10, 500, 25 * 60)
    return transaction_rows(small, large) + snapshot_rows(few, many, allowed)
