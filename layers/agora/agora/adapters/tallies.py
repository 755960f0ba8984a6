"""The tallies table: exact counters per tally item, one checkpoint per stream shard, and the
changes a shard staged ahead of applying them (a commit too large for one transaction)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.domain.tallies import Staged, Tallies, TallyRef, pack, unpack

MAX_TRANSACTION_ITEMS = 100


class CheckpointMoved(Exception):
    """Another invocation committed this shard past the checkpoint we read: our chunk is a replay."""


# A proposal's segment and signal items spread over this many partition keys besides its total's:
# every shard's window commit writes a proposal served to everyone, and its hundreds of items
# (segments, sampled source networks) under one key would take most of a partition's 1,000 WCU/s
# when the windows of all shards close together (docs/capacity.md).
SPREAD_KEYS = 16


def tally_key(ref: TallyRef) -> dict[str, Any]:
    sk = c.TALLY_TOTAL_SK if ref.dimension is None else f"{c.TALLY_SEGMENT_SK}{ref.dimension}#{ref.value}"
    if ref.proposal_id is None:
        pk = c.TALLY_CONSULTATION
    elif ref.dimension is None:
        pk = c.TALLY_PROPOSAL + ref.proposal_id
    else:
        pk = f"{c.TALLY_PROPOSAL}{ref.proposal_id}#{zlib.crc32(sk.encode()) % SPREAD_KEYS}"
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def tally_ref(pk: str, sk: str) -> TallyRef:
    proposal_id = None if pk == c.TALLY_CONSULTATION else pk.removeprefix(c.TALLY_PROPOSAL).partition("#")[0]
    if sk == c.TALLY_TOTAL_SK:
        return TallyRef(proposal_id)
    dimension, _, value = sk.removeprefix(c.TALLY_SEGMENT_SK).partition("#")
    return TallyRef(proposal_id, dimension, value)


def _checkpoint_key(shard_id: str) -> dict[str, Any]:
    return {"pk": {"S": c.CHECKPOINT + shard_id}, "sk": {"S": c.TALLY_TOTAL_SK}}


def _part_key(shard_id: str, staged: Staged, index: int) -> dict[str, Any]:
    return {"pk": {"S": c.STAGED + shard_id}, "sk": {"S": f"{staged.key}#{index:05d}"}}


NOTHING_STAGED = "attribute_not_exists(#staged)"


class TallyStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    def checkpoint(self, shard_id: str) -> int:
        item = self.db.get_item(TableName=self.table, Key=_checkpoint_key(shard_id), ConsistentRead=True).get("Item")
        return int(item["sequence"]["N"]) if item else 0

    def commit(
        self, shard_id: str, changes: Mapping[TallyRef, Mapping[str, int]], expected: int, checkpoint: int
    ) -> None:
        """Apply counter changes and move the shard checkpoint, all or nothing.

        Conditioned on the checkpoint still being `expected`, so a chunk that was already
        committed (a redelivery) fails as a whole instead of counting twice.
        """
        if len(changes) >= MAX_TRANSACTION_ITEMS:
            raise ValueError(f"{len(changes)} tally items do not fit in one transaction with the checkpoint")
        actions: list[dict[str, Any]] = [{"Update": self._add(ref, counters)} for ref, counters in changes.items()]
        actions.append(
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _checkpoint_key(shard_id),
                    "UpdateExpression": "SET #seq = :new",
                    "ConditionExpression": "(attribute_not_exists(#seq) OR #seq = :expected) AND " + NOTHING_STAGED,
                    "ExpressionAttributeNames": {"#seq": "sequence", "#staged": "staged"},
                    "ExpressionAttributeValues": {":new": {"N": str(checkpoint)}, ":expected": {"N": str(expected)}},
                }
            }
        )
        _expect(actions[-1]["Update"], expected)
        self._transact(shard_id, actions)

    def staged(self, shard_id: str) -> Staged | None:
        item = self.db.get_item(TableName=self.table, Key=_checkpoint_key(shard_id), ConsistentRead=True).get("Item")
        if not item or "staged" not in item:
            return None
        return Staged(item["staged"]["S"], int(item["parts"]["N"]), int(item["applied"]["N"]))

    def stage(self, shard_id: str, parts: Sequence[Tallies], expected: int, checkpoint: int) -> Staged:
        """Write the parts, then move the checkpoint past their records and point it at them.

        The parts are plain writes under a key naming the record range, so a stale delivery that
        stages the same range writes the same parts; only the checkpoint's move is conditional.
        """
        staged = Staged(f"{expected}-{checkpoint}", len(parts), 0)
        requests = [
            {"PutRequest": {"Item": {**_part_key(shard_id, staged, i), "tallies": {"B": pack(part)}}}}
            for i, part in enumerate(parts)
        ]
        self._batch_write(requests)
        update = {
            "TableName": self.table,
            "Key": _checkpoint_key(shard_id),
            "UpdateExpression": "SET #seq = :new, #staged = :staged, #parts = :parts, #applied = :zero",
            "ConditionExpression": "(attribute_not_exists(#seq) OR #seq = :expected) AND " + NOTHING_STAGED,
            "ExpressionAttributeNames": {"#seq": "sequence", "#staged": "staged", "#parts": "parts", "#applied": "applied"},
            "ExpressionAttributeValues": {
                ":new": {"N": str(checkpoint)}, ":expected": {"N": str(expected)}, ":staged": {"S": staged.key},
                ":parts": {"N": str(len(parts))}, ":zero": {"N": "0"},
            },
        }  # fmt: skip
        _expect(update, expected)
        self._transact(shard_id, [{"Update": update}])
        return staged

    def part(self, shard_id: str, staged: Staged, index: int) -> Tallies:
        key = _part_key(shard_id, staged, index)
        return unpack(self.db.get_item(TableName=self.table, Key=key, ConsistentRead=True)["Item"]["tallies"]["B"])

    def apply_part(self, shard_id: str, staged: Staged, changes: Mapping[TallyRef, Mapping[str, int]]) -> None:
        """Apply the next staged part, conditioned on it being the next: a part is never applied twice."""
        done = staged.applied + 1 == staged.parts
        actions: list[dict[str, Any]] = [{"Update": self._add(ref, counters)} for ref, counters in changes.items()]
        actions.append(
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _checkpoint_key(shard_id),
                    "UpdateExpression": "REMOVE #staged, #parts, #applied" if done else "SET #applied = :next",
                    "ConditionExpression": "#staged = :staged AND #applied = :applied",
                    "ExpressionAttributeNames": {"#staged": "staged", "#applied": "applied", **({"#parts": "parts"} if done else {})},
                    "ExpressionAttributeValues": {
                        ":staged": {"S": staged.key}, ":applied": {"N": str(staged.applied)},
                        **({} if done else {":next": {"N": str(staged.applied + 1)}}),
                    },
                }
            }
        )  # fmt: skip
        self._transact(shard_id, actions)

    def forget(self, shard_id: str, staged: Staged) -> None:
        """Delete applied parts (they are never read again; a leftover only costs storage)."""
        self._batch_write([{"DeleteRequest": {"Key": _part_key(shard_id, staged, i)}} for i in range(staged.parts)])

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending = {self.table: requests[start : start + 25]}
            while pending:
                pending = self.db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    def _transact(self, shard_id: str, actions: list[dict[str, Any]]) -> None:
        try:
            self.db.transact_write_items(TransactItems=actions)
        except ClientError as e:
            reasons = e.response.get("CancellationReasons") or []
            if reasons and reasons[-1].get("Code") == "ConditionalCheckFailed":
                raise CheckpointMoved(shard_id) from e
            raise

    def _add(self, ref: TallyRef, counters: Mapping[str, int]) -> dict[str, Any]:
        names = {f"#c{i}": name for i, name in enumerate(counters)}
        values = {f":c{i}": {"N": str(n)} for i, n in enumerate(counters.values())}
        return {
            "TableName": self.table,
            "Key": tally_key(ref),
            "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(counters))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    def read_all(self) -> dict[TallyRef, dict[str, int]]:
        """Every tally item (one Scan of a table that holds counters only, never votes)."""
        tallies: dict[TallyRef, dict[str, int]] = {}
        for page in self.db.get_paginator("scan").paginate(TableName=self.table):
            for raw in page["Items"]:
                pk, sk = raw.pop("pk")["S"], raw.pop("sk")["S"]
                if pk.startswith((c.CHECKPOINT, c.STAGED)):
                    continue
                counters = {name: int(v["N"]) for name, v in raw.items() if "N" in v}
                if any(counters.values()):
                    tallies[tally_ref(pk, sk)] = {k: n for k, n in counters.items() if n}
        return tallies


def _expect(update: dict[str, Any], expected: int) -> None:
    """The first commit of a shard finds no checkpoint: condition on its absence instead."""
    if expected == 0:
        update["ConditionExpression"] = update["ConditionExpression"].replace(
            "(attribute_not_exists(#seq) OR #seq = :expected)", "attribute_not_exists(#seq)"
        )
        del update["ExpressionAttributeValues"][":expected"]
