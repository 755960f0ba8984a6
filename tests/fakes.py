"""In-memory fakes of the ports (agora.services.ports), for unit tests of the services without moto.

They live with the tests, not in the layer: nothing deployed uses them, and Lambda need not ship
them. Where the services' rules depend on the store (conditional writes, what a retry finds), a
fake does what the DynamoDB adapter does; tests/integration/test_store_contract.py runs the same
checks against both so they cannot drift.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError

from agora.adapters.items import status_sort_key
from agora.adapters.tallies import CheckpointMoved
from agora.bootstrap import Services
from agora.config import Consultation
from agora.domain.participants import Participant
from agora.domain.proposals import Decision, Proposal, Status
from agora.domain.submissions import Submissions
from agora.domain.tallies import Counted, Staged, TallyRef
from agora.domain.themes import Theme
from agora.domain.votes import Trust, Vote, VoteKey
from agora.services.idempotency import Action
from agora.services.tallies import MAX_TALLIES_PER_PART


class FakeParticipantStore:
    def __init__(self) -> None:
        self.profiles: dict[str, Participant] = {}

    def put(self, participant: Participant) -> None:
        if participant.id in self.profiles:
            raise AssertionError(f"participant {participant.id} exists")  # the adapter's condition fails too
        self.profiles[participant.id] = participant

    def set_demographics(self, participant_id: str, demographics: dict[str, str]) -> Participant | None:
        if participant_id not in self.profiles:
            return None
        self.profiles[participant_id] = dataclasses.replace(self.profiles[participant_id], demographics=dict(demographics))
        return self.profiles[participant_id]

    def took_part(self, participant_id: str) -> bool:
        profile = self.profiles.get(participant_id)
        return profile is not None and profile.took_part_at is not None

    def note_took_part(self, participant_id: str, at: float) -> None:
        profile = self.profiles.get(participant_id)
        if profile is not None and profile.took_part_at is None:  # the adapter's condition
            self.profiles[participant_id] = dataclasses.replace(profile, took_part_at=round(at, 3))


class FakeProposalStore:
    def __init__(self) -> None:
        self.proposals: dict[str, Proposal] = {}
        self.by_author: dict[str, Submissions] = {}
        self.trail: dict[str, list[Decision]] = {}

    def get(self, proposal_id: str, consistent: bool = False) -> Proposal | None:
        return self.proposals.get(proposal_id)

    def many(self, proposal_ids: list[str]) -> dict[str, Proposal]:
        return {i: self.proposals[i] for i in proposal_ids if i in self.proposals}

    def by_status(self, status: Status, after: str | None = None) -> Iterator[tuple[Proposal, str]]:
        keyed = sorted((status_sort_key(p.created_at, p.id), p) for p in self.proposals.values() if p.status is status)
        return ((p, key) for key, p in keyed if after is None or key > after)

    def created_since(self, status: Status, since: float) -> Iterator[Proposal]:
        return (p for p, _ in self.by_status(status, after=status_sort_key(since, "")))

    def count(self, status: Status) -> int:
        return sum(p.status is status for p in self.proposals.values())

    def submissions(self, participant_id: str) -> Submissions:
        return self.by_author.get(participant_id, Submissions())

    def submit(self, proposal: Proposal, before: Submissions, after: Submissions) -> bool:
        if len(self.submissions(proposal.author_id).ids) != len(before.ids) or proposal.id in self.proposals:
            return False
        self.by_author[proposal.author_id] = after
        self.proposals[proposal.id] = proposal
        return True

    def lock(self, proposal_id: str, owner: str, now: float, until: float) -> Proposal | None:
        p = self.proposals.get(proposal_id)
        if p is None or p.status not in (Status.PENDING, Status.POSTPONED) or not _free(p, owner, now):
            return None
        self.proposals[proposal_id] = dataclasses.replace(p, lock_owner=owner, lock_until=until)
        return self.proposals[proposal_id]

    def decide(self, decided: Proposal, previous: Proposal, decision: Decision, now: float) -> bool:
        p = self.proposals.get(decided.id)
        if p is None or p.status is not previous.status or not _free(p, decision.moderator, now):
            return False
        self.proposals[decided.id] = dataclasses.replace(decided, lock_owner=None, lock_until=None)
        self.trail.setdefault(decided.id, []).append(decision)
        return True

    def decisions(self, proposal_id: str) -> list[Decision]:
        return list(self.trail.get(proposal_id, []))


def _free(p: Proposal, moderator: str, now: float) -> bool:
    return p.lock_until is None or p.lock_until < now or p.lock_owner == moderator


class FakeVoteStore:
    """Votes, and the submissions a participant's partition also holds (for `not_to_serve`)."""

    def __init__(self, proposals: FakeProposalStore) -> None:
        self.votes: dict[tuple[str, str], Vote] = {}
        self.proposals = proposals

    def put(self, vote: Vote) -> tuple[Vote, bool]:
        key = (vote.participant_id, vote.proposal_id)
        current = self.votes.get(key)
        if current is None or current.key is not vote.key:
            self.votes[key] = vote
            return vote, True
        if current.trust is Trust.UNTRUSTED and vote.trust is Trust.SEQUENCE:
            self.votes[key] = dataclasses.replace(current, trust=Trust.SEQUENCE, voted_at=vote.voted_at, source=vote.source)
            return self.votes[key], True
        return current, False

    def get(self, participant_id: str, proposal_id: str) -> Vote | None:
        return self.votes.get((participant_id, proposal_id))

    def delete(self, participant_id: str, proposal_id: str) -> bool:
        return self.votes.pop((participant_id, proposal_id), None) is not None

    def qualify(self, participant_id: str, proposal_id: str, qualification: str, key: VoteKey) -> Vote | None:
        current = self.votes.get((participant_id, proposal_id))
        if current is None or current.key is not key or qualification in current.qualifications:
            return None
        self.votes[(participant_id, proposal_id)] = dataclasses.replace(current, qualifications=current.qualifications | {qualification})
        return self.votes[(participant_id, proposal_id)]

    def unqualify(self, participant_id: str, proposal_id: str, qualification: str) -> bool:
        current = self.votes.get((participant_id, proposal_id))
        if current is None or qualification not in current.qualifications:
            return False
        self.votes[(participant_id, proposal_id)] = dataclasses.replace(current, qualifications=current.qualifications - {qualification})
        return True

    def not_to_serve(self, participant_id: str) -> set[str]:
        voted = {proposal for who, proposal in self.votes if who == participant_id}
        return voted | set(self.proposals.submissions(participant_id).ids)

    def sample(self) -> Any:
        raise NotImplementedError("the snapshot's sample is tested on moto (test_snapshot_results)")

    def scan_counted(self) -> Iterator[Counted]:
        return iter(self.votes.values())


class FakeThemeStore:
    def __init__(self) -> None:
        self.themes: dict[str, Theme] = {}

    def add(self, theme: Theme) -> bool:
        return self.themes.setdefault(theme.id, theme) is theme

    def all(self) -> list[Theme]:
        return list(self.themes.values())


class FakeFiles:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.files[key] = body

    def get(self, key: str) -> bytes | None:
        return self.files.get(key)

    def get_if_changed(self, key: str, etag: str | None) -> tuple[bytes | None, str | None, bool]:
        body = self.files.get(key)
        now = hashlib.md5(body).hexdigest() if body is not None else None
        return (None, etag, False) if now == etag else (body, now, True)


class FakeOnce:
    """Powertools idempotency's answers: the first one replayed; another payload under the same key refused."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str | None, ...], tuple[dict[str, Any], dict[str, Any]]] = {}

    def __call__(self, key: tuple[str | None, ...], action: Action, payload: dict[str, Any], lambda_context: Any) -> dict[str, Any]:
        if key[-1] is None:
            return action()
        if key in self.answers:
            first, answer = self.answers[key]
            if first != payload:
                raise IdempotencyValidationError("payload does not match the stored record")
            return answer
        answer = action()
        self.answers[key] = (payload, answer)
        return answer


class FakeTallyStore:
    """All-or-nothing commits conditioned on the checkpoint, like TransactWriteItems, and staged parts;
    can crash on demand, before a write takes effect (`crash_on`) or after it did (`crash_after`: the
    answer was lost). Every conditional write (commit, staging, a part) counts as one transaction."""

    def __init__(self) -> None:
        self.counters: dict[TallyRef, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.checkpoints: dict[str, int] = {}
        self.transactions = 0
        self.crash_on: set[int] = set()  # transaction numbers that fail before taking effect
        self.crash_after: set[int] = set()  # transaction numbers that take effect, then fail
        self.history: list[int] = [0]  # every checkpoint committed so far
        self.stale_read: int | None = None  # the next checkpoint read returns this older value
        self.staging: dict[str, Staged] = {}
        self.stored_parts: dict[tuple[str, str, int], dict] = {}

    def checkpoint(self, shard_id: str) -> int:
        if self.stale_read is not None:  # a concurrent delivery read the checkpoint before another committed
            stale, self.stale_read = self.stale_read, None
            return stale
        return self.checkpoints.get(shard_id, 0)

    def _transaction(self, condition, effect):
        self.transactions += 1
        if self.transactions in self.crash_on:
            raise TimeoutError("simulated crash")
        if not condition:
            raise CheckpointMoved("condition failed")
        effect()
        if self.transactions in self.crash_after:
            raise ConnectionResetError("committed, but the answer was lost")

    def _add(self, changes):
        for ref, counters in changes.items():
            for name, n in counters.items():
                self.counters[ref][name] += n

    def _move(self, shard_id, checkpoint):
        self.checkpoints[shard_id] = checkpoint
        self.history.append(checkpoint)

    def commit(self, shard_id, changes, expected, checkpoint):
        assert len(changes) <= MAX_TALLIES_PER_PART
        ok = self.checkpoints.get(shard_id, 0) == expected and shard_id not in self.staging
        self._transaction(ok, lambda: (self._add(changes), self._move(shard_id, checkpoint)))

    def staged(self, shard_id):
        return self.staging.get(shard_id)

    def stage(self, shard_id, cut, expected, checkpoint):
        staged = Staged(f"{expected}-{checkpoint}", len(cut), 0)
        for i, part in enumerate(cut):
            assert len(part) <= MAX_TALLIES_PER_PART
            self.stored_parts[shard_id, staged.key, i] = part
        ok = self.checkpoints.get(shard_id, 0) == expected and shard_id not in self.staging
        self._transaction(ok, lambda: (self._move(shard_id, checkpoint), self.staging.__setitem__(shard_id, staged)))
        return staged

    def part(self, shard_id, staged, index):
        return self.stored_parts[shard_id, staged.key, index]

    def apply_part(self, shard_id, staged, changes):
        ok = self.staging.get(shard_id) == staged

        def effect():
            self._add(changes)
            if staged.applied + 1 == staged.parts:
                del self.staging[shard_id]
            else:
                self.staging[shard_id] = Staged(staged.key, staged.parts, staged.applied + 1)

        self._transaction(ok, effect)

    def forget(self, shard_id, staged):
        for i in range(staged.parts):
            self.stored_parts.pop((shard_id, staged.key, i), None)

    def read_all(self):
        return {ref: {k: n for k, n in c.items() if n} for ref, c in self.counters.items() if any(c.values())}


class FakeStores:
    @cached_property
    def participants(self) -> FakeParticipantStore:
        return FakeParticipantStore()

    @cached_property
    def proposals(self) -> FakeProposalStore:
        return FakeProposalStore()

    @cached_property
    def votes(self) -> FakeVoteStore:
        return FakeVoteStore(self.proposals)

    @cached_property
    def tallies(self) -> FakeTallyStore:
        return FakeTallyStore()

    @cached_property
    def themes(self) -> FakeThemeStore:
        return FakeThemeStore()

    @cached_property
    def files(self) -> FakeFiles:
        return FakeFiles()

    @cached_property
    def once(self) -> FakeOnce:
        return FakeOnce()


def services(consultation: Consultation, clock: Callable[[], float]) -> tuple[Services, FakeStores]:
    """A root on fakes, and the fakes, for a test to arrange and inspect."""
    stores = FakeStores()
    return Services(lambda: consultation, lambda _: stores, lambda: b"unit-test-secret", "https://results.example", clock), stores
