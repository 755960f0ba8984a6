"""The snapshot service on moto: what it reads, what it writes, in which order, and what survives a failure."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from agora import cli, contract
from agora.bootstrap import container as services
from agora.adapters import items
from agora.adapters.bucket import Bucket
from agora.adapters.pool import decode
from agora.adapters.tallies import TallyStore
from agora.adapters.vote_sample import read_sample
from agora.domain.participants import Participant
from agora.domain.tallies import recount
from agora.services.snapshot import SnapshotService
from tests.synthetic import proposal, voters

BASE_URL = "https://results.example"
PROPOSALS, PER_PERSON = 10, 8  # enough votes each for opinion groups (Polis: 7)
PEOPLE = [{"age": age, "department": dep} for age in ("25-34", "35-49", "50-64") for dep in ("29", "35") for _ in range(8)]


class Counting:
    """A DynamoDB client that counts the calls made through it, per operation and table."""

    def __init__(self, db: Any) -> None:
        self.db, self.calls = db, Counter()
        self.starts: list[str | None] = []

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.db, name)

        def counted(**kwargs: Any) -> Any:
            self.calls[name, kwargs.get("TableName")] += 1
            if name == "scan":
                self.starts.append(json.dumps(kwargs.get("ExclusiveStartKey"), sort_keys=True))
            return call(**kwargs)

        return counted

    def get_paginator(self, name: str) -> Any:
        self.calls["paginate " + name, None] += 1
        return _Paginator(self, name)


class _Paginator:
    def __init__(self, client: Counting, name: str) -> None:
        self.client, self.name = client, name

    def paginate(self, **kwargs: Any):
        start = None
        while True:
            page = getattr(self.client, self.name)(**kwargs, **({"ExclusiveStartKey": start} if start else {}))
            yield page
            start = page.get("LastEvaluatedKey")
            if not start:
                return


@pytest.fixture
def seeded(stack_env):
    """Accepted proposals, participants and their votes in the content table, and their exact tallies."""
    db = boto3.client("dynamodb")
    content_table, tallies_table = stack_env[contract.CONTENT.env_var], stack_env[contract.TALLIES.env_var]
    proposals = [proposal(i) for i in range(PROPOSALS)]
    data = voters(PEOPLE, proposals, PER_PERSON)
    for p in proposals:
        db.put_item(TableName=content_table, Item=items.proposal_item(p))
    expires_at = services().consultation.personal_data_expiry()
    for item in data.items:
        built = items.participant_item(item, expires_at) if isinstance(item, Participant) else items.vote_item(item, expires_at)
        db.put_item(TableName=content_table, Item=built)
    store = TallyStore(tallies_table, db)
    changes = list(recount(data.items).items())
    for i in range(0, len(changes), 90):
        store.commit("seed", dict(changes[i : i + 90]), expected=i // 90, checkpoint=i // 90 + 1)
    return proposals, data


def service(clock: float = 1_780_000_000.0, tallies_db: Any = None, bucket: Bucket | None = None, cap: int = 10_000) -> SnapshotService:
    db, stores = boto3.client("dynamodb"), services().stores
    return SnapshotService(
        services().consultation,
        stores.proposals,
        stores.votes,
        TallyStore(stores.tallies.table, tallies_db or db),
        bucket or files(),
        BASE_URL,
        clock=lambda: clock,
        sample=lambda: read_sample(db, stores.votes.table, cap=cap),
    )


def files() -> Bucket:
    return services().stores.files


def fetch(key: str) -> bytes:
    return files().get(key) or b""


def test_the_manifest_comes_last_and_lists_checksummed_files(seeded):
    published = service().run()
    manifest = json.loads(fetch(contract.MANIFEST_KEY))
    assert manifest == published.manifest
    assert [f["name"] for f in manifest["files"]] == [
        "summary.json", "proposals.csv", "segments.csv", "participation.json", "groups.json", "votes.json", "report.html", "report.en.html",
    ]
    for f in manifest["files"]:
        body = fetch(f["url"].removeprefix(BASE_URL + "/"))
        assert hashlib.sha256(body).hexdigest() == f["sha256"] and len(body) == f["bytes"]
        assert fetch(contract.LATEST_PREFIX + f["name"]) == body
    summary = json.loads(fetch(contract.LATEST_PREFIX + "summary.json"))
    assert (summary["participants"], summary["proposals"], summary["votes"]) == (len(PEOPLE), PROPOSALS, len(PEOPLE) * PER_PERSON)
    assert set(published.seconds) == {"read_tallies", "publish_pool", "read_sample", "compute", "format", "write"}


def test_the_sequence_pool_is_still_published(seeded):
    proposals, data = seeded
    service().run()
    pool = decode(fetch(contract.POOL_KEY))
    assert sorted(pool.pool.ids.tolist()) == sorted(p.id for p in proposals)
    assert int(pool.pool.votes.sum()) == len(PEOPLE) * PER_PERSON


def test_tallies_are_read_once_and_the_sample_is_capped(seeded):
    counting = Counting(boto3.client("dynamodb"))
    service(tallies_db=counting, cap=40).run()
    tallies = services().stores.tallies.table
    scans = [n for (op, table), n in counting.calls.items() if op == "scan" and table == tallies]
    assert scans and len(counting.starts) == sum(scans) and len(set(counting.starts)) == len(counting.starts)
    assert counting.starts.count("null") == 1  # one pass from the start: every page once
    assert {op for op, table in counting.calls if table == tallies} == {"scan"}
    groups = json.loads(fetch(contract.LATEST_PREFIX + "groups.json"))
    assert 0 < groups["sample"]["items_read"] <= 40 and groups["sample"]["complete"] is False


class FailingBucket(Bucket):
    """Fails the first put under a prefix (the second when `later`)."""

    def __init__(self, prefix: str, later: bool) -> None:
        real = files()
        super().__init__(real.name, real.s3)
        self.prefix, self.skip = prefix, int(later)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        if key.startswith(self.prefix):
            if not self.skip:
                raise RuntimeError("S3 is down")
            self.skip -= 1
        super().put(key, body, content_type, cache_control)


@pytest.mark.parametrize(
    ("fail_at", "later"),
    [(contract.POOL_KEY, False), (contract.RESULTS_PREFIX + "2", False), (contract.RESULTS_PREFIX + "2", True),
     (contract.LATEST_PREFIX, True), (contract.MANIFEST_KEY, False)],
)  # fmt: skip
def test_a_failed_snapshot_leaves_the_previous_one_intact(seeded, fail_at, later):
    before = service().run().manifest
    with pytest.raises(RuntimeError):
        service(clock=1_780_000_300.0, bucket=FailingBucket(fail_at, later)).run()
    assert json.loads(fetch(contract.MANIFEST_KEY)) == before
    for f in before["files"]:
        assert hashlib.sha256(fetch(f["url"].removeprefix(BASE_URL + "/"))).hexdigest() == f["sha256"]


def test_snapshots_carry_participation_over_time_and_the_group_count(seeded):
    service(clock=1_780_000_000.0).run()
    second = service(clock=1_780_000_300.0).run()
    participation = json.loads(fetch(second.manifest["folder"] + "participation.json"))
    assert [p["participants"] for p in participation["over_time"]] == [len(PEOPLE)] * 2
    groups = json.loads(fetch(second.manifest["folder"] + "groups.json"))
    assert groups["choice"]["count"] in (2, 3, 4, 5)


def test_same_tallies_same_files(seeded):
    first = service().run().manifest
    bodies = {f["name"]: fetch(f["url"].removeprefix(BASE_URL + "/")) for f in first["files"]}
    files().s3.delete_object(Bucket=files().name, Key=contract.MANIFEST_KEY)  # start afresh
    again = service().run().manifest
    assert {f["name"]: f["sha256"] for f in again["files"]} == {n: hashlib.sha256(b).hexdigest() for n, b in bodies.items()}


def test_agora_export_downloads_the_listed_files_and_checks_them(seeded, tmp_path: Path):
    service().run()
    bucket = files()

    class Gateway(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            body = bucket.get(contract.MANIFEST_KEY) if path == "/results" else bucket.get(path.removeprefix("/files/"))
            if path == "/results" and body:
                manifest = json.loads(body)
                for f in manifest["files"]:
                    f["url"] = f["url"].replace(BASE_URL, f"http://127.0.0.1:{server.server_port}/files")
                body = json.dumps(manifest).encode()
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = cli.main(["export", "--base-url", f"http://127.0.0.1:{server.server_port}", "--out", str(tmp_path)])
    finally:
        server.shutdown()
    assert code == 0
    [folder] = list(tmp_path.iterdir())
    manifest = json.loads(bucket.get(contract.MANIFEST_KEY) or b"{}")
    for f in manifest["files"]:
        assert hashlib.sha256((folder / f["name"]).read_bytes()).hexdigest() == f["sha256"]


def test_agora_export_on_aws_finds_the_bucket_from_the_stack_and_uses_presigned_urls(seeded, tmp_path: Path):
    template = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}, "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}}}
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="agora-demo", TemplateBody=json.dumps(template))
    name = cfn.describe_stacks(StackName="agora-demo")["Stacks"][0]["Outputs"][0]["OutputValue"]
    manifest = service(bucket=Bucket(name, boto3.client("s3"))).run().manifest
    assert cli.main(["export", "--stack", "agora-demo", "--out", str(tmp_path)]) == 0
    folder = tmp_path / manifest["folder"].rstrip("/").rsplit("/", 1)[-1]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f["name"] for f in manifest["files"])
