"""Finding proposals by keywords and theme, a page at a time, newest first."""

from __future__ import annotations

import base64
from bisect import bisect_left
from collections.abc import Sequence

from agora.domain.errors import InvalidInput


def find(
    keys: Sequence[str],
    texts: Sequence[str],
    themes: Sequence[Sequence[str]],
    wanted: Sequence[str],
    theme: str | None,
    before: str | None,
    limit: int,
) -> tuple[list[int], str | None]:
    """Positions of the proposals that have every wanted word (as the start of one of their words,
    so "velo" finds "vélos") and the theme if one is asked, newest first from just below `before`;
    and the key to continue from when more may follow.

    `keys` sort the proposals oldest first; `texts` are their words as `text.padded` joins
    them. A cursor is a key, not an offset, so pages stay right while proposals are added.
    """
    found: list[int] = []
    for row in reversed(range(bisect_left(keys, before) if before else len(keys))):
        if (theme is None or theme in themes[row]) and all(" " + w in texts[row] for w in wanted):
            found.append(row)
            if len(found) > limit:
                return found[:limit], keys[found[limit - 1]]
    return found, None


def cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def key_of(cursor_text: str) -> str:
    try:
        key = base64.b64decode(cursor_text + "=" * (-len(cursor_text) % 4), altchars=b"-_", validate=True).decode()
    except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 underneath
        key = ""
    if not key:
        raise InvalidInput("invalid_cursor", "The cursor is not one this API gave out.", {"field": "cursor"})
    return key
