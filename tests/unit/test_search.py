import pytest

from agora.domain.errors import InvalidInput
from agora.domain.search import cursor, find, key_of
from agora.domain.text import padded, words

TEXTS = ["Il faut des vélos", "Il faut des bus électriques", "Il faut des vélos électriques", "Il faut des trains"]
KEYS = [f"{i:03d}" for i in range(len(TEXTS))]
PADDED = [padded(words(t, ["Il faut "])) for t in TEXTS]
THEMES = [("mobilite",), ("mobilite", "energie"), (), ("mobilite",)]


def search(wanted, theme=None, before=None, limit=10):
    return find(KEYS, PADDED, THEMES, words(wanted), theme, before, limit)


def test_every_word_must_start_a_word_of_the_text_accents_and_case_aside():
    assert search("VELO")[0] == [2, 0]  # newest first
    assert search("velos electriques")[0] == [2]
    assert search("electrique")[0] == [2, 1]
    assert search("los")[0] == []  # inside a word is not a match
    assert search("")[0] == [3, 2, 1, 0]


def test_a_theme_narrows_the_search():
    assert search("electriques", theme="mobilite")[0] == [1]
    assert search("", theme="energie")[0] == [1]


def test_pages_follow_each_other_by_key():
    first, last = search("", limit=2)
    assert first == [3, 2] and last == KEYS[2]
    second, last = search("", before=last, limit=2)
    assert second == [1, 0] and last is None


def test_cursors_are_opaque_and_checked():
    assert key_of(cursor("000001#abc")) == "000001#abc"
    with pytest.raises(InvalidInput):
        key_of("%%%")
