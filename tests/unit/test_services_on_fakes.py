"""The rules of proposals, moderation, voting and sequencing, through the services on in-memory fakes
(tests/fakes.py): no moto, no network, milliseconds each. The adapters are checked on moto."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError

from agora import contract
from agora.adapters import pool as pool_file
from agora.config import Consultation
from agora.domain.errors import Conflict, InvalidInput, NotFound, RateLimited
from agora.domain.identity import Claims
from agora.domain.proposals import Action, Status
from agora.domain.sequencing import SequencePolicy
from agora.domain.votes import Trust, VoteKey
from agora.services.snapshot import POOL_COUNTERS
from tests import fakes

OPEN = datetime(2026, 6, 1, tzinfo=timezone.utc).timestamp()
RIVER = "Il faut protéger les rivières de Bretagne"


class Clock:
    def __init__(self) -> None:
        self.now = OPEN

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def root(consultation: Consultation, clock: Clock):
    return fakes.services(consultation, clock)


def citizen(services, demographics=None) -> Claims:
    participant, token = services.participants.register(demographics or {})
    return services.authenticate(token)


def published(services, stores, clock, n: int) -> list[str]:
    """n accepted proposals, each by its own author, in the pool a snapshot would publish."""
    ids = [services.proposals.submit(citizen(services).participant_id, f"{RIVER} {i}", "fr").id for i in range(n)]
    for pid in ids:
        services.moderation.accept("mod", pid, None, ())
    accepted = [stores.proposals.get(pid) for pid in ids]
    body = pool_file.encode(accepted, {pid: {} for pid in ids}, POOL_COUNTERS, clock.now, SequencePolicy())
    stores.files.put(contract.POOL_KEY, body, pool_file.CONTENT_TYPE, "")
    return ids


# --- proposals -------------------------------------------------------------------------------------


def test_a_proposal_is_stored_pending_and_counted_against_its_author(root):
    services, stores = root
    me = citizen(services)
    stored = services.proposals.submit(me.participant_id, RIVER, None)
    assert stored.status is Status.PENDING and stored.language == "fr"
    assert stores.proposals.submissions(me.participant_id).ids == (stored.id,)
    assert services.proposals.mine(me.participant_id) == [stored]


def test_an_invalid_proposal_is_refused_and_stores_nothing(root):
    services, stores = root
    me = citizen(services)
    with pytest.raises(InvalidInput):
        services.proposals.submit(me.participant_id, "Nous devons agir", "fr")
    assert stores.proposals.proposals == {} and stores.proposals.submissions(me.participant_id).ids == ()


def test_a_pending_proposal_is_visible_to_its_author_only(root):
    services, _ = root
    me, other = citizen(services), citizen(services)
    pid = services.proposals.submit(me.participant_id, RIVER, "fr").id
    assert services.proposals.get(pid, me.participant_id).id == pid
    with pytest.raises(NotFound):
        services.proposals.get(pid, other.participant_id)


def test_a_retried_submission_with_its_key_is_stored_once(root):
    services, stores = root
    me = citizen(services)
    request = {"text": RIVER, "language": "fr"}
    first, stored = services.proposals.submit_once(me.participant_id, RIVER, "fr", None, "k1", request)
    again, replayed = services.proposals.submit_once(me.participant_id, RIVER, "fr", None, "k1", request)
    assert (stored, replayed) == (True, False) and first == again and len(stores.proposals.proposals) == 1
    with pytest.raises(IdempotencyValidationError):
        services.proposals.submit_once(me.participant_id, RIVER + " bis", "fr", None, "k1", {**request, "text": RIVER + " bis"})


def test_a_retry_marks_the_author_when_the_mark_failed_after_the_proposal_was_stored(root):
    services, stores = root
    me = citizen(services)
    mark = stores.participants.note_took_part

    def throttled(participant_id: str, at: float) -> None:
        stores.participants.note_took_part = mark  # the next attempt gets through
        raise RuntimeError("throttled")

    stores.participants.note_took_part = throttled
    with pytest.raises(RuntimeError):
        services.proposals.submit(me.participant_id, RIVER, "fr", proposal_id="p1")
    assert stores.participants.profiles[me.participant_id].took_part_at is None
    again = services.proposals.submit(me.participant_id, RIVER, "fr", proposal_id="p1")
    assert stores.participants.profiles[me.participant_id].took_part_at == again.created_at
    assert len(stores.proposals.proposals) == 1


def test_the_hourly_cap_stops_the_next_proposal(root, consultation):
    services, stores = root
    me = citizen(services)
    for i in range(consultation.proposals.per_participant_per_hour):
        services.proposals.submit(me.participant_id, f"{RIVER} {i}", "fr")
    with pytest.raises(RateLimited) as capped:
        services.proposals.submit(me.participant_id, f"{RIVER} encore", "fr")
    assert capped.value.code == "hourly_cap_reached"
    assert len(stores.proposals.proposals) == consultation.proposals.per_participant_per_hour


# --- moderation ------------------------------------------------------------------------------------


def test_the_queue_locks_what_it_hands_out_oldest_first(root, clock):
    services, _ = root
    me = citizen(services)
    ids = []
    for i in range(3):
        clock.now += 1
        ids.append(services.proposals.submit(me.participant_id, f"{RIVER} {i}", "fr").id)
    ann = [p.id for p, _ in services.moderation.queue("ann", 2)]
    bob = [p.id for p, _ in services.moderation.queue("bob", 2)]
    assert ann == ids[:2] and bob == ids[2:]
    with pytest.raises(Conflict) as held:
        services.moderation.accept("bob", ids[0], None, ())
    assert held.value.code == "locked"


def test_a_lock_lapses_after_the_configured_time(root, clock, consultation):
    services, _ = root
    pid = services.proposals.submit(citizen(services).participant_id, RIVER, "fr").id
    services.moderation.queue("ann")
    clock.now += consultation.moderation.lock_seconds + 1
    assert [p.id for p, _ in services.moderation.queue("bob")] == [pid]


def test_a_refusal_needs_a_reason_from_the_charter_and_is_audited(root, consultation):
    services, _ = root
    pid = services.proposals.submit(citizen(services).participant_id, RIVER, "fr").id
    with pytest.raises(InvalidInput):
        services.moderation.refuse("mod", pid, "not in the charter")
    reason = consultation.moderation.refusal_reasons[0]
    refused = services.moderation.refuse("mod", pid, reason)
    assert refused.status is Status.REFUSED and refused.refusal_reason == reason and refused.decided_by == "mod"
    [decision] = services.moderation.decisions(pid)
    assert (decision.action, decision.before, decision.after, decision.reason) == (Action.REFUSE, Status.PENDING, Status.REFUSED, reason)
    with pytest.raises(Conflict):
        services.moderation.postpone("mod", pid)  # only a pending proposal may wait


def test_a_bulk_action_reports_each_proposal_and_leaves_the_decided_alone(root):
    services, _ = root
    me = citizen(services)
    ids = [services.proposals.submit(me.participant_id, f"{RIVER} {i}", "fr").id for i in range(3)]
    services.moderation.accept("mod", ids[0], None, ())
    bulk = services.moderation.bulk("mod", Action.ACCEPT, [*ids, ids[1], "missing"])
    assert [o.proposal_id for o in bulk.outcomes] == [*ids, "missing"]
    assert (bulk.done, bulk.failed) == (2, 2)
    assert [o.error.code for o in bulk.outcomes if o.error] == ["transition_not_allowed", "proposal_not_found"]


# --- voting ----------------------------------------------------------------------------------------


def test_a_vote_on_an_unpublished_proposal_is_refused(root):
    services, _ = root
    me = citizen(services)
    pid = services.proposals.submit(citizen(services).participant_id, RIVER, "fr").id
    with pytest.raises(Conflict) as refused:
        services.voting.vote(me, pid, VoteKey.AGREE, None)
    assert refused.value.code == "proposal_not_votable"


def test_the_same_vote_twice_changes_nothing_and_another_key_replaces_it(root, clock):
    services, stores = root
    [pid] = published(services, stores, clock, 1)
    me = citizen(services)
    assert services.voting.vote(me, pid, VoteKey.AGREE, None)[1] is True
    assert services.voting.vote(me, pid, VoteKey.AGREE, None)[1] is False
    services.voting.qualify(me, pid, "like_it")
    replaced, changed = services.voting.vote(me, pid, VoteKey.DISAGREE, None)
    assert changed and replaced.key is VoteKey.DISAGREE and replaced.qualifications == frozenset()


def test_a_participant_is_marked_at_their_first_vote_or_proposal_and_a_visitor_never(root, clock):
    services, stores = root
    [pid] = published(services, stores, clock, 1)
    visitor, voter = citizen(services), citizen(services)
    clock.now += 5
    services.voting.vote(voter, pid, VoteKey.AGREE, None)
    clock.now += 5
    services.voting.vote(voter, pid, VoteKey.DISAGREE, None)
    profiles = stores.participants.profiles
    assert profiles[visitor.participant_id].took_part_at is None
    assert profiles[voter.participant_id].took_part_at == clock.now - 5  # the first vote's time
    author = stores.proposals.get(pid).author_id
    assert profiles[author].took_part_at is not None


def test_a_proof_from_the_sequence_upgrades_an_untrusted_vote(root, clock):
    services, stores = root
    [pid] = published(services, stores, clock, 1)
    me = citizen(services)
    untrusted, _ = services.voting.vote(me, pid, VoteKey.AGREE, None)
    proof = services.signer.proof(me.participant_id, pid, int(clock.now))
    trusted, changed = services.voting.vote(me, pid, VoteKey.AGREE, proof)
    assert untrusted.trust is Trust.UNTRUSTED and trusted.trust is Trust.SEQUENCE and changed


def test_a_qualification_must_match_the_vote(root, clock):
    services, stores = root
    [pid] = published(services, stores, clock, 1)
    me = citizen(services)
    with pytest.raises(Conflict) as none:
        services.voting.qualify(me, pid, "like_it")
    services.voting.vote(me, pid, VoteKey.DISAGREE, None)
    with pytest.raises(InvalidInput) as other:
        services.voting.qualify(me, pid, "like_it")  # an agreeing qualification on a disagreeing vote
    assert (none.value.code, other.value.code) == ("no_vote", "qualification_mismatch")
    assert services.voting.qualify(me, pid, "no_way")[1] is True
    assert services.voting.qualify(me, pid, "no_way")[1] is False


def test_votes_are_capped_per_participant_per_minute(root, clock, consultation):
    services, stores = root
    ids = published(services, stores, clock, 1)
    me = citizen(services)
    for _ in range(consultation.votes.per_participant_per_minute):
        services.voting.vote(me, ids[0], VoteKey.AGREE, None)
    with pytest.raises(RateLimited):
        services.voting.vote(me, ids[0], VoteKey.AGREE, None)


# --- sequencing ------------------------------------------------------------------------------------


def test_a_sequence_never_serves_what_the_participant_voted_on_or_proposed(root, clock):
    services, stores = root
    ids = published(services, stores, clock, 4)
    me = citizen(services)
    mine = services.proposals.submit(me.participant_id, f"{RIVER} à moi", "fr").id
    services.moderation.accept("mod", mine, None, ())
    stores.files.put(contract.POOL_KEY, pool_file.encode([stores.proposals.get(i) for i in [*ids, mine]], {}, POOL_COUNTERS, clock.now, SequencePolicy()), "", "")
    services.voting.vote(me, ids[0], VoteKey.AGREE, None)
    clock.now += 60  # past the pool's refresh period
    served = {s.id for s in services.sequence.next(me.participant_id, 12)}
    assert served == set(ids[1:])
    for s in services.sequence.next(citizen(services).participant_id, 12):
        assert services.signer.proof_is_valid(s.proof, s.id, s.id, clock.now) is False  # bound to its participant


def test_a_sequence_is_capped_at_the_consultations_size(root, clock, consultation):
    services, stores = root
    published(services, stores, clock, consultation.sequence.size + 3)
    assert len(services.sequence.next(citizen(services).participant_id, 50)) == consultation.sequence.size


# --- the root ----------------------------------------------------------------------------------------


def test_the_root_builds_each_service_once_on_the_stores_it_was_given(root):
    services, stores = root
    assert services.moderation is services.moderation and services.moderation.similar is services.similar
    assert services.moderation.store is stores.proposals is services.proposals.store is services.similar.store
    assert services.voting.votes is stores.votes is services.sequence.votes
    assert services.participants.store is stores.participants and services.themes.store is stores.themes
    assert services.tallies.tallies is stores.tallies and services.snapshot.files is stores.files
    assert services.voting.signer is services.sequence.signer is services.participants.signer
