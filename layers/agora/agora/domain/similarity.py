"""How alike two proposals are: character-trigram TF-IDF vectors compared by cosine.

Texts are first reduced to their words (`agora.domain.text`: no prefix, accents, case or
punctuation). Each word, padded with a space on both sides, gives its character trigrams, so
"vélo", "velos" and "Vélo !" share most features while word order matters little. Rare trigrams
weigh more (smoothed IDF); vectors are L2-normalised, so a score is a cosine in [0, 1]. The
TF-IDF weighting (`idf`, `tf_idf`) is the one proposal clusters use too, on words.

The index is an inverted list (trigram → proposals, with weights) held in numpy arrays: a lookup
gathers the lists of the query's few dozen trigrams and sums them per proposal with one bincount,
instead of comparing the query with every proposal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from agora.domain.text import padded

# Thresholds chosen on the labelled set of bench/similar.py. From RELATED a citizen is shown the
# proposal while typing (every duplicate there scores above it); from DUPLICATE a moderator is
# told it probably exists already (the best F1 there: precision 0.79, recall 0.91).
RELATED = 0.3
DUPLICATE = 0.45

_BITS = 21  # a Unicode code point fits in 21 bits, so a trigram fits exactly in 63


def _trigrams(joined: str) -> tuple[np.ndarray, np.ndarray]:
    """Every trigram inside a word (with its padding) as a 63-bit code, and the offset it starts at."""
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    # " a " and "ab " are in-word; "b  " and "  c" straddle two words.
    starts = np.flatnonzero(points[1:-1] != ord(" "))
    a, b, c = (points[starts + k].astype(np.uint64) for k in range(3))
    return (a << np.uint64(2 * _BITS)) | (b << np.uint64(_BITS)) | c, starts


@dataclass(frozen=True)
class Vector:
    """A text's unique trigram codes (sorted) and their normalised weights."""

    codes: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class TextIndex:
    """Proposals' vectors, searchable by cosine. Build it once per published index; query it often."""

    vocabulary: np.ndarray  # sorted unique trigram codes
    df: np.ndarray  # how many texts have each trigram (of the reference, when built with one)
    n: int  # how many texts those frequencies count
    starts: np.ndarray  # postings of vocabulary[i] are docs[starts[i]:starts[i + 1]]
    docs: np.ndarray
    weights: np.ndarray  # idf / norm of the doc, per posting
    size: int

    @classmethod
    def build(cls, word_lists: Sequence[Sequence[str]], reference: TextIndex | None = None) -> TextIndex:
        """Index texts given as word lists. With `reference`, weigh trigrams by its document
        frequencies: a handful of new texts say nothing about how common a trigram is."""
        joined = [padded(w) for w in word_lists]
        lengths = np.fromiter((len(j) for j in joined), np.int64, len(joined))
        codes, offsets = _trigrams("".join(joined))
        doc_of = np.repeat(np.arange(len(joined), dtype=np.int32), lengths)[offsets]
        # Trigrams come in text order, so a stable sort by code leaves each code's texts in order:
        # postings grouped by trigram, where a trigram repeated within a text sits next to itself.
        order = np.argsort(codes, kind="stable")
        codes, docs = codes[order], doc_of[order]
        kept = _changes(codes, docs)
        codes, docs = codes[kept], docs[kept]
        starts = np.r_[np.flatnonzero(_changes(codes)), len(codes)]
        vocabulary = codes[starts[:-1]]
        df, n = (np.diff(starts), len(joined)) if reference is None else (reference.frequencies(vocabulary), reference.n)
        weights, _ = tf_idf(docs, np.repeat(idf(df, n), np.diff(starts)), len(joined))
        return cls(vocabulary, df, n, starts, docs, weights.astype(np.float32), len(joined))

    def _find(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each code sits in the vocabulary, and whether it is there at all."""
        if not len(self.vocabulary):
            return np.zeros(len(codes), np.int64), np.zeros(len(codes), bool)
        where = np.minimum(np.searchsorted(self.vocabulary, codes), len(self.vocabulary) - 1)
        return where, self.vocabulary[where] == codes

    def frequencies(self, codes: np.ndarray) -> np.ndarray:
        where, known = self._find(codes)
        return np.where(known, self.df[where] if len(self.df) else 0, 0)

    def vector(self, word_list: Sequence[str]) -> Vector:
        codes = np.unique(_trigrams(padded(word_list))[0])
        weights, _ = tf_idf(np.zeros(len(codes), np.int64), idf(self.frequencies(codes), self.n), 1)
        return Vector(codes, weights.astype(np.float32))

    def scores(self, query: Vector) -> np.ndarray:
        """The cosine of the query with every indexed text."""
        where, known = self._find(query.codes)
        where, qweights = where[known], query.weights[known]
        begin, lengths = self.starts[where], self.starts[where + 1] - self.starts[where]
        total = int(lengths.sum())
        # The postings of every query trigram, gathered without a Python loop.
        picks = np.repeat(begin - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        contributions = self.weights[picks] * np.repeat(qweights, lengths)
        return np.bincount(self.docs[picks], contributions, minlength=self.size)

    def nearest(self, query: Vector, limit: int, min_score: float, exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
        """Up to `limit` rows scoring at least `min_score` (and sharing something), best first."""
        scores = self.scores(query)
        scores[list(exclude)] = -1.0
        found = np.flatnonzero((scores >= min_score) & (scores > 0))
        if len(found) > limit:
            found = found[np.argpartition(-scores[found], limit - 1)[:limit]]
        found = found[np.lexsort((found, -scores[found]))]
        return [(int(row), round(float(scores[row]), 4)) for row in found]


def _changes(*columns: np.ndarray) -> np.ndarray:
    """True where a row differs from the one before in any column (and for the first row)."""
    mask = np.zeros(len(columns[0]), bool)
    mask[:1] = True
    for column in columns:
        mask[1:] |= column[1:] != column[:-1]
    return mask


def idf(df: np.ndarray, n: int, *, smooth: bool = True) -> np.ndarray:
    """Inverse document frequency of terms found in `df` of `n` texts.

    Smoothed, a term nobody has weighs most and one everybody has weighs 1: a query's trigrams may
    be in no indexed text. Plain, log(n / df): for terms already kept to those in two texts or more.
    """
    return np.log((1 + n) / (1 + df)) + 1 if smooth else np.log(n / df)


def tf_idf(docs: np.ndarray, idf_of: np.ndarray, texts: int) -> tuple[np.ndarray, np.ndarray]:
    """TF-IDF weights of postings, L2-normalised per text, and each of the `texts` texts' norm.

    A posting is one (text, term) pair, counted once however often the term repeats in the text:
    `docs[i]` is its text and `idf_of[i]` its term's inverse document frequency.
    """
    norms = np.sqrt(np.bincount(docs, idf_of**2, minlength=texts))
    return idf_of / np.maximum(norms[docs], 1e-12), norms
