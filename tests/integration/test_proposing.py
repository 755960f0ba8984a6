"""Citizens: caps on submissions, their own proposals, similar proposals while typing, and search."""

from datetime import datetime, timezone

import pytest

from agora import contract
from agora.domain.errors import RateLimited
from agora.bootstrap import container as services
from agora.services.proposals import ProposalService
from tests.conftest import DEMO

RIVER = "Il faut protéger les rivières de Bretagne"


@pytest.fixture
def capped(api, tmp_path, monkeypatch):
    """The demo consultation with small caps: 3 proposals each, 2 an hour."""
    text = DEMO.read_text().replace("max_length = 140\n", "max_length = 140\nper_participant = 3\nper_participant_per_hour = 2\n")
    path = tmp_path / "capped.toml"
    path.write_text(text)
    monkeypatch.setenv(contract.CONSULTATION_FILE_ENV, str(path))
    api.cold_start()
    return api.services.consultation


def propose(api, token, text, key=None):
    headers = {"Idempotency-Key": key} if key else None
    return api.call("POST", "/proposals", {"text": text}, token=token, headers=headers)


def service(clock):
    return ProposalService(services().consultation, services().stores.proposals, services().proposal_index, services().stores.once, services().taking_part, clock)


# --- caps ------------------------------------------------------------------------------------------


def test_the_hourly_cap_is_a_429_saying_when_to_retry(api, capped):
    token = api.participant()
    assert [propose(api, token, f"{RIVER} {i}").status for i in range(2)] == [201, 201]
    reply = propose(api, token, f"{RIVER} 3")
    assert reply.status == 429 and reply.body["error"]["code"] == "hourly_cap_reached"
    assert 3500 < int(reply.headers["Retry-After"]) <= 3600
    assert reply.body["error"]["details"] == {"retry_after": int(reply.headers["Retry-After"]), "limit": 2}
    assert propose(api, api.participant(), RIVER).status == 201  # caps are per participant


def test_a_proposal_refused_by_validation_does_not_count(api, capped):
    token = api.participant()
    for bad in ("Il faut ok", "Il faut !!!!!!!!", "Nous devons agir"):
        assert propose(api, token, bad).status == 422
    assert [propose(api, token, f"{RIVER} {i}").status for i in range(3)] == [201, 201, 429]


def test_a_retry_with_the_same_idempotency_key_spends_the_cap_once(api, capped):
    token = api.participant()
    first, again = propose(api, token, RIVER, key="k1"), propose(api, token, RIVER, key="k1")
    assert first.status == again.status == 201 and first.body["id"] == again.body["id"]
    assert propose(api, token, f"{RIVER} 2", key="k2").status == 201
    assert propose(api, token, f"{RIVER} 3", key="k3").status == 429


def test_the_hour_slides_and_the_consultation_cap_holds(api, capped):
    token = api.participant()
    author = services().participants.authenticate(token).participant_id
    now = [datetime(2030, 1, 1, tzinfo=timezone.utc).timestamp()]
    proposals = service(lambda: now[0])
    proposals.submit(author, f"{RIVER} 1", None)
    now[0] += 1800
    proposals.submit(author, f"{RIVER} 2", None)
    now[0] += 1801  # the first has left the last hour, the second has not
    proposals.submit(author, f"{RIVER} 3", None)
    now[0] += 7200
    with pytest.raises(RateLimited) as capped_out:
        proposals.submit(author, f"{RIVER} 4", None)
    assert capped_out.value.code == "proposal_cap_reached"
    assert capped_out.value.retry_after == int(capped.closes_at.timestamp() - now[0])


def test_concurrent_submissions_cannot_overrun_the_cap(api, capped, monkeypatch):
    """A second submission lands between this one's read of the caps and its write: the write's
    condition fails, the caps are read again, and this one is refused."""
    token = api.participant()
    author = services().participants.authenticate(token).participant_id
    propose(api, token, f"{RIVER} 1")
    store = services().stores.proposals
    write = store.submit
    raced = []

    def another_lands_first(proposal, before, after):
        if not raced:
            raced.append(None)  # before the nested call, which comes through here too
            raced[0] = propose(api, token, f"{RIVER} concurrent")
        return write(proposal, before, after)

    monkeypatch.setattr(store, "submit", another_lands_first)
    with pytest.raises(RateLimited):
        services().proposals.submit(author, f"{RIVER} 2", None)
    assert raced[0].status == 201
    assert len(store.submissions(author).ids) == 2


# --- my proposals -------------------------------------------------------------------------------------


def test_an_author_follows_their_proposals_and_reads_why_one_was_refused(api):
    token, other = api.participant(), api.participant()
    accepted, refused, pending = (api.propose(token, f"{RIVER} {i}") for i in range(3))
    api.accept(accepted)
    api.call("POST", f"/moderation/proposals/{refused}/refuse", {"reason": "already_exists", "duplicate_of": accepted}, moderator="ann")
    api.propose(other, "Il faut rouvrir les petites lignes de train")
    mine = api.call("GET", "/participants/me/proposals", token=token)
    assert mine.status == 200
    seen = [(p["id"], p["status"], p["refusal_reason"], p["duplicate_of"]) for p in mine.body["proposals"]]
    assert seen == [
        (pending, "pending", None, None),
        (refused, "refused", "already_exists", accepted),
        (accepted, "accepted", None, None),
    ]
    assert api.call("GET", "/participants/me/proposals").status == 401
    assert len(api.call("GET", "/participants/me/proposals", token=other).body["proposals"]) == 1


# --- similar proposals ------------------------------------------------------------------------------


@pytest.fixture
def published(api):
    """Accepted and pending proposals, published by a snapshot."""
    author = api.participant()
    ids = {}
    for text in (RIVER, "Il faut rouvrir les petites lignes de train", "Il faut planter des haies le long des champs"):
        ids[text] = api.propose(author, text)
        api.accept(ids[text])
    ids["pending"] = api.propose(author, "Il faut nettoyer les rivières de Bretagne")
    api.snapshot()
    return ids


def test_similar_proposals_while_typing_ignore_prefix_case_accents_and_punctuation(api, published):
    reply = api.call("GET", "/proposals/similar?text=IL+FAUT+proteger+les+RIVIERES+de+bretagne+!!")
    assert reply.status == 200
    found = reply.body["proposals"]
    assert found[0]["id"] == published[RIVER] and found[0]["score"] > 0.95 and found[0]["text"] == RIVER
    assert published["pending"] not in {p["id"] for p in found}  # not public until accepted
    assert published["Il faut rouvrir les petites lignes de train"] not in {p["id"] for p in found}
    assert [p["score"] for p in found] == sorted((p["score"] for p in found), reverse=True)


def test_the_prefix_alone_finds_nothing(api, published):
    assert api.call("GET", "/proposals/similar?text=Il+faut+").body == {"proposals": []}
    assert api.call("GET", "/proposals/similar?text=We+should").body == {"proposals": []}


def test_near_duplicates_of_a_proposal(api, published):
    author = api.participant()
    copy = api.propose(author, "Il faut protéger les rivières en Bretagne")
    mine = api.call("GET", f"/proposals/{copy}/similar", token=author)
    assert mine.status == 200 and mine.body["proposals"][0]["id"] == published[RIVER]
    assert api.call("GET", f"/proposals/{copy}/similar").status == 404  # pending: its author only
    public = api.call("GET", f"/proposals/{published[RIVER]}/similar").body["proposals"]
    assert published[RIVER] not in {p["id"] for p in public} and published["pending"] not in {p["id"] for p in public}
    assert api.call("GET", f"/proposals/{'0' * 32}/similar").status == 404


# --- search --------------------------------------------------------------------------------------------


def test_search_needs_every_word_and_ignores_accents_and_case(api, published):
    def search(query):
        return [p["id"] for p in api.call("GET", f"/proposals?{query}").body["proposals"]]

    assert search("q=RIVIERES") == [published[RIVER]]
    assert search("q=riviere+bretagne") == [published[RIVER]]  # a word's start is enough: "riviere" finds "rivières"
    assert search("q=rivieres+train") == []
    assert published["pending"] not in search("q=nettoyer")  # only accepted proposals
    assert len(search("")) == 3


def test_search_by_theme_and_page_by_page(api):
    api.call("POST", "/moderation/themes", {"name": "Eau"}, moderator="ann")
    author = api.participant()
    watery = []
    for i in range(5):
        proposal_id = api.propose(author, f"Il faut économiser l'eau, idée {i}")
        api.call("POST", f"/moderation/proposals/{proposal_id}/accept", {"themes": ["eau"]}, moderator="ann")
        watery.append(proposal_id)
    api.accept(api.propose(author, "Il faut économiser l'énergie"))
    api.snapshot()
    pages, cursor = [], None
    while True:
        reply = api.call("GET", "/proposals?theme=eau&limit=2" + (f"&cursor={cursor}" if cursor else "")).body
        pages.append([p["id"] for p in reply["proposals"]])
        cursor = reply["next_cursor"]
        if not cursor:
            break
    assert pages == [watery[4:2:-1], watery[2:0:-1], watery[:1]]  # newest first
    assert api.call("GET", "/proposals?cursor=%25%25").status == 422


def test_similar_is_not_taken_for_a_proposal_id(api):
    reply = api.call("GET", "/proposals/similar?text=Il+faut+agir")
    assert reply.status == 200 and reply.body == {"proposals": []}  # no index published yet
