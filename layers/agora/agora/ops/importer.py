"""`agora import polis DIR`: a Polis conversation written into a consultation's content table, through
the same items the API writes, so that the stream, score and the next snapshot count it.

Every item has a key derived from the export and is written only if absent, so a second run
writes nothing and an interrupted one finishes where it stopped. The conversation's record (IMPORT#<id>/META) says from which files, by whom and
when; each run adds an entry saying what it wrote. A finished import is not rewritten: that keeps
`agora forget` on an imported participant from being undone by a re-run.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from tqdm import tqdm

from agora import contract as c
from agora.adapters import items
from agora.adapters.content import conditional_failed
from agora.adapters.proposals import decision_item
from agora.config import Consultation
from agora.domain.proposals import Action, Decision, Proposal, Status
from agora.ops.polis import REFUSAL_REASON, Conversation, Plan, plan

READ, WRITE = 100, 25  # BatchGetItem's and BatchWriteItem's limits
ATTEMPTS = 8  # unprocessed reads or writes (throttling) are tried again, with backoff
ACTIONS = {Status.ACCEPTED: Action.ACCEPT, Status.REFUSED: Action.REFUSE}

Unit = tuple[dict[str, Any], ...]  # items written together; the first is the one that may exist already


class ImportRefused(Exception):
    """The import cannot start: nothing was written."""


@dataclass
class Written:
    new: int = 0
    present: int = 0  # there already: a re-run, or a resumed one


@dataclass
class Report:
    conversation: Conversation
    plan: Plan
    finished_before: str = ""  # who finished it, when; nothing was written
    participants: Written = field(default_factory=Written)
    proposals: Written = field(default_factory=Written)
    votes: Written = field(default_factory=Written)
    seconds: float = 0.0

    @property
    def votes_per_second(self) -> float:
        return self.votes.new / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        k = self.conversation
        head = [f"{k.folder}: {k.topic or k.url}"]
        problems = [f"  not imported: {r.line(k)} ({r.votes} votes left out)" for r in self.plan.rejected]
        if self.finished_before:
            return [*head, f"  imported before ({self.finished_before}): nothing written", *problems]
        statuses = {s: sum(p.status is s for p in self.plan.proposals) for s in Status}
        return [
            *head,
            f"  participants: {self.participants.new} written, {self.participants.present} there before",
            f"  proposals: {self.proposals.new} written, {self.proposals.present} there before"
            f" ({statuses[Status.ACCEPTED]} accepted, {statuses[Status.REFUSED]} refused, {statuses[Status.PENDING]} pending)",
            f"  votes: {self.votes.new} written, {self.votes.present} there before"
            f" (the last of each voter on each comment: {len(k.votes)} of the file's {k.votes_in_file})",
            *problems,
            f"  {self.seconds:.1f} s, {self.votes_per_second:.0f} votes/s; counted at the next snapshot",
        ]


def check(consultation: Consultation, conversation: Conversation) -> None:
    if any(c.moderated == "-1" for c in conversation.comments) and REFUSAL_REASON not in consultation.moderation.refusal_reasons:
        raise ImportRefused(
            f"{conversation.folder}: Polis moderated some comments out, which are refused here with reason"
            f" {REFUSAL_REASON!r}; add it to [moderation] refusal_reasons of consultation {consultation.slug!r}"
        )


def run(
    db: Any,
    table: str,
    consultation: Consultation,
    conversation: Conversation,
    operator: str,
    progress: bool = True,
    clock: Callable[[], float] = time.time,
) -> Report:
    check(consultation, conversation)
    ledger = Ledger(db, table, conversation)
    record = ledger.begin(operator, clock())
    planned = plan(conversation, consultation.proposals, consultation.default_language, f"polis import by {record['by']}", float(record["at"]))
    report = Report(conversation, planned)
    if "finished_at" in record:
        report.finished_before = f"by {record['finished_by']} at {_iso(record['finished_at'])}"
        return report
    run_sk = ledger.run_started(operator, clock())
    started = time.perf_counter()
    writer = Writer(db, table, progress)
    expires_at = consultation.personal_data_expiry()
    report.participants = writer.write("participants", ((items.participant_item(p, expires_at),) for p in planned.participants), len(planned.participants))
    report.proposals = writer.write("proposals", (_proposal_unit(p) for p in planned.proposals), len(planned.proposals))
    report.votes = writer.write("votes", ((items.vote_item(v, expires_at),) for v in planned.votes), len(planned.votes))
    report.seconds = time.perf_counter() - started
    ledger.finish(run_sk, operator, clock(), report)
    return report


def _proposal_unit(p: Proposal) -> Unit:
    """The proposal with its moderation entry: Polis's decision, recorded by the import."""
    if p.status is Status.PENDING:
        return (items.proposal_item(p),)
    assert p.decided_by is not None and p.decided_at is not None
    decision = Decision(p.id, ACTIONS[p.status], p.decided_by, p.decided_at, Status.PENDING, p.status, p.refusal_reason)
    # A fixed key for the entry: written again by a resumed run, it stays one entry.
    return items.proposal_item(p), decision_item(decision, suffix="import")


def _iso(at: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(at)))


# --- the record of the import ---------------------------------------------------------------------


class Ledger:
    def __init__(self, db: Any, table: str, conversation: Conversation) -> None:
        self.db, self.table, self.conversation = db, table, conversation
        self.pk = {"S": c.IMPORT + conversation.source_id}

    def begin(self, operator: str, now: float) -> dict[str, Any]:
        """The conversation's record: created by the first run; a later one must read the same files."""
        k = self.conversation
        fresh = {"source": k.url, "topic": k.topic, "folder": k.folder.name, "digest": k.digest, "by": operator, "at": now}
        try:
            self.db.put_item(
                TableName=self.table,
                Item={"pk": self.pk, "sk": {"S": c.META_SK}, **items.serialize(fresh)},
                ConditionExpression="attribute_not_exists(pk)",
            )
            return fresh
        except ClientError as e:
            if not conditional_failed(e):
                raise
        found = self.db.get_item(TableName=self.table, Key={"pk": self.pk, "sk": {"S": c.META_SK}}, ConsistentRead=True)
        record = items.deserialize(found["Item"])
        if record["digest"] != k.digest:
            raise ImportRefused(
                f"{k.folder}: {k.url} was imported by {record['by']} at {_iso(record['at'])} from other files"
                f" (folder {record['folder']!r}); an import is finished from the files it began with"
            )
        return record

    def run_started(self, operator: str, now: float) -> str:
        sk = f"{c.IMPORT_RUN_SK}{int(now * 1000):015d}#{uuid.uuid4().hex[:8]}"
        self.db.put_item(TableName=self.table, Item={"pk": self.pk, "sk": {"S": sk}, **items.serialize({"by": operator, "started_at": now})})
        return sk

    def finish(self, run_sk: str, operator: str, now: float, report: Report) -> None:
        written = {
            "participants": report.participants.new,
            "proposals": report.proposals.new,
            "votes": report.votes.new,
            "seconds": round(report.seconds, 3),
        }
        totals = {
            "participants": len(report.plan.participants),
            "proposals": len(report.plan.proposals),
            "votes": len(report.plan.votes),
            "rejected": [{"comment": r.comment.id, "code": r.code, "votes": r.votes} for r in report.plan.rejected],
        }
        self._set({"pk": self.pk, "sk": {"S": run_sk}}, {"finished_at": now, "written": written})
        self._set({"pk": self.pk, "sk": {"S": c.META_SK}}, {"finished_at": now, "finished_by": operator, "imported": totals})

    def _set(self, key: dict[str, Any], values: dict[str, Any]) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=key,
            UpdateExpression="SET " + ", ".join(f"#{n} = :{n}" for n in values),
            ExpressionAttributeNames={f"#{n}": n for n in values},
            ExpressionAttributeValues=items.serialize({f":{n}": v for n, v in values.items()}),
        )

    def runs(self) -> list[dict[str, Any]]:
        """The audit trail: every run, oldest first."""
        out = self.db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :run)",
            ExpressionAttributeValues={":pk": self.pk, ":run": {"S": c.IMPORT_RUN_SK}},
            ConsistentRead=True,
        )
        return [items.deserialize(i) for i in out["Items"]]


# --- writes of what is not there yet -------------------------------------------------------------


class Writer:
    """Reads which units are there (BatchGetItem), writes the others (BatchWriteItem).

    Not conditional writes in transactions: moto copies the whole table for every transaction,
    which made the largest conversation's import quadratic. Nothing else writes these keys, and
    rewriting an item as it was changes no tally (its stream change counts zero), so a race
    between two runs of the same import cannot count a vote twice.
    """

    def __init__(self, db: Any, table: str, progress: bool) -> None:
        self.db, self.table, self.progress = db, table, progress

    def write(self, what: str, units: Iterable[Unit], total: int) -> Written:
        written = Written()
        with tqdm(total=total, desc=f"  {what}", unit=what[:-1], disable=not self.progress, leave=True) as bar:
            for batch in _batches(units, READ):
                there = self._present([unit[0] for unit in batch])
                missing = [unit for unit in batch if _key(unit[0]) not in there]
                # A unit's companions first: its first item, once there, says the unit is whole.
                self._put([item for unit in missing for item in unit[1:]])
                self._put([unit[0] for unit in missing])
                written.new += len(missing)
                written.present += len(batch) - len(missing)
                bar.update(len(batch))
        return written

    def _present(self, wanted: list[dict[str, Any]]) -> set[tuple[str, str]]:
        request: dict[str, Any] = {
            self.table: {"Keys": [{"pk": i["pk"], "sk": i["sk"]} for i in wanted], "ProjectionExpression": "pk, sk", "ConsistentRead": True}
        }
        found: set[tuple[str, str]] = set()
        for attempt in range(ATTEMPTS):
            out = self.db.batch_get_item(RequestItems=request)
            found.update(_key(i) for i in out["Responses"].get(self.table, []))
            request = out.get("UnprocessedKeys") or {}
            if not request:
                return found
            _back_off(attempt)
        raise RuntimeError(f"DynamoDB left reads unprocessed {ATTEMPTS} times; run the import again to finish")

    def _put(self, puts: list[dict[str, Any]]) -> None:
        for start in range(0, len(puts), WRITE):
            request = {self.table: [{"PutRequest": {"Item": item}} for item in puts[start : start + WRITE]]}
            for attempt in range(ATTEMPTS):
                request = self.db.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
                if not request:
                    break
                _back_off(attempt)
            else:
                raise RuntimeError(f"DynamoDB left writes unprocessed {ATTEMPTS} times; run the import again to finish")


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def _back_off(attempt: int) -> None:
    time.sleep(min(0.05 * 2**attempt, 2.0))  # throttled: DynamoDB asks the caller to slow down


def _batches(units: Iterable[Unit], size: int) -> Iterable[list[Unit]]:
    batch: list[Unit] = []
    for unit in units:
        batch.append(unit)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
