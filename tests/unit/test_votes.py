import pytest

from agora.domain.errors import Conflict, InvalidInput
from agora.domain.votes import QUALIFICATIONS, Trust, Vote, VoteKey, check_qualification, qualified_key


def vote(key):
    return Vote("alice", "p", key, Trust.SEQUENCE)


@pytest.mark.parametrize(("key", "qualification"), [(k, q) for k, qs in QUALIFICATIONS.items() for q in qs])
def test_each_of_the_nine_qualifications_belongs_to_one_key(key, qualification):
    assert qualified_key(qualification) is key
    check_qualification(vote(key), qualification)
    for other in VoteKey:
        if other is not key:
            with pytest.raises(InvalidInput) as refused:
                check_qualification(vote(other), qualification)
            assert refused.value.code == "qualification_mismatch"
            assert list(QUALIFICATIONS[other]) == refused.value.details["allowed"]


def test_there_are_nine_qualifications():
    assert sum(len(qs) for qs in QUALIFICATIONS.values()) == 9


def test_an_unknown_qualification_is_refused():
    with pytest.raises(InvalidInput) as refused:
        qualified_key("love_it")
    assert refused.value.code == "unknown_qualification"


def test_qualifying_needs_a_vote():
    with pytest.raises(Conflict) as refused:
        check_qualification(None, "like_it")
    assert refused.value.code == "no_vote"


def test_a_vote_is_fresh_only_within_the_first_hour_of_its_voter():
    assert Vote("a", "p", VoteKey.AGREE, Trust.SEQUENCE, voted_at=3599, voter_since=1).fresh
    assert not Vote("a", "p", VoteKey.AGREE, Trust.SEQUENCE, voted_at=3601, voter_since=1).fresh
    assert not Vote("a", "p", VoteKey.AGREE, Trust.SEQUENCE, voted_at=10).fresh  # unknown registration time
