"""Participants: anonymous, with optional demographic answers the consultation asks for.

A participant is someone who took part (voted or proposed); registering alone makes a visitor,
who is not counted — a page opened in three browsers must not add three participants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from agora.config import DemographicQuestion
from agora.domain.errors import InvalidInput, clipped, shown


@dataclass(frozen=True)
class Participant:
    id: str
    created_at: float
    demographics: dict[str, str] = field(default_factory=dict)
    took_part_at: float | None = None  # the first vote or proposal; None: a visitor


def validate_demographics(
    answers: Mapping[str, str | None], questions: tuple[DemographicQuestion, ...]
) -> dict[str, str]:
    """Keep the answered questions; a `None` answer means "prefer not to say". Unknown ones are refused."""
    known = {q.id: q for q in questions}
    clean: dict[str, str] = {}
    for qid, answer in answers.items():
        question = known.get(qid)
        if question is None:
            raise InvalidInput(
                "unknown_question",
                f"{shown(qid)} is not one of this consultation's questions {sorted(known)}.",
                {"field": f"demographics.{clipped(qid)}"},
            )
        if answer is None:
            continue
        if answer not in question.choices:
            raise InvalidInput(
                "invalid_answer",
                f"{shown(answer)} is not a choice for {qid!r}; choose one of {list(question.choices)}.",
                {"field": f"demographics.{qid}", "allowed": list(question.choices)},
            )
        clean[qid] = answer
    return clean
