"""next_proposal at 30,000 proposals for a participant who voted 500 times: AWS calls per request
and in-process latency vs the bare Query of the voted set on the same backend."""

from __future__ import annotations

import json

import numpy as np

from agora import contract
from agora.adapters import pool as pool_file
from agora.domain.proposals import Proposal, Status
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local.inprocess import Calls, InProcessStack
from agora.bootstrap import container as services
from agora.services.sequence import SequenceService
from agora.domain.sequencing import SequencePolicy, select_sequence
from agora.services.snapshot import POOL_COUNTERS
from bench.harness import Row, side_by_side, timed

# A proposal's text as long as most are (the default limit is 140 characters), accents included.
TEXT = "Il faut agir sur le sujet n°{} : des transports publics gratuits, sûrs et fréquents pour les élèves des lycées"


def rows(quick: bool = False) -> list[Row]:
    n, voted = (1_000, 50) if quick else (30_000, 500)
    rng = np.random.default_rng(5)
    proposals = [
        Proposal(f"{i:032x}", TEXT.format(i), "fr", f"a{i % 5000}", float(i), Status.ACCEPTED)
        for i in range(n)
    ]
    # Every counter a snapshot publishes, so that both files are as large as a real one.
    counts = {p.id: dict(zip(POOL_COUNTERS, map(int, c))) for p, c in zip(proposals, rng.integers(0, 50, (n, len(POOL_COUNTERS))))}
    body = pool_file.encode(proposals, counts, POOL_COUNTERS, 0.0, SequencePolicy())
    refresh, former = _refresh(body, _as_json(proposals, counts), frozenset(p.id for p in proposals[:voted]), rounds=5 if quick else 15)
    with InProcessStack():
        services().stores.files.put(contract.POOL_KEY, body, pool_file.CONTENT_TYPE, "")
        votes = services().stores.votes
        for p in proposals[:voted]:
            votes.put(Vote("me", p.id, VoteKey.AGREE, Trust.SEQUENCE))
        # The service as wired, but without its per-participant limit: one "participant" asks here far more often.
        service = SequenceService(votes, services().pool, services().signer, services().consultation.sequence, per_minute=10**9)
        service.next("me", 12)  # warm: the pool is fetched and parsed once per refresh period
        calls = Calls()
        requests = 20
        for _ in range(requests):
            assert len(service.next("me", 12)) == 12
        queries, s3 = calls.by_operation["Query"] / requests, calls.by_operation["GetObject"] / requests
        others = (sum(calls.by_operation.values()) - calls.by_operation["Query"] - calls.by_operation["GetObject"]) / requests
        latency = timed(lambda: service.next("me", 12), repeat=5, number=4)
        bare = timed(lambda: votes.not_to_serve("me"), repeat=5, number=4)
    return [
        Row(f"next_proposal: pool refresh at {n} proposals, decode and first sequence", refresh * 1000, former * 1000, "ms",
            "ratio <= 0.5", "baseline: json.loads alone of the same pool as JSON, the format before decision 179"),
        Row(f"next_proposal: latency at {n} proposals, {voted} voted", latency * 1000, bare * 1000, "ms",
            "ratio <= 2", "baseline: the bare Query of the voted and proposed set (moto)"),
        Row("next_proposal: DynamoDB Queries per request", queries, 1.0, "requests", "value <= 1"),
        Row("next_proposal: S3 requests per request (warm, pool fresh)", s3, 0.0, "requests", "value <= 0"),
        Row("next_proposal: other AWS requests per request", others, 0.0, "requests", "value <= 0"),
    ]


def _refresh(body: bytes, former: bytes, voted: frozenset[str], rounds: int) -> tuple[float, float]:
    """What a warm container does once per published pool: decode the file and choose a first sequence."""
    rng = np.random.default_rng(3)
    return side_by_side(lambda: select_sequence(pool_file.decode(body).pool, voted, 12, rng), lambda: json.loads(former), rounds)


def _as_json(proposals: list[Proposal], counts: dict[str, dict[str, int]]) -> bytes:
    """The pool's columns as the JSON file that was published before decision 179."""
    columns = {
        "ids": [p.id for p in proposals], "texts": [p.text for p in proposals], "languages": [p.language for p in proposals],
        "authors": [p.author_id for p in proposals], "themes": [list(p.themes) for p in proposals],
        "created_at": [p.created_at for p in proposals],
        "counts": {k: [counts[p.id][k] for p in proposals] for k in POOL_COUNTERS},
    }
    return json.dumps(columns, separators=(",", ":"), ensure_ascii=False).encode()
