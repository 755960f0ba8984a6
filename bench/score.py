"""score in a TV-spot hot spot: 90 % of 1,000 votes on 10 proposals, in Lambda-sized batches,
vs one ADD per vote per tally item; and the counters still equal a recount."""

from __future__ import annotations

import random

from agora import contract
from agora.domain.participants import Participant
from agora.domain.tallies import Change, recount
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local.inprocess import InProcessStack
from agora.bootstrap import container as services
from bench.harness import Row

BATCH = contract.SCORE_BATCH_SIZE


def hot_spot(votes: int, rng: random.Random) -> list[Change]:
    hot = [f"{i:032x}" for i in range(10)]
    cold = [f"{i:032x}" for i in range(10, 1000)]
    ages, departments = ["15-24", "25-34", "35-49", "50-64", "65+"], ["22", "29", "35", "56"]
    changes = []
    for n in range(votes):
        voter = Participant(f"v{n}", 0.0, {"age": rng.choice(ages), "department": rng.choice(departments)}, took_part_at=0.0)
        proposal = rng.choice(hot) if rng.random() < 0.9 else rng.choice(cold)
        vote = Vote(
            voter.id,
            proposal,
            rng.choice(list(VoteKey)),
            Trust.SEQUENCE,
            segments=voter.demographics,
            voted_at=1000.0,
            voter_since=rng.choice([0.0, 900.0]),
            source=f"s{rng.randrange(400)}",
        )
        changes.append(Change(n + 1, None, vote))
    return changes


def rows(quick: bool = False) -> list[Row]:
    votes = 200 if quick else 1000
    changes = hot_spot(votes, random.Random(3))
    with InProcessStack():
        scoring = services().tallies
        calls = scoring.tallies.db.meta.events
        items = []
        calls.register("before-parameter-build.dynamodb.TransactWriteItems", lambda params, **_: items.append(len(params["TransactItems"])))
        for start in range(0, votes, BATCH):
            outcome = scoring.apply("shard-1", changes[start : start + BATCH])
            assert outcome.failed_from is None, outcome.errors
        exact = scoring.tallies.read_all() == recount(c.new for c in changes)
    per_vote_adds = sum(len({ref for ref, _ in c.delta}) for c in changes)
    scale = 1000 / votes
    return [
        Row("score: write requests per 1,000 hot-spot votes", len(items) * scale, votes * scale, "requests", "ratio <= 0.05",
            "baseline: one ADD per vote"),
        Row("score: write units per 1,000 hot-spot votes", 2 * sum(items) * scale, per_vote_adds * scale, "WCU", "ratio <= 1",
            "transactional writes cost 2 WCU per item; baseline: one ADD per vote per tally item"),
        Row("score: tallies equal a recount", float(exact), 1.0, "1 = exact", "value >= 1"),
    ]
