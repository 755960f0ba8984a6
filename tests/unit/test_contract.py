"""The route table, the handlers and the published OpenAPI description must agree."""

import json
import re
from pathlib import Path

from agora import contract
from agora.local.functions import FunctionHost
from agora.local.openapi import specification

ROOT = Path(__file__).resolve().parents[2]


def handler_routes():
    host = FunctionHost()
    routes = set()
    for function in contract.HTTP_FUNCTIONS:
        for rule, methods, *_ in host.load(function.value).router._routes:
            routes.update((method, re.sub(r"<(\w+)>", r"{\1}", rule), function) for method in methods)
    return routes


def test_every_route_is_served_by_the_function_the_contract_names():
    assert handler_routes() == {(r.method, r.path, r.function) for r in contract.ROUTES}


def test_every_lambda_folder_is_a_contract_function():
    assert set(FunctionHost().names()) == {f.value for f in contract.Function}


def test_the_published_openapi_description_is_up_to_date():
    published = json.loads((ROOT / "docs" / "api" / "openapi.json").read_text())
    assert published == specification(), "run `make openapi` and commit docs/api/openapi.json"


def test_a_participants_submissions_record_sorts_just_before_their_votes():
    """VoteStore.not_to_serve reads a participant's partition from the submissions record on: their
    profile must sort before it, and nothing but votes after it."""
    assert contract.PROFILE_SK < contract.SUBMISSIONS_SK < contract.VOTE_SK
    assert not contract.VOTE_SK.startswith(contract.SUBMISSIONS_SK)
