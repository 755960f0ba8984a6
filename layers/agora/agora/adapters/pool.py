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
    texts: dict[str, str]
    languages: dict[str, str]
    generated_at: float


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
        texts=dict(zip(ids, data["texts"], strict=True)),
        languages=dict(zip(ids, data["languages"], strict=True)),
        generated_at=float(data["generated_at"]),
    )
