import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agora.domain.similarity import TextIndex
from agora.domain.text import padded, words

PREFIXES = ("Il faut ", "We should ")


def index(*texts, reference=None):
    return TextIndex.build([words(t, PREFIXES) for t in texts], reference)


def vector(idx, text):
    return idx.vector(words(text, PREFIXES))


def test_words_drop_the_prefix_accents_case_punctuation_and_elisions():
    assert words("Il faut protéger l'eau des Rivières !", PREFIXES) == ["proteger", "eau", "des", "rivieres"]
    assert words("IL FAUT Protéger", PREFIXES) == ["proteger"]
    assert words("We should ban cars.", PREFIXES) == ["ban", "cars"]
    assert words("Il faut", PREFIXES) == [] and words("Il fauterait", PREFIXES) == ["il", "fauterait"]
    assert padded(["a", "bc"]) == " a  bc "


def test_the_same_idea_written_differently_scores_near_one():
    idx = index("Il faut protéger les rivières", "Il faut rouvrir les lignes de train")
    scores = idx.scores(vector(idx, "IL FAUT PROTEGER LES RIVIERES !!!"))
    assert scores[0] == pytest.approx(1.0, abs=1e-5) and scores[1] < 0.2


def test_the_prefix_alone_drives_nothing():
    idx = index("Il faut agir pour les abeilles", "We should act for bees")
    assert not idx.scores(vector(idx, "Il faut")).any()
    assert not idx.scores(vector(idx, "We should")).any()


def test_rare_words_weigh_more_than_common_ones():
    idx = index(
        "Il faut des pistes cyclables", "Il faut des bus", "Il faut des trains", "Il faut des composteurs partagés"
    )
    ranked = idx.nearest(vector(idx, "Il faut des composteurs"), 4, 0.0)
    assert ranked[0][0] == 3 and ranked[0][1] > 2 * ranked[1][1]


def test_nearest_ranks_limits_thresholds_and_excludes():
    idx = index("Il faut planter des arbres", "Il faut planter des haies", "Il faut des arbres", "Il faut voir")
    query = vector(idx, "Il faut planter des arbres")
    ranked = idx.nearest(query, 10, 0.0)
    assert ranked[0] == (0, 1.0) and [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    assert 3 not in {r for r, _ in ranked}  # nothing in common: not a match at any threshold
    assert idx.nearest(query, 1, 0.0) == ranked[:1]
    assert all(s >= 0.5 for _, s in idx.nearest(query, 10, 0.5))
    assert 0 not in {r for r, _ in idx.nearest(query, 10, 0.0, exclude=[0])}


def test_an_empty_index_and_an_empty_query_find_nothing():
    empty = TextIndex.build([])
    assert empty.nearest(empty.vector(["arbres"]), 5, 0.0) == []
    idx = index("Il faut agir", "")
    assert idx.nearest(idx.vector([]), 5, 0.0) == []


def test_new_texts_are_weighed_with_the_reference_frequencies():
    reference = index("Il faut des arbres", "Il faut des arbres en ville", "Il faut des bus")
    fresh = index("Il faut des arbres en ville", reference=reference)
    query = vector(reference, "Il faut des arbres en ville")
    assert fresh.nearest(query, 1, 0.0) == [(0, pytest.approx(1.0, abs=1e-4))]


texts = st.lists(st.text(alphabet="abcdeéè xyz'!", min_size=0, max_size=40), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(texts, st.text(alphabet="abcdeéè xyz'!", max_size=40))
def test_the_inverted_index_equals_brute_force_cosine(corpus, query):
    """The index's scores are the cosines of the same TF-IDF vectors compared one by one."""
    idx = index(*corpus)
    q = vector(idx, query)
    brute = np.zeros(len(corpus))
    for row, text in enumerate(corpus):
        d = vector(idx, text)
        common, qi, di = np.intersect1d(q.codes, d.codes, return_indices=True)
        brute[row] = float(np.dot(q.weights[qi], d.weights[di])) if len(common) else 0.0
    assert np.allclose(idx.scores(q), brute, atol=1e-5)
