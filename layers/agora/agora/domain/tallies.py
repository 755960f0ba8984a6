"""Exact tallies: what each stored vote or participant contributes, and the change between two images.

A stored item contributes a multiset of (tally, counter) pairs; a change of the item
contributes the difference. Summing differences over any history gives the recount of the
final items, which is what makes the stream-fed counters exact.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from agora.domain.participants import Participant
from agora.domain.votes import Vote

UNTRUSTED = "untrusted"
PARTICIPANTS = "participants"
# Brigading signals, kept like segments of a proposal's trusted votes but never published as such:
# the votes of freshly registered voters, and the votes per source network.
FRESH = "~fresh"
SOURCE = "~source"
# Sources are tallied for one voter in SOURCE_SAMPLING, chosen by their (random) id: organic votes
# come from ever new sources, so tallying every one would add an item write per vote, while a
# brigade's one busy source shows up as well in an eighth of its votes. SAMPLED counts the
# sampled votes on the proposal's own tally item, as the denominator of the source shares.
SOURCE_SAMPLING = 8
SAMPLED = "~sampled"


def source_sampled(participant_id: str) -> bool:
    return int(hashlib.blake2b(participant_id.encode(), digest_size=4).hexdigest(), 16) % SOURCE_SAMPLING == 0


@dataclass(frozen=True, order=True)
class TallyRef:
    """A tally item: one proposal (or the whole consultation), optionally within one segment."""

    proposal_id: str | None = None  # None: the consultation as a whole
    dimension: str | None = None
    value: str | None = None


Counted = Vote | Participant
Delta = dict[tuple[TallyRef, str], int]


def contributions(item: Counted | None) -> Counter[tuple[TallyRef, str]]:
    if item is None:
        return Counter()
    if isinstance(item, Participant):
        if item.took_part_at is None:
            return Counter()
        refs = [TallyRef(), *(TallyRef(None, d, v) for d, v in item.demographics.items())]
        return Counter((ref, PARTICIPANTS) for ref in refs)
    if not item.trust.counted:
        return Counter({(TallyRef(item.proposal_id), UNTRUSTED): 1})
    names = [item.key.value, *item.qualifications]
    refs = [TallyRef(item.proposal_id), *(TallyRef(item.proposal_id, d, v) for d, v in item.segments.items())]
    counted = Counter((ref, name) for ref in refs for name in names)
    if item.fresh:
        counted[TallyRef(item.proposal_id, FRESH, "1"), item.key.value] += 1
    if item.source and source_sampled(item.participant_id):
        counted[TallyRef(item.proposal_id, SOURCE, item.source), item.key.value] += 1
        counted[TallyRef(item.proposal_id), SAMPLED] += 1
    return counted


def delta(old: Counted | None, new: Counted | None) -> Delta:
    change = contributions(new)
    change.subtract(contributions(old))
    return {k: n for k, n in change.items() if n}


@dataclass(frozen=True)
class Change:
    """One change of a counted item, at its position in the change stream."""

    sequence: int
    old: Counted | None
    new: Counted | None

    @property
    def delta(self) -> Delta:
        return delta(self.old, self.new)


def coalesce(deltas: Iterable[Delta]) -> dict[TallyRef, dict[str, int]]:
    """Sum deltas per tally item, dropping counters whose changes cancel out."""
    total: Counter[tuple[TallyRef, str]] = Counter()
    for d in deltas:
        total.update(d)
    by_ref: dict[TallyRef, dict[str, int]] = {}
    for (ref, name), n in total.items():
        if n:
            by_ref.setdefault(ref, {})[name] = n
    return by_ref


def recount(items: Iterable[Counted]) -> dict[TallyRef, dict[str, int]]:
    """Tallies computed from scratch: what the stream-fed counters must always equal."""
    return coalesce(delta(None, item) for item in items)


Tallies = dict[TallyRef, dict[str, int]]


@dataclass(frozen=True)
class Staged:
    """Parts of a commit that the shard's checkpoint already counts, applied one transaction each, in order."""

    key: str  # the range of stream records they count, "<after>-<last>"
    parts: int
    applied: int


def merge(tallies: Tallies, deltas: Iterable[Delta]) -> Tallies:
    """Coalesced tallies plus more deltas, coalesced (a new mapping; `tallies` is left as it was)."""
    out = {ref: dict(counters) for ref, counters in tallies.items()}
    for d in deltas:
        for (ref, name), n in d.items():
            counters = out.setdefault(ref, {})
            counters[name] = counters.get(name, 0) + n
    return {ref: kept for ref, counters in out.items() if (kept := {k: n for k, n in counters.items() if n})}


def in_order(tallies: Tallies) -> list[tuple[TallyRef, dict[str, int]]]:
    """The same order for the same tallies, however they were built (the consultation's items first)."""
    return sorted(tallies.items(), key=lambda kv: tuple((x is not None, x or "") for x in (kv[0].proposal_id, kv[0].dimension, kv[0].value)))


def pack(tallies: Tallies) -> bytes:
    """Coalesced tallies as compact bytes: a window's state, a staged part of a commit."""
    rows = [[ref.proposal_id, ref.dimension, ref.value, counters] for ref, counters in tallies.items()]
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 1)


def unpack(data: bytes) -> Tallies:
    return {TallyRef(p, d, v): counters for p, d, v, counters in json.loads(zlib.decompress(data))}
