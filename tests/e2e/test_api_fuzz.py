"""schemathesis against `agora dev`: requests generated from the OpenAPI description the stack serves.

Valid and invalid requests (positive and negative modes, bounded examples), sent as a registered
citizen or as the moderator, then again with no or forged credentials. Every response conforms to
the description (status, headers, body), none is a 5xx, and no refused request (4xx) writes anything:
the content table, whose stream feeds the tallies, is the same before and after it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from agora import contract
from agora.adapters.votes import scan_counted
from agora.adapters.tallies import TallyStore
from agora.domain.tallies import recount
from agora.local.client import Api, Moderator
from tests.conftest import examples
from tests.e2e.conftest import MODERATOR_KEY, RunningStack, eventually, start, stop

pytestmark = pytest.mark.slow

EXAMPLES = examples(0.05)  # per operation and run: 15 by default, 150 with --hypothesis-profile=long
FORGED = "eyJwaWQiOiIwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMCJ9.Zm9yZ2Vk"


class Fuzzed:
    def __init__(self, running: RunningStack) -> None:
        self.running = running
        self.url = running.url
        api = Api(running.url)
        author = api.register({"age": "25-34"})
        moderator = Moderator(api, MODERATOR_KEY)
        ids = [author.propose(f"Il faut ouvrir la bibliothèque le dimanche n°{i}")["id"] for i in range(4)]
        for proposal_id in ids[:3]:
            moderator.accept(proposal_id)
        self.accepted = ids[:3]
        self.citizens = itertools.cycle([api.register({"age": "65+"}).token for _ in range(30)])
        eventually(lambda: api.register().sequence())  # the pool is published: votes are possible
        db = running.client("dynamodb")
        self.db, self.content = db, f"demo-{contract.CONTENT.logical_id.lower()}"
        self.tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", db)
        self._lock = threading.Lock()

    def items(self) -> list[str]:
        pages = self.db.get_paginator("scan").paginate(TableName=self.content)
        return sorted(json.dumps(i, sort_keys=True) for page in pages for i in page["Items"])


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Fuzzed]:
    running = start("--snapshot-every", "1")
    try:
        yield Fuzzed(running)
    finally:
        stop(running)


@pytest.fixture(scope="module")
def api_schema(fuzzed: Fuzzed) -> Any:
    schema = schemathesis.openapi.from_url(fuzzed.url + "/openapi.json")
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=EXAMPLES,
        with_security_parameters=False,  # credentials are ours to give (below)
        deterministic=True,
    )
    return schema


MODERATOR_PATHS = {r.path for r in contract.ROUTES if r.auth is contract.Auth.MODERATOR}


def route_of(case: Any) -> contract.Route:
    return next(r for r in contract.ROUTES if r.method == case.method.upper() and r.path == case.path)


def real_ids(case: Any, fuzzed: Fuzzed) -> None:
    """Half of the well-formed proposal ids become published ones, so requests get past the 404s."""
    wanted = case.path_parameters or {}
    value = wanted.get("proposal_id")
    if isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value):
        pick = int(hashlib.sha256(value.encode()).hexdigest(), 16)
        if pick % 2:
            wanted["proposal_id"] = fuzzed.accepted[pick % len(fuzzed.accepted)]


def own_address(case: Any) -> dict[str, str]:
    """A different home per case, so network allowances do not turn the whole run into 429s."""
    digest = hashlib.sha256(repr(case.path_parameters).encode() + repr(case.body).encode()).digest()
    return {"X-Forwarded-For": f"198.18.{digest[0]}.{digest[1]}"}


def check_refusals_write_nothing(fuzzed: Fuzzed, case: Any, headers: dict[str, str]) -> Any:
    with fuzzed._lock:
        before = fuzzed.items()
        response = case.call(headers=headers, timeout=60)  # a loaded machine is slow, not wrong
        if 400 <= response.status_code < 500:
            assert fuzzed.items() == before, f"{case.method} {case.formatted_path} -> {response.status_code} wrote"
    return response


def cases(api_schema: Any, route: contract.Route) -> st.SearchStrategy[Any]:
    """Valid and invalid requests for one operation (some have nothing that can be made invalid)."""
    operation = api_schema[route.path][route.method]
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - schemathesis cannot negate an operation without inputs
        pass
    return st.one_of(strategies)


# No shrinking: against a server it can take minutes, and the failing request is printed as it is.
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate],
)


@pytest.mark.parametrize("route", contract.ROUTES, ids=[f"{r.method} {r.path}" for r in contract.ROUTES])
def test_the_api_conforms_to_its_description(route, api_schema, fuzzed):
    @FUZZ
    @given(case=cases(api_schema, route))
    def as_the_right_caller(case: Any) -> None:
        real_ids(case, fuzzed)
        key = MODERATOR_KEY if case.path in MODERATOR_PATHS else next(fuzzed.citizens)
        headers = {"Authorization": f"Bearer {key}", **own_address(case)}
        response = check_refusals_write_nothing(fuzzed, case, headers)
        # Positive data may still be refused on purpose (an unknown id is 404, a closed transition
        # 409): every other check runs, the 5xx one included.
        case.validate_response(response, excluded_checks=[positive_data_acceptance], headers=headers)

    as_the_right_caller()


@pytest.mark.parametrize("route", contract.ROUTES, ids=[f"{r.method} {r.path}" for r in contract.ROUTES])
def test_without_valid_credentials_nothing_changes(route, api_schema, fuzzed):
    @FUZZ
    @given(case=cases(api_schema, route), credentials=st.sampled_from([None, FORGED, "wrong-key"]))
    def as_a_stranger(case: Any, credentials: str | None) -> None:
        real_ids(case, fuzzed)
        headers = {"Authorization": f"Bearer {credentials}"} if credentials else {}
        response = check_refusals_write_nothing(fuzzed, case, {**headers, **own_address(case)})
        case.validate_response(response, excluded_checks=[positive_data_acceptance], headers=headers)
        if route.auth is contract.Auth.MODERATOR:
            assert response.status_code in (401, 403), response.text

    as_a_stranger()


def test_after_the_fuzzing_the_tallies_still_equal_a_recount(fuzzed):
    eventually(lambda: fuzzed.tallies.read_all() == recount(scan_counted(fuzzed.content, fuzzed.db)))
