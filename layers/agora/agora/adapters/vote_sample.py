"""The bounded sample of raw votes: a capped, parallel Scan of the content table.

The only read of vote items outside the request path, for opinion groups and raking. DynamoDB
charges a Scan for every item it evaluates, whatever the filter keeps, so the cap counts items
evaluated (ScannedCount): at most `cap` per snapshot, split over parallel segments. A
participant's profile and votes share a partition key and come out together, so the sample is
whole participants, in hash order — effectively a random subset of them.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from agora import contract as c
from agora.results.sample import VoteSample
from agora.domain.votes import Trust

SAMPLE_CAP = 300_000  # items evaluated per snapshot: ~30-60 MB read, a few seconds of parsing
SEGMENTS = 4
PAGE = 1_000


@dataclass
class _Part:
    votes: list[tuple[str, str, str]] = field(default_factory=list)
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)
    scanned: int = 0
    finished: bool = False


def read_sample(db: Any, table: str, cap: int = SAMPLE_CAP, segments: int = SEGMENTS) -> VoteSample:
    share = -(-cap // segments)
    # Each segment runs in the caller's context (tracing, the tests' record of who calls AWS).
    contexts = [contextvars.copy_context() for _ in range(segments)]
    with ThreadPoolExecutor(segments) as pool:
        parts = list(pool.map(lambda s: contexts[s].run(_scan, db, table, s, segments, share), range(segments)))
    return VoteSample.of(
        [v for p in parts for v in p.votes],
        {pid: demo for p in parts for pid, demo in p.profiles.items()},
        items_read=sum(p.scanned for p in parts),
        complete=all(p.finished for p in parts),
    )


def _scan(db: Any, table: str, segment: int, segments: int, cap: int) -> _Part:
    part = _Part()
    kwargs: dict[str, Any] = {
        "TableName": table,
        "Segment": segment,
        "TotalSegments": segments,
        "FilterExpression": "(begins_with(#sk, :vote) AND #trust IN (:sequence, :imported)) OR #sk = :profile",
        "ProjectionExpression": "#pk, #sk, #key, #demographics",
        "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk", "#key": "key", "#trust": "trust", "#demographics": "demographics"},
        "ExpressionAttributeValues": {
            ":vote": {"S": c.VOTE_SK},
            ":sequence": {"S": Trust.SEQUENCE.value},
            ":imported": {"S": Trust.IMPORTED.value},
            ":profile": {"S": c.PROFILE_SK},
        },
    }
    while part.scanned < cap:
        page = db.scan(**kwargs, Limit=min(PAGE, cap - part.scanned))
        part.scanned += page["ScannedCount"]
        for item in page["Items"]:
            pid, sk = item["pk"]["S"].removeprefix(c.PARTICIPANT), item["sk"]["S"]
            if sk == c.PROFILE_SK:
                part.profiles[pid] = {k: v["S"] for k, v in item.get("demographics", {}).get("M", {}).items()}
            else:
                part.votes.append((pid, sk.removeprefix(c.VOTE_SK), item["key"]["S"]))
        if "LastEvaluatedKey" not in page:
            part.finished = True
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return part
