"""The embedded bucket is kept on disk and bounded: the newest snapshot folders and what is served."""

from __future__ import annotations

import boto3
from moto import mock_aws

from agora import contract
from agora.local.bucket_mirror import BucketMirror, prune

BUCKET = "demo-bucket"


def put(s3, key: str, body: bytes = b"x") -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="application/json", CacheControl="max-age=5")


@mock_aws
def test_prune_keeps_the_newest_folders_latest_and_everything_else():
    s3 = boto3.client("s3", region_name="eu-west-3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    stamps = [f"2026120{d}T000000000Z" for d in range(1, 6)]
    for stamp in stamps:
        put(s3, f"{contract.RESULTS_PREFIX}{stamp}/summary.json")
    for key in (contract.MANIFEST_KEY, contract.LATEST_PREFIX + "summary.json", contract.POOL_KEY):
        put(s3, key)
    assert prune(s3, BUCKET, keep=2) == 3
    left = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert left == {f"{contract.RESULTS_PREFIX}{s}/summary.json" for s in stamps[-2:]} | {
        contract.MANIFEST_KEY, contract.LATEST_PREFIX + "summary.json", contract.POOL_KEY,
    }


@mock_aws
def test_sync_then_restore_gives_back_the_same_objects_and_drops_removed_ones(tmp_path):
    s3 = boto3.client("s3", region_name="eu-west-3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    mirror = BucketMirror(tmp_path / "bucket")
    put(s3, contract.MANIFEST_KEY, b'{"v": 1}')
    put(s3, contract.POOL_KEY, b"pool")
    mirror.sync(s3, BUCKET)
    put(s3, contract.MANIFEST_KEY, b'{"v": 2}')
    s3.delete_object(Bucket=BUCKET, Key=contract.POOL_KEY)
    mirror.sync(s3, BUCKET)
    assert len(list((tmp_path / "bucket" / "objects").iterdir())) == 1  # unreferenced blobs go

    s3.delete_object(Bucket=BUCKET, Key=contract.MANIFEST_KEY)  # a new, empty bucket at the next start
    assert mirror.restore(s3, BUCKET) == 1
    got = s3.get_object(Bucket=BUCKET, Key=contract.MANIFEST_KEY)
    assert got["Body"].read() == b'{"v": 2}' and got["ContentType"] == "application/json" and got["CacheControl"] == "max-age=5"
