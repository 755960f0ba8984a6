"""The embedded engine's costs that must not grow with use: a one-item transaction on DynamoDB Local
at 1,000 vs 100,000 items in the content table (moto's grew with the table: 244 ms at 500 items,
1.8 s at 4,000), and the whole stack's memory after 500 snapshots vs after 10 (the versioned moto
bucket grew ~19 MB a minute)."""

from __future__ import annotations

import json
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


def fill(db: Any, count: int) -> None:
    """`count` vote-sized items, 25 per BatchWriteItem, from 4 threads."""
    def batch(start: int) -> None:
        items = [
            {"PutRequest": {"Item": {"pk": {"S": f"PARTICIPANT#{n:08d}"}, "sk": {"S": f"VOTE#{n % 900:032d}"},
                                     "key": {"S": "agree"}, "voted_at": {"N": str(time.time())}}}}
            for n in range(start, min(start + 25, count))
        ]
        pending: dict[str, Any] = {TABLE: items}
        while pending:
            pending = db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(batch, range(0, count, 25)))


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
    with tempfile.TemporaryDirectory(prefix="agora-bench-ddb-") as scratch:
        engine = DynamoDBLocal(Path(scratch) / "db", Path(scratch) / "log")
        engine.start()
        try:
            db = engine.client("dynamodb")
            db.create_table(**resources.table_definition(contract.CONTENT, TABLE))
            fill(db, small)
            transaction_ms(db)  # the JVM compiles the path first
            at_small = transaction_ms(db)
            began = time.perf_counter()
            fill(db, large - small)
            filled = time.perf_counter() - began
            at_large = transaction_ms(db)
        finally:
            engine.stop()
    return [
        Row(f"DynamoDB Local: one-item transaction at {large:,} vs {small:,} items", at_large, at_small, "ms", "ratio <= 1.5",
            f"median of 40; {large - small:,} items written in {filled:.0f} s"),
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

    def wait_for(self, count: int, timeout: float) -> None:
        """Polled faster than a snapshot takes (one of these, at least a few tenths of a second), so none is missed."""
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.seen)} snapshots published after {timeout} s, not {count}")
            time.sleep(0.05)


def snapshot_rows(few: int, many: int) -> list[Row]:
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
            published.wait_for(began + few, 600)
            after_few, few_at = pss_mb(os.getpid()), time.perf_counter()
            published.wait_for(began + many, 3600)
            after_many, minutes = pss_mb(os.getpid()), (time.perf_counter() - few_at) / 60
            kept, failed = len(stack.bucket_mirror.index()), len(stack.scheduler.errors)
        finally:
            stack.stop()
            os.environ.clear()
            os.environ.update(environment)
    return [
        Row(f"embedded: memory after {many} snapshots vs after {few}", after_many, after_few, "MB", "ratio <= 1.2",
            f"PSS of the stack and its children; scheduler every 0.05 s, {many - few} snapshots in {minutes:.1f} min, "
            f"{failed} failed; {kept} objects kept in the bucket"),
    ]


def rows(quick: bool = False) -> list[Row]:
    small, large = (200, 2_000) if quick else (1_000, 100_000)
    few, many = (3, 12) if quick else (10, 500)
    return transaction_rows(small, large) + snapshot_rows(few, many)
