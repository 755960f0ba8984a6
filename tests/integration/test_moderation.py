TEXTS = [f"Il faut protéger la rivière numéro {i}" for i in range(4)]


def test_moderation_routes_need_a_moderator(api):
    reply = api.call("GET", "/moderation/queue")
    assert reply.status == 401
    assert reply.body["error"]["code"] == "moderator_only"


def test_the_queue_is_oldest_first_and_locks_what_it_hands_out(api):
    author = api.participant()
    ids = [api.propose(author, t) for t in TEXTS]
    first = api.call("GET", "/moderation/queue?limit=2", moderator="ann")
    assert first.status == 200
    assert [p["id"] for p in first.body["proposals"]] == ids[:2]
    assert all(p["lock_until"] for p in first.body["proposals"])
    second = api.call("GET", "/moderation/queue?limit=10", moderator="bob")
    assert [p["id"] for p in second.body["proposals"]] == ids[2:]  # never the same proposal twice
    again = api.call("GET", "/moderation/queue?limit=2", moderator="ann")
    assert [p["id"] for p in again.body["proposals"]] == ids[:2]  # her own locks are renewed


def test_another_moderator_cannot_decide_a_locked_proposal(api):
    proposal_id = api.propose(api.participant(), TEXTS[0])
    api.call("GET", "/moderation/queue", moderator="ann")
    reply = api.call("POST", f"/moderation/proposals/{proposal_id}/accept", {}, moderator="bob")
    assert reply.status == 409 and reply.body["error"]["code"] == "locked"
    assert api.call("POST", f"/moderation/proposals/{proposal_id}/accept", {}, moderator="ann").status == 200


def test_accepting_publishes_the_corrected_text_and_themes(api):
    assert api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="ann").status == 201
    author = api.participant()
    proposal_id = api.propose(author, "Il faut protéger la rivere")
    reply = api.call(
        "POST",
        f"/moderation/proposals/{proposal_id}/accept",
        {"text": "Il faut protéger la rivière", "themes": ["eau"]},
        moderator="ann",
    )
    assert reply.status == 200
    assert reply.body["status"] == "accepted"
    assert reply.body["original_text"] == "Il faut protéger la rivere"
    public = api.call("GET", f"/proposals/{proposal_id}")
    assert public.status == 200 and public.body["text"] == "Il faut protéger la rivière"
    assert public.body["themes"] == ["eau"]


def test_a_corrected_text_must_still_follow_the_rules(api):
    proposal_id = api.propose(api.participant(), TEXTS[0])
    reply = api.call("POST", f"/moderation/proposals/{proposal_id}/accept", {"text": "<b>x</b>"}, moderator="ann")
    assert reply.status == 422


def test_refusing_needs_a_charter_reason_the_author_can_read(api):
    author = api.participant()
    proposal_id = api.propose(author, TEXTS[0])
    bad = api.call("POST", f"/moderation/proposals/{proposal_id}/refuse", {"reason": "boring"}, moderator="ann")
    assert bad.status == 422 and bad.body["error"]["code"] == "unknown_reason"
    ok = api.call("POST", f"/moderation/proposals/{proposal_id}/refuse", {"reason": "partisan"}, moderator="ann")
    assert ok.status == 200 and ok.body["status"] == "refused"
    seen = api.call("GET", f"/proposals/{proposal_id}", token=author)
    assert seen.body["status"] == "refused" and seen.body["refusal_reason"] == "partisan"
    assert api.call("GET", f"/proposals/{proposal_id}").status == 404


def test_postponed_proposals_leave_the_queue_but_can_still_be_decided(api):
    proposal_id = api.propose(api.participant(), TEXTS[0])
    assert api.call("POST", f"/moderation/proposals/{proposal_id}/postpone", moderator="ann").body["status"] == "postponed"
    assert api.call("GET", "/moderation/queue", moderator="ann").body["proposals"] == []
    api.accept(proposal_id, "ann")


def test_unknown_proposals_are_404(api):
    reply = api.call("POST", f"/moderation/proposals/{'0' * 32}/accept", {}, moderator="ann")
    assert reply.status == 404
    assert api.call("POST", "/moderation/proposals/..%2F..%2Fetc/accept", {}, moderator="ann").status == 422
