#!/usr/bin/env python3
"""How fast seeds are normalized, on one core, and how fast unchanged ones are passed over.

    .venv/bin/python bench/normalize.py [--copies 200] [--runs 3]

Makes ``--copies`` copies of each of the project's seeds (each headline marked with its copy
number, so every copy is an article of its own), then runs ``briefing normalize`` on them
in a fresh process: once from nothing, then again with nothing changed. Prints the median
of ``--runs`` runs: wall time, CPU time (normalizing runs in one process) and seeds per
second of CPU, start-up included. Like bench/run.py it works in /dev/shm where there is one.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    seeds = sorted(p for p in (REPO / "seeds").iterdir() if p.suffix == ".txt")
    ram = Path("/dev/shm")  # as bench/run.py: a virtual disk's backlog is not the normalizer
    where = ram if ram.is_dir() and os.access(ram, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="briefing-normalize-", dir=where) as scratch:
        root = Path(scratch)
        for name in ("briefing.yaml", "themes.yaml"):
            shutil.copy(REPO / name, root / name)
        shutil.copytree(REPO / "templates", root / "templates")
        (root / "seeds").mkdir()
        for copy in range(args.copies):
            for seed in seeds:
                headline, _, rest = seed.read_text(encoding="utf-8").partition("\n")
                (root / "seeds" / f"{copy:04d}-{seed.name}").write_text(
                    f"{headline} (copy {copy})\n{rest}", encoding="utf-8")
        count = args.copies * len(seeds)
        fresh, again = [], []
        for _ in range(args.runs):
            for folder in ("content", ".cache"):
                shutil.rmtree(root / folder, ignore_errors=True)
            fresh.append(_normalize(root))
            again.append(_normalize(root))
        for label, runs in (("from nothing", fresh), ("nothing changed", again)):
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"{count:,} seeds, {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                  f"{count / cpu:,.0f} seeds per second of CPU")
    return 0


def _normalize(root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``briefing normalize`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "briefing", "--root", str(root), "normalize"],
                   check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    sys.exit(main())
