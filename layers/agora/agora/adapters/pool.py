"""The sequence pool as published in the bucket: columnar JSON the next_proposal function caches."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from typing import TYPE_CHECKING

from agora.domain.proposals import Proposal

if TYPE_CHECKING:
    from agora.domain.sequencing import SequencePool


@dataclass(frozen=True)
class PublishedPool:
    pool: SequencePool
    texts: list[str]  # aligned with pool.ids, as languages
    languages: list[str]
    generated_at: float

    def text(self, proposal_id: str) -> tuple[str, str]:
        """A served proposal's text and language, through the pool's own index of ids: a dict per
        column would cost the refresh 2.5 ms each at 30,000 proposals."""
        i = self.pool.position(proposal_id)
        return self.texts[i], self.languages[i]


def encode(proposals: list[Proposal], counts: Mapping[str, Mapping[str, int]], names: tuple[str, ...], generated_at: float) -> bytes:
    return json.dumps(
        {
            "generated_at": generated_at,
            "ids": [p.id for p in proposals],
            "texts": [p.text for p in proposals],
            "languages": [p.language for p in proposals],
            "authors": [p.author_id for p in proposals],
            "themes": [list(p.themes) for p in proposals],
            "created_at": [p.created_at for p in proposals],
            "counts": {name: [counts.get(p.id, {}).get(name, 0) for p in proposals] for name in names},
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def accepted_ids(body: bytes) -> frozenset[str]:
    return frozenset(json.loads(body)["ids"])


def decode(body: bytes) -> PublishedPool:
    from agora.domain.sequencing import SequencePool  # numpy: only where sequences are chosen

    data = json.loads(body)
    ids = data["ids"]
    return PublishedPool(
        pool=SequencePool.from_counts(
            ids, data["counts"], authors=data["authors"], themes=data["themes"], created_at=data["created_at"]
        ),
        texts=_aligned(data["texts"], ids, "texts"),
        languages=_aligned(data["languages"], ids, "languages"),
        generated_at=float(data["generated_at"]),
    )


def _aligned(column: list[str], ids: list[str], name: str) -> list[str]:
    if len(column) != len(ids):
        raise ValueError(f"pool column {name!r} has {len(column)} values for {len(ids)} ids")
    return column
