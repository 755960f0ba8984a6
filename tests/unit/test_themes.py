import pytest

from agora.domain.errors import InvalidInput
from agora.domain.text import words
from agora.domain.themes import check_known, group, suggest, theme_id


def test_a_theme_id_is_its_name_without_accents_or_punctuation():
    assert theme_id("Mobilité & transports") == "mobilite-transports"
    assert theme_id("  Énergie !") == "energie"
    with pytest.raises(InvalidInput):
        theme_id("!!!")


def test_tags_must_name_existing_themes():
    check_known(["eau"], ["eau", "mer"])
    with pytest.raises(InvalidInput) as refused:
        check_known(["eau", "feu"], ["eau"])
    assert refused.value.details["unknown"] == ["feu"]


def test_similar_tagged_proposals_vote_for_their_themes():
    assert suggest([(0.9, ["eau"]), (0.6, ["eau", "mer"]), (0.5, []), (0.2, ["train"])]) == [("eau", 0.882), ("mer", 0.353)]
    assert suggest([(0.5, [])]) == [] and suggest([]) == []


def test_proposals_are_grouped_by_the_words_they_share():
    texts = [
        "Il faut plus de pistes cyclables", "Il faut des pistes cyclables sûres", "Il faut sécuriser les pistes cyclables",
        "Il faut isoler les logements", "Il faut aider à isoler les logements anciens", "Il faut isoler les logements sociaux",
        "Il faut un cinéma",
    ]
    found = group([words(t, ["Il faut "]) for t in texts], k=2)
    assert [c.rows for c in found] == [(0, 1, 2), (3, 4, 5)]  # the cinema shares no telling word
    assert {c.keywords[0] for c in found} <= {"pistes", "cyclables", "isoler", "logements"}
    assert group([words(t, ["Il faut "]) for t in texts], k=2) == found  # the same every time


def test_nothing_to_group():
    assert group([], 3) == [] and group([["unique"]], 3) == []
