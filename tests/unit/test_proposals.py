import pytest

from agora.config import ProposalRules
from agora.domain.errors import Conflict, InvalidInput
from agora.domain.proposals import (
    ALLOWED_FROM,
    Action,
    Proposal,
    Status,
    check_allowed,
    check_original,
    check_refusal,
    validate_text,
    visible_to,
)

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
        ("Il faut protéger\u2028=1+1 les arbres", "line_break"),
        ("Il faut protéger\u2029les arbres", "line_break"),
        ("Il faut planter\x85des arbres", "control_character"),  # NEL, another line break
        ("Il faut \u3164\u2800\u3164\u2800", "control_character"),  # blank letters: nothing to read
        ("Il faut planter\u3164des arbres", "control_character"),
        ("Il faut \u00a0\u3000\u2003\u00a0ab", "too_few_visible_characters"),  # spaces fill the length
        ("Il faut aaaaaaaaaa", "repeated_characters"),
        ("Il faut agir !!!!!!", "repeated_characters"),
        ("Il faut lolololololol", "repeated_characters"),
    ],
)
def test_bad_texts_are_refused_with_a_code_naming_the_problem(text, code):
    with pytest.raises(InvalidInput) as refused:
        validate_text(text, "fr", RULES)
    assert refused.value.code == code
    assert refused.value.details["field"] == "text"


def test_length_counts_the_prefix():
    """The bounds are inclusive and the prefix counts: one character fewer or more is refused."""
    exactly_min = "Il faut " + "agir"[: RULES.min_length - len("Il faut ")]
    assert validate_text(exactly_min, "fr", RULES) == exactly_min
    with pytest.raises(InvalidInput) as refused:
        validate_text(exactly_min[:-1], "fr", RULES)
    assert refused.value.code == "too_short"
    exactly_max = "We should " + ("abcdefghij" * 5)[: RULES.max_length - len("We should ")]
    assert validate_text(exactly_max, "en", RULES) == exactly_max
    with pytest.raises(InvalidInput) as refused:
        validate_text(exactly_max + "k", "en", RULES)
    assert refused.value.code == "too_long"


def test_a_language_outside_the_consultation_is_refused():
    with pytest.raises(InvalidInput) as refused:
        validate_text("Man sollte Bäume pflanzen", "de", RULES)
    assert refused.value.code == "unsupported_language"


def test_comparison_signs_are_not_mistaken_for_html():
    assert validate_text("Il faut viser 3 < 5 tonnes", "fr", RULES)


def test_spelled_out_numbers_and_short_repeats_are_not_spam():
    for text in ("Il faut planter 1000000 arbres", "Il faut agir... vite !!", "Il faut arrêter le ping-pong"):
        assert validate_text(text, "fr", RULES) == text


P = Proposal(id="a" * 32, text="Il faut agir", language="fr", author_id="x", created_at=0)

# Every (status, action) pair: True where the action is allowed.
TRANSITIONS = {
    (Status.PENDING, Action.ACCEPT): True,
    (Status.PENDING, Action.REFUSE): True,
    (Status.PENDING, Action.POSTPONE): True,
    (Status.PENDING, Action.TAG): True,
    (Status.PENDING, Action.REOPEN): False,  # nothing to undo
    (Status.POSTPONED, Action.ACCEPT): True,
    (Status.POSTPONED, Action.REFUSE): True,
    (Status.POSTPONED, Action.POSTPONE): False,
    (Status.POSTPONED, Action.TAG): True,
    (Status.POSTPONED, Action.REOPEN): True,
    (Status.ACCEPTED, Action.ACCEPT): False,  # would change a text people voted on
    (Status.ACCEPTED, Action.REFUSE): True,  # a problem found after publication
    (Status.ACCEPTED, Action.POSTPONE): False,
    (Status.ACCEPTED, Action.TAG): True,
    (Status.ACCEPTED, Action.REOPEN): True,  # an acceptance undone; its votes so far stay counted for it
    (Status.REFUSED, Action.ACCEPT): True,  # reconsidered: nobody voted on it yet
    (Status.REFUSED, Action.REFUSE): False,
    (Status.REFUSED, Action.POSTPONE): False,
    (Status.REFUSED, Action.TAG): False,
    (Status.REFUSED, Action.REOPEN): True,
}


def test_the_transition_table_covers_every_status_and_action():
    assert set(TRANSITIONS) == {(s, a) for s in Status for a in Action}
    assert {(s, a) for (s, a), ok in TRANSITIONS.items() if ok} == {(s, a) for a in Action for s in ALLOWED_FROM[a]}


@pytest.mark.parametrize(("status", "action"), sorted(TRANSITIONS, key=str))
def test_each_transition_is_allowed_or_refused_with_a_conflict(status, action):
    proposal = Proposal(**{**P.__dict__, "status": status})
    if TRANSITIONS[status, action]:
        check_allowed(proposal, action)
    else:
        with pytest.raises(Conflict) as refused:
            check_allowed(proposal, action)
        assert refused.value.code == "transition_not_allowed"


def test_refusal_reasons_come_from_the_charter():
    check_refusal("partisan", ("partisan", "already_exists"), None)
    with pytest.raises(InvalidInput) as refused:
        check_refusal("boring", ("partisan", "already_exists"), None)
    assert refused.value.code == "unknown_reason"


def test_only_an_already_exists_refusal_links_to_an_original():
    check_refusal("already_exists", ("partisan", "already_exists"), "b" * 32)
    with pytest.raises(InvalidInput) as refused:
        check_refusal("partisan", ("partisan", "already_exists"), "b" * 32)
    assert refused.value.code == "duplicate_needs_already_exists"


def test_an_original_is_another_live_proposal():
    original = Proposal(**{**P.__dict__, "id": "b" * 32, "status": Status.ACCEPTED})
    check_original(P, original, original.id)
    check_original(P, Proposal(**{**original.__dict__, "status": Status.PENDING}), original.id)
    for bad in (None, P, Proposal(**{**original.__dict__, "status": Status.REFUSED})):
        with pytest.raises(InvalidInput) as refused:
            check_original(P, bad, "b" * 32)
        assert refused.value.code == "invalid_original"


def test_only_accepted_proposals_are_public():
    assert not visible_to(P, None) and not visible_to(P, "someone") and visible_to(P, "x")
    assert visible_to(Proposal(**{**P.__dict__, "status": Status.ACCEPTED}), None)


def test_visible_characters_are_counted_after_the_prefix_only():
    assert validate_text("Il faut  agir  ", "fr", RULES) == "Il faut  agir"
    assert validate_text("Il faut 🌳🌳 ici", "fr", RULES)
    with pytest.raises(InvalidInput) as refused:
        validate_text("Il faut \u3000\u3000\u3000\u3000\u3000é", "fr", RULES)
    assert refused.value.code == "too_few_visible_characters" and refused.value.details["visible"] == 1
