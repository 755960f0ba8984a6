"""Participant profiles in the content table: written once at registration, marked at the first vote
or proposal, their answers updated."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from agora.adapters import items
from agora.adapters.content import conditional_failed, is_own_write, item_when_failed, new_write
from agora.domain.participants import Participant


class ParticipantStore:
    def __init__(self, table: str, dynamodb: Any, expires_at: int) -> None:
        self.table, self.db, self.expires_at = table, dynamodb, expires_at

    def put(self, participant: Participant) -> None:
        write = new_write()
        key = items.participant_key(participant.id)
        try:
            self.db.put_item(
                TableName=self.table,
                Item={**items.participant_item(participant, self.expires_at), items.WRITE: {"S": write}},
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as e:
            if not (conditional_failed(e) and is_own_write(item_when_failed(self.db, self.table, key, e), write)):
                raise

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
        """The profile with these answers; None if there is no such participant."""
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
