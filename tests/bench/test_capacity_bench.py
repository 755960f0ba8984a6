"""bench/capacity.py runs in its quick form; its parts hold to what they model."""

import numpy as np
import pytest

from bench import capacity


def test_the_quick_model_reports_every_limit_and_which_binds_first():
    rows = {r.name: r for r in capacity.rows(quick=True)}
    assert len(rows) == 18
    for fragment in ("concurrency at peak", "content table WCU", "tallies table WCU", "hottest tally key", "score seconds per batch"):
        assert any(fragment in name for name in rows), fragment
    (configured,) = [r for n, r in rows.items() if n.startswith("capacity: citizens in 10 min before a limit binds")]
    assert configured.note.startswith("first: ") and 0 < configured.value < capacity.CITIZENS
    # The model's tally writes agree with what bench/score.py measures on moto.
    assert rows["capacity: tallies WCU per vote at peak batches"].met


def test_arrivals_are_the_crowd_front_loaded_and_bursty():
    per_second = capacity.arrivals(np.random.default_rng(1), 50_000)
    assert per_second.sum() == pytest.approx(50_000, rel=0.02)
    first, last = per_second[:120].sum(), per_second[-120:].sum()
    assert first > 5 * last  # the spot's pull decays
    assert per_second.max() > 2 * per_second.mean()


def test_each_citizen_sends_a_sequence_request_a_registration_and_twelve_votes():
    load = capacity.traffic(np.random.default_rng(2), 1_000)
    totals = {route: int(counts.sum()) for route, counts in load.by_route.items()}
    citizens = totals[capacity.SEQUENCE]
    assert totals[capacity.PARTICIPANTS] == totals[capacity.CONSULTATION] == citizens
    assert totals[capacity.VOTE] == capacity.VOTES_EACH * citizens


def test_smaller_batches_coalesce_less():
    small, large = capacity.tally_writes(50, votes=1_000), capacity.tally_writes(1_000, votes=1_000)
    assert small.per_vote >= large.per_vote and small.hottest_partition <= large.hottest_partition
    assert large.hottest_item <= large.hottest_partition
