"""`agora import polis` into a stack on moto, seen as a deployed one (`--stack`): the imported votes
go through the stream and score, and the next snapshot's proposals.csv gives, per comment, the counts
Polis itself reports (participants-votes.csv, which the importer does not read)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from agora import cli, config, contract
from agora.adapters import items
from agora.adapters.proposals import ProposalStore
from agora.domain.proposals import Action, Status
from agora.local.inprocess import InProcessStack
from agora.ops import importer, polis, polis_dev
from tests.ops.conftest import STACK
from tests.unit.test_polis import LONDON, copy, polis_own_votes, replace_line


@pytest.fixture
def consultation_file(tmp_path: Path) -> Path:
    return polis_dev.write_consultation(polis.read(LONDON), tmp_path)


@pytest.fixture
def api(consultation_file: Path) -> Iterator[InProcessStack]:
    with InProcessStack(consultation_file=consultation_file) as stack:
        yield stack


def import_polis(folder: Path, consultation_file: Path, *extra: str) -> int:
    return cli.main(["import", "polis", str(folder), "--consultation", str(consultation_file), "--stack", STACK, "--no-progress", *extra])


def published_counts(api: InProcessStack) -> dict[str, Counter]:
    api.count()
    api.snapshot()
    body = boto3.client("s3").get_object(Bucket=api.env[contract.BUCKET_ENV], Key="results/latest/proposals.csv")["Body"].read()
    return {
        row["proposal_id"]: Counter({k: int(row[k]) for k in ("agree", "disagree", "neutral") if int(row[k])})
        for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    }


def polis_counts(folder: Path, accepted_only: bool = True) -> dict[str, Counter]:
    """Per accepted comment, agree/disagree/neutral as Polis's participants-votes.csv has them."""
    conversation = polis.read(folder)
    accepted = {c.id for c in conversation.comments if c.moderated == "1" or not accepted_only}
    counts: dict[str, Counter] = {conversation.proposal_id(cid): Counter() for cid in accepted}
    for (_, cid), key in polis_own_votes(folder).items():
        if cid in accepted:
            counts[conversation.proposal_id(cid)][key.value] += 1
    return counts


def content(api: InProcessStack) -> list[dict[str, Any]]:
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=api.env[contract.CONTENT.env_var])
    return [items.deserialize(i) for page in pages for i in page["Items"]]


def test_an_imported_conversation_is_published_with_the_counts_polis_reports(api: InProcessStack, deployed: dict, consultation_file: Path, capsys) -> None:
    assert import_polis(LONDON, consultation_file) == 0
    out = capsys.readouterr().out
    assert "votes: 638 written, 0 there before (the last of each voter on each comment: 638 of the file's 640)" in out
    assert "votes/s" in out

    assert published_counts(api) == polis_counts(LONDON)
    manifest = api.call("GET", "/results").body
    assert {"summary.json", "proposals.csv", "report.html"} <= {f["name"] for f in manifest["files"]}
    stored = content(api)
    votes = [a for a in stored if a["sk"].startswith(contract.VOTE_SK)]
    assert len(votes) == 638 and {v["trust"] for v in votes} == {"imported"}
    assert sum(a["sk"] == contract.PROFILE_SK for a in stored) == 27  # 26 voters and one author who did not vote

    # The moderation trail says Polis's decision was recorded by this import, and by whom.
    conversation = polis.read(LONDON)
    refused = next(c for c in conversation.comments if c.moderated == "-1")
    store = ProposalStore(api.env[contract.CONTENT.env_var], boto3.client("dynamodb"))
    (decision,) = store.decisions(conversation.proposal_id(refused.id))
    assert (decision.action, decision.after, decision.reason) == (Action.REFUSE, Status.REFUSED, "other")
    assert decision.moderator.startswith("polis import by arn:aws:")
    # ... and the import's own record says from which files, who, when and what each run wrote.
    (record,) = [a for a in stored if a["pk"].startswith(contract.IMPORT) and a["sk"] == contract.META_SK]
    assert (record["source"], record["folder"], record["digest"]) == (conversation.url, LONDON.name, conversation.digest)
    assert record["imported"]["votes"] == 638 and record["finished_by"].startswith("arn:aws:")
    (run,) = [a for a in stored if a["pk"] == record["pk"] and a["sk"].startswith(contract.IMPORT_RUN_SK)]
    assert run["written"]["votes"] == 638 and run["finished_at"] >= run["started_at"]


def test_a_second_run_writes_nothing(api: InProcessStack, deployed: dict, consultation_file: Path, capsys) -> None:
    assert import_polis(LONDON, consultation_file) == 0
    before = published_counts(api)
    stored = content(api)
    capsys.readouterr()
    assert import_polis(LONDON, consultation_file) == 0
    assert "imported before (by arn:aws:" in capsys.readouterr().out
    assert content(api) == stored
    assert published_counts(api) == before == polis_counts(LONDON)


class Interrupted(Exception):
    pass


class FailingAfter:
    """A DynamoDB client whose connection drops after some batches of writes."""

    def __init__(self, db: Any, writes: int) -> None:
        self.db, self.left = db, writes

    def batch_write_item(self, **kwargs: Any) -> Any:
        if self.left == 0:
            raise Interrupted("connection lost")
        self.left -= 1
        return self.db.batch_write_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_an_interrupted_import_is_finished_by_the_next_run_and_counts_every_vote_once(api: InProcessStack, consultation_file: Path) -> None:
    db, table = boto3.client("dynamodb"), api.env[contract.CONTENT.env_var]
    consultation, conversation = config.load(consultation_file), polis.read(LONDON)
    with pytest.raises(Interrupted):
        importer.run(FailingAfter(db, 10), table, consultation, conversation, "first operator", progress=False)
    api.count()  # score counts what was written before the interruption
    written = sum(1 for a in content(api) if a["sk"].startswith(contract.VOTE_SK))
    assert 0 < written < 638

    report = importer.run(db, table, consultation, conversation, "second operator", progress=False)
    assert (report.votes.present, report.votes.new) == (written, 638 - written)
    assert report.participants.new == 0 and report.proposals.new == 0  # all written before the votes
    assert published_counts(api) == polis_counts(LONDON)
    runs = importer.Ledger(db, table, conversation).runs()
    assert [r["by"] for r in runs] == ["first operator", "second operator"]
    assert "finished_at" not in runs[0] and runs[1]["written"]["votes"] == 638 - written


def test_an_import_interrupted_between_a_proposal_and_its_decision_keeps_both(api: InProcessStack, consultation_file: Path) -> None:
    db, table = boto3.client("dynamodb"), api.env[contract.CONTENT.env_var]
    consultation, conversation = config.load(consultation_file), polis.read(LONDON)
    participant_batches = 2  # 27 participants: 25 + 2
    with pytest.raises(Interrupted):
        importer.run(FailingAfter(db, participant_batches + 1), table, consultation, conversation, "op", progress=False)
    importer.run(db, table, consultation, conversation, "op", progress=False)
    store = ProposalStore(table, db)
    decided = [c for c in conversation.comments if c.moderated != "0"]
    assert all(len(store.decisions(conversation.proposal_id(c.id))) == 1 for c in decided)


def test_a_malformed_file_imports_nothing_and_says_where(api: InProcessStack, deployed: dict, consultation_file: Path, tmp_path: Path, capsys) -> None:
    folder = copy(LONDON, tmp_path)
    replace_line(folder / "votes.csv", 300, "1658933848589,Wed,1,4,yes")
    assert import_polis(folder, consultation_file) == 2
    assert capsys.readouterr().err.strip() == f"nothing imported: {folder / 'votes.csv'}, line 300: vote 'yes' is not 1 (agree), -1 (disagree) or 0 (pass)"
    assert content(api) == []


def test_other_files_for_a_begun_import_are_refused(api: InProcessStack, deployed: dict, consultation_file: Path, tmp_path: Path, capsys) -> None:
    assert import_polis(LONDON, consultation_file) == 0
    folder = copy(LONDON, tmp_path)
    with (folder / "votes.csv").open("a") as f:
        f.write("1658939999999,Wed,1,1,1\n")
    stored = content(api)
    assert import_polis(folder, consultation_file) == 2
    assert "from other files" in capsys.readouterr().err
    assert content(api) == stored


def test_a_charter_without_the_reason_for_moderated_out_comments_is_refused_before_writing(api: InProcessStack, deployed: dict, tmp_path: Path, capsys) -> None:
    plain = tmp_path / "plain.toml"
    plain.write_text(polis_dev.consultation_toml(polis.read(LONDON)).split("[moderation]")[0], encoding="utf-8")
    assert import_polis(LONDON, plain) == 2
    assert "add it to [moderation] refusal_reasons" in capsys.readouterr().err
    assert content(api) == []


def test_rule_breaking_comments_are_reported_and_the_rest_imported(api: InProcessStack, deployed: dict, consultation_file: Path, tmp_path: Path, capsys) -> None:
    folder = copy(LONDON, tmp_path)
    conversation = polis.read(folder)
    long = next(c for c in conversation.comments if c.moderated == "1")
    replace_line(folder / "comments.csv", long.line, f'{int(long.created_at * 1000)},Wed,{long.id},{long.author},0,0,1,"{"a long idea " * 15}"')
    assert import_polis(folder, consultation_file) == 0
    out = capsys.readouterr().out
    assert f"not imported: {folder / 'comments.csv'}, line {long.line}: comment {long.id} too_long: The proposal has 179 characters" in out
    expected = polis_counts(LONDON)
    left_out = expected.pop(conversation.proposal_id(long.id))
    assert f"({sum(left_out.values())} votes left out)" in out
    assert published_counts(api) == expected
