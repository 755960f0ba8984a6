"""Moderators' themes ("grandes idées"): creating them, checking tags, and proposal clusters to name them from."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from agora.adapters.proposal_index import ProposalIndex
from agora.domain.errors import Conflict
from agora.domain.proposals import Indexed
from agora.domain.themes import Theme, check_known, theme_id
from agora.results.clusters import ProposalCluster, cluster_proposals
from agora.services import ports


class ThemeService:
    def __init__(self, store: ports.ThemeStore, index: ports.Published[ProposalIndex], clock: Callable[[], float] = time.time) -> None:
        self.store, self.index, self.clock = store, index, clock

    def create(self, moderator: str, name: str) -> Theme:
        theme = Theme(theme_id(name), name.strip(), moderator, round(self.clock(), 3))
        if not self.store.add(theme):
            raise Conflict("theme_exists", f"A theme {theme.id!r} exists already.", {"id": theme.id})
        return theme

    def all(self) -> list[Theme]:
        return sorted(self.store.all(), key=lambda t: t.name.casefold())

    def check(self, requested: Iterable[str]) -> None:
        requested = tuple(requested)
        if requested:
            check_known(requested, (t.id for t in self.store.all()))

    def clusters(self, k: int) -> list[tuple[ProposalCluster, list[Indexed]]]:
        """Accepted proposals (as of the last snapshot) in up to `k` clusters, largest first."""
        index = self.index.get()
        if index is None:
            return []
        entries = index.accepted[0]
        clusters = cluster_proposals([index.words[index.rows[e.id]] for e in entries], k)
        return [(cl, [entries[r] for r in cl.rows]) for cl in clusters]
