"""A write that took effect but whose answer was lost: botocore retries it, and the client is told the truth.

`answer_lost` lets the first attempt of a call reach the table, then drops its answer; the SDK
retries with the same parameters, whose condition now fails against our own write. Each route
must answer what happened (created, decided, changed), store it once, and count it once; a real
conflict must stay a conflict.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora import contract
from agora.adapters import aws
from agora.local.inprocess import InProcessStack
from tests.faults import answer_lost
from tests.integration.test_faults import content_items, no_backoff, tallies_are_exact

__all__ = ["no_backoff"]


@pytest.fixture
def api() -> Iterator[InProcessStack]:
    with InProcessStack(prefix="lost") as stack:
        yield stack


def lost(operation: str):
    return answer_lost(aws.client("dynamodb"), operation)


def items_with(sk_prefix: str) -> list[dict]:
    return [i for (_, sk), i in content_items().items() if sk.startswith(sk_prefix)]


def audit(api: InProcessStack, proposal_id: str) -> list[str]:
    return [d["action"] for d in api.call("GET", f"/moderation/proposals/{proposal_id}/decisions", moderator="mod").body["decisions"]]


def test_a_registration_whose_answer_was_lost_is_created_once(api):
    before = len(items_with(contract.PROFILE_SK))
    with lost("PutItem") as attempts:
        reply = api.call("POST", "/participants", {"demographics": {"age": "65+"}})
    assert len(attempts) == 2 and reply.status == 201, reply.body
    assert len(items_with(contract.PROFILE_SK)) == before + 1
    assert api.call("GET", "/sequence", token=reply.body["participant_token"]).status == 200


def test_a_submission_whose_answer_was_lost_is_stored_once(api):
    token = api.participant()
    with lost("TransactWriteItems") as attempts:
        reply = api.call("POST", "/proposals", {"text": "Il faut protéger les haies"}, token=token)
    assert len(attempts) == 2 and reply.status == 201, reply.body
    mine = api.call("GET", "/participants/me/proposals", token=token).body["proposals"]
    assert [p["id"] for p in mine] == [reply.body["id"]]
    assert len(items_with(contract.META_SK)) == 1


@pytest.mark.parametrize(
    "action, body, status",
    [("accept", {}, "accepted"), ("refuse", {"reason": "off_topic"}, "refused"), ("postpone", None, "postponed")],
)
def test_a_decision_whose_answer_was_lost_is_reported_done_and_audited_once(api, action, body, status):
    pending = api.propose(api.participant(), "Il faut nettoyer les rivières")
    with lost("TransactWriteItems") as attempts:
        reply = api.call("POST", f"/moderation/proposals/{pending}/{action}", body, moderator="mod")
    assert len(attempts) == 2 and reply.status == 200, reply.body
    assert reply.body["status"] == status and audit(api, pending) == [action]
    again = api.call("POST", f"/moderation/proposals/{pending}/{action}", body, moderator="mod")
    assert again.status == 409 and again.body["error"]["code"] == "transition_not_allowed"  # a real conflict stays one


@pytest.mark.parametrize("action", ["accept", "tag"])
def test_a_bulk_decision_whose_answers_were_lost_reports_each_done(api, action):
    api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="mod")
    author = api.participant()
    ids = [api.propose(author, f"Il faut économiser l'eau, idée {i}") for i in range(2)]
    with answer_lost(aws.client("dynamodb"), "TransactWriteItems", times=2):
        reply = api.call("POST", "/moderation/bulk", {"action": action, "proposal_ids": ids, "themes": ["eau"]}, moderator="mod")
    assert reply.status == 200 and reply.body["done"] == 2 and reply.body["failed"] == 0, reply.body
    assert all(audit(api, i) == [action] for i in ids)


def test_a_theme_whose_answer_was_lost_is_created_and_a_real_duplicate_refused(api):
    with lost("PutItem") as attempts:
        reply = api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="mod")
    assert len(attempts) == 2 and reply.status == 201, reply.body
    again = api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="mod")
    assert again.status == 409 and again.body["error"]["code"] == "theme_exists"


@pytest.fixture
def voter(api) -> tuple[str, str, str]:
    """A participant, the proposal served to them, and its proof."""
    [proposal] = api.published(1)
    token = api.participant({"age": "65+"})
    [served] = api.call("GET", "/sequence", token=token).body["proposals"]
    return token, proposal, served["proof"]


def vote(api, token, proposal, key="agree", proof=None):
    return api.call("PUT", f"/proposals/{proposal}/vote", {"key": key, "proof": proof}, token=token)


@pytest.mark.parametrize("key", ["agree", "disagree"])
def test_a_vote_whose_answer_was_lost_says_it_changed(api, voter, key):
    token, proposal, proof = voter
    if key == "disagree":
        assert vote(api, token, proposal, "agree", proof).status == 200
    with lost("PutItem") as attempts:
        reply = vote(api, token, proposal, key, proof)
    assert len(attempts) == 2 and reply.status == 200, reply.body
    assert reply.body["changed"] is True and reply.body["key"] == key and reply.body["trusted"] is True
    assert vote(api, token, proposal, key, proof).body["changed"] is False  # now it is a repeat
    api.count()
    assert tallies_are_exact() and len(items_with(contract.VOTE_SK)) == 1


def test_an_upgrade_whose_answer_was_lost_says_it_changed(api, voter):
    token, proposal, proof = voter
    assert vote(api, token, proposal).body["trusted"] is False
    with lost("UpdateItem") as attempts:
        reply = vote(api, token, proposal, proof=proof)
    assert len(attempts) == 2 and reply.body["changed"] is True and reply.body["trusted"] is True, reply.body
    api.count()
    assert tallies_are_exact()


def test_a_qualification_whose_answer_was_lost_says_it_changed(api, voter):
    token, proposal, proof = voter
    vote(api, token, proposal, proof=proof)
    url = f"/proposals/{proposal}/vote/qualifications/like_it"
    with lost("UpdateItem") as attempts:
        reply = api.call("PUT", url, token=token)
    assert len(attempts) == 2 and reply.status == 200, reply.body
    assert reply.body["changed"] is True and reply.body["qualifications"] == ["like_it"]
    assert api.call("PUT", url, token=token).body["changed"] is False
    api.count()
    assert tallies_are_exact()


@pytest.mark.parametrize("what", ["vote", "qualification"])
def test_a_withdrawal_whose_answer_was_lost_is_done_once(api, voter, what):
    token, proposal, proof = voter
    vote(api, token, proposal, proof=proof)
    url = f"/proposals/{proposal}/vote" + ("/qualifications/like_it" if what == "qualification" else "")
    if what == "qualification":
        api.call("PUT", url, token=token)
    with lost("DeleteItem" if what == "vote" else "UpdateItem") as attempts:
        reply = api.call("DELETE", url, token=token)
    assert len(attempts) == 2 and reply.status == 204
    stored = items_with(contract.VOTE_SK)
    assert (stored == []) if what == "vote" else ("qualifications" not in stored[0])
    api.count()
    assert tallies_are_exact()
