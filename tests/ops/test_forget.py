"""`agora forget`: the profile goes, the votes lose what identifies their voter, and no vote tally moves —
recounted before and after on moto, with score fed from the stream."""

from __future__ import annotations

import time
from collections import Counter

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agora import cli, contract
from agora.adapters import items
from agora.adapters.tallies import TallyStore
from agora.domain.participants import Participant
from agora.domain.tallies import (
    PARTICIPANTS,
    contributions,
    delta,
    recount,
    source_sampled,
)
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey
from agora.local.inprocess import InProcessStack
from agora.ops.forget import anonymised

DEMOGRAPHICS = {"age": "25-34", "department": "29"}
KEPT_UNTIL = 2_000_000_000  # the items' expiry: far beyond the test


def stored(api: InProcessStack) -> list[dict]:
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=api.env[contract.CONTENT.env_var])
    return [items.deserialize(i) for page in pages for i in page["Items"]]


def counted(api: InProcessStack) -> list:
    return [items.counted_from(items.serialize(a)) for a in stored(api) if a["sk"] == contract.PROFILE_SK or a["sk"].startswith(contract.VOTE_SK)]


def tallies(api: InProcessStack) -> dict:
    return TallyStore(api.env[contract.TALLIES.env_var], boto3.client("dynamodb")).read_all()


def a_sampled_id() -> str:
    return next(pid for pid in (f"sampled{i:04d}" for i in range(1000)) if source_sampled(pid))


def test_forget_keeps_every_vote_tally_and_takes_the_person_out_of_the_participant_counts(api: InProcessStack, deployed: dict) -> None:
    proposals = api.published(3)
    db, table = boto3.client("dynamodb"), api.env[contract.CONTENT.env_var]

    # Participants over the API: fresh voters, trusted votes with qualifications.
    people = []
    for _ in range(3):
        reply = api.call("POST", "/participants", {"demographics": DEMOGRAPHICS})
        token = reply.body["participant_token"]
        for served in api.call("GET", "/sequence", token=token).body["proposals"]:
            assert api.call("PUT", f"/proposals/{served['id']}/vote", {"key": "agree", "proof": served["proof"]}, token=token).status == 200
            assert api.call("PUT", f"/proposals/{served['id']}/vote/qualifications/like_it", token=token).status == 200
        people.append(reply.body["participant_id"])
    # One written as older votes would be: a voter in the network sample, trusted and untrusted,
    # fresh and not.
    veteran, now = a_sampled_id(), time.time()
    db.put_item(TableName=table, Item=items.participant_item(Participant(veteran, now - 7200, dict(DEMOGRAPHICS)), KEPT_UNTIL))
    votes = [
        Vote(veteran, proposals[0], VoteKey.DISAGREE, Trust.SEQUENCE, frozenset({"no_way"}), dict(DEMOGRAPHICS), now, now - 7200, "net0000001"),
        Vote(veteran, proposals[1], VoteKey.AGREE, Trust.SEQUENCE, frozenset(), dict(DEMOGRAPHICS), now, now - 60, "net0000001"),
        Vote(veteran, proposals[2], VoteKey.NEUTRAL, Trust.UNTRUSTED, frozenset(), dict(DEMOGRAPHICS), now, now - 7200, "net0000002"),
    ]
    for vote in votes:
        db.put_item(TableName=table, Item=items.vote_item(vote, KEPT_UNTIL))
    api.count()
    before = tallies(api)
    assert before == recount(counted(api))

    forgotten = [veteran, people[0]]
    profiles = {pid: next(p for p in counted(api) if isinstance(p, Participant) and p.id == pid) for pid in forgotten}
    for pid in forgotten:
        assert cli.main(["forget", pid, "--consultation", "demo"]) == 0
    api.count()  # score sees the votes' MODIFY and the profiles' REMOVE records
    after = tallies(api)

    # Every tally but the participant counts is what it was; those lost exactly the two profiles.
    expected = Counter({(ref, name): n for ref, counters in before.items() for name, n in counters.items()})
    for profile in profiles.values():
        expected.subtract(contributions(profile))
    assert {k: n for k, n in expected.items() if n} == {(r, n): v for r, c in after.items() for n, v in c.items()}
    vote_tallies = lambda t: {ref: {n: v for n, v in c.items() if n != PARTICIPANTS} for ref, c in t.items() if ref.proposal_id}
    assert vote_tallies(after) == vote_tallies(before) and vote_tallies(after)
    # ... and they still equal a recount of what is stored.
    assert after == recount(counted(api))

    # What is left of the veteran: no profile, votes without their times and (but for the sampled
    # trusted vote the network signal counts) without their network.
    left = {a["sk"]: a for a in stored(api) if a["pk"] == contract.PARTICIPANT + veteran}
    assert contract.PROFILE_SK not in left and len(left) == 3
    not_fresh, fresh, untrusted = (left[contract.VOTE_SK + p] for p in proposals)
    assert all(v["voted_at"] % 86_400 == 0 for v in left.values())
    assert "voter_since" not in not_fresh and fresh["voter_since"] == fresh["voted_at"]
    assert not_fresh["source"] == "net0000001" and fresh["source"] == "net0000001"
    assert "source" not in untrusted and "segments" not in untrusted
    assert set(not_fresh["qualifications"]) == {"no_way"} and not_fresh[contract.CONTENT.ttl_attribute]
    # An API participant is no network sample: their votes lose the tag.
    assert all("source" not in a for a in stored(api) if a["pk"] == contract.PARTICIPANT + people[0] and not source_sampled(people[0]))


def test_forgetting_twice_or_nobody_is_harmless(api: InProcessStack, deployed: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["forget", "nobody", "--consultation", "demo"]) == 0
    assert "no profile found, 0 votes anonymised" in capsys.readouterr().out


votes = st.builds(
    Vote,
    participant_id=st.text("abcdef0123456789", min_size=8, max_size=12),
    proposal_id=st.just("p1"),
    key=st.sampled_from(VoteKey),
    trust=st.sampled_from(Trust),
    qualifications=st.frozensets(st.sampled_from([q for qs in QUALIFICATIONS.values() for q in qs]), max_size=2),
    segments=st.dictionaries(st.sampled_from(["age", "department"]), st.sampled_from(["a", "b"])),
    voted_at=st.floats(1.7e9, 1.8e9),
    voter_since=st.one_of(st.just(0.0), st.floats(1.6e9, 1.8e9)),
    source=st.sampled_from(["", "net0000001"]),
)


@given(votes)
def test_anonymising_any_vote_changes_no_tally_and_keeps_nothing_it_does_not_need(vote: Vote) -> None:
    new = anonymised(vote)
    assert delta(vote, new) == {}
    assert new.voted_at % 86_400 == 0 and new.voter_since in (0.0, new.voted_at)
    if not vote.trust.counted:  # an untrusted vote is counted nowhere but apart
        assert not new.segments and not new.source and not new.voter_since
    if not source_sampled(vote.participant_id):
        assert not new.source
