"""Publishing results and the sequence pool from the tallies, on a schedule.

Reads the tallies once and the accepted proposals once, publishes the sequence pool from them,
then (with a capped sample of vote items for opinion groups and raking) computes the results in
the pure domain, writes immutable files under `results/<timestamp>/`, copies them to
`results/latest/`, and writes the manifest last: it is the commit point. A snapshot that fails before it leaves the previous manifest, and every file
it lists, as they were. What carries over between snapshots (participation over time, the kept
number of opinion groups) is read from the files of the last committed snapshot, so a failed run
cannot corrupt it either.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from agora import contract as c
from agora.adapters import pool as pool_file
from agora.results import brigading
from agora.results.formats import exports
from agora.results.counts import counts
from agora.results.groups import Choice
from agora.domain.proposals import Status
from agora.results.published import compute
from agora.results.sample import VoteSample
from agora.results.scores import RATED
from agora.domain.tallies import UNTRUSTED, TallyRef
from agora.config import Consultation
from agora.services import ports
from agora.services.proposal_index import publish_proposal_index
from agora.services.sequence import policy_for

POOL_COUNTERS = (*RATED, UNTRUSTED)
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=10"


def stamp(now: float) -> str:
    moment = datetime.fromtimestamp(now, timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Published:
    manifest: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)  # per step, for the logs and bench/


class SnapshotService:
    def __init__(
        self,
        consultation: Consultation,
        proposals: ports.ProposalStore,
        votes: ports.VoteStore,
        tallies: ports.TallyStore,
        files: ports.PublishedFiles,
        public_base_url: str,
        clock: Callable[[], float] = time.time,
        sample: Callable[[], VoteSample | None] | None = None,
    ) -> None:
        self.consultation, self.proposals, self.tallies, self.files, self.clock = consultation, proposals, tallies, files, clock
        self.public_base_url = public_base_url.rstrip("/")
        self.sample = sample or votes.sample

    def run(self) -> Published:
        seconds: dict[str, float] = {}
        started = time.perf_counter()

        def lap(step: str) -> None:
            nonlocal started
            seconds[step] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()

        now = self.clock()
        generated_at = datetime.fromtimestamp(now, timezone.utc).isoformat()
        accepted = [p for p, _ in self.proposals.by_status(Status.ACCEPTED)]
        by_status = {s.value: self.proposals.count(s) for s in Status if s is not Status.ACCEPTED}
        by_status[Status.ACCEPTED.value] = len(accepted)
        tallies = self.tallies.read_all()
        lap("read_tallies")
        # What sequencing and search need first: they keep going even if the results below fail.
        pool = {p.id: tallies.get(TallyRef(p.id), {}) for p in accepted}
        self.files.put(c.POOL_KEY, pool_file.encode(accepted, pool, POOL_COUNTERS, round(now, 3), policy_for(self.consultation.sequence)), pool_file.CONTENT_TYPE, SHORT)
        publish_proposal_index(self.proposals, self.files, accepted, now)
        # The tally items as read are the largest thing in memory: keep only their arrays.
        table = counts([p.id for p in accepted], tallies, self.consultation.demographics)
        suspicious = brigading.signals(tallies)
        del tallies, pool
        lap("publish_pool")
        sample = self.sample()
        lap("read_sample")
        previous = self._previous()
        results = compute(
            self.consultation,
            accepted,
            table,
            by_status,
            generated_at,
            sample,
            previous.get("participation.json", {}).get("over_time", []),
            Choice.of(previous.get("groups.json", {}).get("choice")),
            suspicious,
        )
        lap("compute")
        files = exports.files(results)
        lap("format")

        folder = f"{c.RESULTS_PREFIX}{stamp(now)}/"
        for f in files:
            self.files.put(folder + f.name, f.body, f.content_type, IMMUTABLE)
        for f in files:
            self.files.put(c.LATEST_PREFIX + f.name, f.body, f.content_type, SHORT)
        manifest = self._manifest(generated_at, folder, files)
        self.files.put(c.MANIFEST_KEY, exports.json_bytes(manifest), "application/json", SHORT)
        lap("write")
        return Published(manifest, seconds)

    def _manifest(self, generated_at: str, folder: str, files: list[exports.ExportFile]) -> dict[str, Any]:
        return {
            "generated_at": generated_at,
            "folder": folder,
            "files": [
                {
                    "name": f.name,
                    "url": f"{self.public_base_url}/{folder}{f.name}",
                    "latest_url": f"{self.public_base_url}/{c.LATEST_PREFIX}{f.name}",
                    "sha256": hashlib.sha256(f.body).hexdigest(),
                    "bytes": len(f.body),
                    "content_type": f.content_type,
                }
                for f in files
            ],
        }

    def _previous(self) -> Mapping[str, Any]:
        """The carried-over files of the last committed snapshot; {} for a first or unreadable one."""
        try:
            manifest = json.loads(self.files.get(c.MANIFEST_KEY) or b"{}")
            folder = manifest.get("folder")
            found = {}
            for name in ("participation.json", "groups.json"):
                body = self.files.get(f"{folder}{name}") if folder else None
                found[name] = json.loads(body) if body else {}
            return found
        except (ValueError, AttributeError):
            return {}
