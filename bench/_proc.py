"""What /proc says about a process tree: its members, their memory, their CPU time by part."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return [text[text.index("(") + 1 : text.rindex(")")], *text[text.rindex(")") + 2 :].split()]


def tree(pid: int) -> set[int]:
    """A process and every descendant."""
    parents = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(entry.name)] = int(_stat(int(entry.name))[2])
        except (OSError, ValueError, IndexError):
            continue  # it exited meanwhile
    members, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in members:
                members.add(child)
                todo.append(child)
    return members


def pss_mb(pid: int) -> float:
    """Memory of a process and its descendants as PSS: pages forked workers share count once across them."""
    total = 0
    for member in tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total / 1024


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds (user + system, children reaped included) of a process tree, by part: the root
    itself, the JVM, and the other processes (the function workers and their fork server)."""
    parts: dict[str, float] = {}
    for member in tree(pid):
        try:
            fields = _stat(member)
        except OSError:
            continue
        part = "root" if member == pid else ("java" if fields[0] == "java" else "workers")
        # utime, stime, cutime, cstime: fields 14-17 of proc_pid_stat(5); here the name is 0, the state 1
        parts[part] = parts.get(part, 0.0) + sum(int(fields[n]) for n in (12, 13, 14, 15)) / TICK
    return parts
