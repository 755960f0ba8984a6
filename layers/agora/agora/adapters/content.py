"""The content table: participants, proposals and votes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.adapters import items
from agora.adapters.aws import client
from agora.domain.proposals import Proposal, Status
from agora.domain.participants import Participant
from agora.domain.tallies import Counted


def conditional_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def new_write() -> str:
    """An id for one conditional write, stored with the item (items.WRITE). botocore retries a call
    with the same parameters, so when an attempt took effect but its answer was lost, the retry
    fails its condition against an item that carries this very id: it was our own write."""
    return uuid.uuid4().hex[:16]


def item_when_failed(db: Any, table: str, key: dict[str, Any], error: ClientError) -> dict[str, Any] | None:
    """The item that failed the condition (deserialized): returned by DynamoDB with the error when asked
    (ReturnValuesOnConditionCheckFailure), read again otherwise."""
    raw = error.response.get("Item") or db.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return items.deserialize(raw) if raw else None


def is_own_write(stored: dict[str, Any] | None, write: str) -> bool:
    return stored is not None and stored.get(items.WRITE) == write


class ContentStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    @classmethod
    def from_env(cls) -> ContentStore:
        return cls(os.environ[c.CONTENT.env_var], client("dynamodb"))

    # --- participants ---------------------------------------------------------------------

    def put_participant(self, participant: Participant) -> None:
        write = new_write()
        key = items.participant_key(participant.id)
        try:
            self.db.put_item(
                TableName=self.table,
                Item={**items.participant_item(participant), items.WRITE: {"S": write}},
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as e:
            if not (conditional_failed(e) and is_own_write(item_when_failed(self.db, self.table, key, e), write)):
                raise

    def get_participant(self, participant_id: str) -> Participant | None:
        item = self.db.get_item(TableName=self.table, Key=items.participant_key(participant_id)).get("Item")
        return items.participant_from(items.deserialize(item)) if item else None

    def took_part(self, participant_id: str) -> bool:
        item = self.db.get_item(
            TableName=self.table, Key=items.participant_key(participant_id), ProjectionExpression="took_part_at"
        ).get("Item")
        return bool(item)

    def note_took_part(self, participant_id: str, at: float) -> None:
        """Mark the first vote or proposal; only the first mark lands, so the stream counts it once.
        A forgotten participant stays forgotten (the profile must exist)."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=items.participant_key(participant_id),
                UpdateExpression="SET took_part_at = :at",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(took_part_at)",
                ExpressionAttributeValues=items.serialize({":at": round(at, 3)}),
            )
        except ClientError as e:
            if not conditional_failed(e):
                raise

    def set_demographics(self, participant_id: str, demographics: dict[str, str]) -> Participant | None:
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=items.participant_key(participant_id),
                UpdateExpression="SET demographics = :d",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=items.serialize({":d": demographics}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as e:
            if conditional_failed(e):
                return None
            raise
        return items.participant_from(items.deserialize(out["Attributes"]))

    # --- proposals ------------------------------------------------------------------------

    def get_proposal(self, proposal_id: str, consistent: bool = False) -> Proposal | None:
        item = self.db.get_item(
            TableName=self.table, Key=items.proposal_key(proposal_id), ConsistentRead=consistent
        ).get("Item")
        return items.proposal_from(items.deserialize(item)) if item else None

    def proposals_by_status(self, status: Status, after: str | None = None) -> Iterator[tuple[Proposal, str]]:
        """Proposals with a status, oldest first, each with the cursor that resumes after it."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": c.CONTENT.indexes[0].name,
            "KeyConditionExpression": "status_pk = :s",
            "ExpressionAttributeValues": {":s": {"S": c.STATUS + status.value}},
        }
        if after:
            kwargs["KeyConditionExpression"] += " AND status_sk > :after"
            kwargs["ExpressionAttributeValues"][":after"] = {"S": after}
        for page in self.db.get_paginator("query").paginate(**kwargs):
            for raw in page["Items"]:
                a = items.deserialize(raw)
                yield items.proposal_from(a), a["status_sk"]

    def count_by_status(self, status: Status) -> int:
        total = 0
        pages = self.db.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=c.CONTENT.indexes[0].name,
            KeyConditionExpression="status_pk = :s",
            ExpressionAttributeValues={":s": {"S": c.STATUS + status.value}},
            Select="COUNT",
        )
        for page in pages:
            total += page["Count"]
        return total

    def lock(self, proposal_id: str, owner: str, now: float, until: float) -> Proposal | None:
        """Take (or renew) the moderation lock; None if another moderator holds it or it was decided."""
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=items.proposal_key(proposal_id),
                UpdateExpression="SET lock_owner = :me, lock_until = :until",
                ConditionExpression=(
                    "#status IN (:pending, :postponed) AND "
                    "(attribute_not_exists(lock_until) OR lock_until < :now OR lock_owner = :me)"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=items.serialize(
                    {
                        ":me": owner,
                        ":until": until,
                        ":now": now,
                        ":pending": Status.PENDING.value,
                        ":postponed": Status.POSTPONED.value,
                    }
                ),
                ReturnValues="ALL_NEW",
            )
        except ClientError as e:
            if conditional_failed(e):
                return None
            raise
        return items.proposal_from(items.deserialize(out["Attributes"]))

    def scan_counted(self) -> Iterator[Counted]:
        """Every vote and participant (a full Scan: for audits and recounts, never on a request path)."""
        for page in self.db.get_paginator("scan").paginate(TableName=self.table):
            for raw in page["Items"]:
                sk = raw["sk"]["S"]
                if sk.startswith(c.VOTE_SK) or sk == c.PROFILE_SK:
                    counted = items.counted_from(raw)
                    assert counted is not None
                    yield counted
