"""Participants voting on proposals and qualifying their votes: one conditional write each (and,
at a participant's first vote, the mark that makes them count); the stream does the counting."""

from __future__ import annotations

import time
from collections.abc import Callable

from agora.config import Consultation
from agora.services.participants import TakingPart
from agora.domain.errors import Conflict, RateLimited
from agora.domain.identity import Claims, Signer, network_key
from agora.domain.limits import SlidingWindow
from agora.domain.opening import check_open
from agora.domain.votes import Trust, Vote, VoteKey, check_qualification, qualified_key
from agora.services import ports


class VotingService:
    def __init__(
        self,
        consultation: Consultation,
        votes: ports.VoteStore,
        votable: ports.Published[frozenset[str]],
        signer: Signer,
        taking_part: TakingPart,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.consultation, self.votes, self.votable, self.signer, self.clock = consultation, votes, votable, signer, clock
        self.taking_part = taking_part
        limits = consultation.votes
        self.per_participant = SlidingWindow(limits.per_participant_per_minute, 60)
        self.per_source = SlidingWindow(limits.per_source_per_minute, 60)

    def vote(
        self, voter: Claims, proposal_id: str, key: VoteKey, proof: str | None, address: str | None = None
    ) -> tuple[Vote, bool]:
        """Record the vote; the vote as stored (its trust included) and whether this request changed it.

        The same key again changes nothing but an untrusted vote's trust, when it now comes with a
        valid proof; another key replaces the vote (and its qualifications)."""
        now = self._admit(voter, proposal_id, address)
        pid = voter.participant_id
        vote = Vote(
            participant_id=pid,
            proposal_id=proposal_id,
            key=key,
            trust=Trust.SEQUENCE if self.signer.proof_is_valid(proof, pid, proposal_id, now) else Trust.UNTRUSTED,
            segments=voter.segments,
            voted_at=round(now, 3),
            voter_since=voter.since,
            source=self.signer.source_tag(address),
        )
        stored = self.votes.put(vote)
        self.taking_part.note(pid, now)
        return stored

    def withdraw(self, voter: Claims, proposal_id: str) -> bool:
        check_open(self.consultation, self.clock())
        return self.votes.delete(voter.participant_id, proposal_id)

    def qualify(
        self, voter: Claims, proposal_id: str, qualification: str, address: str | None = None
    ) -> tuple[Vote, bool]:
        """Add a qualification allowed for the current vote key; several may stack on one vote."""
        key = qualified_key(qualification)
        self._admit(voter, proposal_id, address)
        updated = self.votes.qualify(voter.participant_id, proposal_id, qualification, key)
        if updated is not None:
            return updated, True
        current = self.votes.get(voter.participant_id, proposal_id)
        check_qualification(current, qualification)  # says why: no vote, or a vote of another key
        if current is not None and qualification in current.qualifications:
            return current, False  # already there: a retry or a double tap
        raise Conflict("vote_changed", "Your vote changed while it was being qualified; try again.")

    def unqualify(self, voter: Claims, proposal_id: str, qualification: str) -> bool:
        qualified_key(qualification)
        check_open(self.consultation, self.clock())
        return self.votes.unqualify(voter.participant_id, proposal_id, qualification)

    def _admit(self, voter: Claims, proposal_id: str, address: str | None) -> float:
        now = self.clock()
        check_open(self.consultation, now)
        self._check_votable(proposal_id)
        for window, key, who in (
            (self.per_participant, voter.participant_id, "you"),
            (self.per_source, network_key(address), "your network"),
        ):
            wait = window.hit(key, now)
            if wait is not None:
                raise RateLimited(
                    "too_many_votes",
                    f"Too many votes from {who} in the last minute; take a breath and retry in {wait} s.",
                    wait,
                )
        return now

    def _check_votable(self, proposal_id: str) -> None:
        # The published pool lists exactly the accepted proposals: checking it costs no database read.
        accepted = self.votable.get()
        if accepted is None or proposal_id not in accepted:
            raise Conflict(
                "proposal_not_votable",
                f"Proposal {proposal_id} is not open to votes (unknown, not accepted, or not yet published).",
            )
