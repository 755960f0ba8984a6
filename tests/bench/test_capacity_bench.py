"""bench/capacity.py: its parts hold to what they model, and its verdict follows from its limits."""

import numpy as np
import pytest

from agora import contract
from agora.ops import quotas
from bench import capacity


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
    assert totals == {route: n * citizens for route, n in capacity.REQUESTS_PER_CITIZEN.items()}


def test_a_longer_window_writes_fewer_units_per_vote_and_stays_exact():
    short, long = capacity.tally_writes(300), capacity.tally_writes(3_000)
    assert short.exact and long.exact
    assert long.per_vote < short.per_vote
    assert long.hottest_item <= long.hottest_key


def test_the_meter_prices_transactions_twice_and_staged_parts_by_size():
    meter = capacity.WriteMeter()
    item = {"pk": {"S": "STAGED#s"}, "sk": {"S": "0-9#00000"}, "tallies": {"B": b"x" * 3000}}
    meter._transaction({"TransactItems": [{"Update": {"Key": {"pk": {"S": "PROPOSAL#p"}, "sk": {"S": "TOTAL"}}}}, {"Put": {"Item": item}}]})
    meter._batch({"RequestItems": {"t": [{"PutRequest": {"Item": item}}, {"DeleteRequest": {"Key": {k: item[k] for k in ("pk", "sk")}}}]}})
    assert meter.units == 2 * 1 + 2 * 3 + 3 + 3 and meter.transactions == 1


def test_the_verdict_names_the_first_limit_and_the_quotas_deploy_prints():
    limits = {"a": (10.0, 100.0), "b": (10.0, 50.0), "c": (0.0, 1.0)}
    assert capacity.first_to_bind(limits, 1_000) == [("b", 5_000.0), ("a", 10_000.0)]  # no demand binds never
    prod = contract.STAGE_CAPACITY["prod"]
    assert {q.name for q in quotas.needed("prod")} == {quotas.API_THROTTLE_RATE.name, quotas.LAMBDA_CONCURRENCY.name}
    assert all(q.needed > q.default for q in quotas.needed("prod"))
    assert quotas.needed("dev") == [] and "suffice" in quotas.report("dev")[0]
    assert f"{prod.api_rate:,}" in "\n".join(quotas.report("prod"))
