"""Feed score with real DynamoDB stream batches, with Lambda's event source mapping semantics.

Per shard, in order: records that match no filter are skipped; a batch goes to the function
with the shard id; a partial-batch failure retries from the lowest failed record; an exception
bisects the batch; after `max_retries` a batch is sent to the on-failure queue and skipped, so
one poison record never blocks the shard.

Tumbling windows, as Lambda runs them (`TumblingWindowInSeconds`): windows are aligned on the
clock; a record belongs to the window open when it is read. Each invocation of a window gets the
state the previous successful one returned (a failed or bisected invocation is retried with the
state it had), and a response without a state is a failed invocation. Once the window's end has
passed, a final invocation (no records, `isFinalInvokeForWindow`) hands over the last state; if it
fails, the shard waits until it succeeds. A state over 1 MB ends the window early. The position
kept on disk moves only when a window closes: a stack stopped mid-window reads the window's
records again into a fresh state, and score's checkpoint skips what it had committed.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agora import contract
from agora.local.datadir import read_json, write_atomically


def matches(pattern: Any, value: Any) -> bool:
    """The subset of EventBridge/Lambda filter patterns the contract uses: nested keys, literals, prefix."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and matches(p, value[k]) for k, p in pattern.items())
    return any(
        (isinstance(option, dict) and isinstance(value, str) and value.startswith(option["prefix"]))
        or option == value
        for option in pattern
    )


def wanted(record: dict[str, Any]) -> bool:
    return any(matches(f, record) for f in contract.STREAM_FILTERS)


def _empty_maps_typed(value: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB Local's stream writes an empty map attribute as `{}` where DynamoDB (and its
    GetItem) writes `{"M": {}}`; an empty list keeps its `{"L": []}`, so `{}` can only be a map."""
    if not value:
        return {"M": {}}
    if "M" in value:
        return {"M": {k: _empty_maps_typed(v) for k, v in value["M"].items()}}
    if "L" in value:
        return {"L": [_empty_maps_typed(v) for v in value["L"]]}
    return value


def as_lambda_delivers(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record in the shape of a Lambda stream event's record."""
    ddb = record["dynamodb"]
    for image in ("Keys", "NewImage", "OldImage"):
        if image in ddb:
            ddb[image] = {k: _empty_maps_typed(v) for k, v in ddb[image].items()}
    created = ddb.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):  # boto3 parses it; Lambda's event carries epoch seconds
        ddb["ApproximateCreationDateTime"] = created.timestamp()
    record["eventSourceARN"] = stream_arn
    return record


@dataclass
class PollerStats:
    batches: int = 0
    records: int = 0
    redelivered: int = 0
    retries: int = 0
    dead_lettered: int = 0
    windows: int = 0  # windows closed by a successful final invocation
    errors: list[str] = field(default_factory=list)


STATE_LIMIT_BYTES = 1_000_000  # Lambda's limit on a window's state, per shard


@dataclass
class OpenWindow:
    start: float
    end: float
    state: dict[str, Any] = field(default_factory=dict)
    terminated_early: bool = False

    def fields(self, final: bool) -> dict[str, Any]:
        """The tumbling-window part of an event, as Lambda sends it."""
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
        return {"window": {"start": iso(self.start), "end": iso(self.end)}, "state": self.state,
                "isFinalInvokeForWindow": final, "isWindowTerminatedEarly": final and self.terminated_early}  # fmt: skip


class StateMissing(RuntimeError):
    """A windowed invocation answered without a state: Lambda counts it as failed."""


class StreamPoller:
    def __init__(
        self,
        streams: Any,
        stream_arn: str,
        invoke: Callable[[dict[str, Any]], Any],
        send_to_dlq: Callable[[str], None],
        batch_size: int = contract.SCORE_BATCH_SIZE,
        max_retries: int = 3,
        redeliver_every: int = 0,
        idle_wait: float = 0.05,
        position_file: Path | None = None,
        window_seconds: float = contract.SCORE_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.streams, self.stream_arn, self.invoke, self.send_to_dlq = streams, stream_arn, invoke, send_to_dlq
        self.batch_size, self.max_retries, self.redeliver_every = batch_size, max_retries, redeliver_every
        self.idle_wait, self.window_seconds, self.clock = idle_wait, window_seconds, clock
        self.stats = PollerStats()
        # shard -> last sequence number handed over (or skipped) outside an open window; kept on
        # disk, like the event source mapping's checkpoint, so a restart resumes after it: score's
        # checkpoints absorb the at-least-once overlap of a stop between a delivery and its record here.
        self.position_file = position_file
        self.position: dict[str, str] = read_json(position_file, {}) if position_file else {}
        self.read: dict[str, str] = dict(self.position)  # shard -> last sequence number read
        self.windows: dict[str, OpenWindow] = {}
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self._passes = 0
        self._last_idle_pass = 0
        self._thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling; a pass still running after `timeout` is abandoned: its batch was not
        recorded as handed over, so the next start delivers it again (score's checkpoints dedupe)."""
        self._stop.set()
        self._thread.join(timeout=timeout)

    def drained(self, timeout: float) -> bool:
        """Block until a pass that began after this call found nothing new and no window open:
        every change made before the call has been counted by score (for tests, seeding and
        benchmarks; it takes up to a window)."""
        with self._progress:
            begun = self._passes
            return self._progress.wait_for(lambda: self._last_idle_pass > begun, timeout)

    def poll_once(self) -> int:
        """One pass over every shard; returns how many records were read."""
        total = 0
        for shard in self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]:
            total += self._poll_shard(shard["ShardId"])
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._progress:
                self._passes += 1
                this_pass = self._passes
            try:
                read = self.poll_once()
            except Exception as e:  # noqa: BLE001 - the poller must outlive a hiccup of the local server
                self.stats.errors.append(f"{type(e).__name__}: {e}")
                read = -1
            if read == 0 and not self.windows:
                with self._progress:
                    self._last_idle_pass = this_pass
                    self._progress.notify_all()
            if read <= 0:
                self._stop.wait(self.idle_wait)

    def _poll_shard(self, shard_id: str) -> int:
        now = self.clock()
        window = self.windows.get(shard_id)
        if window is not None and now >= window.end and not self._close(shard_id, window):
            return 0  # Lambda suspends the shard until the window's final invocation succeeds
        after = self.read.get(shard_id)
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id}
        if after is None:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=after)
        try:
            iterator = self.streams.get_shard_iterator(**kwargs)["ShardIterator"]
        except self.streams.exceptions.TrimmedDataAccessException:
            # Stopped longer than the stream keeps records (24 h): resume at the oldest one kept.
            self.stats.errors.append(f"{shard_id}: records after {after} were trimmed while stopped")
            kwargs = {"StreamArn": self.stream_arn, "ShardId": shard_id, "ShardIteratorType": "TRIM_HORIZON"}
            iterator = self.streams.get_shard_iterator(**kwargs)["ShardIterator"]
        records = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)["Records"]
        if not records:
            return 0
        records = [as_lambda_delivers(r, self.stream_arn) for r in records]
        batch = [r for r in records if wanted(r)]
        window = self.windows.get(shard_id)
        if batch and window is None and self.window_seconds > 0:
            start = math.floor(now / self.window_seconds) * self.window_seconds
            window = self.windows[shard_id] = OpenWindow(start, start + self.window_seconds)
        if batch:
            self._deliver(shard_id, batch, window)
        self.read[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
        if window is None:
            self._advance(shard_id)
        return len(records)

    def _close(self, shard_id: str, window: OpenWindow) -> bool:
        """The window's final invocation; on success the position moves past the window's records."""
        event = self._event(shard_id, [], window, final=True)
        try:
            self._invoke(event, window)
            self._maybe_redeliver(event, window, self.stats.windows + 1)
        except Exception as e:  # noqa: BLE001 - retried at the next pass, as Lambda retries it
            self.stats.errors.append(f"{shard_id}: window's final invocation failed: {type(e).__name__}: {e}")
            return False
        del self.windows[shard_id]
        self.stats.windows += 1
        self._advance(shard_id)
        return True

    def _advance(self, shard_id: str) -> None:
        if shard_id not in self.read:
            return
        self.position[shard_id] = self.read[shard_id]
        if self.position_file is not None:
            write_atomically(self.position_file, json.dumps(self.position).encode())

    def _invoke(self, event: dict[str, Any], window: OpenWindow | None) -> dict[str, Any]:
        """One invocation; a windowed one hands its state on (an invocation that fails keeps the
        state it was given, so its retry starts from there)."""
        response = self.invoke(event) or {}
        if window is not None:
            if not isinstance(response.get("state"), dict):
                raise StateMissing("the response of a tumbling-window invocation has no state")
            window.state = response["state"]
            if len(json.dumps(window.state)) > STATE_LIMIT_BYTES:
                window.end, window.terminated_early = self.clock(), True
        return response

    def _deliver(self, shard_id: str, batch: list[dict[str, Any]], window: OpenWindow | None = None) -> None:
        attempts = 0
        while batch:
            event = self._event(shard_id, batch, window)
            try:
                response = self._invoke(event, window)
            except Exception as e:  # noqa: BLE001 - Lambda bisects a batch whose invocation failed
                self.stats.errors.append(f"{type(e).__name__}: {e}")
                if len(batch) > 1:  # splitting a batch does not count towards the retry quota
                    half = len(batch) // 2
                    self._deliver(shard_id, batch[:half], window)
                    batch = batch[half:]
                    continue
                attempts += 1
                if attempts > self.max_retries:
                    self._dead_letter(shard_id, batch)
                    return
                self.stats.retries += 1
                continue
            failed = [int(f["itemIdentifier"]) for f in response.get("batchItemFailures", [])]
            if not failed:
                self.stats.batches += 1
                self.stats.records += len(batch)
                self._maybe_redeliver(event, window, self.stats.batches)
                return
            attempts += 1
            start = min(failed)
            done = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) < start]
            self.stats.records += len(done)
            batch = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) >= start]
            if attempts > self.max_retries:
                self._dead_letter(shard_id, batch)
                return
            self.stats.retries += 1

    def _maybe_redeliver(self, event: dict[str, Any], window: OpenWindow | None, nth: int) -> None:
        """At-least-once: every Nth batch (and Nth window's final invocation) is sent again, with
        the state it had."""
        if self.redeliver_every and nth % self.redeliver_every == 0:
            self.stats.redelivered += 1
            self._invoke(event, window)

    def _event(self, shard_id: str, batch: list[dict[str, Any]], window: OpenWindow | None = None, final: bool = False) -> dict[str, Any]:
        event = {"Records": batch, "shardId": shard_id, "eventSourceARN": self.stream_arn}
        return event | (window.fields(final) if window is not None else {})

    def _dead_letter(self, shard_id: str, batch: list[dict[str, Any]]) -> None:
        self.stats.dead_lettered += len(batch)
        self.send_to_dlq(
            json.dumps(
                {
                    "DDBStreamBatchInfo": {
                        "shardId": shard_id,
                        "streamArn": self.stream_arn,
                        "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                        "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                        "batchSize": len(batch),
                    }
                }
            )
        )
