"""`agora status`: on a deployed stack (moto: CloudFormation outputs, CloudWatch metrics, DynamoDB, SQS, S3)
and on a running embedded stack (`agora dev`, pointed at by its moto endpoint)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests

from agora import cli, contract
from agora.local.inprocess import InProcessStack
from agora.ops import stack as ops_stack
from agora.ops import status
from tests.e2e.conftest import MODERATOR_KEY, eventually, start, stop


def test_status_of_a_deployed_stack(api: InProcessStack, deployed: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # Two pending proposals, one accepted; a snapshot; a batch score gave up on.
    api.published(1)
    author = api.participant()
    for text in ("Il faut planter des haies partout", "Il faut des navettes vers les plages"):
        api.propose(author, text)
    boto3.client("sqs").send_message(QueueUrl=deployed["DeadLetterQueueUrl"], MessageBody="{}")
    # What the functions and Lambda would have reported to CloudWatch over the last minutes.
    now = datetime.now(UTC)
    cloudwatch = boto3.client("cloudwatch")
    for minutes_ago, votes, lag_ms in ((1, 240, 1500), (3, 360, 4000)):
        at = now - timedelta(minutes=minutes_ago)
        cloudwatch.put_metric_data(
            Namespace=deployed["MetricsNamespace"],
            MetricData=[{"MetricName": "VotesRecorded", "Dimensions": [{"Name": "service", "Value": "agora"}],
                         "Timestamp": at, "Value": votes, "Unit": "Count"}],
        )  # fmt: skip
        cloudwatch.put_metric_data(
            Namespace="AWS/Lambda",
            MetricData=[{"MetricName": "IteratorAge", "Dimensions": [{"Name": "FunctionName", "Value": deployed["ScoreFunctionName"]}],
                         "Timestamp": at, "Value": lag_ms, "Unit": "Milliseconds"}],
        )  # fmt: skip

    found = status.gather(ops_stack.Connection(), ops_stack.locate(ops_stack.Connection(), "demo", "dev"), now)
    assert found.pending_proposals == 2
    assert found.dead_letters == 1
    assert found.votes_per_minute == pytest.approx((240 + 360) / status.WINDOW_MINUTES)
    assert found.iterator_age_seconds == pytest.approx(4.0)
    assert found.last_snapshot_at is not None and now - found.last_snapshot_at < timedelta(minutes=1)

    # The command says the same, and fails while dead letters wait for a recount.
    assert cli.main(["status", "demo"]) == 1
    out = capsys.readouterr().out
    assert "2 pending proposals" in out and "120.0 (last 5 min)" in out and "4 s (iterator age)" in out
    assert "run a recount" in out


@pytest.mark.slow
def test_status_of_the_running_embedded_stack(capsys: pytest.CaptureFixture[str]) -> None:
    running = start("--snapshot-every", "1")
    try:
        url, moderator = running.url, {"Authorization": f"Bearer {MODERATOR_KEY}"}
        token = requests.post(f"{url}/participants", json={}, timeout=10).json()["participant_token"]
        me = {"Authorization": f"Bearer {token}"}
        ids = [
            requests.post(f"{url}/proposals", json={"text": text}, headers=me, timeout=10).json()["id"]
            for text in ("Il faut planter des haies partout", "Il faut des navettes vers les plages")
        ]
        assert requests.post(f"{url}/moderation/proposals/{ids[0]}/accept", json={}, headers=moderator, timeout=10).ok
        # Another citizen votes: authors are never served their own proposals.
        voter = {"Authorization": f"Bearer {requests.post(f'{url}/participants', json={}, timeout=10).json()['participant_token']}"}
        served = eventually(lambda: requests.get(f"{url}/sequence", headers=voter, timeout=10).json().get("proposals"), interval=4)
        vote = requests.put(f"{url}/proposals/{ids[0]}/vote", json={"key": "agree", "proof": served[0]["proof"]}, headers=voter, timeout=10)
        assert vote.ok, vote.text

        connection = ops_stack.Connection(running.aws_endpoint)
        resources = ops_stack.locate(connection, "demo", "dev")
        assert resources.content_table.startswith("demo-")
        # score counts the vote within moments: no lag left.
        found = eventually(lambda: (s := status.gather(connection, resources)).iterator_age_seconds == 0 and s)
        assert found.pending_proposals == 1
        assert found.votes_per_minute == pytest.approx(1 / status.WINDOW_MINUTES)
        assert found.dead_letters == 0 and found.last_snapshot_at is not None

        assert cli.main(["status", "demo", "--endpoint-url", running.aws_endpoint]) == 0
        assert "1 pending proposals" in capsys.readouterr().out
    finally:
        stop(running)


def test_lag_is_the_age_of_the_oldest_change_score_has_not_counted(api: InProcessStack) -> None:
    """The embedded reading of iterator age, on the in-process stack whose stream we feed by hand."""
    api.published(1)
    api.count()  # everything so far is counted
    dynamodb = boto3.client("dynamodb")
    # moto serves streams on their regional endpoint only (as InProcessStack.count does).
    streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.eu-west-3.amazonaws.com")
    resources = ops_stack.Resources(
        content_table=api.env[contract.CONTENT.env_var], tallies_table=api.env[contract.TALLIES.env_var], bucket="", dead_letters_url=""
    )
    now = datetime.now(UTC)
    assert status.lag_from_stream(dynamodb, streams, resources, now) == 0
    api.participant()  # a profile: a change score counts
    later = now + timedelta(seconds=90)
    assert 85 <= status.lag_from_stream(dynamodb, streams, resources, later) <= 95
    api.count()
    assert status.lag_from_stream(dynamodb, streams, resources, later) == 0
