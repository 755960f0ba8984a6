"""Themes ("grandes idées"): what moderators tag proposals with, and suggestions from similar tagged
proposals. The first grouping to name them from is `agora.results.clusters`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agora.domain.errors import InvalidInput, clipped, shown
from agora.domain.text import words

# A suggestion must carry at least this share of the similar tagged proposals' weight.
SUGGESTION_SHARE = 0.3


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    created_by: str
    created_at: float


def theme_id(name: str) -> str:
    """A stable id from a theme's name: "Mobilité & transports" → "mobilite-transports"."""
    slug = re.sub(r"-{2,}", "-", "-".join(words(name)))[:40].strip("-")
    if not slug:
        raise InvalidInput("invalid_theme_name", "A theme needs a name with letters or digits.", {"field": "name"})
    return slug


def check_known(requested: Iterable[str], known: Iterable[str]) -> None:
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise InvalidInput(
            "unknown_theme",
            f"No theme {', '.join(map(shown, unknown))}: create it first.",
            {"field": "themes", "unknown": [clipped(t) for t in unknown]},
        )


def suggest(neighbours: Iterable[tuple[float, Sequence[str]]], limit: int = 3) -> list[tuple[str, float]]:
    """Themes voted by similar tagged proposals, each vote weighted by similarity, with their share."""
    weight: dict[str, float] = {}
    total = 0.0
    for score, themes in neighbours:
        if themes:
            total += score
            for theme in themes:
                weight[theme] = weight.get(theme, 0.0) + score
    shares = sorted(((t, w / total) for t, w in weight.items()), key=lambda tw: (-tw[1], tw[0]))
    return [(t, round(s, 3)) for t, s in shares[:limit] if s >= SUGGESTION_SHARE]
