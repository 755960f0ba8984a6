"""The CSV writer of the exports (quotes on every line break, neutralises formula starts) vs the csv
module's writer on the same cells (which quotes on CR and LF only), at proposals.csv's shape."""

from __future__ import annotations

import csv
import io

import numpy as np

from agora.results.formats import exports
from bench.harness import Row, timed

COLUMNS = len(exports.PROPOSAL_COLUMNS)


def rows(quick: bool = False) -> list[Row]:
    n = 2_000 if quick else 30_000
    rng = np.random.default_rng(16)
    texts = [f"Il faut agir, vraiment, sur le sujet n°{i}" + ("\u2028=1+1" if i % 100 == 0 else "") for i in range(n)]
    figures = [[f"{v:.4f}" for v in column] for column in rng.random((COLUMNS - 2, n))]
    ids = [f"{i:032x}" for i in range(n)]
    at = np.arange(n)
    # Both write the same cells, preformatted; ours also decides, per text cell, whether to quote it.
    formatters = [exports._texts(ids), exports._texts(texts), *(lambda _, c=c: c for c in figures)]

    def ours() -> bytes:
        return exports._csv(exports.PROPOSAL_COLUMNS, iter([(formatters, at)]))

    def stdlib() -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(exports.PROPOSAL_COLUMNS)
        writer.writerows(zip(ids, texts, *figures))
        return out.getvalue().encode()

    written, baseline = timed(ours, repeat=5), timed(stdlib, repeat=5)
    return [
        Row(f"exports: write proposals.csv cells, {n:,} rows", written, baseline, "s", "ratio <= 2",
            "baseline: csv.writer on the same preformatted cells (no Unicode line-break quoting)"),
    ]  # fmt: skip
