"""The content table: participants, proposals and votes."""

from __future__ import annotations

import os
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


class ContentStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    @classmethod
    def from_env(cls) -> ContentStore:
        return cls(os.environ[c.CONTENT.env_var], client("dynamodb"))

    # --- participants ---------------------------------------------------------------------

    def put_participant(self, participant: Participant) -> None:
        self.db.put_item(
            TableName=self.table,
            Item=items.participant_item(participant),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get_participant(self, participant_id: str) -> Participant | None:
        item = self.db.get_item(TableName=self.table, Key=items.participant_key(participant_id)).get("Item")
        return items.participant_from(items.deserialize(item)) if item else None

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

    def put_proposal(self, proposal: Proposal) -> None:
        self.db.put_item(
            TableName=self.table,
            Item=items.proposal_item(proposal),
            ConditionExpression="attribute_not_exists(pk)",
        )

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

    def save_decision(self, decided: Proposal, previous: Proposal, moderator: str, now: float) -> bool:
        """Store a moderation decision unless the proposal changed or another moderator holds its lock."""
        item = items.proposal_item(decided)
        item.pop("pk"), item.pop("sk")
        names = {f"#a{i}": k for i, k in enumerate(item)}
        values = {f":a{i}": v for i, v in enumerate(item.values())}
        values.update(items.serialize({":prev": previous.status.value, ":me": moderator, ":now": now}))
        sets = ", ".join(f"#a{i} = :a{i}" for i in range(len(item)))
        try:
            self.db.update_item(
                TableName=self.table,
                Key=items.proposal_key(decided.id),
                UpdateExpression=f"SET {sets} REMOVE lock_owner, lock_until",
                ConditionExpression=(
                    "#a_status = :prev AND (attribute_not_exists(lock_until) OR lock_until < :now OR lock_owner = :me)"
                ),
                ExpressionAttributeNames={**names, "#a_status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as e:
            if conditional_failed(e):
                return False
            raise
        return True

    def scan_counted(self) -> Iterator[Counted]:
        """Every vote and participant (a full Scan: for audits and recounts, never on a request path)."""
        for page in self.db.get_paginator("scan").paginate(TableName=self.table):
            for raw in page["Items"]:
                sk = raw["sk"]["S"]
                if sk.startswith(c.VOTE_SK) or sk == c.PROFILE_SK:
                    counted = items.counted_from(raw)
                    assert counted is not None
                    yield counted
