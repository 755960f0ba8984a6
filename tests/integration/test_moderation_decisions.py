"""Moderation beyond one decision: transitions, the audit trail, bulk actions, locks under contention,
duplicates linked to their original, themes and groups."""

from urllib.parse import quote

import pytest

from agora.domain.similarity import DUPLICATE
from agora.bootstrap import container as services
from agora.services.moderation import ModerationService

TEXTS = [f"Il faut protéger la rivière numéro {i}" for i in range(6)]


def act(api, proposal_id, action, body=None, moderator="ann"):
    return api.call("POST", f"/moderation/proposals/{proposal_id}/{action}", body if body is not None else {}, moderator=moderator)


def bulk(api, action, ids, moderator="ann", **more):
    return api.call("POST", "/moderation/bulk", {"action": action, "proposal_ids": ids, **more}, moderator=moderator)


@pytest.fixture
def author(api):
    return api.participant()


# --- transitions over HTTP -------------------------------------------------------------------------


def test_an_accepted_proposal_is_not_accepted_again_but_may_be_refused(api, author):
    proposal_id = api.propose(author, TEXTS[0])
    api.accept(proposal_id)
    again = act(api, proposal_id, "accept", {"text": "Il faut protéger la rivière, vite"})
    assert again.status == 409 and again.body["error"]["code"] == "transition_not_allowed"
    assert act(api, proposal_id, "postpone").status == 409
    refused = act(api, proposal_id, "refuse", {"reason": "hateful"})
    assert refused.status == 200 and refused.body["status"] == "refused"
    assert api.call("GET", f"/proposals/{proposal_id}").status == 404  # no longer public
    assert api.call("GET", f"/proposals/{proposal_id}", token=author).body["refusal_reason"] == "hateful"


def test_a_refused_proposal_may_be_reconsidered_and_accepted_once(api, author):
    proposal_id = api.propose(author, TEXTS[0])
    act(api, proposal_id, "refuse", {"reason": "incomprehensible"})
    assert act(api, proposal_id, "refuse", {"reason": "partisan"}).status == 409
    assert act(api, proposal_id, "postpone").status == 409
    accepted = act(api, proposal_id, "accept")
    assert accepted.status == 200 and accepted.body["refusal_reason"] is None
    assert api.call("GET", f"/proposals/{proposal_id}").status == 200


def test_a_postponed_proposal_is_not_postponed_twice(api, author):
    proposal_id = api.propose(author, TEXTS[0])
    assert act(api, proposal_id, "postpone").status == 200
    assert act(api, proposal_id, "postpone").status == 409
    assert act(api, proposal_id, "refuse", {"reason": "off_topic"}).status == 200


# --- locks --------------------------------------------------------------------------------------------


def test_two_moderators_racing_for_one_proposal_get_it_once(api, author, monkeypatch):
    """Bob locks the first proposal between Ann's read of the queue and her lock attempt: her
    conditional lock fails, and she is handed the next proposal instead."""
    ids = [api.propose(author, t) for t in TEXTS[:2]]
    content = services().stores.proposals
    take = content.lock

    def bob_first(proposal_id, owner, now, until):
        if owner == "ann" and proposal_id == ids[0]:
            assert take(proposal_id, "bob", now, until) is not None
        return take(proposal_id, owner, now, until)

    monkeypatch.setattr(content, "lock", bob_first)
    ann = api.call("GET", "/moderation/queue?limit=1", moderator="ann")
    assert [p["id"] for p in ann.body["proposals"]] == [ids[1]]
    monkeypatch.undo()
    assert act(api, ids[0], "accept", moderator="ann").body["error"]["code"] == "locked"
    assert act(api, ids[0], "accept", moderator="bob").status == 200


def test_a_lock_lapses_after_the_configured_time(api, author):
    proposal_id = api.propose(author, TEXTS[0])
    now = [1000.0]
    moderation = ModerationService(
        services().consultation, services().stores.proposals, services().similar, services().themes, clock=lambda: now[0]
    )
    lock = services().consultation.moderation.lock_seconds
    assert [p.id for p, _ in moderation.queue("ann")] == [proposal_id]
    now[0] += lock - 1
    assert moderation.queue("bob") == []
    now[0] += 2
    assert [p.id for p, _ in moderation.queue("bob")] == [proposal_id]
    with pytest.raises(Exception) as late:
        moderation.accept("ann", proposal_id, None, ())
    assert getattr(late.value, "code", None) == "locked"


# --- duplicates ------------------------------------------------------------------------------------------


def test_a_duplicate_is_refused_with_a_link_to_its_original(api, author):
    original, duplicate = (api.propose(author, t) for t in ("Il faut protéger les rivières", "Il faut proteger les rivieres !"))
    api.accept(original)
    wrong_reason = act(api, duplicate, "refuse", {"reason": "partisan", "duplicate_of": original})
    assert wrong_reason.status == 422 and wrong_reason.body["error"]["code"] == "duplicate_needs_already_exists"
    itself = act(api, duplicate, "refuse", {"reason": "already_exists", "duplicate_of": duplicate})
    assert itself.status == 422 and itself.body["error"]["code"] == "invalid_original"
    unknown = act(api, duplicate, "refuse", {"reason": "already_exists", "duplicate_of": "f" * 32})
    assert unknown.status == 422
    linked = act(api, duplicate, "refuse", {"reason": "already_exists", "duplicate_of": original})
    assert linked.status == 200 and linked.body["duplicate_of"] == original
    seen = api.call("GET", f"/proposals/{duplicate}", token=author).body
    assert (seen["status"], seen["refusal_reason"], seen["duplicate_of"]) == ("refused", "already_exists", original)


def test_a_refused_proposal_is_no_original(api, author):
    refused, other = (api.propose(author, t) for t in TEXTS[:2])
    act(api, refused, "refuse", {"reason": "off_topic"})
    reply = act(api, other, "refuse", {"reason": "already_exists", "duplicate_of": refused})
    assert reply.status == 422 and reply.body["error"]["code"] == "invalid_original"


def test_the_queue_shows_likely_duplicates_and_suggests_themes(api, author):
    api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="ann")
    original = api.propose(author, "Il faut protéger les rivières de Bretagne")
    act(api, original, "accept", {"themes": ["eau"]})
    unrelated = api.propose(author, "Il faut rouvrir les petites lignes de train")
    api.accept(unrelated)
    api.snapshot()  # publishes the index the queue compares with
    first = api.propose(author, "Il faut PROTÉGER LES RIVIÈRES DE BRETAGNE !")
    second = api.propose(author, "Il faut protéger les rivières de la Bretagne")  # not yet in any index
    queue = api.call("GET", "/moderation/queue", moderator="ann").body["proposals"]
    item = next(p for p in queue if p["id"] == first)
    found = {d["id"]: d for d in item["duplicates"]}
    assert set(found) == {original, second}
    assert found[original]["status"] == "accepted" and found[second]["status"] == "pending"
    assert found[second]["text"]  # moderators see pending texts
    assert all(DUPLICATE <= d["score"] <= 1 for d in item["duplicates"])
    assert item["suggested_themes"] and item["suggested_themes"][0]["theme"] == "eau"
    # one action refuses it and links it to the original
    assert act(api, first, "refuse", {"reason": "already_exists", "duplicate_of": original}).status == 200


def test_a_duplicate_decided_since_the_snapshot_shows_its_current_status(api, author):
    original = api.propose(author, "Il faut protéger les rivières de Bretagne")
    api.snapshot()  # the index has it pending
    act(api, original, "refuse", {"reason": "off_topic"}, moderator="bob")
    copy = api.propose(author, "Il faut protéger les rivières de Bretagne !")
    item = api.call("GET", "/moderation/queue", moderator="ann").body["proposals"][0]
    assert item["id"] == copy and item["duplicates"] == []  # a refused proposal is nobody's original


# --- audit trail ------------------------------------------------------------------------------------------


def test_every_decision_is_recorded_with_who_when_and_what(api, author):
    api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="ann")
    proposal_id = api.propose(author, "Il faut protéger la rivere")
    act(api, proposal_id, "postpone", moderator="ann")
    act(api, proposal_id, "accept", {"text": "Il faut protéger la rivière"}, moderator="bob")
    bulk(api, "tag", [proposal_id], moderator="ann", themes=["eau"])
    act(api, proposal_id, "refuse", {"reason": "illegal"}, moderator="cid")
    trail = api.call("GET", f"/moderation/proposals/{proposal_id}/decisions", moderator="ann")
    assert trail.status == 200
    steps = [(d["action"], d["moderator"], d["before"], d["after"]) for d in trail.body["decisions"]]
    assert steps == [
        ("postpone", "ann", "pending", "postponed"),
        ("accept", "bob", "postponed", "accepted"),
        ("tag", "ann", "accepted", "accepted"),
        ("refuse", "cid", "accepted", "refused"),
    ]
    decisions = trail.body["decisions"]
    assert decisions[1]["text"] == "Il faut protéger la rivière" and decisions[2]["themes"] == ["eau"]
    assert decisions[3]["reason"] == "illegal"
    assert [d["at"] for d in decisions] == sorted(d["at"] for d in decisions)
    assert api.call("GET", f"/moderation/proposals/{'0' * 32}/decisions", moderator="ann").status == 404
    assert api.call("GET", f"/moderation/proposals/{proposal_id}/decisions").status == 401


def test_a_refused_decision_leaves_no_trace(api, author):
    proposal_id = api.propose(author, TEXTS[0])
    api.call("GET", "/moderation/queue", moderator="ann")
    assert act(api, proposal_id, "accept", moderator="bob").status == 409
    assert api.call("GET", f"/moderation/proposals/{proposal_id}/decisions", moderator="ann").body["decisions"] == []


# --- bulk -------------------------------------------------------------------------------------------------


def test_bulk_accept_reports_each_proposal(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:4]]
    api.accept(ids[2])
    api.call("GET", "/moderation/queue?limit=1", moderator="bob")  # bob holds ids[0]
    reply = bulk(api, "accept", ids)
    assert reply.status == 200
    results = {r["id"]: r for r in reply.body["results"]}
    assert results[ids[0]]["error"]["code"] == "locked"
    assert results[ids[2]]["error"]["code"] == "transition_not_allowed"
    assert results[ids[1]]["done"] and results[ids[3]]["status"] == "accepted"
    assert (reply.body["done"], reply.body["failed"]) == (2, 2)


def test_bulk_refuse_and_link_duplicates_to_one_original(api, author):
    original, *copies = [api.propose(author, t) for t in TEXTS[:3]]
    api.accept(original)
    reply = bulk(api, "refuse", copies, reason="already_exists", duplicate_of=original)
    assert reply.body["done"] == 2
    for copy in copies:
        assert api.call("GET", f"/proposals/{copy}", token=author).body["duplicate_of"] == original


def test_a_bad_bulk_request_changes_nothing(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:2]]
    off_charter = bulk(api, "refuse", ids, reason="boring")
    assert off_charter.status == 422 and off_charter.body["error"]["code"] == "unknown_reason"
    unknown_theme = bulk(api, "tag", ids, themes=["nowhere"])
    assert unknown_theme.status == 422 and unknown_theme.body["error"]["code"] == "unknown_theme"
    assert bulk(api, "archive", ids).status == 422
    assert bulk(api, "accept", []).status == 422
    assert {p["status"] for p in (api.call("GET", f"/proposals/{i}", token=author).body for i in ids)} == {"pending"}


def test_bulk_tag_adds_themes_and_keeps_the_status(api, author):
    for name in ("Eau", "Mer"):
        api.call("POST", "/moderation/themes", {"name": name}, moderator="ann")
    ids = [api.propose(author, t) for t in TEXTS[:3]]
    act(api, ids[0], "accept", {"themes": ["mer"]})
    act(api, ids[2], "refuse", {"reason": "off_topic"})
    reply = bulk(api, "tag", ids, themes=["eau"])
    results = {r["id"]: r for r in reply.body["results"]}
    assert results[ids[0]]["status"] == "accepted" and results[ids[1]]["status"] == "pending"
    assert results[ids[2]]["error"]["code"] == "transition_not_allowed"
    assert api.call("GET", f"/proposals/{ids[0]}").body["themes"] == ["mer", "eau"]


def test_bulk_postpone(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:2]]
    assert bulk(api, "postpone", ids).body["done"] == 2
    assert api.call("GET", "/moderation/queue", moderator="ann").body["proposals"] == []


# --- themes and groups --------------------------------------------------------------------------------


def test_moderators_create_themes_anyone_lists_them(api):
    created = api.call("POST", "/moderation/themes", {"name": "Mobilité & transports"}, moderator="ann")
    assert created.status == 201 and created.body == {"id": "mobilite-transports", "name": "Mobilité & transports"}
    again = api.call("POST", "/moderation/themes", {"name": "mobilité, transports"}, moderator="bob")
    assert again.status == 409 and again.body["error"]["code"] == "theme_exists"
    assert api.call("POST", "/moderation/themes", {"name": "!!!"}, moderator="ann").status == 422
    assert api.call("POST", "/moderation/themes", {"name": "Eau"}).status == 401
    assert api.call("GET", "/themes").body == {"themes": [{"id": "mobilite-transports", "name": "Mobilité & transports"}]}


def test_accepted_proposals_are_grouped_for_moderators_to_name(api, author):
    trains = ["Il faut rouvrir les lignes de train", "Il faut plus de train le soir", "Il faut des train moins chers"]
    trees = ["Il faut planter des arbres en ville", "Il faut protéger les arbres anciens", "Il faut des arbres dans les cours"]
    by_text = {}
    for text in trains + trees:
        by_text[api.propose(author, text)] = text
    for proposal_id in by_text:
        api.accept(proposal_id)
    api.snapshot()
    reply = api.call("GET", "/moderation/groups?k=2", moderator="ann")
    assert reply.status == 200
    groups = [{by_text[p["id"]] for p in g["proposals"]} for g in reply.body["groups"]]
    assert sorted(groups, key=len) == [set(trains), set(trees)] or sorted(groups, key=len) == [set(trees), set(trains)]
    assert {g["keywords"][0] for g in reply.body["groups"]} == {"train", "arbres"}


# --- undoing, totals and the decided lists ----------------------------------------------------------


@pytest.mark.parametrize("decision", [("accept", {}), ("refuse", {"reason": "off_topic"}), ("postpone", {})])
def test_a_decision_is_undone_by_reopening(api, author, decision):
    proposal_id = api.propose(author, TEXTS[0])
    act(api, proposal_id, *decision)
    reopened = act(api, proposal_id, "reopen", moderator="bob")
    assert reopened.status == 200
    assert (reopened.body["status"], reopened.body["refusal_reason"], reopened.body["duplicate_of"]) == ("pending", None, None)
    assert api.call("GET", f"/proposals/{proposal_id}").status == 404  # no longer public, if it was
    assert [p["id"] for p in api.call("GET", "/moderation/queue", moderator="bob").body["proposals"]] == [proposal_id]
    trail = api.call("GET", f"/moderation/proposals/{proposal_id}/decisions", moderator="ann").body["decisions"]
    assert [(d["action"], d["after"]) for d in trail][-1] == ("reopen", "pending")


def test_a_pending_proposal_cannot_be_reopened(api, author):
    proposal_id = api.propose(author, TEXTS[0])
    reply = act(api, proposal_id, "reopen")
    assert reply.status == 409 and reply.body["error"]["code"] == "transition_not_allowed"
    assert api.call("GET", f"/moderation/proposals/{proposal_id}/decisions", moderator="ann").body["decisions"] == []


def test_bulk_reopen_undoes_a_bulk_decision(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:3]]
    bulk(api, "accept", ids)
    reply = bulk(api, "reopen", ids)
    assert reply.body["done"] == 3 and {r["status"] for r in reply.body["results"]} == {"pending"}


def test_the_queue_gives_the_pending_total(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:4]]
    api.accept(ids[0])
    queue = api.call("GET", "/moderation/queue?limit=1", moderator="ann").body
    assert len(queue["proposals"]) == 1 and queue["pending"] == 3


def test_postponed_and_decided_proposals_are_listed_by_status_page_by_page(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:5]]
    for proposal_id in ids[:3]:
        act(api, proposal_id, "postpone")
    act(api, ids[3], "refuse", {"reason": "partisan"})
    first = api.call("GET", "/moderation/proposals?status=postponed&limit=2", moderator="ann").body
    assert [p["id"] for p in first["proposals"]] == ids[:2] and first["next_cursor"]
    rest = api.call("GET", f"/moderation/proposals?status=postponed&limit=2&cursor={quote(first['next_cursor'])}", moderator="ann").body
    assert [p["id"] for p in rest["proposals"]] == ids[2:3] and rest["next_cursor"] is None
    refused = api.call("GET", "/moderation/proposals?status=refused", moderator="ann").body["proposals"]
    assert [(p["id"], p["refusal_reason"]) for p in refused] == [(ids[3], "partisan")]
    assert api.call("GET", "/moderation/proposals?status=lost", moderator="ann").status == 422
    assert api.call("GET", "/moderation/proposals?status=postponed").status == 401


def test_a_moderator_renews_their_locks_while_working(api, author):
    ids = [api.propose(author, t) for t in TEXTS[:3]]
    held = {p["id"]: p["lock_until"] for p in api.call("GET", "/moderation/queue?limit=2", moderator="ann").body["proposals"]}
    assert set(held) == set(ids[:2])
    act(api, ids[1], "accept", moderator="ann")
    api.call("GET", "/moderation/queue?limit=1", moderator="bob")  # bob takes ids[2]
    reply = api.call("POST", "/moderation/locks", {"proposal_ids": ids}, moderator="ann")
    assert reply.status == 200
    locks = reply.body["locks"]
    assert locks[ids[0]] >= held[ids[0]] and locks[ids[1]] is None and locks[ids[2]] is None
    assert api.call("GET", "/moderation/queue", moderator="bob").body["proposals"][0]["id"] == ids[2]  # bob's lock untouched
