"""The proposal and vote stores' contract, run against the DynamoDB adapter (on moto) and the
in-memory fake alike: the conditions and retries the services' rules rely on, so the fakes of the
unit tests cannot drift from what the adapters do."""

from __future__ import annotations

import dataclasses

import pytest

from agora.domain.proposals import Action, Decision, Proposal, Status
from agora.domain.submissions import Submissions
from agora.domain.votes import Trust, Vote, VoteKey
from tests import fakes


@pytest.fixture(params=["dynamodb", "fake"])
def stores(request):
    if request.param == "fake":
        return fakes.FakeStores()
    return request.getfixturevalue("api").services.stores


def proposal(i: int, author: str = "author") -> Proposal:
    return Proposal(id=f"p{i}", text=f"Il faut planter des arbres {i}", language="fr", author_id=author, created_at=1000.0 + i)


def test_a_submission_is_stored_only_if_the_authors_caps_are_as_read(stores):
    proposals = stores.proposals
    first = Submissions(("p1",), (1001.0,))
    assert proposals.submit(proposal(1), Submissions(), first)
    assert not proposals.submit(proposal(2), Submissions(), Submissions(("p2",), (1002.0,)))  # caps moved on
    assert not proposals.submit(proposal(1), first, Submissions(("p1", "p1"), ()))  # the proposal exists
    assert proposals.submissions("author") == first and proposals.get("p2") is None
    assert proposals.get("p1", consistent=True) == proposal(1)


def test_lists_by_status_oldest_first_and_resume_after_a_cursor(stores):
    proposals, before = stores.proposals, Submissions()
    for i in range(3):
        after = Submissions((*before.ids, f"p{i}"), ())
        assert proposals.submit(proposal(i), before, after)
        before = after
    listed = list(proposals.by_status(Status.PENDING))
    assert [p.id for p, _ in listed] == ["p0", "p1", "p2"] and proposals.count(Status.PENDING) == 3
    assert [p.id for p, _ in proposals.by_status(Status.PENDING, after=listed[0][1])] == ["p1", "p2"]
    assert [p.id for p in proposals.created_since(Status.PENDING, 1001.0)] == ["p1", "p2"]


def test_a_lock_is_exclusive_until_it_lapses_and_a_decision_needs_it(stores):
    proposals = stores.proposals
    assert proposals.submit(proposal(1), Submissions(), Submissions(("p1",), ()))
    assert proposals.lock("p1", "ann", now=10.0, until=70.0) is not None
    assert proposals.lock("p1", "bob", now=20.0, until=80.0) is None
    current = proposals.get("p1", consistent=True)
    accepted = dataclasses.replace(current, status=Status.ACCEPTED, decided_by="bob", decided_at=20.0)
    decision = Decision("p1", Action.ACCEPT, "bob", 20.0, Status.PENDING, Status.ACCEPTED)
    assert not proposals.decide(accepted, current, decision, now=20.0)
    assert proposals.lock("p1", "bob", now=71.0, until=131.0).lock_owner == "bob"
    assert proposals.decide(accepted, current, dataclasses.replace(decision, at=71.0), now=71.0)
    assert proposals.get("p1", consistent=True).status is Status.ACCEPTED
    assert not proposals.decide(accepted, current, decision, now=72.0)  # no longer pending
    assert [d.action for d in proposals.decisions("p1")] == [Action.ACCEPT]
    assert proposals.lock("p1", "ann", now=72.0, until=130.0) is None  # decided: nothing to lock


def test_a_vote_again_changes_nothing_unless_its_key_or_trust_does(stores):
    votes = stores.votes
    untrusted = Vote("v1", "p1", VoteKey.AGREE, Trust.UNTRUSTED, voted_at=1.0)
    assert votes.put(untrusted) == (untrusted, True)
    assert votes.put(untrusted)[1] is False
    upgraded, changed = votes.put(dataclasses.replace(untrusted, trust=Trust.SEQUENCE, voted_at=2.0))
    assert changed and upgraded.trust is Trust.SEQUENCE
    assert votes.put(dataclasses.replace(untrusted, voted_at=3.0)) == (upgraded, False)  # never downgraded
    assert votes.qualify("v1", "p1", "like_it", VoteKey.AGREE).qualifications == {"like_it"}
    assert votes.qualify("v1", "p1", "like_it", VoteKey.AGREE) is None
    replaced, changed = votes.put(Vote("v1", "p1", VoteKey.DISAGREE, Trust.UNTRUSTED))
    assert changed and votes.get("v1", "p1").qualifications == frozenset()
    assert votes.qualify("v1", "p1", "like_it", VoteKey.AGREE) is None  # of another key
    assert votes.delete("v1", "p1") and not votes.delete("v1", "p1")
    assert not votes.unqualify("v1", "p1", "no_way")


def test_a_participant_is_not_served_what_they_voted_on_or_proposed(stores):
    assert stores.proposals.submit(proposal(7, author="v1"), Submissions(), Submissions(("p7",), ()))
    stores.votes.put(Vote("v1", "p1", VoteKey.NEUTRAL, Trust.SEQUENCE))
    assert stores.votes.not_to_serve("v1") == {"p1", "p7"} and stores.votes.not_to_serve("v2") == set()
