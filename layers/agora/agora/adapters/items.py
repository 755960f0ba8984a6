"""Domain objects to and from DynamoDB items (plain attribute-value JSON, as in stream images)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from agora import contract as c
from agora.domain.proposals import Proposal, Status
from agora.domain.participants import Participant
from agora.domain.tallies import Counted
from agora.domain.votes import Trust, Vote, VoteKey

# The attribute naming the conditional write that last changed an item (adapters.content.new_write).
WRITE = "write"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def serialize(attributes: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_plain(v)) for k, v in attributes.items() if v is not None}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def participant_key(participant_id: str) -> dict[str, Any]:
    return {"pk": {"S": c.PARTICIPANT + participant_id}, "sk": {"S": c.PROFILE_SK}}


def vote_key(participant_id: str, proposal_id: str) -> dict[str, Any]:
    return {"pk": {"S": c.PARTICIPANT + participant_id}, "sk": {"S": c.VOTE_SK + proposal_id}}


def proposal_key(proposal_id: str) -> dict[str, Any]:
    return {"pk": {"S": c.PROPOSAL + proposal_id}, "sk": {"S": c.META_SK}}


def status_sort_key(created_at: float, proposal_id: str) -> str:
    return f"{int(created_at * 1000):015d}#{proposal_id}"


def _expiry(expires_at: int) -> dict[str, int]:
    """Personal data (profiles, votes) expires once the consultation's retention period is over
    (`Consultation.personal_data_expiry`)."""
    return {c.CONTENT.ttl_attribute: expires_at}


# --- participants ---------------------------------------------------------------------------


def participant_item(p: Participant, expires_at: int) -> dict[str, Any]:
    return {
        **participant_key(p.id),
        **serialize({"created_at": p.created_at, "demographics": p.demographics, **_took_part(p), **_expiry(expires_at)}),
    }


def participant_from(a: dict[str, Any]) -> Participant:
    return Participant(
        id=a["pk"].removeprefix(c.PARTICIPANT),
        created_at=float(a["created_at"]),
        demographics=dict(a.get("demographics", {})),
        took_part_at=float(a["took_part_at"]) if "took_part_at" in a else None,
    )


def _took_part(p: Participant) -> dict[str, float]:
    return {} if p.took_part_at is None else {"took_part_at": p.took_part_at}


# --- proposals ------------------------------------------------------------------------------


def proposal_attributes(p: Proposal) -> dict[str, Any]:
    """Every stored attribute of a proposal but its key and lock; None where it has no value."""
    return {
        "status_pk": c.STATUS + p.status.value,
        "status_sk": status_sort_key(p.created_at, p.id),
        "text": p.text,
        "language": p.language,
        "author_id": p.author_id,
        "created_at": p.created_at,
        "status": p.status.value,
        "themes": list(p.themes),
        "refusal_reason": p.refusal_reason,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
        "original_text": p.original_text,
        "duplicate_of": p.duplicate_of,
    }


def proposal_item(p: Proposal) -> dict[str, Any]:
    return {**proposal_key(p.id), **serialize(proposal_attributes(p))}


def proposal_from(a: dict[str, Any]) -> Proposal:
    return Proposal(
        id=a["pk"].removeprefix(c.PROPOSAL),
        text=a["text"],
        language=a["language"],
        author_id=a["author_id"],
        created_at=float(a["created_at"]),
        status=Status(a["status"]),
        themes=tuple(a.get("themes", ())),
        refusal_reason=a.get("refusal_reason"),
        decided_by=a.get("decided_by"),
        decided_at=float(a["decided_at"]) if a.get("decided_at") is not None else None,
        original_text=a.get("original_text"),
        duplicate_of=a.get("duplicate_of"),
        lock_owner=a.get("lock_owner"),
        lock_until=float(a["lock_until"]) if a.get("lock_until") is not None else None,
    )


# --- votes ----------------------------------------------------------------------------------


def vote_item(v: Vote, expires_at: int) -> dict[str, Any]:
    qualifications = {"qualifications": {"SS": sorted(v.qualifications)}} if v.qualifications else {}
    return {
        **vote_key(v.participant_id, v.proposal_id),
        **qualifications,
        **serialize(
            {
                "key": v.key.value,
                "trust": v.trust.value,
                "segments": v.segments,
                "voted_at": v.voted_at,
                "voter_since": v.voter_since,
                "source": v.source,
                **_expiry(expires_at),
            }
        ),
    }


def vote_from(a: dict[str, Any]) -> Vote:
    return Vote(
        participant_id=a["pk"].removeprefix(c.PARTICIPANT),
        proposal_id=a["sk"].removeprefix(c.VOTE_SK),
        key=VoteKey(a["key"]),
        trust=Trust(a["trust"]),
        qualifications=frozenset(a.get("qualifications", ())),
        segments=dict(a.get("segments", {})),
        voted_at=float(a.get("voted_at", 0)),
        voter_since=float(a.get("voter_since", 0)),
        source=a.get("source", ""),
    )


def counted_from(image: dict[str, Any] | None) -> Counted | None:
    """The tally-relevant object a stored item (or stream image) stands for."""
    if not image:
        return None
    a = deserialize(image)
    sk = a["sk"]
    if sk.startswith(c.VOTE_SK):
        return vote_from(a)
    if sk == c.PROFILE_SK:
        return participant_from(a)
    raise ValueError(f"item {a['pk']}/{sk} is neither a vote nor a participant profile")
