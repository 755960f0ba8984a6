"""A Polis conversation export (comments.csv, votes.csv, summary.csv), read and checked whole
before anything is written, and mapped onto agora's participants, proposals and votes.

Ids are derived from the conversation's address and Polis's own ids, so that importing the same
conversation again names the same items (idempotency), and two conversations never collide.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from agora.config import ProposalRules
from agora.domain.errors import InvalidInput
from agora.domain.participants import Participant
from agora.domain.proposals import Proposal, Status, validate_text
from agora.domain.votes import Trust, Vote, VoteKey

FILES = ("summary.csv", "comments.csv", "votes.csv")
COMMENT_COLUMNS = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
VOTE_KEYS = {"1": VoteKey.AGREE, "-1": VoteKey.DISAGREE, "0": VoteKey.NEUTRAL}  # Polis's pass is neutral
STATUSES = {"1": Status.ACCEPTED, "-1": Status.REFUSED, "0": Status.PENDING}
# Polis gives no reason for a comment moderated out.
REFUSAL_REASON = "other"


class MalformedExport(ValueError):
    """What is wrong in the export, and where: the file and its line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"{path}{f', line {line}' if line else ''}: {problem}")


@dataclass(frozen=True)
class Comment:
    id: str
    author: str
    created_at: float
    moderated: str  # "1", "-1" or "0"
    text: str
    line: int  # in comments.csv


@dataclass(frozen=True)
class PolisVote:
    voter: str
    comment: str
    key: VoteKey
    at: float


@dataclass(frozen=True)
class Conversation:
    folder: Path
    topic: str
    url: str
    description: str
    comments: tuple[Comment, ...]
    votes: tuple[PolisVote, ...]  # each voter's last vote per comment, in time order
    votes_in_file: int
    digest: str  # of the three files, so that a resumed import knows it reads the same export

    @property
    def source_id(self) -> str:
        return _id("conversation", self.url)[:16]

    def participant_id(self, polis_id: str) -> str:
        return _id(self.url, "participant", polis_id)

    def proposal_id(self, comment_id: str) -> str:
        return _id(self.url, "comment", comment_id)


def _id(*parts: str) -> str:
    """32 hexadecimal digits, like the ids the API makes."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


# --- reading ----------------------------------------------------------------------------------


def read(folder: Path) -> Conversation:
    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise MalformedExport(folder, None, f"not a Polis export: no {', '.join(missing)}")
    summary = _summary(folder / "summary.csv")
    comments = tuple(_comments(folder / "comments.csv"))
    known = {c.id for c in comments}
    votes, count = _last_votes(folder / "votes.csv", known)
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((folder / name).read_bytes())
    return Conversation(
        folder=folder,
        topic=summary.get("topic", "").strip(),
        url=summary.get("url", "").strip() or f"polis:{folder.name}",
        description=summary.get("conversation-description", "").strip(),
        comments=comments,
        votes=votes,
        votes_in_file=count,
        digest=digest.hexdigest(),
    )


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) per data row; the header must name every column we use."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f, strict=True)
            absent = [c for c in columns if c not in (reader.fieldnames or ())]
            if absent:
                raise MalformedExport(path, 1, f"the header has no column {', '.join(absent)}")
            line = reader.line_num + 1
            for row in reader:
                if None in row:
                    raise MalformedExport(path, line, f"more fields than the header's {len(reader.fieldnames or ())}")
                if any(row[c] is None for c in columns):
                    raise MalformedExport(path, line, f"fewer fields than the header's {len(reader.fieldnames or ())}")
                yield line, row
                line = reader.line_num + 1
    except csv.Error as e:
        raise MalformedExport(path, reader.line_num, f"not valid CSV ({e})") from None
    except UnicodeDecodeError as e:
        raise MalformedExport(path, None, f"not UTF-8 text ({e.reason} at byte {e.start})") from None


def _summary(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as f:
        return {row[0].strip(): ",".join(row[1:]) for row in csv.reader(f) if row}


def _int(path: Path, line: int, column: str, value: str) -> str:
    """The value as Polis's integer id, or a clear error."""
    try:
        return str(int(value))
    except ValueError:
        raise MalformedExport(path, line, f"{column} {value!r} is not an integer") from None


def _timestamp(path: Path, line: int, value: str) -> float:
    """Polis writes milliseconds since the epoch."""
    try:
        ms = float(value)
    except ValueError:
        ms = -1.0
    if not 0 < ms < 1e14:
        raise MalformedExport(path, line, f"timestamp {value!r} is not milliseconds since 1970")
    return ms / 1000


def _comments(path: Path) -> Iterator[Comment]:
    seen: dict[str, int] = {}
    for line, row in _rows(path, COMMENT_COLUMNS):
        cid = _int(path, line, "comment-id", row["comment-id"])
        if cid in seen:
            raise MalformedExport(path, line, f"comment-id {cid} again (first on line {seen[cid]})")
        seen[cid] = line
        if row["moderated"].strip() not in STATUSES:
            raise MalformedExport(path, line, f"moderated {row['moderated']!r} is not 1, -1 or 0")
        yield Comment(
            id=cid,
            author=_int(path, line, "author-id", row["author-id"]),
            created_at=_timestamp(path, line, row["timestamp"]),
            moderated=row["moderated"].strip(),
            text=row["comment-body"],
            line=line,
        )


def _last_votes(path: Path, comments: set[str]) -> tuple[tuple[PolisVote, ...], int]:
    """Each voter's last vote per comment (the later line wins a tie), in time order."""
    last: dict[tuple[str, str], tuple[float, int, PolisVote]] = {}
    count = 0
    for line, row in _rows(path, VOTE_COLUMNS):
        count += 1
        cid = _int(path, line, "comment-id", row["comment-id"])
        if cid not in comments:
            raise MalformedExport(path, line, f"a vote on comment {cid}, which comments.csv does not have")
        key = VOTE_KEYS.get(row["vote"].strip())
        if key is None:
            raise MalformedExport(path, line, f"vote {row['vote']!r} is not 1 (agree), -1 (disagree) or 0 (pass)")
        vote = PolisVote(_int(path, line, "voter-id", row["voter-id"]), cid, key, _timestamp(path, line, row["timestamp"]))
        pair = (vote.voter, cid)
        if pair not in last or (vote.at, line) >= last[pair][:2]:
            last[pair] = (vote.at, line, vote)
    return tuple(v for _, _, v in sorted(last.values(), key=lambda t: t[:2])), count


# --- mapping ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    """A comment that breaks the consultation's text rules: reported, not imported, nor its votes."""

    comment: Comment
    code: str
    message: str
    votes: int

    def line(self, conversation: Conversation) -> str:
        return f"{conversation.folder / 'comments.csv'}, line {self.comment.line}: comment {self.comment.id} {self.code}: {self.message}"


@dataclass(frozen=True)
class Plan:
    """What the import writes, in the order it writes it."""

    participants: tuple[Participant, ...]
    proposals: tuple[Proposal, ...]
    votes: tuple[Vote, ...]
    rejected: tuple[Rejected, ...]


def plan(conversation: Conversation, rules: ProposalRules, language: str, decided_by: str, decided_at: float) -> Plan:
    proposals: list[Proposal] = []
    problems: dict[str, tuple[str, str]] = {}
    for c in conversation.comments:
        try:
            text = validate_text(c.text, language, rules)
        except InvalidInput as e:
            problems[c.id] = (e.code, e.message)
            continue
        status = STATUSES[c.moderated]
        decided = status is not Status.PENDING
        proposals.append(
            Proposal(
                id=conversation.proposal_id(c.id),
                text=text,
                language=language,
                author_id=conversation.participant_id(c.author),
                created_at=c.created_at,
                status=status,
                refusal_reason=REFUSAL_REASON if status is Status.REFUSED else None,
                decided_by=decided_by if decided else None,
                decided_at=decided_at if decided else None,
            )
        )
    votes = tuple(
        # No registration time and no network: never a brigading signal; no demographics: no segments.
        Vote(conversation.participant_id(v.voter), conversation.proposal_id(v.comment), v.key, Trust.IMPORTED, voted_at=v.at)
        for v in conversation.votes
        if v.comment not in problems
    )
    left_out = Counter(v.comment for v in conversation.votes if v.comment in problems)
    rejected = tuple(Rejected(c, *problems[c.id], votes=left_out[c.id]) for c in conversation.comments if c.id in problems)
    return Plan(_participants(conversation), tuple(proposals), votes, rejected)


def _participants(conversation: Conversation) -> tuple[Participant, ...]:
    """Every voter and author, registered at their first act in the conversation."""
    first: dict[str, float] = {}
    acts = [(c.author, c.created_at) for c in conversation.comments] + [(v.voter, v.at) for v in conversation.votes]
    for polis_id, at in acts:
        first[polis_id] = min(at, first.get(polis_id, at))
    return tuple(
        Participant(conversation.participant_id(pid), at, took_part_at=at) for pid, at in sorted(first.items(), key=lambda kv: (kv[1], kv[0]))
    )
