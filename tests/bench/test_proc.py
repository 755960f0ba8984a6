"""bench/_proc.py reads CPU time and memory of a process tree from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench._proc import cpu_seconds, pss_mb, tree

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass\nprint('done', flush=True)\ninput()\n"


def test_a_child_s_cpu_time_is_counted_under_the_workers_and_the_root_s_under_root():
    # Other children of the test session (an engine a fixture started) count as workers too.
    before = cpu_seconds(os.getpid()).get("workers", 0.0)
    child = subprocess.Popen([sys.executable, "-c", BURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "done\n"  # it burned its 0.4 s and still runs
        started = time.process_time()
        while time.process_time() - started < 0.3:
            pass
        parts = cpu_seconds(os.getpid())
        assert child.pid in tree(os.getpid())
        assert 0.35 <= parts["workers"] - before < 5
        assert parts["root"] >= 0.3
        assert pss_mb(os.getpid()) > 1
    finally:
        child.communicate("\n", timeout=30)
