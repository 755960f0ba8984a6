"""Publishing results and the sequence pool from the tallies, on a schedule.

Reads tallies (never votes) and the accepted proposals once, writes immutable files under
`results/<timestamp>/`, then repoints `results/latest/` and the manifest, so readers always
see a complete, consistent set.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from agora import contract as c
from agora.adapters import pool as pool_file
from agora.adapters.bucket import Bucket
from agora.adapters.content import ContentStore
from agora.adapters.tallies import TallyStore
from agora.domain.proposals import Status
from agora.domain.results import PROPOSAL_COLUMNS, QUALIFICATION_NAMES, VOTE_KEYS, proposal_results, summary
from agora.domain.tallies import UNTRUSTED
from agora.services.proposal_index import publish_proposal_index

POOL_COUNTERS = (*VOTE_KEYS, *QUALIFICATION_NAMES, UNTRUSTED)
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=10"


@dataclass(frozen=True)
class ExportFile:
    name: str
    body: bytes
    content_type: str


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"


def _csv(columns: tuple[str, ...], rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def stamp(now: float) -> str:
    moment = datetime.fromtimestamp(now, timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"


class SnapshotService:
    def __init__(
        self,
        content: ContentStore,
        tallies: TallyStore,
        bucket: Bucket,
        public_base_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.content, self.tallies, self.bucket, self.clock = content, tallies, bucket, clock
        self.public_base_url = public_base_url.rstrip("/")

    def run(self) -> dict[str, object]:
        now = self.clock()
        accepted = [p for p, _ in self.content.proposals_by_status(Status.ACCEPTED)]
        tallies = self.tallies.read_all()
        by_status = {s.value: self.content.count_by_status(s) for s in Status if s is not Status.ACCEPTED}
        by_status[Status.ACCEPTED.value] = len(accepted)
        results = proposal_results(accepted, tallies)
        generated_at = datetime.fromtimestamp(now, timezone.utc).isoformat()

        files = [
            ExportFile("summary.json", _json({"generated_at": generated_at, **summary(results, tallies, by_status)}), "application/json"),
            ExportFile("proposals.csv", _csv(PROPOSAL_COLUMNS, [r.row() for r in results]), "text/csv; charset=utf-8"),
        ]
        folder = f"{c.RESULTS_PREFIX}{stamp(now)}/"
        for f in files:
            self.bucket.put(folder + f.name, f.body, f.content_type, IMMUTABLE)
        for f in files:
            self.bucket.put(c.LATEST_PREFIX + f.name, f.body, f.content_type, SHORT)

        counts = {r.proposal.id: r.counts for r in results}
        self.bucket.put(
            c.POOL_KEY,
            pool_file.encode(accepted, counts, POOL_COUNTERS, round(now, 3)),
            "application/json",
            SHORT,
        )
        publish_proposal_index(self.content, self.bucket, accepted, now)
        manifest = {
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
        self.bucket.put(c.MANIFEST_KEY, _json(manifest), "application/json", SHORT)
        return manifest
