"""A burst of simulated citizens (`agora simulate`) against `agora dev`, at a small size.

Zero errors; every vote counted exactly once (the tallies read from the moto server the stack prints
equal a recount of the vote items, and their totals equal the votes the simulation cast); the next
snapshot publishes the same figures. `make bench` runs the same at a larger size (bench/embedded.py).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import pytest

from agora import contract
from agora.adapters.votes import scan_counted
from agora.adapters.tallies import TallyStore
from agora.domain.tallies import UNTRUSTED, TallyRef, recount
from agora.local.client import Api, Moderator
from tests.conftest import ROOT
from tests.e2e.conftest import MODERATOR_KEY, eventually, start, stop

pytestmark = pytest.mark.slow

CITIZENS = 100
KEYS = ("agree", "disagree", "neutral")


@pytest.fixture(scope="module")
def burst():
    running = start("--snapshot-every", "2", "--redeliver-every", "3")
    try:
        api = Api(running.url)
        authors = [api.register() for _ in range(3)]  # a participant may submit 10 an hour
        moderator = Moderator(api, MODERATOR_KEY)
        for i in range(15):
            moderator.accept(authors[i % 3].propose(f"Il faut protéger le littoral, idée n°{i}")["id"])
        probe = api.register()
        eventually(lambda: len(probe.sequence()) == 12, interval=4)  # the pool is published (a full sequence; 20 calls a minute)
        out = subprocess.run(
            [sys.executable, "-m", "agora.cli", "simulate", "--base-url", running.url, "--participants", str(CITIZENS),
             "--concurrency", "8", "--propose-share", "0.2"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
        yield running, out
    finally:
        stop(running)


def figure(output: str, name: str) -> int:
    return int(re.search(rf"^{name}: (\d+)", output, flags=re.M).group(1))


def test_the_burst_has_no_error(burst):
    _, out = burst
    assert out.returncode == 0, out.stdout + out.stderr
    assert figure(out.stdout, "errors") == 0
    assert figure(out.stdout, "participants") == CITIZENS
    assert figure(out.stdout, "votes cast") >= CITIZENS * 10  # a sequence each (12 of 15 proposals)


def test_every_vote_is_counted_exactly_once(burst):
    running, out = burst
    db = running.client("dynamodb")
    content = (f"demo-{contract.CONTENT.logical_id.lower()}", db)
    tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", db)
    eventually(lambda: tallies.read_all() == recount(scan_counted(*content)), timeout=120)
    counted = tallies.read_all()
    proposals = [ref for ref in counted if ref.proposal_id and ref.dimension is None]
    total = sum(counted[ref].get(k, 0) for ref in proposals for k in (*KEYS, UNTRUSTED))
    items = sum(1 for item in scan_counted(*content) if hasattr(item, "key"))
    assert total == items == figure(out.stdout, "votes cast"), (total, items)
    assert sum(counted[ref].get(UNTRUSTED, 0) for ref in proposals) == 0  # every simulated vote had its proof
    assert counted[TallyRef()]["participants"] == CITIZENS + 3  # the burst and the authors; the probe only looked


def test_the_next_snapshot_publishes_the_same_figures(burst):
    running, out = burst
    api = Api(running.url)
    db = running.client("dynamodb")
    content = (f"demo-{contract.CONTENT.logical_id.lower()}", db)
    tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", db)
    eventually(lambda: tallies.read_all() == recount(scan_counted(*content)), timeout=120)
    counted = tallies.read_all()
    votes = figure(out.stdout, "votes cast")

    def published():
        manifest = api.call("GET", "/results")
        files = {f["name"]: f["url"] for f in manifest["files"]}
        summary = api.session.get(files["summary.json"], timeout=30).json()
        return (summary, files) if summary["votes"] == votes else None

    summary, files = eventually(published, timeout=60)
    assert summary["participants"] == counted[TallyRef()]["participants"]
    assert summary["untrusted_votes"] == 0
    rows = csv.DictReader(io.StringIO(api.session.get(files["proposals.csv"], timeout=30).text))
    by_id = {r["proposal_id"]: r for r in rows}
    for ref, counters in counted.items():
        if ref.proposal_id and ref.dimension is None and ref.proposal_id in by_id:
            row = by_id[ref.proposal_id]
            assert [int(row[k]) for k in KEYS] == [counters.get(k, 0) for k in KEYS], ref.proposal_id
    assert sum(int(r["votes"]) for r in by_id.values()) == votes
