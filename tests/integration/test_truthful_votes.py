"""The vote answer describes the vote as stored; authors never get their own proposals to vote on;
/sequence serves no more than a sequence and is rate-limited."""

from __future__ import annotations

import pytest

from agora import contract
from agora.bootstrap import container as services
from tests.conftest import DEMO
from tests.integration.test_faults import content_items, tallies_are_exact


def vote(api, token, proposal, key="agree", proof=None):
    reply = api.call("PUT", f"/proposals/{proposal}/vote", {"key": key, "proof": proof}, token=token)
    assert reply.status == 200, reply.body
    return reply.body


def served(api, token, size=12):
    reply = api.call("GET", f"/sequence?size={size}", token=token)
    assert reply.status == 200, reply.body
    return {p["id"]: p["proof"] for p in reply.body["proposals"]}


def stored_trust(proposal) -> list[str]:
    return [i["trust"]["S"] for (_, sk), i in content_items().items() if sk == contract.VOTE_SK + proposal]


def trusted_votes() -> int:
    return sum(t.get("agree", 0) + t.get("disagree", 0) for t in services().tallies.tallies.read_all().values())


@pytest.fixture
def ballot(api):
    [proposal] = api.published(1)
    token = api.participant()
    return token, proposal, served(api, token)[proposal]


# --- the answer is the stored vote ------------------------------------------------------------------


def test_a_valid_proof_later_upgrades_an_untrusted_vote_of_the_same_key(api, ballot):
    token, proposal, proof = ballot
    first = vote(api, token, proposal)
    assert (first["trusted"], first["changed"]) == (False, True)
    api.call("PUT", f"/proposals/{proposal}/vote/qualifications/like_it", token=token)
    upgraded = vote(api, token, proposal, proof=proof)
    assert (upgraded["trusted"], upgraded["changed"], upgraded["qualifications"]) == (True, True, ["like_it"])
    assert stored_trust(proposal) == ["sequence"]
    api.count()
    assert tallies_are_exact()


def test_a_later_vote_without_proof_leaves_a_trusted_vote_trusted_and_says_so(api, ballot):
    token, proposal, proof = ballot
    assert vote(api, token, proposal, proof=proof)["trusted"] is True
    again = vote(api, token, proposal)
    assert (again["trusted"], again["changed"]) == (True, False)  # the stored vote, unchanged
    assert stored_trust(proposal) == ["sequence"]


def test_another_key_without_proof_replaces_the_vote_and_says_it_does_not_count(api, ballot):
    token, proposal, proof = ballot
    vote(api, token, proposal, proof=proof)
    changed = vote(api, token, proposal, key="disagree")
    assert (changed["key"], changed["trusted"], changed["changed"]) == ("disagree", False, True)
    assert stored_trust(proposal) == ["untrusted"]


def test_a_repeat_without_proof_of_an_untrusted_vote_says_nothing_changed(api, ballot):
    token, proposal, _ = ballot
    vote(api, token, proposal)
    assert (vote(api, token, proposal)["trusted"], vote(api, token, proposal)["changed"]) == (False, False)


# --- authors and their own proposals -----------------------------------------------------------------


def test_authors_are_never_served_their_own_proposals(api):
    author, other = api.participant(), api.participant()
    own = [api.propose(author, f"Il faut rénover le gymnase numéro {i}") for i in range(4)]
    theirs = [api.propose(other, f"Il faut planter des arbres rue {i}") for i in range(4)]
    for proposal in own + theirs:
        api.accept(proposal)
    api.snapshot()
    assert set(served(api, author)) == set(theirs)
    assert set(served(api, other)) == set(own)
    for proposal, proof in served(api, author).items():
        vote(api, author, proposal, proof=proof)
    assert served(api, author) == {}  # voted on all the others, and never their own


def test_an_authors_vote_on_their_own_proposal_is_recorded_but_never_trusted(api):
    author, other = api.participant(), api.participant()
    own = api.propose(author, "Il faut rénover le gymnase")
    api.accept(own)
    api.snapshot()
    borrowed = served(api, other)[own]  # a proof, but issued to someone else
    answer = vote(api, author, own, proof=borrowed)
    assert (answer["trusted"], answer["changed"]) == (False, True)
    api.count()
    assert trusted_votes() == 0 and tallies_are_exact()


# --- how much one request, and one participant, may ask for ------------------------------------------


def test_size_is_capped_by_the_consultations_sequence_size(api):
    for author in (api.participant(), api.participant()):
        for i in range(8):
            api.accept(api.propose(author, f"Il faut rénover le stade numéro {i}"))
    api.snapshot()
    token = api.participant()
    assert len(served(api, token, size=50)) == services().consultation.sequence.size == 12
    assert len(served(api, token, size=3)) == 3


@pytest.fixture
def tight(api, tmp_path, monkeypatch):
    path = tmp_path / "tight.toml"
    path.write_text(DEMO.read_text() + "\n[lookups]\nsequences_per_participant_per_minute = 2\n")
    monkeypatch.setenv(contract.CONSULTATION_FILE_ENV, str(path))
    api.cold_start()


def test_sequences_are_limited_per_participant(api, tight):
    api.published(2)
    token = api.participant()
    assert [api.call("GET", "/sequence", token=token).status for _ in range(3)] == [200, 200, 429]
    refused = api.call("GET", "/sequence", token=token)
    assert refused.body["error"]["code"] == "too_many_sequences" and int(refused.headers["Retry-After"]) >= 1
    assert api.call("GET", "/sequence", token=api.participant()).status == 200  # per participant
