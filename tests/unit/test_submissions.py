import pytest

from agora.config import ProposalRules
from agora.domain.errors import RateLimited
from agora.domain.submissions import HOUR, Submissions, admit

RULES = ProposalRules(prefix={"fr": "Il faut "}, per_participant=4, per_participant_per_hour=2)
CLOSES = 1_000_000.0


def test_each_admitted_proposal_is_counted_and_timed():
    after = admit(Submissions(), "a", 100.0, RULES, CLOSES)
    assert after == Submissions(("a",), (100.0,))
    assert admit(after, "b", 200.0, RULES, CLOSES) == Submissions(("a", "b"), (100.0, 200.0))


def test_the_hour_slides():
    two = Submissions(("a", "b"), (100.0, 1000.0))
    with pytest.raises(RateLimited) as refused:
        admit(two, "c", 2000.0, RULES, CLOSES)
    assert refused.value.code == "hourly_cap_reached"
    assert refused.value.retry_after == 100 + HOUR - 2000  # until the older one leaves the hour
    later = admit(two, "c", 100.0 + HOUR + 1, RULES, CLOSES)
    assert later.recent == (1000.0, 100.0 + HOUR + 1)  # times older than an hour are forgotten


def test_the_consultation_cap_lasts_until_the_consultation_closes():
    full = Submissions(("a", "b", "c", "d"), ())
    with pytest.raises(RateLimited) as refused:
        admit(full, "e", 5000.0, RULES, CLOSES)
    assert refused.value.code == "proposal_cap_reached"
    assert refused.value.retry_after == CLOSES - 5000
    assert refused.value.details == {"retry_after": CLOSES - 5000, "limit": 4}


def test_the_caps_are_bounded_for_one_batch_read():
    with pytest.raises(ValueError):
        ProposalRules(prefix={"fr": "Il faut "}, per_participant=101)
