"""bench/similar.py runs in its quick form, and the duplicate finder's quality holds (no timings here)."""

from bench import similar


def test_the_similar_benchmark_runs_and_the_finder_beats_the_decidim_setting():
    rows = {r.name: r for r in similar.rows(quick=True)}
    quality = [r for name, r in rows.items() if "labelled set" in name or "best threshold" in name]
    assert len(quality) == 5 and all(0 <= r.value <= 1 and r.met for r in quality)
    assert {n for n in rows if "lookup" in n or "load" in n} == {
        "similar: lookup at 2,000 proposals",
        "similar: index load at 2,000 proposals",
    }


def test_the_baseline_is_pg_trgm_similarity():
    a, b = similar.trigram_set("Il faut des vélos"), similar.trigram_set("il faut des VÉLOS !")
    assert similar.trigram_similarity(a, b) == 1.0
    assert "  v" in a and "os " in a  # words padded as pg_trgm pads them
