"""Proposal clusters: a first grouping of accepted proposals by the words they share, for
moderators to name as themes. Not opinion groups (`agora.results.groups`), which group participants.

Spherical k-means (`agora.results.kmeans`) on word TF-IDF (`agora.domain.similarity.tf_idf`),
seeded from a fixed seed so the same proposals always give the same clusters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agora.domain.similarity import idf, tf_idf
from agora.results.kmeans import Postings, kmeans

# Function words of the languages we serve: they would name every cluster ("les", "dans", "the").
STOP_WORDS = frozenset(
    "au aux avec ce ces dans de des du elle en entre et eux il ils la le les leur leurs lui ma mais me meme mes moi mon"
    " ne nos notre nous on ou par pas pour qu que qui sa se ses son sont sur ta te tes toi ton tous tout toutes tu un"
    " une vos votre vous plus moins chaque afin etre avoir faire fait faut"
    " a an and are as at be by for from in into is it its no not of on or our so than that the their them these this"
    " those to too up us we with all more less each should".split()
)
KEYWORDS = 3


@dataclass(frozen=True)
class ProposalCluster:
    rows: tuple[int, ...]
    keywords: tuple[str, ...]  # the words that weigh most in the cluster, to help name it


def cluster_proposals(word_lists: Sequence[Sequence[str]], k: int, seed: int = 0, rounds: int = 25) -> list[ProposalCluster]:
    """Up to k clusters of the proposals given as word lists, largest first.

    Words found in a single proposal or in more than half of them say nothing about a cluster
    and are dropped (so are function words); a proposal left without any telling word is in none.
    """
    n = len(word_lists)
    vocab: dict[str, int] = {}
    pairs = [
        (row, vocab.setdefault(w, len(vocab))) for row, ws in enumerate(word_lists) for w in set(ws) - STOP_WORDS
    ]
    row_of, col_of = np.array(pairs, np.int64).reshape(-1, 2).T
    df = np.bincount(col_of, minlength=len(vocab))
    telling = ((df >= 2) & (df <= max(2, n // 2)))[col_of]
    row_of, col_of = row_of[telling], col_of[telling]
    weight, norms = tf_idf(row_of, idf(df[col_of], n, smooth=False), n)
    members = np.flatnonzero(norms > 0)
    k = min(k, len(members))
    if k == 0:
        return []
    labels, centres = kmeans(Postings(row_of, col_of, weight, n, len(vocab), members), k, np.random.default_rng(seed), rounds)
    names = np.array(list(vocab))
    clusters = []
    for c in range(k):
        rows = members[labels == c]
        if len(rows):
            top = [i for i in np.argsort(-centres[c], kind="stable")[:KEYWORDS] if centres[c][i] > 0]
            clusters.append(ProposalCluster(tuple(int(r) for r in rows), tuple(str(names[i]) for i in top)))
    return sorted(clusters, key=lambda cl: (-len(cl.rows), cl.rows))
