"""One fix to moto's DynamoDB for the embedded stack and the in-process tests.

moto's TransactWriteItems keeps a rollback copy of each table it touches, but deep-copies the
table once per *item* of the transaction: score's 100-item transactions copied the tallies table
100 times each, so every batch cost O(items × table) time and memory (the embedded stack grew by
~0.5 MB per vote). Here each table is copied once per transaction, as moto intends; rollback
semantics are unchanged (tests/integration/test_moto_fixes.py).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from moto.dynamodb import models
from moto.dynamodb.models.table import Table


class _EachTableOnce:
    """Stands in for the `copy` module inside one transaction: a table is copied once."""

    def __init__(self) -> None:
        self._tables: dict[int, Table] = {}

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in self._tables:
            self._tables[id(value)] = copy.deepcopy(value, memo)
        return self._tables[id(value)]

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def apply() -> None:
    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "_agora_fixed", False):
        return
    original = backend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        models.copy = _EachTableOnce()  # type: ignore[assignment]
        try:
            return original(self, transact_items)
        finally:
            models.copy = copy  # type: ignore[assignment]

    transact_write_items._agora_fixed = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]
