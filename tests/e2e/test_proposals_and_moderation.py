"""Proposals and moderation over HTTP on the embedded stack: the authorizer, duplicates, themes, search."""

from __future__ import annotations

import pytest

from agora.local.client import Api, ApiError, Moderator
from tests.e2e.conftest import MODERATOR_KEY, eventually

pytestmark = pytest.mark.slow


def test_a_two_person_team_moderates_with_duplicates_themes_and_bulk_actions(stack):
    api = Api(stack.url)
    citizen = api.register()

    # a citizen's token is known but does not open moderator routes
    with pytest.raises(ApiError) as forbidden:
        citizen.call("GET", "/moderation/queue")
    assert forbidden.value.status == 403 and forbidden.value.body["error"]["code"] == "not_a_moderator"

    ann, bob = Moderator(api, MODERATOR_KEY, "ann"), Moderator(api, MODERATOR_KEY, "bob")
    sea = ann.create_theme("Mer et littoral")["id"]
    original = citizen.propose("Il faut protéger les herbiers marins des ancres")["id"]
    other = citizen.propose("Il faut rouvrir les petites lignes de train")["id"]
    ann.accept(original, [sea])
    ann.accept(other)

    # once a snapshot has published the index, a citizen typing the same idea sees the original
    def similar():
        found = api.call("GET", "/proposals/similar?text=Il+faut+proteger+les+HERBIERS+marins")["proposals"]
        return found and found[0]["id"] == original and found

    assert eventually(similar)[0]["text"] == "Il faut protéger les herbiers marins des ancres"
    assert [p["id"] for p in api.call("GET", "/proposals?q=herbiers&theme=" + sea)["proposals"]] == [original]

    # the queue shows the duplicate and suggests the theme; two moderators never share a proposal
    copy = citizen.propose("Il faut protéger les herbiers marins des ancres des bateaux")["id"]
    fresh = [citizen.propose(f"Il faut planter des arbres fruitiers, variété {i}")["id"] for i in range(3)]
    taken_by_ann = ann.queue(limit=2)
    taken_by_bob = bob.queue(limit=10)
    assert [p["id"] for p in taken_by_ann] == [copy, fresh[0]]
    assert {p["id"] for p in taken_by_bob} == set(fresh[1:])
    item = taken_by_ann[0]
    assert original in {d["id"] for d in item["duplicates"]}
    assert item["suggested_themes"][0]["theme"] == sea

    refused = ann._call(
        "POST", f"/moderation/proposals/{copy}/refuse", json={"reason": "already_exists", "duplicate_of": original}
    )
    assert refused["duplicate_of"] == original
    done = bob._call("POST", "/moderation/bulk", json={"action": "accept", "proposal_ids": fresh})
    assert (done["done"], done["failed"]) == (2, 1)  # ann holds the first

    mine = citizen.call("GET", "/participants/me/proposals")["proposals"]
    assert {p["id"]: p["status"] for p in mine}[copy] == "refused"
    trail = ann._call("GET", f"/moderation/proposals/{copy}/decisions")["decisions"]
    assert [(d["action"], d["moderator"], d["reason"]) for d in trail] == [("refuse", "ann", "already_exists")]
