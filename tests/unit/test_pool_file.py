"""The sequence pool file: what the snapshot publishes is what next_proposal serves."""

import json

import pytest

from agora.adapters import pool as pool_file
from agora.services.snapshot import POOL_COUNTERS
from tests.synthetic import proposal


def test_each_proposal_is_served_with_its_own_text_and_language():
    proposals = [proposal(i) for i in range(5)]
    proposals[3] = proposal(3, "Il faut une autre chose")
    published = pool_file.decode(pool_file.encode(proposals, {}, POOL_COUNTERS, 1.0))
    assert [published.text(p.id) for p in reversed(proposals)] == [(p.text, p.language) for p in reversed(proposals)]


def test_a_column_that_does_not_match_the_ids_is_refused_by_name():
    data = json.loads(pool_file.encode([proposal(i) for i in range(3)], {}, POOL_COUNTERS, 1.0))
    data["languages"].pop()
    with pytest.raises(ValueError, match="'languages' has 2 values for 3 ids"):
        pool_file.decode(json.dumps(data).encode())
