"""Proposals: what a citizen may submit, and the moderation life cycle."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum

from agora.config import ProposalRules
from agora.domain.errors import Conflict, InvalidInput, clipped, shown


class Status(str, Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    POSTPONED = "postponed"


class Action(str, Enum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    POSTPONE = "postpone"
    TAG = "tag"
    REOPEN = "reopen"  # a decision undone: back to the queue, as if never decided


# Statuses a moderator may still decide on: the moderation queue.
UNDECIDED = (Status.PENDING, Status.POSTPONED)
# The status each action leaves (tagging keeps the current one).
OUTCOME = {Action.ACCEPT: Status.ACCEPTED, Action.REFUSE: Status.REFUSED, Action.POSTPONE: Status.POSTPONED, Action.REOPEN: Status.PENDING}
# Where each action may start from. A refused proposal may be reconsidered and accepted (an
# author's appeal, a moderator's mistake: nobody has voted on it yet). An accepted one may be
# refused when a problem shows up after publication: it leaves the sequence and the results at
# the next snapshot, and its votes stay stored. Accepting twice would change a text people have
# voted on, so it is refused; postponing is for a first reading only. Reopening is the undo:
# any decision goes back to the queue, in the audit trail like the others, and the votes cast
# meanwhile stay.
ALLOWED_FROM = {
    Action.ACCEPT: (Status.PENDING, Status.POSTPONED, Status.REFUSED),
    Action.REFUSE: (Status.PENDING, Status.POSTPONED, Status.ACCEPTED),
    Action.POSTPONE: (Status.PENDING,),
    Action.TAG: (Status.PENDING, Status.POSTPONED, Status.ACCEPTED),
    Action.REOPEN: (Status.POSTPONED, Status.ACCEPTED, Status.REFUSED),
}
# The refusal reason that may point at the original proposal.
ALREADY_EXISTS = "already_exists"

_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# One to three characters (not digits: 1000000 is a number) said five times or more in a row:
# "!!!!!", "aaaaaa", "lololololo".
_REPEATED = re.compile(r"([^\d\s]\D{0,2}?)\1{4,}")
# Control, format, surrogate, private and unassigned characters; and line and paragraph separators
# (U+2028, U+2029), which readers that split on any line break take for a new line (a CSV row).
_REFUSED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Letters and symbols that print as nothing: Hangul fillers, the blank Braille pattern, Khmer
# inherent vowels, the combining grapheme joiner.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f")
# What counts as visible after the prefix: letters, digits, punctuation, symbols (not a blank one).
_VISIBLE = frozenset("LNPS")
MIN_VISIBLE = 3


@dataclass(frozen=True)
class Proposal:
    id: str
    text: str
    language: str
    author_id: str
    created_at: float
    status: Status = Status.PENDING
    themes: tuple[str, ...] = ()
    refusal_reason: str | None = None
    decided_by: str | None = None
    decided_at: float | None = None
    original_text: str | None = None
    duplicate_of: str | None = None
    lock_owner: str | None = field(default=None, compare=False)
    lock_until: float | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Indexed:
    """A proposal as similarity and search know it: no author, no moderation details."""

    id: str
    text: str
    language: str
    status: Status
    themes: tuple[str, ...]
    created_at: float

    @classmethod
    def of(cls, p: Proposal) -> Indexed:
        return cls(p.id, p.text, p.language, p.status, p.themes, p.created_at)


def _problem(code: str, message: str, **details: object) -> InvalidInput:
    return InvalidInput(code, message, {"field": "text", **details})


def validate_text(text: str, language: str, rules: ProposalRules) -> str:
    """Return the proposal text as stored (NFC, trimmed) or raise InvalidInput naming the problem."""
    prefix = rules.prefix.get(language)
    if prefix is None:
        raise InvalidInput(
            "unsupported_language",
            f"Language {shown(language)} is not one of this consultation's languages {sorted(rules.prefix)}.",
            {"field": "language", "allowed": sorted(rules.prefix)},
        )
    text = unicodedata.normalize("NFC", text).strip()
    if not text or text == prefix.strip():
        raise _problem("empty", "The proposal is empty: write your idea after the prefix.")
    _check_characters(text)
    if _HTML.search(text):
        raise _problem("html", "The proposal contains HTML markup; use plain text only.")
    if not text.startswith(prefix):
        raise _problem("missing_prefix", f"The proposal must begin with {prefix!r}.", prefix=prefix)
    if len(text) < rules.min_length:
        raise _problem(
            "too_short",
            f"The proposal has {len(text)} characters; at least {rules.min_length} are needed, prefix included.",
            length=len(text),
            min_length=rules.min_length,
        )
    if len(text) > rules.max_length:
        raise _problem(
            "too_long",
            f"The proposal has {len(text)} characters; at most {rules.max_length} are allowed, prefix included.",
            length=len(text),
            max_length=rules.max_length,
        )
    visible = sum(1 for c in text[len(prefix):] if unicodedata.category(c)[0] in _VISIBLE)
    if visible < MIN_VISIBLE:
        raise _problem(
            "too_few_visible_characters",
            f"The proposal has {visible} visible characters after {prefix!r}; write your idea in at least {MIN_VISIBLE}.",
            visible=visible,
            min_visible=MIN_VISIBLE,
        )
    if (repeated := _REPEATED.search(text)) is not None:
        raise _problem(
            "repeated_characters",
            f"The proposal repeats {repeated.group(1)!r} over and over; write your idea in words.",
            repeated=clipped(repeated.group(0)),
        )
    return text


def _check_characters(text: str) -> None:
    bad = next((c for c in text if unicodedata.category(c) in _REFUSED or c in _BLANK), None)
    if bad is None:
        return
    codepoint = f"U+{ord(bad):04X}"
    if unicodedata.category(bad) in ("Zl", "Zp"):
        raise _problem(
            "line_break", f"The proposal contains a line or paragraph separator ({codepoint}); write it on one line.",
            codepoint=codepoint,
        )
    raise _problem(
        "control_character",
        f"The proposal contains an invisible or control character ({codepoint}); use plain text on one line.",
        codepoint=codepoint,
    )


@dataclass(frozen=True)
class Decision:
    """One moderator's act on one proposal, kept for the audit trail."""

    proposal_id: str
    action: Action
    moderator: str
    at: float
    before: Status
    after: Status
    reason: str | None = None
    duplicate_of: str | None = None
    themes: tuple[str, ...] = ()
    text: str | None = None  # the corrected text, when the moderator changed it


def visible_to(proposal: Proposal, viewer_id: str | None) -> bool:
    """Accepted proposals are public; the others only to their author."""
    return proposal.status is Status.ACCEPTED or proposal.author_id == viewer_id


def check_allowed(proposal: Proposal, action: Action) -> None:
    if proposal.status not in ALLOWED_FROM[action]:
        raise Conflict(
            "transition_not_allowed",
            f"Proposal {proposal.id} is {proposal.status.value}; {action.value!r} is allowed only on"
            f" {' or '.join(s.value for s in ALLOWED_FROM[action])} proposals.",
            {"status": proposal.status.value, "action": action.value},
        )


def check_refusal(reason: str, charter: tuple[str, ...], duplicate_of: str | None) -> None:
    if reason not in charter:
        raise InvalidInput(
            "unknown_reason",
            f"Refusal reason {shown(reason)} is not in the charter.",
            {"field": "reason", "allowed": list(charter)},
        )
    if duplicate_of is not None and reason != ALREADY_EXISTS:
        raise InvalidInput(
            "duplicate_needs_already_exists",
            f"Only a refusal for {ALREADY_EXISTS!r} may name the proposal it duplicates.",
            {"field": "duplicate_of"},
        )


def check_original(duplicate: Proposal, original: Proposal | None, original_id: str) -> None:
    """A duplicate points at a live original: not itself, and not one that was refused."""
    if original is None or original.id == duplicate.id or original.status is Status.REFUSED:
        raise InvalidInput(
            "invalid_original",
            f"Proposal {original_id} cannot be the original of {duplicate.id}: link to an accepted or pending proposal.",
            {"field": "duplicate_of"},
        )
