"""What anyone can read about the consultation: its question and rules, live counts, and the results."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from agora.config import Consultation
from agora.domain.errors import NotFound
from agora.services import ports


class ConsultationService:
    def __init__(
        self,
        consultation: Consultation,
        manifest: ports.Published[dict[str, Any]],
        summary: ports.Published[dict[str, Any]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.consultation, self.manifest, self.summary, self.clock = consultation, manifest, summary, clock

    def describe(self) -> dict[str, Any]:
        k = self.consultation
        counts = self.summary.get() or {}
        return {
            "slug": k.slug,
            "question": k.question,
            "context": k.context,
            "steps": k.steps,
            "languages": list(k.languages),
            "prefix": k.proposals.prefix,
            "min_length": k.proposals.min_length,
            "max_length": k.proposals.max_length,
            "opens_at": k.opens_at.isoformat(),
            "closes_at": k.closes_at.isoformat(),
            "status": k.status(datetime.fromtimestamp(self.clock(), timezone.utc)),
            "demographics": [q.model_dump() for q in k.demographics],
            "sequence_size": k.sequence.size,
            "refusal_reasons": list(k.moderation.refusal_reasons),  # the charter, for the moderation page
            "counts": {name: counts.get(name, 0) for name in ("participants", "proposals", "votes")},
            "counts_at": counts.get("generated_at"),
        }

    def results(self) -> dict[str, Any]:
        manifest = self.manifest.get()
        if manifest is None:
            raise NotFound("no_results_yet", "No results have been published yet; the first snapshot is on its way.")
        return manifest


def parse_json(body: bytes) -> Any:
    return json.loads(body)
