"""A hundredth of Bordeaux (246 participants, 9 proposals, 1,320 votes) driven into `agora dev` over
HTTP: no errors, the tallies equal a recount, and the published summary.json and proposals.csv hold
every vote cast. The full size runs in `python -m bench bordeaux --full`."""

from __future__ import annotations

import pytest

from bench.bordeaux import BORDEAUX, run

pytestmark = pytest.mark.slow


def test_a_hundredth_of_bordeaux_is_counted_and_published_exactly():
    scale = BORDEAUX.of(0.01)
    outcome = run(scale)
    assert outcome.errors == []
    assert outcome.votes_cast == scale.votes == 1_320
    assert outcome.recount_matches
    assert outcome.published_votes == outcome.csv_votes == outcome.votes_cast
