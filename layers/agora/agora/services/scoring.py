"""Keeping tallies exact from an at-least-once, in-order stream of vote and participant changes.

Each record's delta comes from its old and new images. Records at or below the shard's
checkpoint were already counted and are dropped. The rest are cut into chunks touching at most
MAX_TALLIES_PER_CHUNK tally items; each chunk's coalesced deltas and the new checkpoint commit
in one transaction conditioned on the checkpoint read, so a redelivered chunk is refused as a
whole. A hot proposal costs one write per chunk, not one per vote.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from agora.adapters.tallies import MAX_TRANSACTION_ITEMS, CheckpointMoved, TallyStore
from agora.domain.tallies import Change, coalesce

MAX_TALLIES_PER_CHUNK = MAX_TRANSACTION_ITEMS - 1  # one slot is the checkpoint
MAX_ATTEMPTS = 3


@dataclass
class Outcome:
    committed: int = 0  # records counted by this invocation
    skipped: int = 0  # records already counted (redeliveries)
    transactions: int = 0
    failed_from: int | None = None  # first sequence number not committed, for the partial-batch response
    errors: list[str] = field(default_factory=list)


def chunks(changes: Sequence[Change], limit: int = MAX_TALLIES_PER_CHUNK) -> Iterator[list[Change]]:
    """Consecutive runs of changes whose deltas touch at most `limit` distinct tally items."""
    chunk: list[Change] = []
    touched: set[object] = set()
    for change in changes:
        refs = {ref for ref, _ in change.delta}
        if chunk and len(touched | refs) > limit:
            yield chunk
            chunk, touched = [], set()
        chunk.append(change)
        touched |= refs
    if chunk:
        yield chunk


class ScoringService:
    def __init__(self, tallies: TallyStore, chunk_limit: int = MAX_TALLIES_PER_CHUNK) -> None:
        self.tallies = tallies
        self.chunk_limit = chunk_limit

    def apply(self, shard_id: str, changes: Sequence[Change]) -> Outcome:
        """Count every change not yet counted, in order; stop at the first chunk that fails."""
        outcome = Outcome()
        if not changes:  # a tumbling window's closing call often has no records
            return outcome
        checkpoint = self.tallies.checkpoint(shard_id)
        for chunk in chunks([c for c in changes if c.sequence > checkpoint], self.chunk_limit):
            for _ in range(MAX_ATTEMPTS):
                fresh = [c for c in chunk if c.sequence > checkpoint]
                if not fresh:
                    break
                try:
                    changes_by_tally = coalesce(c.delta for c in fresh)
                    self.tallies.commit(shard_id, changes_by_tally, expected=checkpoint, checkpoint=fresh[-1].sequence)
                except CheckpointMoved:
                    # Another delivery of this shard committed since we read the checkpoint: re-read,
                    # and let the checkpoint filter out whatever it counted.
                    checkpoint = self.tallies.checkpoint(shard_id)
                    continue
                except Exception as e:  # noqa: BLE001 - reported to the stream as a partial failure
                    outcome.failed_from = fresh[0].sequence
                    outcome.errors.append(f"{type(e).__name__}: {e}")
                    break
                checkpoint = fresh[-1].sequence
                outcome.committed += len(fresh)
                outcome.transactions += 1
                break
            else:
                outcome.failed_from = chunk[0].sequence
                outcome.errors.append("CheckpointMoved: the checkpoint kept moving under this delivery")
            if outcome.failed_from is not None:
                break
        done = outcome.failed_from is None
        outcome.skipped = sum(1 for c in changes if done or c.sequence < outcome.failed_from) - outcome.committed
        return outcome
