"""score fed with real DynamoDB stream records (moto), redelivered, bisected and crashed mid-batch."""

import random

import boto3
import pytest

from agora import contract
from agora.domain.participants import Participant
from agora.domain.tallies import recount
from agora.domain.votes import Trust, Vote, VoteKey
from agora.bootstrap import container as services
from agora.local.inprocess import REGION


def stream_records(env):
    table = env[contract.CONTENT.env_var]
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    # moto serves streams only on their regional endpoint (not the account-based one botocore now picks)
    streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
    [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
    return shard["ShardId"], streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]


def make_history(rng):
    participants = services().stores.participants
    voters = [Participant(f"{i:032x}", 0.0, {"age": rng.choice(["15-24", "65+"])}) for i in range(12)]
    for p in voters:
        participants.put(p)
    proposals = [f"{i:032x}" for i in range(100, 106)]
    for _ in range(120):
        voter, proposal = rng.choice(voters), rng.choice(proposals)
        if rng.random() < 0.15:
            services().stores.votes.delete(voter.id, proposal)
            continue
        key = rng.choice(list(VoteKey))
        trust = Trust.SEQUENCE if rng.random() < 0.9 else Trust.UNTRUSTED
        services().stores.votes.put(Vote(voter.id, proposal, key, trust, segments=voter.demographics))
        participants.note_took_part(voter.id, 1.0)  # counted from their first vote on; later marks change nothing
    participants.set_demographics(voters[0].id, {"age": "65+"})


def invoke(api, shard, batch):
    return api.functions.invoke("score", {"Records": batch, "shardId": shard, "state": {}})


def tallies_equal_recount():
    return services().tallies.tallies.read_all() == recount(services().stores.votes.scan_counted())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_equal_a_recount_after_redeliveries_and_bisection(api, stack_env, seed):
    rng = random.Random(seed)
    make_history(rng)
    shard, records = stream_records(stack_env)
    position = 0
    while position < len(records):
        size = rng.randint(1, 40)
        batch = records[position : position + size]
        if rng.random() < 0.3:  # bisect: the first half alone, then the whole batch again
            invoke(api, shard, batch[: len(batch) // 2 or 1])
        assert invoke(api, shard, batch)["batchItemFailures"] == []
        if rng.random() < 0.3:  # at-least-once: the same batch again
            invoke(api, shard, batch)
        position += size
    assert tallies_equal_recount()


def test_a_crash_between_staged_parts_is_finished_by_the_retry_and_counts_once(api, stack_env, monkeypatch):
    make_history(random.Random(9))
    shard, records = stream_records(stack_env)
    tallies = services().tallies.tallies
    real_apply, calls = tallies.apply_part, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise TimeoutError("connection lost")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(tallies, "apply_part", flaky)
    # Small parts so the batch is staged and applied over several transactions.
    monkeypatch.setattr(services().tallies, "part_limit", 3)
    response = invoke(api, shard, records)
    # The records are counted (the checkpoint moved past them); the last one comes again to finish.
    assert response["batchItemFailures"] == [{"itemIdentifier": records[-1]["dynamodb"]["SequenceNumber"]}]
    assert tallies.staged(shard) is not None and not tallies_equal_recount()
    assert invoke(api, shard, records[-1:])["batchItemFailures"] == []
    assert tallies.staged(shard) is None
    assert invoke(api, shard, records)["batchItemFailures"] == []  # a full replay counts nothing twice
    assert tallies_equal_recount()
    assert not [i for i in boto3.client("dynamodb").scan(TableName=stack_env[contract.TALLIES.env_var])["Items"]
                if i["pk"]["S"].startswith(contract.STAGED)]  # applied parts are deleted


def test_a_window_carries_its_changes_in_the_state_until_it_closes(api, stack_env):
    make_history(random.Random(6))
    shard, records = stream_records(stack_env)
    half = len(records) // 2
    first = api.functions.invoke("score", {"Records": records[:half], "shardId": shard, "state": {}, "isFinalInvokeForWindow": False})
    assert first["state"] and services().tallies.tallies.checkpoint(shard) == 0
    last = api.functions.invoke("score", {"Records": records[half:], "shardId": shard, "state": first["state"], "isFinalInvokeForWindow": True})
    assert last == {"batchItemFailures": [], "state": {}}
    assert tallies_equal_recount()


def test_an_unreadable_record_is_reported_and_does_not_stop_the_ones_before_it(api, stack_env):
    make_history(random.Random(4))
    shard, records = stream_records(stack_env)
    poison = {**records[5], "dynamodb": {**records[5]["dynamodb"], "NewImage": {"pk": {"S": "x"}, "sk": {"S": "WHAT"}}}}
    batch = [*records[:5], poison, *records[6:]]
    response = invoke(api, shard, batch)
    assert response["batchItemFailures"] == [{"itemIdentifier": poison["dynamodb"]["SequenceNumber"]}]
    assert services().tallies.tallies.checkpoint(shard) == int(records[4]["dynamodb"]["SequenceNumber"])


def test_a_stale_concurrent_delivery_is_refused_by_the_checkpoint_condition(api, stack_env, monkeypatch):
    """Two invocations hold the same batch; the slower one read the checkpoint before the other committed."""
    make_history(random.Random(5))
    shard, records = stream_records(stack_env)
    assert invoke(api, shard, records)["batchItemFailures"] == []
    tallies = services().tallies.tallies
    real_checkpoint, reads = tallies.checkpoint, []
    stale = int(records[3]["dynamodb"]["SequenceNumber"])

    def stale_then_fresh(shard_id):
        reads.append(1)
        return stale if len(reads) == 1 else real_checkpoint(shard_id)

    monkeypatch.setattr(tallies, "checkpoint", stale_then_fresh)
    assert invoke(api, shard, records)["batchItemFailures"] == []
    assert len(reads) == 2  # the condition failed, the checkpoint was read again
    assert tallies_equal_recount()
