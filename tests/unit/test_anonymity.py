import numpy as np

from agora.results.anonymity import withheld


def hidden(cells, total, k=10):
    return withheld(np.array(cells)[:, None], np.array([total]), k)[:, 0].tolist()


def test_cells_under_k_are_withheld_but_empty_ones_are_not():
    assert hidden([12, 3, 0, 20], 45) == [False, True, False, False]


def test_a_withheld_cell_recoverable_by_subtraction_takes_the_smallest_other_with_it():
    # Everyone answered: 35 − 12 − 20 would give the 3 away, so the 12 goes too (3 + 12 ≥ 10).
    assert hidden([12, 3, 0, 20], 35) == [True, True, False, False]


def test_a_small_remainder_with_nothing_withheld_reveals_nobody():
    # The 2 who did not answer are a remainder, not a segment: nothing is withheld for them.
    assert hidden([12, 15], 29) == [False, False]


def test_when_every_cell_is_small_all_are_withheld():
    assert hidden([3, 4], 7) == [True, True]


def test_groups_are_independent():
    cells = np.array([[12, 12], [3, 30], [20, 20]])
    mask = withheld(cells, np.array([35, 62]), 10)
    assert mask[:, 0].tolist() == [True, True, False]
    assert not mask[:, 1].any()
