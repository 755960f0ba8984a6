"""Proposals like a text or like another proposal: for citizens while they type, for moderators in the queue."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from agora.adapters.proposal_index import EMPTY, ProposalIndex
from agora.config import Consultation
from agora.domain.errors import NotFound, RateLimited
from agora.domain.identity import network_key
from agora.domain.limits import SlidingWindow
from agora.domain.proposals import UNDECIDED, Indexed, Proposal, Status, visible_to
from agora.domain.similarity import DUPLICATE, RELATED
from agora.domain.text import words
from agora.domain.themes import suggest
from agora.services import ports

# The index may lack proposals submitted shortly before it was published (the status index is
# eventually consistent): moderators' fresh look-ups go back this far before it.
FRESH_MARGIN = 60.0
NEIGHBOURS_FOR_THEMES = 30
SHOWN_TO_MODERATORS = 5


@dataclass(frozen=True)
class Match:
    entry: Indexed
    score: float


@dataclass(frozen=True)
class Review:
    """What the queue shows beside a pending proposal."""

    duplicates: list[Match]
    themes: list[tuple[str, float]]


class SimilarityService:
    """Citizens see accepted proposals, and their own undecided ones; moderators see everything."""

    def __init__(
        self,
        consultation: Consultation,
        index: ports.Published[ProposalIndex],
        store: ports.ProposalStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.prefixes = tuple(consultation.proposals.prefix.values())
        self.index, self.store, self.clock = index, store, clock
        limits = consultation.lookups
        self.per_participant = SlidingWindow(limits.similar_per_participant_per_minute, 60)
        self.per_source = SlidingWindow(limits.similar_per_source_per_minute, 60)

    def like_text(self, text: str, viewer_id: str | None, limit: int, address: str | None = None) -> list[Match]:
        self._admit(viewer_id, address)
        return self._visible_matches(words(text, self.prefixes), viewer_id, limit, RELATED)

    def like_proposal(
        self, proposal_id: str, viewer_id: str | None, limit: int, address: str | None = None
    ) -> list[Match]:
        """Near-duplicates of a proposal the viewer may see (accepted ones are read from the index alone)."""
        self._admit(viewer_id, address)
        public = (self.index.get() or EMPTY).public
        row = public.rows.get(proposal_id)
        if row is not None:
            text = public.entries[row].text
        else:
            proposal = self.store.get(proposal_id)
            if proposal is None or not visible_to(proposal, viewer_id):
                raise NotFound("proposal_not_found", f"No proposal {proposal_id} is visible to you.")
            text = proposal.text
        return self._visible_matches(words(text, self.prefixes), viewer_id, limit, DUPLICATE, proposal_id)

    def _visible_matches(
        self, word_list: list[str], viewer_id: str | None, limit: int, min_score: float, exclude: str | None = None
    ) -> list[Match]:
        """The best accepted matches, and the viewer's own undecided ones, weighed alike: by the
        accepted proposals' frequencies, so nobody else's undecided text shapes what is answered."""
        index = self.index.get() or EMPTY
        public = index.public
        searched = [public]
        if own := self._own_undecided(index, viewer_id):
            searched.append(ProposalIndex.build(own, self.prefixes, index.generated_at, public.vectors))
        vector = public.vectors.vector(word_list)
        found = [
            Match(where.entries[r], s)
            for where in searched
            for r, s in where.vectors.nearest(vector, limit + 1, min_score)
            if where.entries[r].id != exclude
        ]
        found.sort(key=lambda m: (-m.score, m.entry.id))
        return found[:limit]

    def _own_undecided(self, index: ProposalIndex, viewer_id: str | None) -> list[Indexed]:
        if viewer_id is None:
            return []
        mine = self.store.submissions(viewer_id).ids
        return [index.entries[index.rows[i]] for i in mine if i in index.rows and index.entries[index.rows[i]].status in UNDECIDED]

    def _admit(self, viewer_id: str | None, address: str | None) -> None:
        now = self.clock()
        limits = [(self.per_source, network_key(address), "your network")]
        if viewer_id:
            limits.insert(0, (self.per_participant, viewer_id, "you"))
        for window, key, who in limits:
            wait = window.hit(key, now)
            if wait is not None:
                raise RateLimited(
                    "too_many_lookups", f"Too many look-ups from {who} in the last minute; retry in {wait} s.", wait
                )

    def review(self, proposals: list[Proposal]) -> dict[str, Review]:
        """Each proposal's likely duplicates among accepted and undecided ones, with their current
        status, and the themes its similar tagged proposals suggest."""
        index = self.index.get() or EMPTY
        since = max(0.0, index.generated_at - FRESH_MARGIN)
        fresh = [Indexed.of(p) for p in self.store.created_since(Status.PENDING, since) if p.id not in index.rows]
        recent = ProposalIndex.build(fresh, self.prefixes, index.generated_at, index.vectors if index.vectors.size else None)
        weigher = index.vectors if index.vectors.size else recent.vectors
        reviews: dict[str, Review] = {}
        for p in proposals:
            vector = weigher.vector(words(p.text, self.prefixes))
            duplicates = [
                Match(where.entries[r], s)
                for where in (index, recent)
                for r, s in where.vectors.nearest(vector, SHOWN_TO_MODERATORS + 1, DUPLICATE)
                if where.entries[r].id != p.id
            ]
            neighbours = [
                (s, index.entries[r].themes)
                for r, s in index.vectors.nearest(vector, NEIGHBOURS_FOR_THEMES, RELATED)
                if index.entries[r].status is Status.ACCEPTED and index.entries[r].id != p.id
            ]
            duplicates.sort(key=lambda m: -m.score)
            reviews[p.id] = Review(duplicates[:SHOWN_TO_MODERATORS], suggest(neighbours))
        return self._current(reviews)

    def _current(self, reviews: dict[str, Review]) -> dict[str, Review]:
        """The same reviews with each duplicate's status as of now; refused ones are no original."""
        now = self.store.many([m.entry.id for r in reviews.values() for m in r.duplicates])
        return {
            pid: Review(
                [
                    Match(Indexed.of(now[m.entry.id]), m.score)
                    for m in r.duplicates
                    if m.entry.id in now and now[m.entry.id].status is not Status.REFUSED
                ],
                r.themes,
            )
            for pid, r in reviews.items()
        }
