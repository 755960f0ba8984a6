"""One consultation end to end over HTTP on the embedded stack: steps 1 to 9 of the walking skeleton."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from datetime import datetime, timezone

import pytest
import requests

from agora import contract
from agora.adapters.votes import scan_counted
from agora.adapters.tallies import TallyStore
from agora.domain.tallies import recount
from agora.local.client import Api, ApiError, Moderator
from tests.e2e.conftest import MODERATOR_KEY, eventually, start, stop

pytestmark = pytest.mark.slow


def test_a_consultation_runs_end_to_end(stack):
    api = Api(stack.url)

    # 1. the consultation
    consultation = api.call("GET", "/consultation")
    assert consultation["prefix"]["fr"] == "Il faut " and consultation["status"] == "open"
    assert {"question", "context", "min_length", "max_length", "opens_at", "closes_at"} <= set(consultation)

    # 2. participants
    author = api.register({"age": "25-34"})
    assert author.token and author.token.count(".") == 1

    # 3. proposals: valid ones are pending, bad ones are 422 and store nothing
    texts = [f"Il faut relier les villages par des bus n°{i}" for i in range(4)]
    ids = [author.propose(t)["id"] for t in texts]
    assert author.call("GET", f"/proposals/{ids[0]}")["status"] == "pending"
    for bad in ("Il faut", "x" * 200, "Nous devons agir vite", "Il faut <i>agir</i>", "Il faut\tagir vite"):
        with pytest.raises(ApiError) as refused:
            author.propose(bad)
        assert refused.value.status == 422 and refused.value.body["error"]["message"]

    # 4. moderation, behind the moderator key
    with pytest.raises(ApiError) as denied:
        api.call("GET", "/moderation/queue")
    assert denied.value.status == 401
    moderator = Moderator(api, MODERATOR_KEY)
    queue = moderator.queue()
    assert [p["id"] for p in queue] == ids  # exactly the four valid ones: the bad ones were not stored
    for proposal_id in ids[:3]:
        moderator.accept(proposal_id)
    assert moderator.refuse(ids[3], "already_exists")["status"] == "refused"

    # 5. sequences: once a snapshot has published the pool, each carries proofs
    voters = [api.register({"age": age}) for age in ("15-24", "65+", "65+")]
    # Probed every 4 s: /sequence allows a participant 20 calls a minute.
    served = eventually(lambda: len(voters[0].sequence()) == 3 and voters[0].sequence(), timeout=60, interval=4)
    assert {p["id"] for p in served} == set(ids[:3]) and all(p["proof"] for p in served)

    # 6. votes: repeat is a no-op, another key replaces, delete withdraws
    expected_votes, proofs = 0, {}
    for n, voter in enumerate(voters):
        for item in voter.sequence():
            assert voter.vote(item["id"], "agree", item["proof"])["trusted"] is True
            proofs[n, item["id"]] = item["proof"]
            expected_votes += 1
    assert voters[0].vote(ids[0], "agree", proofs[0, ids[0]])["changed"] is False
    assert voters[1].vote(ids[0], "disagree", proofs[1, ids[0]])["changed"] is True
    voters[2].call("DELETE", f"/proposals/{ids[1]}/vote")
    expected_votes -= 1

    # 7. score keeps exact counters from the stream, redelivered batches included
    content = (f"demo-{contract.CONTENT.logical_id.lower()}", stack.client("dynamodb"))
    tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", stack.client("dynamodb"))
    eventually(lambda: tallies.read_all() == recount(scan_counted(*content)))
    counted_at = datetime.now(timezone.utc)

    # 8. the snapshot publishes the manifest and the files it lists: one that began after the
    # tallies equalled the recount (a snapshot stamps its start), so it must hold every vote above
    def published_after_counting():
        manifest = api.call("GET", "/results")
        if datetime.fromisoformat(manifest["generated_at"]) <= counted_at:
            return None
        files = {f["name"]: f for f in manifest["files"]}
        return manifest, files, requests.get(files["summary.json"]["url"], timeout=10).json()

    manifest, files, summary = eventually(published_after_counting)
    assert summary["votes"] == expected_votes
    assert summary["participants"] == 4 and summary["proposals"] == 3
    for f in manifest["files"]:
        body = requests.get(f["url"], timeout=10).content
        assert hashlib.sha256(body).hexdigest() == f["sha256"]
    rows = list(csv.DictReader(io.StringIO(requests.get(files["proposals.csv"]["url"], timeout=10).text)))
    by_id = {r["proposal_id"]: r for r in rows}
    assert set(by_id) == set(ids[:3])
    assert (by_id[ids[0]]["agree"], by_id[ids[0]]["disagree"]) == ("2", "1")
    assert sum(int(r["votes"]) for r in rows) == expected_votes

    # 9. simulated citizens against the running stack
    run = subprocess.run(
        [sys.executable, "-m", "agora.cli", "simulate", "--base-url", stack.url, "--participants", "15"],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "participants: 15" in run.stdout and "errors: 0" in run.stdout
    eventually(lambda: tallies.read_all() == recount(scan_counted(*content)))


def test_plain_dev_starts_empty_and_stops_on_ctrl_c():
    running = start("--snapshot-every", "60")
    try:
        api = Api(running.url)
        assert api.call("GET", "/consultation")["counts"]["proposals"] == 0
        assert Moderator(api, MODERATOR_KEY).queue() == []
        assert requests.get(running.url + "/openapi.json", timeout=10).json()["info"]["title"] == "agora"
    finally:
        rest = stop(running)
    assert running.process.returncode == 0 and "stopped" in rest


def test_the_demo_seed_gives_a_newcomer_a_living_consultation():
    running = start("--seed-demo", "--snapshot-every", "60")
    try:
        assert not any("seeding error" in line for line in running.output), "".join(running.output)
        summary = Api(running.url).call("GET", "/consultation")["counts"]
        assert summary["proposals"] >= 15 and summary["votes"] >= 1000 and summary["participants"] >= 120
        assert Moderator(Api(running.url), MODERATOR_KEY).queue()  # pending proposals wait for moderation
    finally:
        stop(running)
