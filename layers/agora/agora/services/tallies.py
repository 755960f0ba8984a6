"""Keeping tallies exact from an at-least-once, in-order stream of vote and participant changes.

Each record's delta comes from its old and new images. Records at or below the shard's
checkpoint were already counted and are dropped. The rest are coalesced per tally item, across
the invocations of a tumbling window (its state holds them, packed), and committed when the
window closes: one transaction with the new checkpoint when they touch at most
MAX_TALLIES_PER_PART items; otherwise they are staged (written ahead, the checkpoint moved past
their records and pointing at them in one conditional write), then applied one part per
transaction, each conditioned on being the next. A redelivered record, a stale concurrent
delivery or a crash anywhere leaves the tallies equal to a recount. A hot proposal costs one
write per window, not one per vote (docs/capacity.md).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agora.adapters.stream import Batch
from agora.adapters.tallies import MAX_TRANSACTION_ITEMS, CheckpointMoved
from agora.domain.tallies import Change, Staged, Tallies, in_order, merge, pack, unpack
from agora.services import ports

MAX_TALLIES_PER_PART = MAX_TRANSACTION_ITEMS - 1  # one slot is the checkpoint
MAX_ATTEMPTS = 3
# Lambda ends a window early when its state passes 1 MB: commit before that.
MAX_STATE_BYTES = 700_000


@dataclass(frozen=True)
class Window:
    """What a tumbling window carries between invocations: coalesced changes not yet committed."""

    base: int  # the checkpoint they follow
    last: int  # the last record they count
    records: int
    tallies: Tallies
    packed: bytes = b""

    def state(self) -> dict[str, Any]:
        return {"base": str(self.base), "last": str(self.last), "records": self.records,
                "tallies": base64.b64encode(self.packed or pack(self.tallies)).decode()}  # fmt: skip

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Window | None:
        if not state or "tallies" not in state:
            return None
        packed = base64.b64decode(state["tallies"])
        return cls(int(state["base"]), int(state["last"]), int(state["records"]), unpack(packed), packed)


@dataclass
class Outcome:
    committed: int = 0  # records counted by this invocation (with those its window held)
    held: int = 0  # records kept in the window's state, to commit when it closes
    skipped: int = 0  # records already counted (redeliveries)
    transactions: int = 0
    failed_from: int | None = None  # first sequence number not committed, for the partial-batch response
    errors: list[str] = field(default_factory=list)
    window: Window | None = None  # the state to hand back to the next invocation of the window


def parts(tallies: Tallies, limit: int = MAX_TALLIES_PER_PART, shard_id: str = "") -> list[Tallies]:
    """The tallies in parts of at most `limit` items, in an order that starts somewhere else for
    each shard: when the windows of all shards close together, a hot proposal's items are written
    at different moments of their commits instead of all at the first."""
    items = in_order(tallies)
    cut = [dict(items[i : i + limit]) for i in range(0, len(items), limit)]
    start = zlib.crc32(shard_id.encode()) % len(cut) if cut else 0
    return cut[start:] + cut[:start]


class TallyService:
    def __init__(self, tallies: ports.TallyStore, part_limit: int = MAX_TALLIES_PER_PART) -> None:
        self.tallies = tallies
        self.part_limit = part_limit

    def count(self, shard_id: str, batch: Batch, window: Window | None, closing: bool) -> Outcome:
        """Count a stream batch: what precedes its first unreadable record, if any, commits now whatever
        the window (`closing`: the window's last invocation), and the batch fails from that record on.

        Raises UnreadableRecord when the batch starts with one, NotCommitted when the changes could
        not be committed and no record of the batch can say so."""
        if batch.unreadable is not None and batch.unreadable == batch.first:
            raise UnreadableRecord(
                "unreadable stream record", [{"sequence": batch.unreadable, "error": batch.reason}]
            )
        outcome = self.apply(shard_id, batch.changes, window, closing or batch.unreadable is not None)
        if outcome.failed_from is None and batch.unreadable is not None:
            outcome.failed_from, outcome.errors = batch.unreadable, [batch.reason or ""]
        if outcome.errors and outcome.failed_from is None:
            raise NotCommitted("stream records not counted", [{"from": None, "error": e} for e in outcome.errors])
        return outcome

    def apply(self, shard_id: str, changes: Sequence[Change], window: Window | None = None, final: bool = True) -> Outcome:
        """Count every change not yet counted: hold it in the window's state, or commit it when the
        window closes (`final`) or its state grows too large."""
        outcome = Outcome(window=window)
        if not changes and window is None:  # a tumbling window's closing call often has no records
            return outcome
        try:
            outcome.transactions += self._finish_staged(shard_id)
        except Exception as e:  # noqa: BLE001 - reported to the stream as a partial failure
            return self._failed(outcome, changes[0].sequence if changes else None, e)
        checkpoint = self.tallies.checkpoint(shard_id)
        for _ in range(MAX_ATTEMPTS):
            if window is not None and window.base != checkpoint:
                if window.last > checkpoint:
                    return self._failed(outcome, None, RuntimeError(f"window state follows {window.base}, checkpoint is {checkpoint}"))
                window = None  # committed already, by this window's earlier delivery
            after = window.last if window else checkpoint
            fresh = [c for c in changes if c.sequence > after]
            outcome.skipped = len(changes) - len(fresh)
            if not fresh and window is None:
                outcome.window = None
                return outcome
            held = window.tallies if window else {}
            pending = Window(
                checkpoint, fresh[-1].sequence if fresh else after, (window.records if window else 0) + len(fresh),
                merge(held, (c.delta for c in fresh)),
            )  # fmt: skip
            if not final:
                packed = pack(pending.tallies)
                # A state must follow the checkpoint it was built on: read it again, so a delivery
                # that committed meanwhile is seen now rather than by the next invocation.
                if (current := self.tallies.checkpoint(shard_id)) != checkpoint:
                    checkpoint = current
                    continue
                if len(packed) * 4 / 3 < MAX_STATE_BYTES:
                    outcome.held, outcome.window = len(fresh), Window(pending.base, pending.last, pending.records, pending.tallies, packed)
                    return outcome
            try:
                outcome.transactions += self._commit(shard_id, pending)
            except CheckpointMoved:
                # Another delivery of this shard committed since we read the checkpoint: re-read,
                # and let the checkpoint filter out whatever it counted.
                checkpoint = self.tallies.checkpoint(shard_id)
                continue
            except Staging as e:  # counted, but parts wait: a redelivery of the last record applies them
                outcome.committed, outcome.window = pending.records, None
                return self._failed(outcome, changes[-1].sequence if changes else None, e.__cause__ or e)
            except Exception as e:  # noqa: BLE001 - reported to the stream as a partial failure
                return self._failed(outcome, fresh[0].sequence if fresh else None, e)
            outcome.committed, outcome.window = pending.records, None
            return outcome
        return self._failed(outcome, changes[0].sequence if changes else None, CheckpointMoved("the checkpoint kept moving under this delivery"))

    def _commit(self, shard_id: str, pending: Window) -> int:
        """Commit a window's changes; returns the transactions it took."""
        cut = parts(pending.tallies, self.part_limit, shard_id)
        if len(cut) <= 1:
            self.tallies.commit(shard_id, cut[0] if cut else {}, expected=pending.base, checkpoint=pending.last)
            return 1
        self.tallies.stage(shard_id, cut, expected=pending.base, checkpoint=pending.last)
        try:
            return 1 + self._finish_staged(shard_id)
        except Exception as e:
            raise Staging("staged tally parts are still to apply") from e

    def _finish_staged(self, shard_id: str) -> int:
        """Apply whatever parts a commit staged and did not finish (its invocation crashed or timed out)."""
        staged, transactions = self.tallies.staged(shard_id), 0
        while staged is not None:
            try:
                self.tallies.apply_part(shard_id, staged, self.tallies.part(shard_id, staged, staged.applied))
                transactions += 1
            except CheckpointMoved:  # another delivery applied it meanwhile
                staged = self.tallies.staged(shard_id)
                continue
            if staged.applied + 1 == staged.parts:
                self.tallies.forget(shard_id, staged)
                return transactions
            staged = Staged(staged.key, staged.parts, staged.applied + 1)
        return transactions

    @staticmethod
    def _failed(outcome: Outcome, failed_from: int | None, error: BaseException) -> Outcome:
        outcome.failed_from = failed_from
        outcome.errors.append(f"{type(error).__name__}: {error}")
        return outcome


class Staging(Exception):
    """A commit's parts were staged (its records are counted) but not all applied yet."""


class CountingFailed(Exception):
    """The whole invocation must fail; `logged` says what to log about it, one line each."""

    def __init__(self, message: str, logged: list[dict[str, Any]]) -> None:
        super().__init__(f"{message}: {'; '.join(str(d['error']) for d in logged)}")
        self.message, self.logged = message, logged


class NotCommitted(CountingFailed):
    """The window's changes could not be committed and no record of this batch can say so: failing the
    invocation makes Lambda retry it with the same state."""


class UnreadableRecord(CountingFailed):
    """The batch starts with a record score cannot read: failing the invocation makes Lambda bisect the
    batch until that record is alone, so only it goes to the on-failure destination after its retries.
    Reporting it as a batch item failure instead would send every record after it there too."""
