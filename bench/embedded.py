"""The embedded stack under a burst: `agora simulate` (2,000 citizens: register, sometimes propose, a
sequence of votes each) against `agora dev`, vs a trivial GET /consultation loop on the same stack in
the same run, on DynamoDB Local and, at a size it can finish, on moto. Then the stream catches up:
every vote counted exactly once (tallies equal a recount of the vote items and the votes cast), and
the next snapshot says the same. Then the stack stops (timed), starts again on its data (timed) and
publishes the same figures.

The stack runs in its own process, as an operator starts it; the citizens are this process's threads.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

from agora import contract
from agora.adapters.votes import scan_counted
from agora.adapters.tallies import TallyStore
from agora.domain.tallies import UNTRUSTED, TallyRef, recount
from agora.local.client import Api, Moderator
from agora.local.simulate import simulate
from bench.harness import Row

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-moderator-key"
CONCURRENCY = 8
KEYS = ("agree", "disagree", "neutral", UNTRUSTED)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(engine: str, data_dir: Path) -> tuple[subprocess.Popen[str], str, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "agora.cli", "dev", "--port", str(port), "--moderator-key", KEY, "--snapshot-every", "5",
         "--consultation", str(ROOT / "consultations" / "demo.toml"), "--engine", engine, "--data-dir", str(data_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "ready" in line:
            break
    else:
        raise RuntimeError("agora dev stopped before it was ready:\n" + "".join(lines))
    endpoint = next(m.group(1) for line in lines if (m := re.search(r"AWS endpoint: (\S+)", line)))
    return process, f"http://127.0.0.1:{port}", endpoint


def stop(process: subprocess.Popen[str]) -> float:
    """Seconds from Ctrl-C to the stack's exit (its children stop before it does)."""
    began = time.perf_counter()
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
    return time.perf_counter() - began


def until(probe, timeout: float) -> float:
    """Seconds until `probe()` holds (polled); raises past the deadline."""
    started = time.perf_counter()
    while not probe():
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"still false after {timeout} s")
        time.sleep(0.2)
    return time.perf_counter() - started


def get_loop(url: str, requests_total: int) -> tuple[float, int]:
    """Requests per second of GET /consultation from CONCURRENCY threads, and how many failed."""
    failures = []

    def worker(n: int) -> None:
        session = requests.Session()
        for _ in range(n):
            if session.get(url + "/consultation", timeout=30).status_code != 200:
                failures.append(1)

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(worker, [requests_total // CONCURRENCY] * CONCURRENCY))
    return requests_total // CONCURRENCY * CONCURRENCY / (time.perf_counter() - started), len(failures)


@dataclass
class Burst:
    report: Any
    get_rps: float
    get_failures: int
    miscounted: int
    catch_up: float
    published_votes: int
    stop_seconds: float
    probe_token: str  # a participant registered before the burst who has not voted yet


def published_summary(api: Api) -> dict[str, Any]:
    summary_url = next(f["url"] for f in api.call("GET", "/results")["files"] if f["name"] == "summary.json")
    return requests.get(summary_url, timeout=30).json()


def burst(engine: str, citizens: int, data_dir: Path, get_requests: int, seconds: float) -> Burst:
    """Start a stack on `engine`, publish 15 proposals, time a GET loop, then the burst; wait until
    every vote is counted and published; stop it. Citizens not started within `seconds` are left out."""
    process, url, endpoint = start(engine, data_dir)
    try:
        api = Api(url)
        authors = [api.register() for _ in range(3)]  # 10 proposals an hour each
        moderator = Moderator(api, KEY)
        for i in range(15):
            moderator.accept(authors[i % 3].propose(f"Il faut protéger le littoral, idée n°{i}")["id"])
        probe = api.register()
        # The snapshot that publishes all 15 publishes the pool first; /sequence itself is rate-limited.
        until(lambda: published_summary(api)["proposals"] == 15, 120)
        assert probe.sequence(), "the published pool serves nothing"

        get_rps, get_failures = get_loop(url, get_requests)
        report = simulate(url, citizens, propose_share=0.1, concurrency=CONCURRENCY, progress=False, seconds=seconds)

        db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-3",
                          aws_access_key_id="embedded", aws_secret_access_key="embedded")
        content = (f"demo-{contract.CONTENT.logical_id.lower()}", db)
        tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", db)
        catch_up = until(lambda: tallies.read_all() == recount(scan_counted(*content)), 900)
        counted = tallies.read_all()
        votes = sum(c.get(k, 0) for ref, c in counted.items() if ref.proposal_id and ref.dimension is None for k in KEYS)
        items = sum(1 for item in scan_counted(*content) if hasattr(item, "key"))
        miscounted = abs(votes - report.votes) + abs(items - report.votes)

        def published() -> bool:
            summary = published_summary(api)
            return summary["votes"] + summary["untrusted_votes"] == votes and (
                summary["participants"] == counted[TallyRef()]["participants"]
            )

        until(published, 300)
    finally:
        stop_seconds = stop(process)
    return Burst(report, get_rps, get_failures, miscounted, catch_up, votes, stop_seconds, probe.token or "")


def counted_votes(endpoint: str) -> int | None:
    """Votes in the tallies once they equal a recount of the vote items (None until then)."""
    db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-3",
                      aws_access_key_id="embedded", aws_secret_access_key="embedded")
    content = (f"demo-{contract.CONTENT.logical_id.lower()}", db)
    tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", db)
    counted = tallies.read_all()
    if counted != recount(scan_counted(*content)):
        return None
    return sum(c.get(k, 0) for ref, c in counted.items() if ref.proposal_id and ref.dimension is None for k in KEYS)


@dataclass
class Restart:
    ready: float  # seconds from `agora dev` to `ready` on the burst's data
    published_votes: int  # what the restarted stack publishes before any new vote
    next_vote_off_by: int  # counted and published votes after one more vote, minus (before + 1)
    next_vote_seconds: float  # from that vote until the tallies and the snapshot hold it
    stop_seconds: float


def restart(data_dir: Path, before: Burst) -> Restart:
    """Start `agora dev` again on the burst's data; the probe participant's token (issued before
    the stop) votes once; that vote is counted and published exactly once."""
    began = time.perf_counter()
    process, url, endpoint = start("dynamodb-local", data_dir)
    stop_seconds = 0.0
    try:
        ready = time.perf_counter() - began
        api = Api(url)
        summary = published_summary(api)
        published_votes = summary["votes"] + summary["untrusted_votes"]
        voted = time.perf_counter()
        served = api.as_participant(before.probe_token).sequence(1)[0]
        api.as_participant(before.probe_token).vote(served["id"], "agree", served["proof"])
        wanted = before.published_votes + 1
        counted = poll_value(lambda: counted_votes(endpoint), 300)

        def published_again() -> int | None:
            s = published_summary(api)
            total = s["votes"] + s["untrusted_votes"]
            return total if total != published_votes else None

        republished = poll_value(published_again, 300)
        next_vote_seconds = time.perf_counter() - voted
        off_by = abs(counted - wanted) + abs(republished - wanted)
    finally:
        stop_seconds = stop(process)
    return Restart(ready, published_votes, off_by, next_vote_seconds, stop_seconds)


def poll_value(probe, timeout: float) -> Any:
    """What `probe()` returns once it is not None (polled); raises past the deadline."""
    found: list[Any] = []
    until(lambda: found.append(probe()) or found[-1] is not None, timeout)
    return found[-1]


def rows(quick: bool = False) -> list[Row]:
    # moto slows as its tables grow: its side runs at a size it finishes (the same burst shape).
    # 2,000 citizens take over half an hour on 2 shared cores: `make bench` runs 500, `--full` 2,000.
    citizens, moto_citizens = (40, 20) if quick else ((2000, 300) if "--full" in sys.argv else (500, 300))
    allowed, moto_allowed = (25 * 60, 12 * 60) if "--full" in sys.argv else (15 * 60, 10 * 60)
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as scratch:
        local = burst("dynamodb-local", citizens, Path(scratch) / "local", 200 if quick else 1000, allowed)
        again = restart(Path(scratch) / "local", local)
        moto = burst("moto", moto_citizens, Path(scratch) / "moto", 200 if quick else 1000, moto_allowed)
    report = local.report
    burst_rps = report.requests / report.seconds
    moto_rps = moto.report.requests / moto.report.seconds
    ran, moto_ran = report.participants, moto.report.participants
    note = f"{ran} of {citizens} citizens, {report.requests} requests, {report.votes} votes, {CONCURRENCY} threads"
    versus = f"DynamoDB Local at {ran} citizens vs moto at {moto_ran}"
    return [
        Row("embedded: burst requests/s vs a GET /consultation loop", burst_rps, local.get_rps, "requests/s", "ratio >= 0.3", note),
        Row("embedded: citizens left out of the burst in the time allowed (DynamoDB Local, moto)",
            report.not_started + moto.report.not_started, 0, "citizens", "value <= 0",
            f"{report.not_started} of {citizens} after {allowed / 60:.0f} min, {moto.report.not_started} of {moto_citizens} after {moto_allowed / 60:.0f} min"),
        Row("embedded: errors in the burst (and in the GET loop)", len(report.errors) + local.get_failures, 0, "requests", "value <= 0"),
        Row("embedded: votes not counted exactly once", local.miscounted, 0, "votes", "value <= 0",
            "tallies vs vote items vs votes cast; the snapshot published the same"),
        Row("embedded: seconds for the tallies to catch up after the burst", local.catch_up, report.seconds, "s",
            "value <= 60", "baseline: the burst's own duration"),
        Row("embedded: burst requests/s, DynamoDB Local vs moto", burst_rps, moto_rps, "requests/s", "ratio >= 1", versus),
        Row("embedded: vote p50, DynamoDB Local vs moto", report.vote_ms(0.5), moto.report.vote_ms(0.5), "ms", "ratio <= 1", versus),
        Row("embedded: vote p99, DynamoDB Local vs moto", report.vote_ms(0.99), moto.report.vote_ms(0.99), "ms", "ratio <= 1", versus),
        Row("embedded: errors and miscounted votes on moto", len(moto.report.errors) + moto.miscounted, 0, "requests", "value <= 0"),
        Row("embedded: seconds from Ctrl-C to exit after the burst", local.stop_seconds, 5, "s", "value <= 5",
            "children included; baseline: the goal"),
        Row("embedded: votes published after a restart, off by", abs(again.published_votes - local.published_votes), 0, "votes",
            "value <= 0", f"{local.published_votes} before; the restarted stack was ready in {again.ready:.1f} s"),
        Row("embedded: restart: seconds from `agora dev` to ready on the burst's data", again.ready, 60, "s", "value <= 60",
            "DynamoDB Local's start, the bucket put back, the first snapshot; baseline: a minute"),
        Row("embedded: restart: the next vote (a token issued before the stop), counted and published off by",
            again.next_vote_off_by, 0, "votes", "value <= 0",
            f"counted and published {again.next_vote_seconds:.1f} s after it was cast; stopped again in {again.stop_seconds:.1f} s"),
    ]
