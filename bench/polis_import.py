"""`agora dev --import-polis` on the largest shipped Polis conversation, as an operator runs it: import
votes/s against one PutItem per vote (the API's vote write) on the same stack in the same run, the
seconds until the stack is ready (imported, counted, published), and votes whose published count
differs from Polis's own per-participant export (participants-votes.csv).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import requests

from agora import config, contract
from agora.adapters.votes import VoteStore
from agora.domain.votes import Trust, Vote, VoteKey
from agora.local import resources
from agora.ops import polis, polis_dev
from bench.embedded import free_port, stop
from bench.harness import Row

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "polis"
BASELINE_VOTES = 2000
POLIS_KEYS = {"1": "agree", "-1": "disagree", "0": "neutral"}


def largest() -> Path:
    """The conversation with the most votes (a line each)."""
    return max((d for d in DATA.iterdir() if d.is_dir()), key=lambda d: (d / "votes.csv").read_bytes().count(b"\n"))


def polis_counts(folder: Path, conversation: polis.Conversation, reported: set[str]) -> dict[str, dict[str, int]]:
    """Per accepted comment not reported as breaking the text rules, its votes as Polis's
    participants-votes.csv reports them."""
    accepted = {c.id for c in conversation.comments if c.moderated == "1"} - reported
    counts: dict[str, dict[str, int]] = {}
    with (folder / "participants-votes.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            for cid in accepted & set(row):
                if row[cid] != "":
                    slot = counts.setdefault(conversation.proposal_id(cid), {})
                    slot[POLIS_KEYS[row[cid]]] = slot.get(POLIS_KEYS[row[cid]], 0) + 1
    return counts


def published_counts(url: str) -> dict[str, dict[str, int]]:
    manifest = requests.get(url + "/results", timeout=30).json()
    if "files" not in manifest:
        return {}  # nothing published yet
    files = {f["name"]: f["url"] for f in manifest["files"]}
    rows = csv.DictReader(io.StringIO(requests.get(files["proposals.csv"], timeout=60).content.decode("utf-8-sig")))
    return {r["proposal_id"]: {k: int(r[k]) for k in POLIS_KEYS.values() if int(r[k])} for r in rows}


def one_put_per_vote(endpoint: str, table: str, n: int) -> float:
    """Votes/s writing n vote items one conditional PutItem each, as the vote route does."""
    db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-3",
                      aws_access_key_id="embedded", aws_secret_access_key="embedded")
    store = VoteStore(table, db, config.load(os.environ[contract.CONSULTATION_FILE_ENV]).personal_data_expiry())
    started = time.perf_counter()
    for i in range(n):
        store.put(Vote(f"{i:032x}", "bench-baseline", VoteKey.AGREE, Trust.UNTRUSTED, voted_at=time.time()))
    return n / (time.perf_counter() - started)


def rows(quick: bool = False) -> list[Row]:
    folder = DATA / "london.youth.policing" if quick else largest()
    conversation = polis.read(folder)
    settings = polis_dev.write_consultation(conversation)
    os.environ.setdefault(contract.CONSULTATION_FILE_ENV, str(settings))  # the vote items' expiry
    scratch = tempfile.TemporaryDirectory(prefix="agora-polis-bench-")  # a first import, every run
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "agora.cli", "dev", "--port", str(free_port()), "--snapshot-every", "3600",
         "--import-polis", str(folder), "--consultation", str(settings), "--data-dir", scratch.name],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("ready:"):
                break
        else:
            raise RuntimeError("agora dev --import-polis stopped before it was ready:\n" + "".join(lines))
        ready = time.perf_counter() - started
        printed = "".join(lines)
        rate = float(re.search(r"([\d.]+) votes/s", printed).group(1))
        url = re.search(r"ready: (\S+)", printed).group(1)
        endpoint = re.search(r"AWS endpoint: (\S+)", printed).group(1)
        reported = set(re.findall(r"not imported: .*?: comment (\d+) ", printed))
        expected, published = polis_counts(folder, conversation, reported), published_counts(url)
        off = sum(abs(expected.get(p, {}).get(k, 0) - published.get(p, {}).get(k, 0))
                  for p in expected.keys() | published.keys() for k in POLIS_KEYS.values())
        table = resources.table_name(polis_dev.slug(conversation), contract.CONTENT)
        baseline = one_put_per_vote(endpoint, table, 100 if quick else BASELINE_VOTES)
    finally:
        stop(process)
        scratch.cleanup()
    note = (f"{folder.name}: {len(conversation.votes)} last votes of {conversation.votes_in_file} in the file;"
            f" {len(reported)} comments reported as breaking the text rules")
    return [
        Row("polis import: votes/s vs one PutItem per vote (embedded)", rate, baseline, "votes/s", "ratio >= 1", note),
        Row("polis import: seconds until ready (imported, counted, published)", ready, 0, "s", "value <= 600", note),
        Row("polis import: published counts off Polis's own", off, 0, "votes", "value <= 0",
            "proposals.csv vs participants-votes.csv at ready, per accepted comment and key"),
    ]
