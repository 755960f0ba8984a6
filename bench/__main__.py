"""`make bench`: run every benchmark module, print one table, write bench/results.json."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path

from bench.harness import Row, table, write_json

HERE = Path(__file__).parent
NOT_BENCHMARKS = {"harness", "__main__"}


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name not in NOT_BENCHMARKS and not m.name.startswith("_"))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the benchmarks run, measures nothing")
    # Read by the benchmarks that have a full size (bench/bordeaux.py: all of Bordeaux, not a tenth).
    parser.add_argument("--full", action="store_true", help="full-size runs where a benchmark has one")
    parser.add_argument("--share", type=float, help="bench/bordeaux.py: the share of Bordeaux to drive (overrides --full)")
    parser.add_argument("--minutes", type=float, help="bench/bordeaux.py: voters not started after this long are left out")
    args = parser.parse_args()
    rows: list[Row] = []
    for name in args.only or modules():
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        produced = module.rows(quick=args.quick)
        rows.extend(produced)
        print(f"[{name}: {len(produced)} rows in {time.perf_counter() - started:.1f} s]", file=sys.stderr, flush=True)
    print(table(rows))
    if not args.quick:
        write_json(rows, str(HERE / "results.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
