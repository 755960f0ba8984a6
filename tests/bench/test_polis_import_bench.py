"""bench/polis_import.py runs in its quick form (a small real conversation) and counts every vote as Polis does."""

import math

from bench import polis_import


def test_the_quick_import_bench_measures_and_counts_exactly():
    rows = {r.name: r for r in polis_import.rows(quick=True)}
    assert rows["polis import: published counts off Polis's own"].value == 0
    speed = rows["polis import: votes/s vs one PutItem per vote (embedded)"]
    assert speed.value > 0 and speed.baseline > 0
    assert 0 < rows["polis import: seconds until ready (imported, counted, published)"].value < math.inf
