"""The sequence pool file: what the snapshot publishes is what next_proposal serves."""

import io
from dataclasses import replace

import numpy as np
import pytest

from agora.adapters import pool as pool_file
from agora.domain.sequencing import SequencePolicy, SequencePool
from agora.services.snapshot import POOL_COUNTERS
from tests.synthetic import proposal


def published(proposals, counts=None):
    return pool_file.decode(pool_file.encode(proposals, counts or {}, POOL_COUNTERS, 1.0, SequencePolicy()))


def test_each_proposal_is_served_with_its_own_text_language_and_counts():
    proposals = [proposal(i) for i in (4, 1, 3, 0, 2)]  # not in id order: the file sorts them
    proposals[2] = proposal(3, "Il faut une autre chose, déjà écrite à l'été")
    pool = published(proposals, {proposals[2].id: {"agree": 7, "no_way": 2}})
    assert [pool.text(p.id) for p in proposals] == [(p.text, p.language) for p in proposals]
    at = pool.pool.position(proposals[2].id)
    assert (pool.pool.count("agree")[at], pool.pool.count("no_way")[at], int(pool.pool.votes.sum())) == (7, 2, 7)
    assert pool_file.accepted_ids(pool_file.encode(proposals, {}, POOL_COUNTERS, 1.0, SequencePolicy())) == {p.id for p in proposals}


@pytest.mark.parametrize("ids", [["a", "b", "c", "d"], ["d", "b", "a", "c"]])
def test_a_participants_votes_are_found_in_a_sorted_pool_or_not(ids):
    pool = SequencePool.from_counts(ids, {})
    voted = {"c", "a", "missing", "zz", ""}
    assert sorted(pool.ids[pool.positions(voted)]) == ["a", "c"]
    assert [pool.position(p) for p in ids] == [0, 1, 2, 3]
    with pytest.raises(KeyError):
        pool.position("b2")


def test_authors_and_themes_keep_apart_by_code():
    proposals = [
        replace(proposal(0), author_id="x", themes=("eau", "air")),
        replace(proposal(1), author_id="y", themes=()),
        replace(proposal(2), author_id="x", themes=("air",)),
    ]
    pool = published(proposals).pool
    at = [pool.position(p.id) for p in proposals]
    authors, themes = pool.authors[at], [set(pool.themes[i].tolist()) for i in at]
    assert authors[0] == authors[2] != authors[1]
    assert themes[1] == set() and themes[2] < themes[0] and len(themes[0]) == 2


def rewritten(body, change):
    with np.load(io.BytesIO(body)) as archive:
        columns = {name: archive[name] for name in archive.files}
    change(columns)
    out = io.BytesIO()
    np.savez(out, **columns)
    return out.getvalue()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update(languages=c["languages"][:-1]), "pool column 'languages' has 2 values, expected 3"),
        (lambda c: c.pop("authors"), "the pool file lacks column 'authors'"),
        (lambda c: c.update({"texts": c["texts"][:-1]}), "pool column 'texts' does not match its offsets"),
        (lambda c: c.pop("ids"), "the pool file lacks 'ids'"),
    ],
)
def test_a_malformed_pool_file_is_refused_by_name(change, message):
    body = pool_file.encode([proposal(i) for i in range(3)], {}, POOL_COUNTERS, 1.0, SequencePolicy())
    with pytest.raises(ValueError, match=message):
        pool_file.decode(rewritten(body, change))


def test_a_file_that_is_not_a_pool_is_refused():
    with pytest.raises(ValueError, match="not a pool"):
        pool_file.decode(b'{"ids": []}')


def test_the_openness_published_is_the_one_a_container_would_compute_for_that_policy():
    proposals = [proposal(i) for i in range(40)]
    counts = {p.id: {"agree": 3 * i % 17, "disagree": i % 11, "neutral": 2} for i, p in enumerate(proposals)}
    policy = SequencePolicy(min_votes=5)
    pool = pool_file.decode(pool_file.encode(proposals, counts, POOL_COUNTERS, 1.0, policy)).pool
    computed = SequencePool.from_counts(pool.ids, pool.counts)
    for settings in (policy, SequencePolicy()):  # the second one is not in the file: computed, not read
        assert np.array_equal(pool.openness(settings), computed.openness(settings))
        assert np.array_equal(pool.draw_distance(settings), computed.draw_distance(settings))
    assert np.isfinite(pool.openness(policy)).sum() > 0


def test_a_pool_published_for_a_policy_this_code_does_not_know_is_served_with_its_own_openness():
    proposals = [proposal(i) for i in range(30)]
    counts = {p.id: {"agree": i % 13, "disagree": i % 7} for i, p in enumerate(proposals)}
    body = pool_file.encode(proposals, counts, POOL_COUNTERS, 1.0, SequencePolicy())
    newer = rewritten(body, lambda c: c.update(policy=np.asarray('{"min_votes": 10, "a_later_setting": 1}'), openness=np.zeros(30, np.float32)))
    pool = pool_file.decode(newer).pool
    assert np.array_equal(pool.openness(SequencePolicy()), SequencePool.from_counts(pool.ids, pool.counts).openness(SequencePolicy()))
