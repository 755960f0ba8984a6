"""`agora forget <participant_id>`: erase a participant's profile and anonymise their votes, leaving
every vote tally as it was.

A vote stays where it is (its key is the participant's random id, which is what keeps "one vote
each" true if their token is used again) and keeps what its tallies count: key, trust,
qualifications, the segments it was counted in, whether it was fresh, and its network tag where
the sampled brigading signal counted it. What could tell who cast it, or when, goes: the exact
time (a day remains), the registration time, the network tag everywhere else, and the segments of
an untrusted vote (counted nowhere). The stream then sees a MODIFY whose delta is zero for every
tally (checked before writing), and the profile's REMOVE, which takes the participant out of the
participant counts: they asked to leave.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from agora import contract
from agora.adapters import items
from agora.adapters.content import conditional_failed
from agora.domain.tallies import delta, source_sampled
from agora.domain.votes import Vote

DAY = 86_400
ATTEMPTS = 3  # a vote changed by its owner while we anonymise it: read it again


@dataclass(frozen=True)
class Forgotten:
    profile_deleted: bool
    votes_anonymised: int


def anonymised(vote: Vote) -> Vote:
    """The same vote, counted the same way, without what could identify its voter."""
    trusted = vote.trust.counted
    day = float(int(vote.voted_at) // DAY * DAY)
    return dataclasses.replace(
        vote,
        segments=vote.segments if trusted else {},
        voted_at=day,
        # voted_at - voter_since = 0 keeps a fresh vote fresh; no registration time keeps the others not.
        voter_since=day if trusted and vote.fresh else 0.0,
        source=vote.source if trusted and source_sampled(vote.participant_id) else "",
    )


def forget(dynamodb: Any, table: str, participant_id: str) -> Forgotten:
    votes = 0
    for item in _vote_items(dynamodb, table, participant_id):
        votes += _anonymise(dynamodb, table, items.vote_from(items.deserialize(item)))
    out = dynamodb.delete_item(TableName=table, Key=items.participant_key(participant_id), ReturnValues="ALL_OLD")
    return Forgotten(profile_deleted="Attributes" in out, votes_anonymised=votes)


def _vote_items(dynamodb: Any, table: str, participant_id: str) -> list[dict[str, Any]]:
    pages = dynamodb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :vote)",
        ExpressionAttributeValues={
            ":pk": {"S": contract.PARTICIPANT + participant_id},
            ":vote": {"S": contract.VOTE_SK},
        },
        ConsistentRead=True,
    )
    return [item for page in pages for item in page["Items"]]


def _anonymise(dynamodb: Any, table: str, vote: Vote | None) -> int:
    """Rewrite the identifying attributes of one vote in place; 1 if done, 0 if it was withdrawn meanwhile."""
    for _ in range(ATTEMPTS):
        if vote is None:
            return 0
        new = anonymised(vote)
        if delta(vote, new):
            raise AssertionError(f"anonymising {vote} would change the tallies by {delta(vote, new)}")
        values = {
            "voted_at": new.voted_at,
            "voter_since": new.voter_since or None,
            "source": new.source or None,
            "segments": new.segments or None,
        }
        kept = {name: value for name, value in values.items() if value is not None}
        gone = [name for name, value in values.items() if value is None]
        expression = "SET " + ", ".join(f"#{n} = :{n}" for n in kept) + (" REMOVE " + ", ".join(f"#{n}" for n in gone) if gone else "")
        try:
            dynamodb.update_item(
                TableName=table,
                Key=items.vote_key(vote.participant_id, vote.proposal_id),
                UpdateExpression=expression,
                # Unchanged since we read it: a new vote would have a new time (qualifications
                # are left alone by the update, so they may change meanwhile).
                ConditionExpression="#voted_at = :was",
                ExpressionAttributeNames={f"#{n}": n for n in values},
                ExpressionAttributeValues=items.serialize({**{f":{n}": v for n, v in kept.items()}, ":was": vote.voted_at}),
            )
            return 1
        except ClientError as e:
            if not conditional_failed(e):
                raise
        item = dynamodb.get_item(TableName=table, Key=items.vote_key(vote.participant_id, vote.proposal_id), ConsistentRead=True).get("Item")
        vote = items.vote_from(items.deserialize(item)) if item else None
    raise RuntimeError(f"vote on {vote.proposal_id if vote else '?'} kept changing; run `agora forget` again")
