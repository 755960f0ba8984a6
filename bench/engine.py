"""The embedded engine's costs that must not grow with use: a one-item transaction on DynamoDB Local
at 1,000 vs 100,000 items in the content table (moto's grew with the table: 244 ms at 500 items,
1.8 s at 4,000), and the whole stack's memory after 500 snapshots vs after 10 (the versioned moto
bucket grew ~19 MB a minute)."""

from __future__ import annotations

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


def tree_pss_mb(pid: int) -> float:
    """Memory of a process and every descendant (the JVM, the fork server, the workers), as PSS:
    pages the forked workers share are counted once across them."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(text[text.rindex(")") + 2 :].split()[1])
    tree, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                todo.append(child)
    total = 0
    for member in tree:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total / 1024


def snapshot_rows(few: int, many: int) -> list[Row]:
    import os

    from agora.local.client import Api, Moderator
    from agora.local.simulate import simulate
    from agora.local.stack import EmbeddedStack, Options

    environment = dict(os.environ)  # the stack points this process's AWS clients at itself: undone below
    with tempfile.TemporaryDirectory(prefix="agora-bench-snap-") as scratch:
        stack = EmbeddedStack(Options(ROOT / "consultations" / "demo.toml", port=0, moderator_key="k",
                                      snapshot_every=86_400, data_dir=Path(scratch)))
        stack.start()
        try:
            api = Api(stack.url)
            author = api.register()
            for i in range(10):
                Moderator(api, "k").accept(author.propose(f"Il faut mesurer la mémoire, idée n°{i}")["id"])
            stack.snapshot()
            simulate(stack.url, 30, propose_share=0, concurrency=4, progress=False)
            stack.settle(120)
            for _ in range(few):
                stack.snapshot()
            after_few = tree_pss_mb(os.getpid())
            for _ in range(many - few):
                stack.snapshot()
            after_many = tree_pss_mb(os.getpid())
            kept = len(stack.bucket_mirror.index())
        finally:
            stack.stop()
            os.environ.clear()
            os.environ.update(environment)
    return [
        Row(f"embedded: memory after {many} snapshots vs after {few}", after_many, after_few, "MB", "ratio <= 1.2",
            f"PSS of the stack and its children; {kept} objects kept in the bucket"),
    ]


def rows(quick: bool = False) -> list[Row]:
    small, large = (200, 2_000) if quick else (1_000, 100_000)
    few, many = (3, 12) if quick else (10, 500)
    return transaction_rows(small, large) + snapshot_rows(few, many)
