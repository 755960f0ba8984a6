"""Issue 4: qualifications, trust decisions, rate limits and never leaking addresses or tokens."""

import logging

import boto3
import pytest

from agora import contract, http
from agora.bootstrap import container as services
from tests.integration.test_voting_and_results import published


def vote_item(env):
    items = boto3.client("dynamodb").scan(TableName=env[contract.CONTENT.env_var])["Items"]
    [item] = [i for i in items if i["sk"]["S"].startswith(contract.VOTE_SK)]
    return item


@pytest.fixture
def ballot(api):
    """A participant with a sequence vote ready to qualify."""
    [proposal_id] = published(api, 1)
    token = api.participant()
    [served] = api.call("GET", "/sequence", token=token).body["proposals"]
    return api, token, proposal_id, served["proof"]


def qualify(api, token, proposal_id, q, method="PUT"):
    return api.call(method, f"/proposals/{proposal_id}/vote/qualifications/{q}", token=token)


def test_qualifications_stack_on_a_vote_of_their_key(ballot, stack_env):
    api, token, pid, proof = ballot
    api.call("PUT", f"/proposals/{pid}/vote", {"key": "agree", "proof": proof}, token=token)
    first = qualify(api, token, pid, "like_it")
    assert first.status == 200 and first.body["qualifications"] == ["like_it"] and first.body["changed"]
    second = qualify(api, token, pid, "doable")
    assert second.body["qualifications"] == ["doable", "like_it"]
    again = qualify(api, token, pid, "doable")
    assert again.status == 200 and again.body["changed"] is False  # a double tap changes nothing
    assert set(vote_item(stack_env)["qualifications"]["SS"]) == {"like_it", "doable"}


def test_a_qualification_of_another_key_is_422_and_changes_nothing(ballot, stack_env):
    api, token, pid, proof = ballot
    api.call("PUT", f"/proposals/{pid}/vote", {"key": "disagree", "proof": proof}, token=token)
    before = vote_item(stack_env)
    reply = qualify(api, token, pid, "like_it")
    assert reply.status == 422 and reply.body["error"]["code"] == "qualification_mismatch"
    assert vote_item(stack_env) == before


def test_qualifying_without_a_vote_is_409_and_unknown_qualifications_422(ballot):
    api, token, pid, _ = ballot
    assert qualify(api, token, pid, "like_it").body["error"]["code"] == "no_vote"
    assert qualify(api, token, pid, "love_it").status == 422


def test_changing_the_key_drops_the_qualifications(ballot, stack_env):
    api, token, pid, proof = ballot
    api.call("PUT", f"/proposals/{pid}/vote", {"key": "agree", "proof": proof}, token=token)
    qualify(api, token, pid, "like_it")
    changed = api.call("PUT", f"/proposals/{pid}/vote", {"key": "neutral", "proof": proof}, token=token)
    assert changed.body["qualifications"] == []
    assert "qualifications" not in vote_item(stack_env)


def test_removing_a_qualification_is_idempotent(ballot, stack_env):
    api, token, pid, proof = ballot
    api.call("PUT", f"/proposals/{pid}/vote", {"key": "agree", "proof": proof}, token=token)
    qualify(api, token, pid, "like_it")
    assert qualify(api, token, pid, "like_it", "DELETE").status == 204
    assert qualify(api, token, pid, "like_it", "DELETE").status == 204
    assert "qualifications" not in vote_item(stack_env)


@pytest.mark.parametrize("case", ["forged", "another participant's", "another proposal's", "expired", "none"])
def test_every_vote_without_its_own_valid_proof_is_untrusted(api, case, monkeypatch):
    first, second = published(api, 2)
    me, other = api.participant(), api.participant()
    mine = {p["id"]: p["proof"] for p in api.call("GET", "/sequence", token=me).body["proposals"]}
    theirs = {p["id"]: p["proof"] for p in api.call("GET", "/sequence", token=other).body["proposals"]}
    proof = {
        "forged": mine[first][:-3] + "xyz",
        "another participant's": theirs[first],
        "another proposal's": mine[second],
        "expired": mine[first],
        "none": None,
    }[case]
    if case == "expired":
        signer = services().signer
        monkeypatch.setattr(services().voting, "clock", lambda: int(proof.split(".")[0]) + signer.proof_ttl + 1)
    reply = api.call("PUT", f"/proposals/{first}/vote", {"key": "agree", "proof": proof}, token=me)
    assert reply.status == 200 and reply.body["trusted"] is False


def test_votes_beyond_the_per_participant_rate_are_429_with_retry_after(api, monkeypatch):
    ids = published(api, 3)
    token = api.participant()
    monkeypatch.setattr(services().voting.per_participant, "limit", 2)
    assert api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=token).status == 200
    assert api.call("PUT", f"/proposals/{ids[1]}/vote", {"key": "agree"}, token=token).status == 200
    refused = api.call("PUT", f"/proposals/{ids[2]}/vote", {"key": "agree"}, token=token)
    assert refused.status == 429 and refused.body["error"]["code"] == "too_many_votes"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert api.call("PUT", f"/proposals/{ids[2]}/vote", {"key": "agree"}, token=api.participant()).status == 200


def test_votes_beyond_the_per_source_rate_are_429(api, monkeypatch):
    ids = published(api, 1)
    monkeypatch.setattr(services().voting.per_source, "limit", 2)
    statuses = [
        api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=api.participant()).status for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_votes_store_a_keyed_source_tag_never_the_address_and_logs_hold_neither(api, stack_env, capfd):
    ids = published(api, 1)
    token = api.participant()
    http.logger.setLevel(logging.DEBUG)
    try:
        api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=token)
        api.call("PUT", f"/proposals/{'0' * 32}/vote", {"key": "agree"}, token=token)  # an error path too
    finally:
        http.logger.setLevel(logging.CRITICAL)
    item = vote_item(stack_env)
    assert item["source"]["S"] == services().signer.source_tag("127.0.0.1")
    assert "127.0.0.1" not in str(item)
    logged = capfd.readouterr().out
    assert token.split(".")[0] not in logged and token.split(".")[1] not in logged
    assert "127.0.0.1" not in logged


def test_votes_are_refused_outside_the_opening_hours(api, monkeypatch):
    ids = published(api, 1)
    token = api.participant()
    closed = services().voting.consultation.closes_at.timestamp() + 1
    monkeypatch.setattr(services().voting, "clock", lambda: closed)
    for method, path, body in (
        ("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}),
        ("DELETE", f"/proposals/{ids[0]}/vote", None),
        ("PUT", f"/proposals/{ids[0]}/vote/qualifications/like_it", None),
    ):
        reply = api.call(method, path, body, token=token)
        assert reply.status == 409 and reply.body["error"]["code"] == "consultation_not_open"


def test_proposals_beyond_the_per_network_rate_are_429(api, monkeypatch):
    monkeypatch.setattr(services().proposals.per_source, "limit", 2)
    texts = [f"Il faut ouvrir la bibliothèque numéro {i} le dimanche" for i in range(3)]
    replies = [api.call("POST", "/proposals", {"text": t}, token=api.participant(), source_ip="192.0.2.1") for t in texts]
    assert [r.status for r in replies] == [201, 201, 429]
    assert replies[2].body["error"]["code"] == "too_many_proposals_from_network"
    other = api.call("POST", "/proposals", {"text": texts[2]}, token=api.participant(), source_ip="192.0.2.2")
    assert other.status == 201
