"""How many proposals one participant may submit: in the whole consultation, and in any hour."""

from __future__ import annotations

import math
from dataclasses import dataclass

from agora.config import ProposalRules
from agora.domain.errors import RateLimited

HOUR = 3600.0


@dataclass(frozen=True)
class Submissions:
    """A participant's proposals so far (oldest first) and when those of the last hour came."""

    ids: tuple[str, ...] = ()
    recent: tuple[float, ...] = ()


def admit(before: Submissions, proposal_id: str, now: float, rules: ProposalRules, closes_at: float) -> Submissions:
    """The participant's submissions with this proposal added, or RateLimited saying when to retry.

    The hour is a sliding window, so a burst at the end of one clock hour cannot be followed by
    another at the start of the next.
    """
    if len(before.ids) >= rules.per_participant:
        raise RateLimited(
            "proposal_cap_reached",
            f"You have submitted {len(before.ids)} proposals, the most this consultation takes from one participant.",
            retry_after=max(1, math.ceil(closes_at - now)),
            details={"limit": rules.per_participant},
        )
    recent = tuple(t for t in before.recent if t > now - HOUR)
    if len(recent) >= rules.per_participant_per_hour:
        wait = max(1, math.ceil(recent[-rules.per_participant_per_hour] + HOUR - now))
        raise RateLimited(
            "hourly_cap_reached",
            f"You have submitted {len(recent)} proposals in the last hour; the next one is welcome in {wait} s.",
            retry_after=wait,
            details={"limit": rules.per_participant_per_hour},
        )
    return Submissions(before.ids + (proposal_id,), recent + (now,))
