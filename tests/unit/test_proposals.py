import pytest

from agora.config import ProposalRules
from agora.domain.errors import Conflict, InvalidInput
from agora.domain.proposals import Proposal, Status, check_decidable, check_refusal_reason, validate_text

RULES = ProposalRules(prefix={"fr": "Il faut ", "en": "We should "}, min_length=12, max_length=40)


def test_a_valid_text_is_kept_trimmed_and_nfc():
    assert validate_text("  Il faut planter des arbres  ", "fr", RULES) == "Il faut planter des arbres"
    decomposed = "Il faut aider les e\u0301coles"
    assert validate_text(decomposed, "fr", RULES) == "Il faut aider les \u00e9coles"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Il faut", "empty"),
        ("Il faut ok", "too_short"),  # 10 characters, prefix included; 12 are needed
        ("Il faut " + "x" * 40, "too_long"),
        ("Nous devons planter des arbres", "missing_prefix"),
        ("Il faut <b>planter</b> des arbres", "html"),
        ("Il faut planter &amp; arroser", "html"),
        ("Il faut planter\ndes arbres", "control_character"),
        ("Il faut planter\u200bdes arbres", "control_character"),
        ("Il faut planter\x00des arbres", "control_character"),
    ],
)
def test_bad_texts_are_refused_with_a_code_naming_the_problem(text, code):
    with pytest.raises(InvalidInput) as refused:
        validate_text(text, "fr", RULES)
    assert refused.value.code == code
    assert refused.value.details["field"] == "text"


def test_length_counts_the_prefix():
    exactly_min = "Il faut agir"  # 12
    assert len(exactly_min) == RULES.min_length
    assert validate_text(exactly_min, "fr", RULES) == exactly_min
    exactly_max = "We should " + "a" * (RULES.max_length - len("We should "))
    assert validate_text(exactly_max, "en", RULES) == exactly_max


def test_a_language_outside_the_consultation_is_refused():
    with pytest.raises(InvalidInput) as refused:
        validate_text("Man sollte Bäume pflanzen", "de", RULES)
    assert refused.value.code == "unsupported_language"


def test_comparison_signs_are_not_mistaken_for_html():
    assert validate_text("Il faut viser 3 < 5 tonnes", "fr", RULES)


def test_only_undecided_proposals_can_be_decided():
    p = Proposal(id="a" * 32, text="Il faut agir", language="fr", author_id="x", created_at=0)
    check_decidable(p)
    check_decidable(Proposal(**{**p.__dict__, "status": Status.POSTPONED}))
    with pytest.raises(Conflict):
        check_decidable(Proposal(**{**p.__dict__, "status": Status.ACCEPTED}))


def test_refusal_reasons_come_from_the_charter():
    check_refusal_reason("partisan", ("partisan", "other"))
    with pytest.raises(InvalidInput):
        check_refusal_reason("boring", ("partisan", "other"))
