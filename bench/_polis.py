"""Polis conversations from data/polis/ as the benchmarks need them: comments, last votes, groups.

Each voter's last vote on a comment stands (Polis's export keeps every vote). Comments nobody
voted on have no empirical rates and are left out. Comments moderated out (-1) are left out of
the sequencing worlds (Polis stops showing them); the opinion groups load them, with their
moderation, because Polis's math keeps their columns, zeroed for everyone (conversation.clj,
:rating-mat), so they count in its stretch of the map but not in its axes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data" / "polis"
# Kept out of every choice of parameters (sequencing and groups) and reported apart; chosen by
# size spread (one small, one mid, one large) before any figure was looked at.
HELD_OUT = ("london.youth.policing", "scoop-hivemind.ubi", "canadian-electoral-reform")


def names() -> list[str]:
    return sorted(p.name for p in DATA.iterdir() if (p / "votes.csv").is_file())


@dataclass(frozen=True)
class Conversation:
    name: str
    comments: np.ndarray  # comment ids, in order of creation
    created: np.ndarray  # per comment, ms since epoch
    authors: np.ndarray  # per comment, its author's id
    moderated: np.ndarray  # per comment: 1 accepted, 0 not yet moderated, -1 moderated out
    voter: np.ndarray  # per last vote: voter id
    comment: np.ndarray  # per last vote: index into comments
    vote: np.ndarray  # per last vote: 1 agree, -1 disagree, 0 pass
    voted_at: np.ndarray  # per last vote: ms since epoch
    groups: dict[int, int]  # voter id -> Polis's group-id, for the participants Polis grouped

    def rates(self) -> dict[str, np.ndarray]:
        """Each comment's empirical agree / disagree / neutral shares of its last votes."""
        seen = np.bincount(self.comment, minlength=len(self.comments)).astype(np.float64)
        share = {key: np.bincount(self.comment[self.vote == v], minlength=len(self.comments)) / seen for key, v in (("agree", 1), ("disagree", -1))}
        return share | {"neutral": 1 - share["agree"] - share["disagree"]}


@cache
def load(name: str, moderated_out: bool = False) -> Conversation:
    folder = DATA / name
    with open(folder / "comments.csv", newline="") as f:
        rows = [(int(r["timestamp"]), int(r["comment-id"]), r["author-id"], int(r["moderated"])) for r in csv.DictReader(f) if moderated_out or int(r["moderated"]) >= 0]
    with open(folder / "votes.csv", newline="") as f:
        raw = np.array([(int(r["timestamp"]), int(r["comment-id"]), int(r["voter-id"]), int(r["vote"])) for r in csv.DictReader(f)], dtype=np.int64)
    raw = raw[np.argsort(raw[:, 0], kind="stable")]
    # The last vote per (voter, comment): the first occurrence in the reversed, time-sorted list.
    _, last = np.unique(raw[::-1, [2, 1]], axis=0, return_index=True)
    votes = raw[::-1][np.sort(last)][::-1]
    voted = set(votes[:, 1].tolist())
    rows = sorted(row for row in rows if row[1] in voted)
    comments = np.array([c for _, c, _, _ in rows], dtype=np.int64)
    place = {c: i for i, c in enumerate(comments.tolist())}
    keep = np.isin(votes[:, 1], comments)
    votes = votes[keep]
    return Conversation(
        name=name,
        comments=comments,
        created=np.array([t for t, _, _, _ in rows], dtype=np.int64),
        authors=np.array([a for _, _, a, _ in rows], dtype=object),
        moderated=np.array([m for _, _, _, m in rows], dtype=np.int64),
        voter=votes[:, 2],
        comment=np.fromiter((place[c] for c in votes[:, 1].tolist()), dtype=np.int64, count=len(votes)),
        vote=votes[:, 3],
        voted_at=votes[:, 0],
        groups=_groups(folder),
    )


def _groups(folder: Path) -> dict[int, int]:
    with open(folder / "participants-votes.csv", newline="") as f:
        return {int(r["participant"]): int(r["group-id"]) for r in csv.DictReader(f) if r["group-id"].strip()}
