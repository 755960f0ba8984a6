"""The embedded stack's stop has one bound for all its parts: one that hangs does not hold the others'
time nor Ctrl-C, and is named."""

from __future__ import annotations

import threading
from pathlib import Path

from agora.local import stack as embedded
from agora.local.stack import EmbeddedStack, Options

DEMO = Path(__file__).resolve().parents[2] / "consultations" / "demo.toml"


def test_a_part_that_hangs_is_left_to_the_exit_and_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(embedded, "STOP_SECONDS", 0.5)
    stack = EmbeddedStack(Options(DEMO, data_dir=tmp_path))
    released, stopped, closed = threading.Event(), threading.Event(), []
    stack._stopping = [(f"hung {n}", lambda: released.wait(60)) for n in range(3)] + [("quick", stopped.set)]
    stack._closing = [lambda: closed.append(True)]
    try:
        stack.stop()
        # Three parts that never finish did not hold stop() for 3 bounds, nor forever.
        assert stopped.is_set() and closed == [True] and not released.is_set()
        assert "left to the exit: hung 0, hung 1, hung 2" in capsys.readouterr().err
    finally:
        released.set()


def test_parts_that_finish_are_not_reported(tmp_path, capsys):
    stack = EmbeddedStack(Options(DEMO, data_dir=tmp_path))
    done = []
    stack._stopping = [(n, lambda n=n: done.append(n)) for n in ("a", "b")]
    stack.stop()
    assert sorted(done) == ["a", "b"]
    assert "still stopping" not in capsys.readouterr().err
