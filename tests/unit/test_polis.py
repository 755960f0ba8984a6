"""Reading a Polis export: each voter's last vote per comment, real times and authors, and a clear
error naming the file and line for anything malformed — checked against Polis's own per-participant
export (participants-votes.csv), which this code does not read."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from agora import config
from agora.domain.proposals import Status
from agora.domain.tallies import UNTRUSTED, TallyRef, contributions
from agora.domain.votes import Trust, Vote, VoteKey
from agora.ops import polis, polis_dev

DATA = Path(__file__).parents[2] / "data" / "polis"
SEATTLE = DATA / "15-per-hour-seattle"
LONDON = DATA / "london.youth.policing"
POLIS_KEYS = {"1": VoteKey.AGREE, "-1": VoteKey.DISAGREE, "0": VoteKey.NEUTRAL}


def polis_own_votes(folder: Path) -> dict[tuple[str, str], VoteKey]:
    """(voter, comment) -> the vote Polis itself reports for that participant."""
    with (folder / "participants-votes.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    comments = [name for name in rows[0] if name.isdigit()]
    return {(r["participant"], c): POLIS_KEYS[r[c]] for r in rows for c in comments if r[c] != ""}


@pytest.mark.parametrize("folder", sorted(p for p in DATA.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_the_last_vote_of_each_voter_on_each_comment_is_the_one_polis_reports(folder: Path) -> None:
    conversation = polis.read(folder)
    assert {(v.voter, v.comment): v.key for v in conversation.votes} == polis_own_votes(folder)
    assert [v.at for v in conversation.votes] == sorted(v.at for v in conversation.votes)
    assert conversation.votes_in_file > len(conversation.votes)  # these conversations have changed votes


def test_a_voter_who_changed_their_mind_counts_once_with_the_later_vote(tmp_path: Path) -> None:
    folder = copy(LONDON, tmp_path)
    with (folder / "votes.csv").open("a", newline="") as f:
        csv.writer(f).writerows([[1658934000000, "", 1, 1, 1], [1658933000000, "", 1, 1, 0]])  # later, then an older one
    votes = [v for v in polis.read(folder).votes if (v.voter, v.comment) == ("1", "1")]
    assert [(v.key, v.at) for v in votes] == [(VoteKey.AGREE, 1658934000.0)]


def test_comments_become_proposals_with_their_time_author_and_moderation(tmp_path: Path) -> None:
    conversation = polis.read(SEATTLE)
    rules = config.load(polis_dev.write_consultation(conversation, tmp_path)).proposals
    planned = polis.plan(conversation, rules, "en", "polis import by tester", 1_700_000_000.0)
    by_id = {p.id: p for p in planned.proposals}
    with (SEATTLE / "comments.csv").open(newline="") as f:
        rows = {r["comment-id"]: r for r in csv.DictReader(f)}
    rejected = {r.comment.id for r in planned.rejected}
    assert len(by_id) + len(rejected) == len(rows)
    for cid, row in rows.items():
        if cid in rejected:
            continue
        p = by_id[conversation.proposal_id(cid)]
        assert p.created_at == int(row["timestamp"]) / 1000
        assert p.author_id == conversation.participant_id(row["author-id"])
        assert p.status is {"1": Status.ACCEPTED, "-1": Status.REFUSED, "0": Status.PENDING}[row["moderated"]]
        assert (p.refusal_reason == "other") is (p.status is Status.REFUSED)
        assert (p.decided_by is None) is (p.status is Status.PENDING)
    # Every voter and every author is one participant; every vote is operator data, no brigading signal.
    people = {r["author-id"] for r in rows.values()} | {v.voter for v in conversation.votes}
    assert {p.id for p in planned.participants} == {conversation.participant_id(pid) for pid in people}
    assert {v.participant_id for v in planned.votes} <= {p.id for p in planned.participants}
    assert all(v.trust is Trust.IMPORTED and not v.fresh and not v.source and not v.segments for v in planned.votes)
    assert {v.proposal_id for v in planned.votes} <= set(by_id)


def test_comments_breaking_the_text_rules_are_reported_with_their_line_and_left_out_with_their_votes(tmp_path: Path) -> None:
    conversation = polis.read(SEATTLE)  # 10 comments under 12 characters, 12 over 140
    rules = config.load(polis_dev.write_consultation(conversation, tmp_path)).proposals
    planned = polis.plan(conversation, rules, "en", "tester", 0.0)
    codes = {r.code for r in planned.rejected}
    assert codes == {"too_short", "too_long"} and len(planned.rejected) == 22
    example = next(r for r in planned.rejected if r.code == "too_long")
    assert f"comments.csv, line {example.comment.line}: comment {example.comment.id} too_long" in example.line(conversation)
    assert len(example.comment.text) > 140
    left_out = sum(r.votes for r in planned.rejected)
    assert left_out and len(planned.votes) + left_out == len(conversation.votes)


def test_a_prefixed_consultation_reports_every_unprefixed_comment() -> None:
    demo = config.load(Path(__file__).parents[2] / "consultations" / "demo.toml")
    planned = polis.plan(polis.read(LONDON), demo.proposals, "en", "tester", 0.0)
    assert not planned.proposals and {r.code for r in planned.rejected} == {"missing_prefix"}


def test_ids_are_stable_and_never_shared_between_conversations() -> None:
    london, again, seattle = polis.read(LONDON), polis.read(LONDON), polis.read(SEATTLE)
    assert london.participant_id("1") == again.participant_id("1") != seattle.participant_id("1")
    assert london.proposal_id("1") != london.participant_id("1")
    assert len(london.proposal_id("1")) == 32 and int(london.proposal_id("1"), 16) >= 0


def copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "line", "text", "problem"),
    [
        ("votes.csv", 5, "1658933848589,Wed,1,4,2", "vote '2' is not 1 (agree), -1 (disagree) or 0 (pass)"),
        ("votes.csv", 7, "1658933848589,Wed,999,4,1", "a vote on comment 999, which comments.csv does not have"),
        ("votes.csv", 3, "yesterday,Wed,1,4,1", "timestamp 'yesterday' is not milliseconds since 1970"),
        ("votes.csv", 4, "1658933848589,Wed,1,x7,1", "voter-id 'x7' is not an integer"),
        ("votes.csv", 6, "1658933848589,Wed,1", "fewer fields than the header's 5"),
        ("votes.csv", 1, "timestamp,datetime,comment-id,voter,vote", "the header has no column voter-id"),
        ("comments.csv", 3, "1658934633363,Wed,35,23,3,0,1,again", "comment-id 35 again (first on line 2)"),
        ("comments.csv", 4, "1658934593316,Wed,36,25,4,0,2,text", "moderated '2' is not 1, -1 or 0"),
    ],
)
def test_a_malformed_file_is_an_error_naming_the_file_and_line(tmp_path: Path, file: str, line: int, text: str, problem: str) -> None:
    folder = copy(LONDON, tmp_path)
    replace_line(folder / file, line, text)
    with pytest.raises(polis.MalformedExport) as error:
        polis.read(folder)
    assert str(error.value) == f"{folder / file}, line {line}: {problem}"


def test_an_unterminated_quote_and_a_missing_file_are_errors_too(tmp_path: Path) -> None:
    folder = copy(LONDON, tmp_path)
    replace_line(folder / "comments.csv", 2, '1658934589213,Wed,35,23,2,1,1,"Eliminate bias')
    with pytest.raises(polis.MalformedExport, match=r"comments\.csv, line \d+: "):
        polis.read(folder)
    (folder / "votes.csv").unlink()
    with pytest.raises(polis.MalformedExport, match="not a Polis export: no votes.csv"):
        polis.read(folder)


def test_an_imported_vote_counts_like_a_sequence_vote_and_an_untrusted_one_only_apart() -> None:
    segments = {"age": "25-34"}
    imported = contributions(Vote("p", "x", VoteKey.AGREE, Trust.IMPORTED, frozenset({"doable"}), segments))
    assert imported == contributions(Vote("p", "x", VoteKey.AGREE, Trust.SEQUENCE, frozenset({"doable"}), segments))
    assert imported[TallyRef("x"), "agree"] == 1 and imported[TallyRef("x", "age", "25-34"), "doable"] == 1
    assert contributions(Vote("p", "x", VoteKey.AGREE, Trust.UNTRUSTED)) == {(TallyRef("x"), UNTRUSTED): 1}
