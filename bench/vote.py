"""The vote path: the real handler (event → validation → conditional write) vs a bare conditional
PutItem on the same backend (moto, in-process), and what a vote writes and reads."""

from __future__ import annotations

from agora import contract
from agora.adapters import items
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local.inprocess import Calls, InProcessStack
from agora.bootstrap import container as services
from bench.harness import Row, timed


def rows(quick: bool = False) -> list[Row]:
    votes = 20 if quick else 400
    with InProcessStack() as stack:
        [proposal] = stack.published(1)
        ballots = []
        for _ in range(votes):
            token = stack.participant()
            [served] = stack.call("GET", "/sequence", token=token).body["proposals"]
            ballots.append(stack.event("PUT", f"/proposals/{proposal}/vote", {"key": "agree", "proof": served["proof"]}, token=token))
        stack.invoke(*ballots.pop())  # warm: containers loaded, pool cached
        pending = iter(ballots)
        calls = Calls()
        handler = timed(lambda: stack.invoke(*next(pending)), repeat=10, number=len(ballots) // 10)
        done = len(ballots) // 10 * 10
        writes, reads = calls.writes / done, calls.reads / done

        db, table = services().stores.votes.db, stack.env[contract.CONTENT.env_var]
        bare_items = iter(
            items.vote_item(Vote(f"bare{i}", proposal, VoteKey.AGREE, Trust.SEQUENCE), stack.services.stores.votes.expires_at) for i in range(votes)
        )

        def bare_put() -> None:
            db.put_item(
                TableName=table,
                Item=next(bare_items),
                ConditionExpression="attribute_not_exists(pk) OR #key <> :key",
                ExpressionAttributeNames={"#key": "key"},
                ExpressionAttributeValues={":key": {"S": "agree"}},
            )

        bare = timed(bare_put, repeat=10, number=len(ballots) // 10)
    return [
        Row("vote: handler vs bare conditional PutItem (moto)", handler * 1000, bare * 1000, "ms per vote", "ratio <= 1.5"),
        Row("vote: DynamoDB write requests per vote", writes, 1.0, "requests", "value <= 1"),
        Row("vote: DynamoDB read requests per vote", reads, 0.0, "requests", "value <= 0"),
    ]
