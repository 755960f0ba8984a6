"""Proposals: what a citizen may submit, and the moderation life cycle."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum

from agora.config import ProposalRules
from agora.domain.errors import Conflict, InvalidInput


class Status(str, Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    POSTPONED = "postponed"


# Statuses a moderator may still decide on.
UNDECIDED = (Status.PENDING, Status.POSTPONED)

_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


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
    lock_owner: str | None = field(default=None, compare=False)
    lock_until: float | None = field(default=None, compare=False)


def _problem(code: str, message: str, **details: object) -> InvalidInput:
    return InvalidInput(code, message, {"field": "text", **details})


def validate_text(text: str, language: str, rules: ProposalRules) -> str:
    """Return the proposal text as stored (NFC, trimmed) or raise InvalidInput naming the problem."""
    prefix = rules.prefix.get(language)
    if prefix is None:
        raise InvalidInput(
            "unsupported_language",
            f"Language {language!r} is not one of this consultation's languages {sorted(rules.prefix)}.",
            {"field": "language", "allowed": sorted(rules.prefix)},
        )
    text = unicodedata.normalize("NFC", text).strip()
    if not text or text == prefix.strip():
        raise _problem("empty", "The proposal is empty: write your idea after the prefix.")
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")), None)
    if bad is not None:
        raise _problem(
            "control_character",
            f"The proposal contains an invisible or control character (U+{ord(bad):04X}); use plain text on one line.",
            codepoint=f"U+{ord(bad):04X}",
        )
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
    return text


def check_decidable(proposal: Proposal) -> None:
    if proposal.status not in UNDECIDED:
        raise Conflict(
            "already_decided",
            f"Proposal {proposal.id} is already {proposal.status.value}.",
            {"status": proposal.status.value},
        )


def check_refusal_reason(reason: str, charter: tuple[str, ...]) -> None:
    if reason not in charter:
        raise InvalidInput(
            "unknown_reason",
            f"Refusal reason {reason!r} is not in the charter.",
            {"field": "reason", "allowed": list(charter)},
        )
