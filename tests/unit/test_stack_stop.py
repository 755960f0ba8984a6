"""The embedded stack's stop has one bound for all its parts: one that hangs does not hold the others'
time nor Ctrl-C, and is named."""

from __future__ import annotations

import threading
from pathlib import Path

import boto3
from moto import mock_aws

from agora import contract
from agora.local import stack as embedded
from agora.local.bucket_mirror import BucketMirror
from agora.local.scheduler import Scheduler
from agora.local.stack import EmbeddedStack, Options

DEMO = Path(__file__).resolve().parents[2] / "consultations" / "demo.toml"


def test_a_part_that_hangs_is_left_to_the_exit_and_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(embedded, "STOP_SECONDS", 0.5)
    stack = EmbeddedStack(Options(DEMO, data_dir=tmp_path))
    released, stopped, closed = threading.Event(), threading.Event(), []
    stack._stopping = [(f"hung {n}", lambda: released.wait(60)) for n in range(3)] + [("quick", stopped.set)]
    stack._closing = [lambda: closed.append(True)]
    try:
        stack.stop()
        # Three parts that never finish did not hold stop() for 3 bounds, nor forever.
        assert stopped.is_set() and closed == [True] and not released.is_set()
        assert "left to the exit: hung 0, hung 1, hung 2" in capsys.readouterr().err
    finally:
        released.set()


def test_parts_that_finish_are_not_reported(tmp_path, capsys):
    stack = EmbeddedStack(Options(DEMO, data_dir=tmp_path))
    done = []
    stack._stopping = [(n, lambda n=n: done.append(n)) for n in ("a", "b")]
    stack.stop()
    assert sorted(done) == ["a", "b"]
    assert "still stopping" not in capsys.readouterr().err


@mock_aws
def test_a_manifest_published_but_not_yet_copied_is_on_disk_before_any_part_stops(tmp_path):
    """A snapshot's job copies the bucket to disk after publishing; a stop between the two used to
    lose a manifest that had been answered (a restart then served 404 for its files)."""
    s3 = boto3.client("s3", region_name=embedded.REGION)
    s3.create_bucket(Bucket="demo-bucket", CreateBucketConfiguration={"LocationConstraint": embedded.REGION})
    stack = EmbeddedStack(Options(DEMO, data_dir=tmp_path))
    stack.env = {contract.BUCKET_ENV: "demo-bucket"}
    stack.client = lambda service: s3
    stack.bucket_mirror = BucketMirror(tmp_path / "bucket")
    stack.scheduler = Scheduler(3600, lambda: None)
    stack.scheduler.start()
    s3.put_object(Bucket="demo-bucket", Key=contract.MANIFEST_KEY, Body=b'{"files": []}')  # published, not copied
    on_disk_when_moto_stopped = []
    stack._first = [stack._keep_what_was_published]
    stack._stopping = [("moto", lambda: on_disk_when_moto_stopped.append(set(stack.bucket_mirror.index())))]
    stack.stop()
    assert on_disk_when_moto_stopped == [{contract.MANIFEST_KEY}]
