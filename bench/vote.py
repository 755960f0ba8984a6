"""The vote path: the real handler (event → validation → conditional write) vs a bare conditional
PutItem on the same backend (moto, in-process), and what a vote writes and reads over citizens'
whole sequences."""

from __future__ import annotations

from agora import contract
from agora.adapters import items
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local.inprocess import Calls, InProcessStack
from agora.bootstrap import container as services
from bench.harness import Row, timed


def rows(quick: bool = False) -> list[Row]:
    with InProcessStack() as stack:
        size = stack.services.consultation.sequence.size
        citizens = 2 if quick else 34  # each votes on a whole sequence, as citizens do
        for n in range(size):  # one author each: an author may submit 10 an hour
            proposal = stack.propose(stack.participant(), f"Il faut rénover la piscine numéro {n}")
            stack.accept(proposal)
        stack.snapshot()
        ballots = []
        for _ in range(citizens):
            token = stack.participant()
            for served in stack.call("GET", "/sequence", token=token).body["proposals"]:
                ballots.append(stack.event("PUT", f"/proposals/{served['id']}/vote", {"key": "agree", "proof": served["proof"]}, token=token))
        stack.invoke(*ballots.pop())  # warm: containers loaded, pool cached
        pending = iter(ballots)
        calls = Calls()
        handler = timed(lambda: stack.invoke(*next(pending)), repeat=10, number=len(ballots) // 10)
        done = len(ballots) // 10 * 10
        writes, reads = calls.writes / done, calls.reads / done
        votes = len(ballots)

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
        # A citizen's first vote also reads and marks their profile (they count as a participant from then on).
        Row(f"vote: DynamoDB write requests per vote (sequences of {size})", writes, 1 + 1 / size, "requests", "ratio <= 1"),
        Row(f"vote: DynamoDB read requests per vote (sequences of {size})", reads, 1 / size, "requests", "ratio <= 1"),
    ]
