"""No error answer grows with the request: values are echoed clipped, and over-long ones refused early."""

from __future__ import annotations

import json

import pytest

BIG = 2_000_000
SMALL_ENOUGH = 4_000  # bytes of a whole error answer


def size(reply) -> int:
    return len(json.dumps(reply.body))


@pytest.mark.parametrize(
    "demographics",
    [{"age": "x" * BIG}, {"q" * BIG: "18-24"}, {"q" * BIG: None}, {f"q{i}": None for i in range(10_000)}],
    ids=["long answer", "long question id", "long question id, no answer", "many questions"],
)
def test_a_flooded_registration_is_refused_with_a_small_answer(api, demographics):
    reply = api.call("POST", "/participants", {"demographics": demographics})
    assert reply.status == 422, reply.body
    assert size(reply) < SMALL_ENOUGH


def test_an_unknown_question_or_answer_is_named_and_clipped(api):
    unknown = api.call("POST", "/participants", {"demographics": {"pets": "cat"}})
    assert unknown.body["error"]["code"] == "unknown_question" and unknown.body["error"]["details"]["field"] == "demographics.pets"
    wrong = api.call("POST", "/participants", {"demographics": {"age": "y" * 60}})
    assert wrong.body["error"]["code"] == "invalid_answer" and "…" in wrong.body["error"]["message"]
    assert size(wrong) < SMALL_ENOUGH


def test_flooded_moderation_fields_are_refused_with_a_small_answer(api):
    pending = api.propose(api.participant(), "Il faut nettoyer les rivières")
    for path, body in [
        (f"/moderation/proposals/{pending}/refuse", {"reason": "r" * BIG}),
        (f"/moderation/proposals/{pending}/accept", {"themes": ["t" * BIG]}),
        ("/moderation/bulk", {"action": "refuse", "proposal_ids": [pending], "reason": "r" * BIG}),
    ]:
        reply = api.call("POST", path, body, moderator="mod")
        assert reply.status == 422 and size(reply) < SMALL_ENOUGH, (path, size(reply))
    unknown = api.call("POST", f"/moderation/proposals/{pending}/refuse", {"reason": "z" * 59}, moderator="mod")
    assert unknown.body["error"]["code"] == "unknown_reason" and size(unknown) < 1_000


def test_a_repeated_pattern_is_quoted_clipped(api):
    reply = api.call("POST", "/proposals", {"text": "Il faut " + "ab" * 60}, token=api.participant())
    assert reply.body["error"]["code"] == "repeated_characters"
    assert len(reply.body["error"]["details"]["repeated"]) <= 40
