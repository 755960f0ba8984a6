"""bench/polis_import.py runs in its quick form (a small real conversation) and counts every vote as Polis does."""

from bench import polis_import


def test_the_quick_import_bench_measures_and_counts_exactly():
    rows = {r.name: r for r in polis_import.rows(quick=True)}
    assert len(rows) == 3
    assert rows["polis import: published counts off Polis's own"].value == 0
    speed = rows["polis import: votes/s vs one PutItem per vote (embedded)"]
    assert speed.value > 0 and speed.baseline > 0
