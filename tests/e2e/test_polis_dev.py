"""`agora dev --import-polis DIR` as an operator runs it: the consultation built from the conversation
is served with its real comments, and its first published results count exactly the votes Polis
reports; `agora import polis` against the running stack then finds nothing to add."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter

import requests

from agora.ops import polis, polis_dev
from tests.conftest import ROOT
from tests.e2e.conftest import MODERATOR_KEY, start, stop
from tests.ops.test_polis_import import polis_counts
from tests.unit.test_polis import LONDON


def test_agora_dev_serves_an_imported_conversation_with_the_counts_polis_reports(tmp_path) -> None:
    # The file `agora dev --import-polis` builds when given none (start() gives the demo's: the last one wins).
    built = polis_dev.write_consultation(polis.read(LONDON), tmp_path)
    running = start("--consultation", str(built), "--import-polis", str(LONDON), "--snapshot-every", "3600")
    try:
        printed = "".join(running.output)
        # Nothing before `ready` says "ready": the e2e harness and operators' scripts wait for that word.
        assert sum("ready" in line for line in running.output) == 1 and running.output[-1].startswith("ready:")
        assert "votes: 638 written, 0 there before" in printed and "votes/s" in printed
        consultation = requests.get(running.url + "/consultation", timeout=30).json()
        conversation = polis.read(LONDON)
        assert consultation["slug"] == "polis-london-youth-policing"
        assert consultation["question"] == {"en": conversation.topic}
        assert consultation["prefix"] == {"en": ""}

        # Published before `ready`: the hourly snapshot has not run since.
        files = {f["name"]: f["url"] for f in requests.get(running.url + "/results", timeout=30).json()["files"]}
        rows = csv.DictReader(io.StringIO(requests.get(files["proposals.csv"], timeout=30).content.decode("utf-8-sig")))
        published = {r["proposal_id"]: Counter({k: int(r[k]) for k in ("agree", "disagree", "neutral") if int(r[k])}) for r in rows}
        assert published == polis_counts(LONDON)
        queue = requests.get(running.url + "/moderation/queue", headers={"Authorization": f"Bearer {MODERATOR_KEY}"}, timeout=30)
        assert queue.status_code == 200 and queue.json()["proposals"] == []  # every comment was moderated in Polis

        assert f"consultation: {built}" in printed
        again = subprocess.run(
            [sys.executable, "-m", "agora.cli", "import", "polis", str(LONDON), "--no-progress",
             "--consultation", str(built), "--endpoint-url", running.aws_endpoint],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        assert again.returncode == 0, again.stderr
        assert "imported before" in again.stdout and "nothing written" in again.stdout
    finally:
        stop(running)
