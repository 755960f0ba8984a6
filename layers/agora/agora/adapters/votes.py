"""Vote items in the content table: one per (participant, proposal), each change a single write."""

from __future__ import annotations

import os
from typing import Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.adapters import items
from agora.adapters.aws import client
from agora.adapters.content import conditional_failed
from agora.domain.votes import Vote, VoteKey


class VoteStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    @classmethod
    def from_env(cls) -> VoteStore:
        return cls(os.environ[c.CONTENT.env_var], client("dynamodb"))

    def put(self, vote: Vote) -> bool:
        """Record a vote unless the participant already holds the same key; True if it changed.

        Another key replaces the whole item, qualifications included. Every change is one
        conditional write on one item, so concurrent changes by a participant serialize there,
        and the tallies, derived from the item's images, never lose one.
        """
        try:
            self.db.put_item(
                TableName=self.table,
                Item=items.vote_item(vote),
                ConditionExpression="attribute_not_exists(pk) OR #key <> :key",
                ExpressionAttributeNames={"#key": "key"},
                ExpressionAttributeValues={":key": {"S": vote.key.value}},
            )
        except ClientError as e:
            if conditional_failed(e):
                return False
            raise
        return True

    def delete(self, participant_id: str, proposal_id: str) -> bool:
        out = self.db.delete_item(
            TableName=self.table, Key=items.vote_key(participant_id, proposal_id), ReturnValues="ALL_OLD"
        )
        return "Attributes" in out

    def get(self, participant_id: str, proposal_id: str) -> Vote | None:
        item = self.db.get_item(
            TableName=self.table, Key=items.vote_key(participant_id, proposal_id), ConsistentRead=True
        ).get("Item")
        return items.vote_from(items.deserialize(item)) if item else None

    def qualify(self, participant_id: str, proposal_id: str, qualification: str, key: VoteKey) -> Vote | None:
        """Add a qualification to a vote of `key` that lacks it; the vote as it now stands,
        or None if nothing changed (no vote, a vote of another key, or already qualified)."""
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=items.vote_key(participant_id, proposal_id),
                UpdateExpression="ADD #quals :q",
                ConditionExpression="#key = :key AND NOT contains(#quals, :name)",
                ExpressionAttributeNames={"#quals": "qualifications", "#key": "key"},
                ExpressionAttributeValues={
                    ":q": {"SS": [qualification]},
                    ":name": {"S": qualification},
                    ":key": {"S": key.value},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as e:
            if conditional_failed(e):
                return None
            raise
        return items.vote_from(items.deserialize(out["Attributes"]))

    def unqualify(self, participant_id: str, proposal_id: str, qualification: str) -> bool:
        """Remove a qualification if the vote has it; True if it was there."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=items.vote_key(participant_id, proposal_id),
                UpdateExpression="DELETE #quals :q",
                ConditionExpression="contains(#quals, :name)",
                ExpressionAttributeNames={"#quals": "qualifications"},
                ExpressionAttributeValues={":q": {"SS": [qualification]}, ":name": {"S": qualification}},
            )
        except ClientError as e:
            if conditional_failed(e):
                return False
            raise
        return True

    def voted_proposal_ids(self, participant_id: str) -> set[str]:
        """The participant's voted set: one Query (paginated past 1 MB), keys only."""
        voted: set[str] = set()
        pages = self.db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :p AND begins_with(sk, :v)",
            ExpressionAttributeValues={":p": {"S": c.PARTICIPANT + participant_id}, ":v": {"S": c.VOTE_SK}},
            ProjectionExpression="sk",
        )
        for page in pages:
            voted.update(i["sk"]["S"].removeprefix(c.VOTE_SK) for i in page["Items"])
        return voted
