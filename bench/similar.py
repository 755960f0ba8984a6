"""Similar proposals: the duplicate finder's quality on a labelled set, and its speed at 30,000 proposals.

Baseline (docs/peers.md, Decidim): PostgreSQL pg_trgm similarity, shown from 0.25 — each word
lower-cased and padded ("  word "), its trigrams as a set, similarity |A ∩ B| / |A ∪ B| — computed
against every proposal, as a sequential scan does.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Sequence

from agora.adapters import proposal_index
from agora.domain.proposals import Proposal
from agora.domain.similarity import DUPLICATE, RELATED, TextIndex
from agora.domain.text import words
from bench._duplicates import labelled
from bench.harness import Row, timed

PREFIXES = ("Il faut ", "We should ")
DECIDIM_THRESHOLD = 0.25
SHOWN = 10


def trigram_set(text: str) -> frozenset[str]:
    """pg_trgm's trigrams: alphanumeric words, lower-cased (accents kept: no unaccent)."""
    grams: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def trigram_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def brute_force(query: str, sets: Sequence[frozenset[str]], limit: int) -> list[tuple[int, float]]:
    q = trigram_set(query)
    scored = [(i, trigram_similarity(q, s)) for i, s in enumerate(sets)]
    return sorted((x for x in scored if x[1] >= DECIDIM_THRESHOLD), key=lambda x: -x[1])[:limit]


def precision_recall(groups: Sequence[int], found: Callable[[int], set[int]]) -> tuple[float, float]:
    """Over every pair: of those found, how many are duplicates; of the duplicates, how many found."""
    hits = retrieved = relevant = 0
    for i, g in enumerate(groups):
        same = {j for j, h in enumerate(groups) if h == g and j != i}
        got = found(i) - {i}
        hits, retrieved, relevant = hits + len(got & same), retrieved + len(got), relevant + len(same)
    return hits / max(retrieved, 1), hits / max(relevant, 1)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def quality_rows() -> list[Row]:
    texts, groups = labelled()
    index = TextIndex.build([words(t, PREFIXES) for t in texts])

    def ours(threshold: float) -> Callable[[int], set[int]]:
        return lambda i: {r for r, _ in index.nearest(index.vector(words(texts[i], PREFIXES)), len(texts), threshold)}

    sets = [trigram_set(t) for t in texts]

    def decidim_at(threshold: float) -> Callable[[int], set[int]]:
        return lambda i: {j for j, s in enumerate(sets) if trigram_similarity(sets[i], s) >= threshold}

    p, r = precision_recall(groups, ours(DUPLICATE))
    bp, br = precision_recall(groups, decidim_at(DECIDIM_THRESHOLD))
    # The baseline at its own best threshold, chosen on this very set: a generous comparison.
    tuned_f1, tuned = max((f1(*precision_recall(groups, decidim_at(t / 100))), t / 100) for t in range(20, 85, 5))
    tp, tr = precision_recall(groups, ours(RELATED))
    pairs = f"{len(texts)} proposals, {sum(groups.count(g) * (groups.count(g) - 1) for g in set(groups))} duplicate pairs"
    vs = f"ours at {DUPLICATE} vs pg_trgm at {DECIDIM_THRESHOLD}; {pairs}"
    return [
        Row("similar: duplicate precision, labelled set", p, bp, "share", "ratio >= 1", vs),
        Row("similar: duplicate recall, labelled set", r, br, "share", "value >= 0.6", vs),
        Row("similar: duplicate F1, labelled set", f1(p, r), f1(bp, br), "share", "ratio >= 1", vs),
        Row(
            "similar: duplicate F1 vs pg_trgm at its best threshold",
            f1(p, r),
            tuned_f1,
            "share",
            "ratio >= 1",
            f"pg_trgm's best threshold on this set: {tuned}",
        ),
        Row(
            "similar: while-typing F1 (threshold RELATED), labelled set",
            f1(tp, tr),
            f1(bp, br),
            "share",
            "ratio >= 1",
            f"ours at {RELATED}: precision {tp:.2f}, recall {tr:.2f}",
        ),
    ]


def corpus(n: int, seed: int = 5) -> list[str]:
    """Proposal-like texts: the labelled set's words (frequent) and made-up words (rare), Zipf-like."""
    rng = random.Random(seed)
    texts, _ = labelled()
    common = sorted({w for t in texts for w in re.findall(r"[^\W\d_]+", t)})
    syllables = ["ra", "mo", "li", "ter", "ven", "cha", "pro", "tion", "eau", "ble", "gre", "nu", "pé", "col", "dé", "sou"]
    rare = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)})
    vocabulary = common + rare
    weights = [1 / (rank + 10) for rank in range(len(vocabulary))]
    return [
        rng.choice(PREFIXES) + " ".join(rng.choices(vocabulary, weights, k=rng.randint(4, 14))) for _ in range(n)
    ]


def speed_rows(quick: bool) -> list[Row]:
    n = 2_000 if quick else 30_000
    texts = corpus(n)
    queries = labelled()[0][:20]
    published = proposal_index.encode(
        [Proposal(f"{i:032x}", t, "fr", "author", float(i)) for i, t in enumerate(texts)], float(n)
    )
    started = time.perf_counter()
    index = proposal_index.decode(published, PREFIXES).vectors
    load = time.perf_counter() - started
    started = time.perf_counter()
    json.loads(published)
    parse = time.perf_counter() - started
    sets = [trigram_set(t) for t in texts]

    def ours() -> None:
        for q in queries:
            index.nearest(index.vector(words(q, PREFIXES)), SHOWN, RELATED)

    def theirs() -> None:
        for q in queries:
            brute_force(q, sets, SHOWN)

    lookup = timed(ours, 3 if quick else 7) / len(queries) * 1000
    baseline = timed(theirs, 1 if quick else 3) / len(queries) * 1000
    return [
        Row(
            f"similar: lookup at {n:,} proposals",
            lookup,
            baseline,
            "ms",
            "value <= 50",
            f"per typed text, {len(queries)} texts; baseline: pg_trgm against every proposal",
        ),
        Row(
            f"similar: index load at {n:,} proposals",
            load,
            parse,
            "s",
            "value <= 2",
            f"decode and build, once per published index ({len(published) / 1e6:.1f} MB); baseline: its JSON parse alone",
        ),
    ]


def rows(quick: bool) -> list[Row]:
    return quality_rows() + speed_rows(quick)
