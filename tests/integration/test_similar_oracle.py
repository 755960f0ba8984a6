"""The similar search tells nobody anything about undecided proposals but their author.

The attack it once allowed: plant a pending proposal, then guess its words one by one while
watching `GET /proposals/similar` for the score of a hidden result. Played here in full, with and
without the secret stored: every answer is the same, byte for byte.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import boto3
import pytest

from agora import contract
from agora.bootstrap import container as services
from tests.conftest import DEMO

SECRET = "Il faut expulser Jean Kerbrat du 12 rue des Lilas"
PUBLIC = (
    "Il faut protéger les rivières de Bretagne",
    "Il faut rouvrir les petites lignes de train",
    "Il faut planter des haies le long des rues",
    "Il faut expulser les voitures du centre-ville",
)
GUESSES = ["expulser", "Jean", "Kerbrat", "rue des Lilas", "12 rue", "Il faut expulser Jean", SECRET]


def probes(api) -> list[str]:
    """What an attacker learns: every answer to every guess, and to a word-by-word rebuilding of the secret."""
    words = SECRET.split()
    texts = GUESSES + [" ".join(words[:n]) for n in range(3, len(words) + 1)]
    answers = []
    for text in texts:
        reply = api.call("GET", f"/proposals/similar?text={quote(text)}&limit=50")
        assert reply.status == 200, reply.body
        answers.append(json.dumps(reply.body, sort_keys=True))
    return answers


@pytest.fixture
def public(api) -> list[str]:
    author = api.participant()
    ids = [api.propose(author, text) for text in PUBLIC]
    for proposal_id in ids:
        api.accept(proposal_id)
    api.snapshot()
    return ids


def test_the_oracle_attack_learns_nothing_about_a_pending_proposal(api, public):
    without = probes(api)
    planter = api.participant()
    secret = api.propose(planter, SECRET)
    postponed = api.propose(planter, "Il faut expulser Jean Kerbrat de la rue des Lilas")
    assert api.call("POST", f"/moderation/proposals/{postponed}/postpone", moderator="mod").status == 200
    api.snapshot()  # the index now holds both undecided proposals
    body = boto3.client("s3").get_object(Bucket=api.env[contract.BUCKET_ENV], Key=contract.PROPOSAL_INDEX_KEY)["Body"]
    index = json.loads(body.read())
    assert {secret, postponed} <= set(index["ids"])
    with_secret = probes(api)
    assert with_secret == without  # not a score, not a weight, not an id moved
    assert any(public[3] in answer for answer in with_secret)  # the accepted look-alike is found, as before
    assert all(secret not in answer and postponed not in answer for answer in with_secret)


def test_the_author_sees_their_own_undecided_proposals_and_nobody_else_does(api, public):
    author, other = api.participant(), api.participant()
    mine = api.propose(author, "Il faut nettoyer les rivières de Bretagne")
    api.snapshot()
    query = "/proposals/similar?text=" + quote("nettoyer les rivières de Bretagne")
    own = api.call("GET", query, token=author).body["proposals"]
    assert own[0]["id"] == mine and own[0]["status"] == "pending" and own[0]["text"].startswith("Il faut nettoyer")
    assert public[0] in {p["id"] for p in own}
    for token in (other, None):
        found = api.call("GET", query, token=token).body["proposals"]
        assert mine not in {p["id"] for p in found} and all(p["status"] == "accepted" for p in found)
    duplicates = api.call("GET", f"/proposals/{public[0]}/similar").body["proposals"]
    assert mine not in {p["id"] for p in duplicates}


@pytest.fixture
def tight(api, tmp_path, monkeypatch):
    """The demo consultation allowing 3 look-ups a minute per participant and 5 per network."""
    text = DEMO.read_text() + "\n[lookups]\nsimilar_per_participant_per_minute = 3\nsimilar_per_source_per_minute = 5\n"
    path = tmp_path / "tight.toml"
    path.write_text(text)
    monkeypatch.setenv(contract.CONSULTATION_FILE_ENV, str(path))
    api.cold_start()
    return api.services.consultation


def test_look_ups_are_limited_per_participant_and_per_network(api, tight):
    token = api.participant()

    def look(token=None, source="198.51.100.7"):
        return api.call("GET", "/proposals/similar?text=rivieres", token=token, source_ip=source)

    assert [look(token).status for _ in range(4)] == [200, 200, 200, 429]
    refused = look(token)
    assert refused.body["error"]["code"] == "too_many_lookups" and int(refused.headers["Retry-After"]) >= 1
    assert [look().status for _ in range(3)] == [200, 200, 429]  # the network's 5, 3 of them spent above
    assert look(source="203.0.113.9").status == 200  # another network
    assert [look(source="not an address").status for _ in range(6)][-1] == 429  # no address is no way around
