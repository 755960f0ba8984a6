import numpy as np

from agora.results.kmeans import Points, Postings, kmeans


def test_points_far_apart_end_in_their_own_clusters():
    rng = np.random.default_rng(1)
    blobs = np.concatenate([rng.normal(centre, 0.1, size=(30, 2)) for centre in ((0, 0), (10, 0), (0, 10))])
    labels, centres = kmeans(Points(blobs), 3, np.random.default_rng(7), rounds=100)
    assert [len(set(labels[i : i + 30])) for i in (0, 30, 60)] == [1, 1, 1]
    assert len(set(labels)) == 3
    assert np.allclose(sorted(map(tuple, np.round(centres))), [(0, 0), (0, 10), (10, 0)])


def test_the_same_generator_seed_gives_the_same_clusters():
    x = np.random.default_rng(2).normal(size=(200, 2))
    runs = [kmeans(Points(x), 4, np.random.default_rng(3), rounds=100)[0] for _ in range(2)]
    assert np.array_equal(*runs)


def test_identical_points_still_get_k_centres():
    """k-means++ has nothing to spread when every point is alike: it still picks k seeds."""
    labels, centres = kmeans(Points(np.ones((5, 2))), 3, np.random.default_rng(0), rounds=10)
    assert centres.shape == (3, 2) and set(labels) == {0}


def test_an_emptied_point_cluster_restarts_at_the_worst_served_point():
    x = np.array([[0.0, 0], [0, 1], [100, 0]])
    centres = Points(x).centres(np.array([0, 0, 0]), 2, near=-np.array([[0.0, 5], [1, 5], [10_000, 9]]))
    assert centres.tolist() == [[100 / 3, 1 / 3], [100, 0]]


def test_texts_cluster_by_shared_terms_under_cosine():
    # rows 0, 1 share column 0; rows 2, 3 share column 1; row 4 is outside the members
    row_of, col_of = np.array([0, 1, 1, 2, 3, 3, 4]), np.array([0, 0, 2, 1, 1, 3, 0])
    weight = np.array([1, 0.8, 0.6, 1, 0.8, 0.6, 1])
    space = Postings(row_of, col_of, weight, rows=5, columns=4, members=np.arange(4))
    labels, centres = kmeans(space, 2, np.random.default_rng(0), rounds=25)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert np.allclose(np.linalg.norm(centres, axis=1), 1)
    assert space.centres(np.array([0, 0, 0, 0]), 2, near=np.zeros((4, 2)))[1].tolist() == [0, 0, 0, 0]  # an emptied cluster stays empty


def test_a_weighted_point_pulls_its_centre_by_its_weight():
    x = np.array([[0.0, 0], [3, 0], [100, 0]])
    centres = Points(x, np.array([2.0, 1, 1])).centres(np.array([0, 0, 1]), 2, near=np.zeros((3, 2)))
    assert centres.tolist() == [[1.0, 0.0], [100.0, 0.0]]


def test_a_weightless_point_is_never_a_k_means_plus_plus_seed():
    x = np.array([[0.0, 0], [50, 0], [1, 0], [1000, 0]])
    for seed in range(20):
        _, centres = kmeans(Points(x, np.array([1.0, 1, 1, 0])), 2, np.random.default_rng(seed), rounds=0)
        assert [1000, 0] not in centres.tolist()
