"""When the consultation takes contributions."""

from __future__ import annotations

from datetime import datetime, timezone

from agora.config import Consultation
from agora.domain.errors import Conflict


def check_open(consultation: Consultation, now: float) -> None:
    status = consultation.status(datetime.fromtimestamp(now, timezone.utc))
    if status != "open":
        raise Conflict(
            "consultation_not_open",
            f"The consultation is {status}: it takes votes and proposals from "
            f"{consultation.opens_at.isoformat()} to {consultation.closes_at.isoformat()}.",
            {"status": status},
        )
