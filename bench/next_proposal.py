"""next_proposal at 30,000 proposals for a participant who voted 500 times: AWS calls per request
and in-process latency vs the bare Query of the voted set on the same backend."""

from __future__ import annotations

import numpy as np

from agora import contract
from agora.adapters import pool as pool_file
from agora.domain.proposals import Proposal, Status
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local.inprocess import Calls, InProcessStack
from agora.bootstrap import container as services
from agora.services.sequence import SequenceService
from bench.harness import Row, timed


def rows(quick: bool = False) -> list[Row]:
    n, voted = (1_000, 50) if quick else (30_000, 500)
    rng = np.random.default_rng(5)
    proposals = [
        Proposal(f"{i:032x}", f"Il faut agir sur le sujet {i}", "fr", f"a{i % 5000}", float(i), Status.ACCEPTED)
        for i in range(n)
    ]
    counts = {p.id: {"agree": int(a), "disagree": int(d), "neutral": 1} for p, a, d in zip(proposals, rng.integers(0, 50, n), rng.integers(0, 50, n))}
    with InProcessStack():
        services().stores.files.put(contract.POOL_KEY, pool_file.encode(proposals, counts, ("agree", "disagree", "neutral"), 0.0), "application/json", "")
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
        Row(f"next_proposal: latency at {n} proposals, {voted} voted", latency * 1000, bare * 1000, "ms",
            "ratio <= 2", "baseline: the bare Query of the voted and proposed set (moto)"),
        Row("next_proposal: DynamoDB Queries per request", queries, 1.0, "requests", "value <= 1"),
        Row("next_proposal: S3 requests per request (warm, pool fresh)", s3, 0.0, "requests", "value <= 0"),
        Row("next_proposal: other AWS requests per request", others, 0.0, "requests", "value <= 0"),
    ]
