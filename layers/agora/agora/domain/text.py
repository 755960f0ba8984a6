"""Proposal texts reduced to the words that carry the idea, for similarity, search and grouping.

The prefix goes (every proposal has it), and so do accents, case, punctuation and one-letter
words (French elisions): "Il faut protéger l'eau !" and "il faut PROTEGER leau" are alike.
No numpy here: the propose path uses it without paying for numpy's import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_ACCENTS = re.compile(r"[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[\W_]+")


def words(text: str, prefixes: Iterable[str] = ()) -> list[str]:
    """The text's words, lower-case, without accents, punctuation or the consultation's prefix."""
    folded = _fold(text)
    for prefix in _folded(tuple(prefixes)):
        if folded == prefix or folded.startswith(prefix + " "):
            folded = folded[len(prefix) :]
            break
    return [w for w in folded.split() if len(w) > 1]


@lru_cache(maxsize=16)
def _folded(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """Prefixes as `words` compares them, longest first (an index folds thousands of texts)."""
    return tuple(sorted(filter(None, map(_fold, prefixes)), key=len, reverse=True))


def _fold(text: str) -> str:
    bare = _ACCENTS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    return _NOT_WORD.sub(" ", bare).strip()


def padded(word_list: Sequence[str]) -> str:
    """Words joined so that each is preceded and followed by a space: a search for " velo" finds
    the start of a word, and trigrams never span two words."""
    return "".join(f" {w} " for w in word_list)
