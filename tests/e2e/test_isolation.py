"""Concurrent requests on the embedded stack are isolated as Lambda isolates them: hundreds of
distinct bodies and identities at once, on several routes, and every response and every stored
item belongs to its own request (Powertools keeps the event being resolved on the router class, so
invocations sharing an interpreter read each other's bodies and callers)."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from boto3.dynamodb.types import TypeDeserializer

from agora import contract

pytestmark = pytest.mark.slow

PEOPLE = 200
CONCURRENCY = 32
AGES = ("15-24", "25-34", "35-49", "50-64", "65+")
DEPARTMENTS = ("22", "29", "35", "56", "other")
CONTENT_TABLE = f"demo-{contract.CONTENT.logical_id.lower()}"


def _address(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"10.13.{n // 250}.{n % 250 + 1}"}  # one citizen, one address


def _register(url: str, n: int, demographics: dict[str, str]) -> dict[str, Any]:
    reply = requests.post(f"{url}/participants", json={"demographics": demographics}, headers=_address(n), timeout=120)
    assert reply.status_code == 201, reply.text
    return reply.json()


def _propose(url: str, n: int, token: str, text: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", **_address(n)}
    reply = requests.post(f"{url}/proposals", json={"text": text}, headers=headers, timeout=120)
    assert reply.status_code == 201, reply.text
    return reply.json()


def _stored(db: Any, pk: str, sk: str) -> dict[str, Any]:
    item = db.get_item(TableName=CONTENT_TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)["Item"]
    return {k: TypeDeserializer().deserialize(v) for k, v in item.items()}


def test_hundreds_of_concurrent_requests_each_keep_their_own_body_and_caller(stack):
    url, db = stack.url, stack.client("dynamodb")
    answers = list(itertools.product(AGES, DEPARTMENTS))
    first = [{"age": a, "department": d} for a, d in itertools.islice(itertools.cycle(answers), PEOPLE)]
    second = [{"age": a} for a in itertools.islice(itertools.cycle(AGES), PEOPLE)]
    texts = [f"Il faut que la demande numéro {n} reste à son auteur" for n in range(PEOPLE)]

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        registered = list(pool.map(lambda n: _register(url, n, first[n]), range(PEOPLE)))
        # Two routes at once: the first people propose while others register.
        proposing = [pool.submit(_propose, url, n, registered[n]["participant_token"], texts[n]) for n in range(PEOPLE)]
        joining = [pool.submit(_register, url, PEOPLE + n, second[n]) for n in range(PEOPLE)]
        proposed = [f.result() for f in proposing]
        joined = [f.result() for f in joining]

    people = registered + joined
    assert len({p["participant_id"] for p in people}) == 2 * PEOPLE
    for sent, reply in zip(first + second, people, strict=True):
        assert reply["demographics"] == sent
        assert _stored(db, contract.PARTICIPANT + reply["participant_id"], contract.PROFILE_SK)["demographics"] == sent
    for n, reply in enumerate(proposed):
        item = _stored(db, contract.PROPOSAL + reply["id"], contract.META_SK)
        assert (item["text"], item["author_id"]) == (texts[n], registered[n]["participant_id"])
