"""Feed score with real DynamoDB stream batches, with Lambda's event source mapping semantics.

Per shard, in order: records that match no filter are skipped; a batch goes to the function
with the shard id (as a tumbling-window event does); a partial-batch failure retries from the
lowest failed record; an exception bisects the batch; after `max_retries` a batch is sent to
the on-failure queue and skipped, so one poison record never blocks the shard.
"""

from __future__ import annotations

import json
import threading
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
    errors: list[str] = field(default_factory=list)


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
    ) -> None:
        self.streams, self.stream_arn, self.invoke, self.send_to_dlq = streams, stream_arn, invoke, send_to_dlq
        self.batch_size, self.max_retries, self.redeliver_every = batch_size, max_retries, redeliver_every
        self.idle_wait = idle_wait
        self.stats = PollerStats()
        # shard -> last sequence number handed over (or skipped); kept on disk, like the event source
        # mapping's checkpoint, so a restart resumes after it: score's checkpoints absorb the
        # at-least-once overlap of a stop between a delivery and its record here.
        self.position_file = position_file
        self.position: dict[str, str] = read_json(position_file, {}) if position_file else {}
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
        """Block until a pass that began after this call found nothing new: every change made
        before the call has been handed to score (for tests, seeding and benchmarks)."""
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
            if read == 0:
                with self._progress:
                    self._last_idle_pass = this_pass
                    self._progress.notify_all()
            if read <= 0:
                self._stop.wait(self.idle_wait)

    def _poll_shard(self, shard_id: str) -> int:
        after = self.position.get(shard_id)
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
        if batch:
            self._deliver(shard_id, batch)
        self._advance(shard_id, records[-1]["dynamodb"]["SequenceNumber"])
        return len(records)

    def _advance(self, shard_id: str, sequence: str) -> None:
        self.position[shard_id] = sequence
        if self.position_file is not None:
            write_atomically(self.position_file, json.dumps(self.position).encode())

    def _deliver(self, shard_id: str, batch: list[dict[str, Any]]) -> None:
        attempts = 0
        while batch:
            try:
                response = self.invoke(self._event(shard_id, batch)) or {}
            except Exception as e:  # noqa: BLE001 - Lambda bisects a batch whose invocation failed
                self.stats.errors.append(f"{type(e).__name__}: {e}")
                if len(batch) > 1:  # splitting a batch does not count towards the retry quota
                    half = len(batch) // 2
                    self._deliver(shard_id, batch[:half])
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
                if self.redeliver_every and self.stats.batches % self.redeliver_every == 0:
                    self.stats.redelivered += 1
                    self.invoke(self._event(shard_id, batch))  # at-least-once: the same batch again
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

    def _event(self, shard_id: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
        return {"Records": batch, "shardId": shard_id, "eventSourceARN": self.stream_arn, "state": {}}

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
