"""Vote items in the content table: one per (participant, proposal), each change a single write;
and the reads of them outside the request path (the snapshot's sample, audits' recounts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.adapters import items
from agora.adapters.content import conditional_failed, is_own_write, item_when_failed, new_write
from agora.domain.errors import Conflict
from agora.domain.tallies import Counted
from agora.domain.votes import Trust, Vote, VoteKey

if TYPE_CHECKING:  # the sample needs numpy, which recording a vote must not wait for
    from agora.results.sample import VoteSample


def _changed_meanwhile() -> Conflict:
    return Conflict("vote_changed", "Your vote changed while it was being recorded; try again.")


class VoteStore:
    def __init__(self, table: str, dynamodb: Any, expires_at: int) -> None:
        self.table, self.db, self.expires_at = table, dynamodb, expires_at

    def put(self, vote: Vote) -> tuple[Vote, bool]:
        """Record a vote; the vote as it now stands, and whether this request changed it.

        Another key replaces the whole item, qualifications included. The same key again changes
        nothing, except that a vote made in the sequence upgrades an untrusted one (see `_upgrade`).
        Every change is one conditional write on one item, so concurrent changes by a participant
        serialize there, and the tallies, derived from the item's images, never lose one.
        """
        write = new_write()
        try:
            self.db.put_item(
                TableName=self.table,
                Item={**items.vote_item(vote, self.expires_at), items.WRITE: {"S": write}},
                ConditionExpression="attribute_not_exists(pk) OR #key <> :key",
                ExpressionAttributeNames={"#key": "key"},
                ExpressionAttributeValues={":key": {"S": vote.key.value}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as e:
            if not conditional_failed(e):
                raise
            stored = self._when_failed(vote, e)
            if is_own_write(stored, write):
                return items.vote_from(stored), True  # applied, answer lost, retried by the SDK
            current = items.vote_from(stored) if stored else None
            if current is not None and current.trust is Trust.UNTRUSTED and vote.trust is Trust.SEQUENCE:
                return self._upgrade(vote)
            if current is None:  # withdrawn between the attempt and the read
                raise _changed_meanwhile() from e
            return current, False
        return vote, True

    def _upgrade(self, vote: Vote) -> tuple[Vote, bool]:
        """The same key, now with a valid proof: the vote becomes the one made in the sequence (as
        Make.org counts it), keeping its qualifications. Never the reverse: a later vote without a
        proof leaves a trusted one as it is."""
        write = new_write()
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=items.vote_key(vote.participant_id, vote.proposal_id),
                UpdateExpression="SET #trust = :sequence, voted_at = :at, #source = :source, #write = :write",
                ConditionExpression="#key = :key AND #trust = :untrusted",
                ExpressionAttributeNames={"#key": "key", "#trust": "trust", "#source": "source", "#write": items.WRITE},
                ExpressionAttributeValues=items.serialize(
                    {
                        ":sequence": Trust.SEQUENCE.value,
                        ":untrusted": Trust.UNTRUSTED.value,
                        ":key": vote.key.value,
                        ":at": vote.voted_at,
                        ":source": vote.source,
                        ":write": write,
                    }
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as e:
            if not conditional_failed(e):
                raise
            stored = self._when_failed(vote, e)
            if stored is None:
                raise _changed_meanwhile() from e
            return items.vote_from(stored), is_own_write(stored, write)
        return items.vote_from(items.deserialize(out["Attributes"])), True

    def _when_failed(self, vote: Vote, error: ClientError) -> dict[str, Any] | None:
        return item_when_failed(self.db, self.table, items.vote_key(vote.participant_id, vote.proposal_id), error)

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
        or None if this request changed nothing (no vote, a vote of another key, or already qualified)."""
        write = new_write()
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=items.vote_key(participant_id, proposal_id),
                UpdateExpression="ADD #quals :q SET #write = :write",
                ConditionExpression="#key = :key AND NOT contains(#quals, :name)",
                ExpressionAttributeNames={"#quals": "qualifications", "#key": "key", "#write": items.WRITE},
                ExpressionAttributeValues={
                    ":q": {"SS": [qualification]},
                    ":name": {"S": qualification},
                    ":key": {"S": key.value},
                    ":write": {"S": write},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as e:
            if not conditional_failed(e):
                raise
            stored = item_when_failed(self.db, self.table, items.vote_key(participant_id, proposal_id), e)
            return items.vote_from(stored) if is_own_write(stored, write) else None
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

    def not_to_serve(self, participant_id: str) -> set[str]:
        """The proposals a participant has voted on or proposed: one Query of their partition
        (paginated past 1 MB) from their submissions record on, which sorts just before their votes."""
        found: set[str] = set()
        pages = self.db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :p AND sk >= :from",
            ExpressionAttributeValues={":p": {"S": c.PARTICIPANT + participant_id}, ":from": {"S": c.SUBMISSIONS_SK}},
            ProjectionExpression="sk, ids",
        )
        for page in pages:
            for item in page["Items"]:
                sk = item["sk"]["S"]
                if sk.startswith(c.VOTE_SK):
                    found.add(sk.removeprefix(c.VOTE_SK))
                elif sk == c.SUBMISSIONS_SK:
                    found.update(i["S"] for i in item.get("ids", {}).get("L", []))
        return found

    def sample(self) -> VoteSample:
        """A capped sample of whole participants' votes (adapters.vote_sample), for the snapshot."""
        from agora.adapters.vote_sample import read_sample

        return read_sample(self.db, self.table)

    def scan_counted(self) -> Iterator[Counted]:
        return scan_counted(self.table, self.db)


def scan_counted(table: str, db: Any) -> Iterator[Counted]:
    """Every vote and participant (a full Scan: for audits and recounts, never on a request path)."""
    for page in db.get_paginator("scan").paginate(TableName=table):
        for raw in page["Items"]:
            sk = raw["sk"]["S"]
            if sk.startswith(c.VOTE_SK) or sk == c.PROFILE_SK:
                counted = items.counted_from(raw)
                assert counted is not None
                yield counted
