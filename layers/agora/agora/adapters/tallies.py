"""The tallies table: exact counters per tally item, and one checkpoint per stream shard."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.adapters.aws import client
from agora.domain.tallies import TallyRef

MAX_TRANSACTION_ITEMS = 100


class CheckpointMoved(Exception):
    """Another invocation committed this shard past the checkpoint we read: our chunk is a replay."""


def tally_key(ref: TallyRef) -> dict[str, Any]:
    pk = c.TALLY_CONSULTATION if ref.proposal_id is None else c.TALLY_PROPOSAL + ref.proposal_id
    sk = c.TALLY_TOTAL_SK if ref.dimension is None else f"{c.TALLY_SEGMENT_SK}{ref.dimension}#{ref.value}"
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def tally_ref(pk: str, sk: str) -> TallyRef:
    proposal_id = None if pk == c.TALLY_CONSULTATION else pk.removeprefix(c.TALLY_PROPOSAL)
    if sk == c.TALLY_TOTAL_SK:
        return TallyRef(proposal_id)
    dimension, _, value = sk.removeprefix(c.TALLY_SEGMENT_SK).partition("#")
    return TallyRef(proposal_id, dimension, value)


def _checkpoint_key(shard_id: str) -> dict[str, Any]:
    return {"pk": {"S": c.CHECKPOINT + shard_id}, "sk": {"S": c.TALLY_TOTAL_SK}}


class TallyStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    @classmethod
    def from_env(cls) -> TallyStore:
        return cls(os.environ[c.TALLIES.env_var], client("dynamodb"))

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
                    "ConditionExpression": "attribute_not_exists(#seq) OR #seq = :expected",
                    "ExpressionAttributeNames": {"#seq": "sequence"},
                    "ExpressionAttributeValues": {":new": {"N": str(checkpoint)}, ":expected": {"N": str(expected)}},
                }
            }
        )
        if expected == 0:
            update = actions[-1]["Update"]
            update["ConditionExpression"] = "attribute_not_exists(#seq)"
            del update["ExpressionAttributeValues"][":expected"]
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
                if pk.startswith(c.CHECKPOINT):
                    continue
                counters = {name: int(v["N"]) for name, v in raw.items() if "N" in v}
                if any(counters.values()):
                    tallies[tally_ref(pk, sk)] = {k: n for k, n in counters.items() if n}
        return tallies
