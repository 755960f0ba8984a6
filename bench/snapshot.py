"""Snapshot: time and peak memory at 30,000 proposals × 3 segment questions, and opinion groups on
the bounded sample (5,000 participants × 2,000 proposals), against Lambda's limits (60 s, 1 GiB).

Baselines, measured in the same run:
* the walking skeleton's work: every raw tally item serialised once to CSV (no maths);
* for opinion groups, numpy's full SVD of the same vote matrix (what a naive PCA costs);
* for memory, the raw tallies as `TallyStore.read_all` returns them.
Tallies are generated in memory with the shape `read_all` returns; the full service runs with
those tallies behind a stub store, the bucket on moto's S3. Reads are counted on moto DynamoDB.
"""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import boto3
import numpy as np
from moto import mock_aws

from agora import config
from agora.adapters.bucket import Bucket
from agora.adapters.tallies import TallyStore, tally_key
from agora.adapters.vote_sample import SAMPLE_CAP, SEGMENTS, read_sample
from agora.config import Consultation, DemographicQuestion
from agora.results.formats import exports
from agora.results.counts import counts
from agora.results.groups import Choice, matrix, opinion_groups, plain_kmeans
from agora.domain.proposals import Proposal, Status
from agora.results.published import compute
from agora.results.sample import VoteSample
from agora.results.scores import VOTE_KEYS
from agora.domain.tallies import PARTICIPANTS, TallyRef
from agora.domain.votes import QUALIFICATIONS, VoteKey
from agora.services.snapshot import SnapshotService
from bench.harness import Row, side_by_side, timed
from tests.conftest import DEMO

GENDER = DemographicQuestion(
    id="gender", label={"en": "Gender"}, choices=("woman", "man", "other"), margins={"woman": 0.52, "man": 0.47, "other": 0.01}
)
LAMBDA_SECONDS, LAMBDA_MB = 60, 1024


def consultation() -> Consultation:
    """The demo (age, department) plus a third question."""
    demo = config.load(DEMO)
    return demo.model_copy(update={"demographics": (*demo.demographics, GENDER)})


def generate(proposals: int, seed: int = 7) -> tuple[list[Proposal], dict[TallyRef, dict[str, int]]]:
    """Tallies shaped like `read_all`'s: totals, one item per segment value, consultation counts."""
    rng = np.random.default_rng(seed)
    k = consultation()
    ids = [f"{i:032x}" for i in range(proposals)]
    accepted = [Proposal(pid, f"Il faut une proposition assez longue pour ressembler à une vraie, n°{i}", "fr", f"a{i % 997}", float(i), Status.ACCEPTED, ("thème",)) for i, pid in enumerate(ids)]
    votes = rng.lognormal(5.0, 0.9, proposals).astype(np.int64)
    keys = rng.multinomial(votes, rng.dirichlet([3, 2, 1], proposals))
    names = list(VOTE_KEYS)
    columns = [keys[:, i] for i in range(3)]
    for i, key in enumerate(VoteKey):
        for q in QUALIFICATIONS[key]:
            names.append(q)
            columns.append(rng.binomial(keys[:, i], 0.15))
    counts = np.stack(columns, axis=1)
    tallies: dict[TallyRef, dict[str, int]] = {}
    for j, pid in enumerate(ids):
        tallies[TallyRef(pid)] = {n: int(c) for n, c in zip(names, counts[j]) if c}
    participants = int(votes.sum() // 12)
    tallies[TallyRef()] = {PARTICIPANTS: participants}
    for q in k.demographics:
        shares = np.array([q.margins[v] for v in q.choices]) * 0.9
        shares = np.append(shares, 1 - shares.sum())  # who did not answer
        tallies.update({TallyRef(None, q.id, v): {PARTICIPANTS: int(participants * s)} for v, s in zip(q.choices, shares) if s > 0})
        split = np.stack([rng.multinomial(counts[:, c], shares) for c in range(len(names))], axis=2)  # [proposal, choice, name]
        for j, pid in enumerate(ids):
            for v, value in enumerate(q.choices):
                cell = {n: int(c) for n, c in zip(names, split[j, v]) if c}
                if cell:
                    tallies[TallyRef(pid, q.id, value)] = cell
    return accepted, tallies


def sample(participants: int, proposals: int, seed: int = 11) -> VoteSample:
    """Three opinion camps; each participant votes 7 to 80 times, on popular proposals more often."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 3, participants)
    lean = rng.choice([0.15, 0.5, 0.85], size=(3, proposals))
    popularity = 1 / np.arange(1, proposals + 1) ** 0.6
    popularity /= popularity.sum()
    k = consultation()
    triples: list[tuple[str, str, str]] = []
    profiles: dict[str, dict[str, str]] = {}
    for i in range(participants):
        pid = f"p{i:06d}"
        profiles[pid] = {q.id: str(rng.choice(q.choices)) for q in k.demographics if rng.random() < 0.9}
        chosen = rng.choice(proposals, size=int(rng.integers(7, 81)), replace=False, p=popularity)
        roll = rng.random(len(chosen))
        agree = roll < lean[camp[i], chosen]
        for q, a, r in zip(chosen.tolist(), agree.tolist(), roll.tolist()):
            key = "neutral" if r > 0.93 else ("agree" if a else "disagree")
            triples.append((pid, f"{q:032x}", key))
    return VoteSample.of(triples, profiles, len(triples) + participants, False)


def raw_dump(tallies: dict[TallyRef, dict[str, int]]) -> bytes:
    """The baseline: serialise every raw tally item once, no maths."""
    out = io.StringIO()
    writer = csv.writer(out)
    for ref, counters in tallies.items():
        writer.writerow([ref.proposal_id, ref.dimension, ref.value, *(f"{n}={c}" for n, c in counters.items())])
    return out.getvalue().encode()


def peak_mb(fn: Callable[[], Any]) -> tuple[float, Any]:
    tracemalloc.start()
    try:
        result = fn()
        return tracemalloc.get_traced_memory()[1] / 2**20, result
    finally:
        tracemalloc.stop()


class Stub:
    """Proposal, vote and tally stores that hand over what was generated, as the real ones would read it."""

    def __init__(self, accepted: list[Proposal], tallies: dict[TallyRef, dict[str, int]]) -> None:
        self.accepted, self.tallies = accepted, tallies

    def by_status(self, status: Status, after: str | None = None):
        return iter([(p, "") for p in self.accepted] if status is Status.ACCEPTED else [])

    def count(self, status: Status) -> int:
        return 0

    def read_all(self) -> dict[TallyRef, dict[str, int]]:
        return self.tallies


def full_service(accepted: list[Proposal], tallies: dict[TallyRef, dict[str, int]], votes: VoteSample) -> float:
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket="bench", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        stub = Stub(accepted, tallies)
        snapshot = SnapshotService(consultation(), stub, stub, stub, Bucket("bench", s3), "https://bench.example", sample=lambda: votes)  # type: ignore[arg-type]
        started = time.perf_counter()
        snapshot.run()
        return time.perf_counter() - started


def tally_reads(proposals: int) -> tuple[int, int]:
    """(Scan calls by one snapshot's read, pages in one full pass) on moto DynamoDB."""
    _, tallies = generate(proposals)
    with mock_aws():
        db = boto3.client("dynamodb", region_name="eu-west-3")
        db.create_table(
            TableName="tallies", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        )  # fmt: skip
        store = TallyStore("tallies", db)
        # Batch puts, not score's transactions: moto copies the table for every transaction.
        with boto3.resource("dynamodb", region_name="eu-west-3").Table("tallies").batch_writer() as batch:
            for ref, counters in tallies.items():
                key = {k: v["S"] for k, v in tally_key(ref).items()}
                batch.put_item(Item={**key, **counters})
        calls = []
        scan = db.scan
        db.scan = lambda **kw: calls.append(kw) or scan(**kw)  # type: ignore[method-assign]
        assert store.read_all() == tallies
        scans = len(calls)
        pages = sum(1 for _ in db.get_paginator("scan").paginate(TableName="tallies"))
        return scans, pages


class Pages:
    """A DynamoDB client stand-in serving vote items page by page, as a parallel Scan returns them."""

    def __init__(self, votes: VoteSample, segments: int) -> None:
        items = [
            {"pk": {"S": f"PARTICIPANT#{votes.participants[p]}"}, "sk": {"S": f"VOTE#{votes.proposals[q]}"}, "key": {"S": VOTE_KEYS[k]}}
            for p, q, k in zip(votes.voter.tolist(), votes.target.tolist(), votes.key.tolist())
        ]
        self.parts = [items[i::segments] for i in range(segments)]

    def scan(self, Segment: int, Limit: int, ExclusiveStartKey: dict[str, int] | None = None, **_: Any) -> dict[str, Any]:
        start = (ExclusiveStartKey or {}).get("at", 0)
        page = self.parts[Segment][start : start + Limit]
        more = start + Limit < len(self.parts[Segment])
        return {"Items": page, "ScannedCount": len(page), **({"LastEvaluatedKey": {"at": start + Limit}} if more else {})}


def sample_read(votes: VoteSample) -> tuple[float, float]:
    """(seconds to page through and parse the sample's vote items, seconds to index the parsed triples)."""
    pages = Pages(votes, SEGMENTS)
    triples = [(votes.participants[p], votes.proposals[q], VOTE_KEYS[k]) for p, q, k in zip(votes.voter, votes.target, votes.key)]
    read = timed(lambda: read_sample(pages, "content", cap=len(votes.voter)), repeat=1)
    index = timed(lambda: VoteSample.of(triples, {}, len(triples), True), repeat=1)
    return read, index


def rows(quick: bool) -> list[Row]:
    n, people, columns = (600, 400, 300) if quick else (30_000, 5_000, 2_000)
    accepted, tallies = generate(n)
    k = consultation()
    at = "2026-03-01T00:00:00+00:00"
    votes = sample(people, columns * 2)

    def snapshot_maths() -> list[exports.ExportFile]:
        table = counts([p.id for p in accepted], tallies, k.demographics)
        return exports.files(compute(k, accepted, table, {"accepted": n}, at, None))

    def as_the_service_holds_it() -> list[exports.ExportFile]:
        """The tallies as read, turned into arrays and dropped, then the results: the service's peak."""
        fresh = generate(n)[1]
        table = counts([p.id for p in accepted], fresh, k.demographics)
        del fresh
        return exports.files(compute(k, accepted, table, {"accepted": n}, at, None))

    repeat = 1 if not quick else 2
    seconds = timed(snapshot_maths, repeat=repeat)
    baseline = timed(lambda: raw_dump(tallies), repeat=repeat)
    memory, files = peak_mb(as_the_service_holds_it)
    tallies_mb, _ = peak_mb(lambda: generate(n)[1])
    size_mb = sum(len(f.body) for f in files) / 2**20
    service = full_service(accepted, tallies, votes)

    m = matrix(votes, {p.id for p in accepted})
    groups_seconds, plain_seconds = side_by_side(
        lambda: opinion_groups(votes, {p.id for p in accepted}, Choice()), lambda: opinion_groups(votes, {p.id for p in accepted}, Choice(), plain_kmeans), 3
    )
    centred = np.where(m.voted, m.choice - m.choice.sum(0) / np.maximum(m.voted.sum(0), 1), 0).astype(np.float32)
    svd_seconds = timed(lambda: np.linalg.svd(centred, full_matrices=False), repeat=1)
    groups_mb, found = peak_mb(lambda: opinion_groups(votes, {p.id for p in accepted}, Choice()))
    scans, pages = tally_reads(300 if quick else 3_000)
    parse, index = sample_read(votes)
    shape = f"{n:,} proposals × 3 questions, {len(tallies):,} tally items"
    return [
        Row(f"snapshot maths+files, {n:,} proposals", seconds, baseline, "s", f"value <= {LAMBDA_SECONDS}",
            f"{shape}; baseline: dump raw tallies to CSV; {size_mb:.0f} MB of files"),
        Row(f"snapshot peak memory, {n:,} proposals", memory, tallies_mb, "MiB", f"value <= {LAMBDA_MB}",
            "tracemalloc from reading to formatting, as the service runs; baseline: the raw tallies as read_all holds them"),
        Row(f"snapshot full service, {n:,} proposals", service, baseline, "s", f"value <= {LAMBDA_SECONDS}",
            f"compute + groups + raking on {len(votes.participants):,} sampled participants + writes to moto S3"),
        Row(f"opinion groups {len(m.participants):,} × {len(m.proposals):,}", groups_seconds, svd_seconds, "s", f"value <= {LAMBDA_SECONDS}",
            f"{len(votes.voter):,} sampled votes; baseline: numpy full SVD of the same matrix"),
        Row("opinion groups vs plain k-means", groups_seconds, plain_seconds, "s", "ratio <= 1.5",
            f"{len(m.participants):,} × {len(m.proposals):,}; baseline: plain k-means per count (the method before the density weighting), run in turn, median of 3"),
        Row("opinion groups peak memory", groups_mb, m.choice.nbytes / 2**20, "MiB", f"value <= {LAMBDA_MB}",
            "baseline: the dense vote matrix alone"),
        Row("tally Scan calls per snapshot", scans, pages, "calls", "ratio <= 1",
            "moto DynamoDB; baseline: pages in one full pass of the tallies table"),
        Row(f"bounded sample: page through {len(votes.voter):,} vote items", parse, index, "s", "value <= 20",
            f"CPU only ({SEGMENTS} segments, network not included; cap {SAMPLE_CAP:,}); baseline: indexing the parsed votes"),
    ]  # fmt: skip
