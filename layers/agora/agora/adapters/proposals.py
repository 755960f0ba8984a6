"""Proposals in the content table: submissions with their author's caps, reads by id and by status,
moderation locks, and decisions with their audit trail.

A submission is stored with its author's updated caps in one transaction, so a proposal is never
stored uncounted nor counted unstored; a moderation decision is stored with its audit entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.adapters import items
from agora.adapters.content import conditional_failed, is_own_write, new_write
from agora.domain.proposals import Action, Decision, Proposal, Status
from agora.domain.submissions import Submissions

BATCH = 100  # BatchGetItem's limit


def _submissions_key(participant_id: str) -> dict[str, Any]:
    return {"pk": {"S": c.PARTICIPANT + participant_id}, "sk": {"S": c.SUBMISSIONS_SK}}


def decision_item(d: Decision, suffix: str = "") -> dict[str, Any]:
    sk = f"{c.DECISION_SK}{int(d.at * 1000):015d}#{suffix or uuid.uuid4().hex[:8]}"
    return {
        "pk": {"S": c.PROPOSAL + d.proposal_id},
        "sk": {"S": sk},
        **items.serialize(
            {
                "action": d.action.value,
                "moderator": d.moderator,
                "at": d.at,
                "before": d.before.value,
                "after": d.after.value,
                "reason": d.reason,
                "duplicate_of": d.duplicate_of,
                "themes": list(d.themes),
                "text": d.text,
            }
        ),
    }


def _decision_from(a: dict[str, Any]) -> Decision:
    return Decision(
        proposal_id=a["pk"].removeprefix(c.PROPOSAL),
        action=Action(a["action"]),
        moderator=a["moderator"],
        at=float(a["at"]),
        before=Status(a["before"]),
        after=Status(a["after"]),
        reason=a.get("reason"),
        duplicate_of=a.get("duplicate_of"),
        themes=tuple(a.get("themes", ())),
        text=a.get("text"),
    )


class ProposalStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    # --- submissions ------------------------------------------------------------------------

    def submissions(self, participant_id: str) -> Submissions:
        item = self.db.get_item(TableName=self.table, Key=_submissions_key(participant_id), ConsistentRead=True).get("Item")
        if not item:
            return Submissions()
        a = items.deserialize(item)
        return Submissions(tuple(a.get("ids", ())), tuple(float(t) for t in a.get("recent", ())))

    def submit(self, proposal: Proposal, before: Submissions, after: Submissions) -> bool:
        """Store the proposal and its author's submissions; False if those changed since `before` was read."""
        if before.ids:
            condition = {
                "ConditionExpression": "#count = :count",
                "ExpressionAttributeNames": {"#count": "count"},
                "ExpressionAttributeValues": items.serialize({":count": len(before.ids)}),
            }
        else:
            condition = {"ConditionExpression": "attribute_not_exists(pk)"}
        record = items.serialize({"ids": list(after.ids), "recent": list(after.recent), "count": len(after.ids)})
        try:
            self.db.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table, "Item": {**_submissions_key(proposal.author_id), **record}, **condition}},
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": items.proposal_item(proposal),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as e:
            if conditional_failed(e):
                return False
            raise
        return True

    # --- reads ---------------------------------------------------------------------------------

    def get(self, proposal_id: str, consistent: bool = False) -> Proposal | None:
        item = self.db.get_item(
            TableName=self.table, Key=items.proposal_key(proposal_id), ConsistentRead=consistent
        ).get("Item")
        return items.proposal_from(items.deserialize(item)) if item else None

    def by_status(self, status: Status, after: str | None = None) -> Iterator[tuple[Proposal, str]]:
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

    def created_since(self, status: Status, since: float) -> Iterator[Proposal]:
        """Proposals with a status submitted at `since` or later, oldest first."""
        return (p for p, _ in self.by_status(status, after=items.status_sort_key(since, "")))

    def count(self, status: Status) -> int:
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

    def many(self, proposal_ids: list[str]) -> dict[str, Proposal]:
        """The proposals that exist among these ids (strongly consistent: statuses just decided show)."""
        wanted = list(dict.fromkeys(proposal_ids))
        found: dict[str, Proposal] = {}
        for start in range(0, len(wanted), BATCH):
            request: dict[str, Any] = {
                self.table: {"Keys": [items.proposal_key(i) for i in wanted[start : start + BATCH]], "ConsistentRead": True}
            }
            while request:
                out = self.db.batch_get_item(RequestItems=request)
                for raw in out["Responses"].get(self.table, []):
                    proposal = items.proposal_from(items.deserialize(raw))
                    found[proposal.id] = proposal
                request = out.get("UnprocessedKeys") or {}
        return found

    # --- moderation -----------------------------------------------------------------------------

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

    def decide(self, decided: Proposal, previous: Proposal, decision: Decision, now: float) -> bool:
        """Store a decision and its audit entry, unless the proposal changed or another moderator holds its lock."""
        attributes = items.proposal_attributes(decided)
        kept = {k: v for k, v in attributes.items() if v is not None}
        names = {f"#a{i}": k for i, k in enumerate(attributes)}
        values = items.serialize({f":a{i}": v for i, v in enumerate(attributes.values()) if v is not None})
        write = new_write()
        values.update(
            items.serialize({":prev": previous.status.value, ":me": decision.moderator, ":now": now, ":write": write})
        )
        sets = ", ".join([*(f"#a{i} = :a{i}" for i, k in enumerate(attributes) if k in kept), "#write = :write"])
        removes = ", ".join([*(f"#a{i}" for i, k in enumerate(attributes) if k not in kept), "lock_owner", "lock_until"])
        update = {
            "TableName": self.table,
            "Key": items.proposal_key(decided.id),
            "UpdateExpression": f"SET {sets} REMOVE {removes}",
            "ConditionExpression": (
                "#a_status = :prev AND (attribute_not_exists(lock_until) OR lock_until < :now OR lock_owner = :me)"
            ),
            "ExpressionAttributeNames": {**names, "#a_status": "status", "#write": items.WRITE},
            "ExpressionAttributeValues": values,
        }
        try:
            self.db.transact_write_items(
                TransactItems=[{"Update": update}, {"Put": {"TableName": self.table, "Item": decision_item(decision)}}]
            )
        except ClientError as e:
            if not conditional_failed(e):
                raise
            # DynamoDB itself makes botocore's retries of a transaction idempotent (ClientRequestToken);
            # an engine that does not would fail the retry's condition on our own decision.
            stored = self.db.get_item(TableName=self.table, Key=items.proposal_key(decided.id), ConsistentRead=True).get("Item")
            return is_own_write(items.deserialize(stored) if stored else None, write)
        return True

    def decisions(self, proposal_id: str) -> list[Decision]:
        """The proposal's audit trail, oldest first."""
        pages = self.db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :p AND begins_with(sk, :d)",
            ExpressionAttributeValues={":p": {"S": c.PROPOSAL + proposal_id}, ":d": {"S": c.DECISION_SK}},
        )
        return [_decision_from(items.deserialize(raw)) for page in pages for raw in page["Items"]]
