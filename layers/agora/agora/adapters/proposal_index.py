"""The proposal index the snapshot publishes: accepted and undecided proposals, columnar JSON.

Functions keep it in memory (CachedObject) with its similarity vectors and search texts built
once per version, so similarity and search cost no database read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from agora.adapters.items import status_sort_key
from agora.domain.proposals import Indexed, Proposal, Status
from agora.domain.similarity import TextIndex
from agora.domain.text import padded, words

INDEXED = (Status.ACCEPTED, Status.PENDING, Status.POSTPONED)


@dataclass(frozen=True)
class ProposalIndex:
    entries: list[Indexed]  # oldest first
    vectors: TextIndex
    generated_at: float
    words: list[list[str]] = field(repr=False)
    rows: dict[str, int] = field(repr=False)

    @classmethod
    def build(
        cls, entries: Iterable[Indexed], prefixes: Iterable[str], generated_at: float, reference: TextIndex | None = None
    ) -> ProposalIndex:
        ordered = sorted(entries, key=lambda e: (e.created_at, e.id))
        prefixes = tuple(prefixes)
        return cls._of(ordered, [words(e.text, prefixes) for e in ordered], generated_at, reference)

    @classmethod
    def _of(
        cls, ordered: list[Indexed], word_lists: list[list[str]], generated_at: float, reference: TextIndex | None
    ) -> ProposalIndex:
        return cls(
            entries=ordered,
            vectors=TextIndex.build(word_lists, reference),
            generated_at=generated_at,
            words=word_lists,
            rows={e.id: row for row, e in enumerate(ordered)},
        )

    @cached_property
    def public(self) -> ProposalIndex:
        """The accepted proposals alone, weighed by their own trigram frequencies: what anyone may
        query. Undecided texts must not even shift a weight, or scores would betray their trigrams."""
        rows = [row for row, e in enumerate(self.entries) if e.status is Status.ACCEPTED]
        if len(rows) == len(self.entries):
            return self
        return ProposalIndex._of([self.entries[r] for r in rows], [self.words[r] for r in rows], self.generated_at, None)

    @cached_property
    def accepted(self) -> tuple[list[Indexed], list[str], list[str], list[tuple[str, ...]]]:
        """Accepted entries oldest first, with their sort keys, padded words and themes: what search reads."""
        entries = [e for e in self.entries if e.status is Status.ACCEPTED]
        return (
            entries,
            [status_sort_key(e.created_at, e.id) for e in entries],
            [padded(self.words[self.rows[e.id]]) for e in entries],
            [e.themes for e in entries],
        )


def encode(proposals: Sequence[Proposal], generated_at: float) -> bytes:
    return json.dumps(
        {
            "generated_at": generated_at,
            "ids": [p.id for p in proposals],
            "texts": [p.text for p in proposals],
            "languages": [p.language for p in proposals],
            "statuses": [p.status.value for p in proposals],
            "themes": [list(p.themes) for p in proposals],
            "created_at": [p.created_at for p in proposals],
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def decode(body: bytes, prefixes: Iterable[str]) -> ProposalIndex:
    data = json.loads(body)
    columns = zip(
        data["ids"], data["texts"], data["languages"], data["statuses"], data["themes"], data["created_at"], strict=True
    )
    entries = [Indexed(i, t, lang, Status(s), tuple(th), float(at)) for i, t, lang, s, th, at in columns]
    return ProposalIndex.build(entries, prefixes, float(data["generated_at"]))


EMPTY = ProposalIndex.build([], (), 0.0)  # until the first snapshot publishes one
