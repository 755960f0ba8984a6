from agora.domain.limits import SlidingWindow


def test_actions_within_the_limit_pass_and_the_next_one_is_told_when_to_retry():
    w = SlidingWindow(limit=3, window=60)
    assert [w.hit("a", t) for t in (0, 1, 2)] == [None, None, None]
    assert w.hit("a", 10) == 50  # the first action leaves the window at t=60
    assert w.hit("b", 10) is None  # keys are independent


def test_the_window_slides():
    w = SlidingWindow(limit=2, window=10)
    w.hit("a", 0), w.hit("a", 5)
    assert w.hit("a", 9) == 1
    assert w.hit("a", 10.5) is None
    assert w.hit("a", 11) == 4


def test_refused_actions_do_not_count():
    w = SlidingWindow(limit=1, window=10)
    w.hit("a", 0)
    for t in range(1, 10):
        assert w.hit("a", t) is not None
    assert w.hit("a", 10.1) is None


def test_memory_is_bounded_by_forgetting_the_oldest_keys():
    w = SlidingWindow(limit=1, window=100, max_keys=2)
    w.hit("a", 0), w.hit("b", 0), w.hit("c", 0)
    assert w.hit("a", 1) is None  # "a" was forgotten
    assert w.hit("c", 1) == 99
