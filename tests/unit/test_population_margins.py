import pytest
from pydantic import ValidationError

from agora.config import DemographicQuestion

AGE = {"id": "age", "label": {"en": "Age"}, "choices": ["young", "old"]}


def test_margins_are_optional():
    assert DemographicQuestion.model_validate(AGE).margins == {}


def test_rounded_census_shares_are_accepted():
    q = DemographicQuestion.model_validate({**AGE, "margins": {"young": 0.3333, "old": 0.6667}})
    assert q.margins["old"] == 0.6667


@pytest.mark.parametrize(
    "margins",
    [
        {"young": 0.5},  # a choice without a margin
        {"young": 0.5, "old": 0.4, "ghost": 0.1},  # a margin for no choice
        {"young": 0.5, "old": 0.6},  # does not sum to 1
        {"young": 1.2, "old": -0.2},  # negative
    ],
)
def test_margins_must_cover_exactly_the_choices_and_sum_to_one(margins):
    with pytest.raises(ValidationError):
        DemographicQuestion.model_validate({**AGE, "margins": margins})


def test_the_demo_has_brittany_margins_for_every_question(consultation):
    for question in consultation.demographics:
        assert set(question.margins) == set(question.choices)
        assert sum(question.margins.values()) == pytest.approx(1)
