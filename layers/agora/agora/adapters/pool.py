"""The sequence pool as published in the bucket: numpy's .npz of aligned columns, sorted by id.

Every warm next_proposal container decodes it again after each snapshot, inside a participant's
request, so it holds arrays numpy loads without parsing: at 30,000 proposals the JSON it replaced
took 60-90 ms in `json.loads` alone (decision 179). Texts stay one UTF-8 buffer, cut out only
for the proposals served; authors and themes are codes, which is all keeping them apart needs.
The openness of every proposal, the same in every container, is computed once by the snapshot,
with the policy it was computed for: a container with another policy computes its own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from agora.domain.proposals import Proposal

if TYPE_CHECKING:
    from agora.domain.sequencing import SequencePolicy, SequencePool

CONTENT_TYPE = "application/octet-stream"  # .npz has no registered media type
COUNT = "count."  # prefix of the columns of trusted counts, one per vote key and qualification


@dataclass(frozen=True)
class Ragged(Sequence[np.ndarray]):
    """Variable-length rows stored end to end: row i is values[offsets[i]:offsets[i + 1]]."""

    values: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[np.ndarray], dtype: type) -> Ragged:
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in rows], out=offsets[1:])
        return cls(np.concatenate([np.zeros(0, dtype=dtype), *rows]), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        return self.values[self.offsets[i] : self.offsets[i + 1]]


@dataclass(frozen=True)
class PublishedPool:
    pool: SequencePool
    texts: Ragged  # UTF-8, aligned with pool.ids, as languages
    languages: np.ndarray
    generated_at: float

    def text(self, proposal_id: str) -> tuple[str, str]:
        """A served proposal's text and language, found through the pool's own ids."""
        i = self.pool.position(proposal_id)
        return self.texts[i].tobytes().decode(), str(self.languages[i])


def encode(
    proposals: list[Proposal], counts: Mapping[str, Mapping[str, int]], names: tuple[str, ...], generated_at: float, policy: SequencePolicy
) -> bytes:
    from agora.domain.sequencing import SequencePool

    ordered = sorted(proposals, key=lambda p: p.id)  # binary search finds a participant's votes: no index per refresh
    themes = sorted({t for p in ordered for t in p.themes})
    theme_code = {t: i for i, t in enumerate(themes)}
    columns = {
        "generated_at": np.float64(generated_at),
        # ASCII bytes (agora's ids are hexadecimal), a quarter of numpy's str: no larger a file than the JSON was.
        "ids": np.asarray([p.id.encode("ascii") for p in ordered], dtype=bytes),
        "languages": np.asarray([p.language for p in ordered], dtype=str),
        "created_at": np.asarray([p.created_at for p in ordered], dtype=np.float64),
        "authors": np.unique(np.asarray([p.author_id for p in ordered], dtype=str), return_inverse=True)[1].astype(np.int32),
        **_ragged("texts", Ragged.of([np.frombuffer(p.text.encode(), dtype=np.uint8) for p in ordered], np.uint8)),
        **_ragged("themes", Ragged.of([np.asarray([theme_code[t] for t in p.themes], dtype=np.int32) for p in ordered], np.int32)),
        **{COUNT + name: _smallest_int([counts.get(p.id, {}).get(name, 0) for p in ordered]) for name in names},
    }
    pool = SequencePool.from_counts(columns["ids"].astype(str), {k.removeprefix(COUNT): v for k, v in columns.items() if k.startswith(COUNT)})
    columns.update(policy=np.asarray(json.dumps(asdict(policy))), openness=pool.openness(policy), drawn=pool.draw_distance(policy))
    buffer = io.BytesIO()
    np.savez(buffer, **columns)
    return buffer.getvalue()


def accepted_ids(body: bytes) -> frozenset[str]:
    """The ids alone, for the vote path: the texts and counts are left unread."""
    return frozenset(_columns(body, ("ids", "generated_at"))["ids"].astype(str).tolist())


def decode(body: bytes) -> PublishedPool:
    from agora.domain.sequencing import SequencePool  # the sequence's maths: only where sequences are chosen

    columns = _columns(body)
    ids = columns["ids"].astype(str)
    aligned = {name: _aligned(columns, name, len(ids)) for name in ("languages", "created_at", "authors")}
    texts, themes = _ragged_column(columns, "texts", len(ids)), _ragged_column(columns, "themes", len(ids))
    counts = {name.removeprefix(COUNT): _aligned(columns, name, len(ids)) for name in columns if name.startswith(COUNT)}
    pool = SequencePool.from_counts(ids, counts, authors=aligned["authors"], themes=themes, created_at=aligned["created_at"])
    published_for = _policy(columns)
    if published_for is not None:
        pool.remember(published_for, _aligned(columns, "openness", len(ids)), _aligned(columns, "drawn", len(ids)))
    return PublishedPool(
        pool=pool,
        texts=texts,
        languages=aligned["languages"],
        generated_at=float(columns["generated_at"]),
    )


def _smallest_int(values: list[int]) -> np.ndarray:
    counts = np.asarray(values, dtype=np.int64)
    return counts.astype(np.min_scalar_type(counts.max(initial=0)))


def _policy(columns: Mapping[str, np.ndarray]) -> SequencePolicy | None:
    """The policy the file's openness was computed for, or None if this code does not know it (a
    snapshot of another version, mid-deploy): the container then computes its own openness."""
    from agora.domain.sequencing import SequencePolicy

    try:
        return SequencePolicy(**json.loads(str(columns["policy"])))
    except (KeyError, TypeError, ValueError):
        return None


def _ragged(name: str, rows: Ragged) -> dict[str, np.ndarray]:
    return {name: rows.values, f"{name}.offsets": rows.offsets}


def _columns(body: bytes, wanted: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """The wanted columns (all by default), read now: a lazy NpzFile would re-read the zip on each
    access. No pickles."""
    try:
        with np.load(io.BytesIO(body), allow_pickle=False) as archive:
            columns = {name: archive[name] for name in archive.files if wanted is None or name in wanted}
    except (ValueError, OSError, EOFError) as e:
        raise ValueError(f"the pool file is not a pool: {e}") from e
    if "ids" not in columns or "generated_at" not in columns:
        raise ValueError(f"the pool file lacks {'ids' if 'ids' not in columns else 'generated_at'!r}")
    return columns


def _aligned(columns: Mapping[str, np.ndarray], name: str, n: int) -> np.ndarray:
    if name not in columns:
        raise ValueError(f"the pool file lacks column {name!r}")
    if columns[name].shape != (n,):
        raise ValueError(f"pool column {name!r} has {len(columns[name])} values, expected {n}")
    return columns[name]


def _ragged_column(columns: Mapping[str, np.ndarray], name: str, n: int) -> Ragged:
    offsets = _aligned(columns, f"{name}.offsets", n + 1)
    values = columns.get(name)
    if values is None or offsets[0] != 0 or offsets[-1] != len(values) or np.any(np.diff(offsets) < 0):
        raise ValueError(f"pool column {name!r} does not match its offsets")
    return Ragged(values, offsets)
