import pytest

from agora.domain.errors import InvalidInput
from agora.domain.themes import check_known, suggest, theme_id


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
