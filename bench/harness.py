"""What every benchmark module returns, and how `make bench` prints and records it.

A benchmark module in `bench/` defines `rows(quick: bool) -> list[Row]`. `quick` asks for a
smaller run (used by the test suite to prove the benchmark works, not to measure).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from statistics import median


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    baseline: float
    unit: str
    goal: str  # e.g. "ratio <= 1.5", "ratio >= 20", "value <= 5"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")

    @property
    def met(self) -> bool:
        subject, op, limit = self.goal.split()
        x = self.ratio if subject == "ratio" else self.value
        return {"<=": x <= float(limit), ">=": x >= float(limit), "<": x < float(limit), ">": x > float(limit)}[op]

    def record(self) -> dict[str, object]:
        return {**asdict(self), "ratio": round(self.ratio, 4) if self.baseline else None, "met": self.met}


def timed(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Median seconds per call over `repeat` rounds of `number` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return median(samples)


def side_by_side(new: Callable[[], object], old: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median seconds per call of each, the two run in turn so that a busy machine slows both alike."""
    times = [(timed(new, repeat=1), timed(old, repeat=1)) for _ in range(rounds)]
    return median(t[0] for t in times), median(t[1] for t in times)


def table(rows: list[Row]) -> str:
    header = f"{'benchmark':58} {'value':>12} {'baseline':>12} {'ratio':>8}  {'goal':16} met"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.name:58} {r.value:>12.4g} {r.baseline:>12.4g} {(f'{r.ratio:.3g}' if r.baseline else '-'):>8}  {r.goal:16} {'yes' if r.met else 'NO'}"
            + (f"   ({r.unit}{'; ' + r.note if r.note else ''})")
        )
    return "\n".join(lines)


def write_json(rows: list[Row], path: str) -> None:
    with open(path, "w") as f:
        json.dump([r.record() for r in rows], f, indent=2)
        f.write("\n")
