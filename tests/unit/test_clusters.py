from agora.domain.text import words
from agora.results.clusters import cluster_proposals


def test_proposals_are_clustered_by_the_words_they_share():
    texts = [
        "Il faut plus de pistes cyclables", "Il faut des pistes cyclables sûres", "Il faut sécuriser les pistes cyclables",
        "Il faut isoler les logements", "Il faut aider à isoler les logements anciens", "Il faut isoler les logements sociaux",
        "Il faut un cinéma",
    ]
    found = cluster_proposals([words(t, ["Il faut "]) for t in texts], k=2)
    assert [c.rows for c in found] == [(0, 1, 2), (3, 4, 5)]  # the cinema shares no telling word
    assert {c.keywords[0] for c in found} <= {"pistes", "cyclables", "isoler", "logements"}
    assert cluster_proposals([words(t, ["Il faut "]) for t in texts], k=2) == found  # the same every time


def test_nothing_to_cluster_proposals():
    assert cluster_proposals([], 3) == [] and cluster_proposals([["unique"]], 3) == []
