"""What can go wrong in the consultation's own terms; the HTTP edge maps each kind to a status."""

from __future__ import annotations

from typing import Any


# How much of a caller's value an error may echo: enough to recognise it, never a copy of a flood.
SHOWN = 40


def clipped(text: str, limit: int = SHOWN) -> str:
    """The text, cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = SHOWN) -> str:
    """A value as an error message quotes it (its repr), clipped."""
    return clipped(repr(value), limit)


class DomainError(Exception):
    """A request the rules refuse. `code` is stable and machine-readable; `message` is for people."""

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class InvalidInput(DomainError):
    """The request is well-formed but its content breaks a rule (422)."""


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know it exists (404)."""


class Conflict(DomainError):
    """The request clashes with the current state: closed consultation, proposal not votable, lock held (409)."""


class Unauthorized(DomainError):
    """Missing, forged or expired credentials (401)."""


class Unavailable(DomainError):
    """A dependency is overloaded; the caller should retry later (503)."""

    def __init__(self, code: str, message: str, retry_after: int = 1) -> None:
        super().__init__(code, message, {"retry_after": retry_after})
        self.retry_after = retry_after


class RateLimited(DomainError):
    """The caller used up an allowance; it may try again after `retry_after` seconds (429)."""

    def __init__(self, code: str, message: str, retry_after: int, details: Any = None) -> None:
        super().__init__(code, message, {"retry_after": retry_after, **(details or {})})
        self.retry_after = retry_after
