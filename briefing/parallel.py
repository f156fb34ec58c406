"""Spreading independent work over the machine's cores, results in input order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

MIN_JOBS_FOR_POOL = 200
"""Below this, starting processes costs more than it saves."""
MIN_JOBS_PER_WORKER = 50
CHUNKS_PER_WORKER = 8
"""Chunks small enough to balance the load, big enough to keep messaging cheap."""


def cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def pool_map(work: Callable[[Job], Result], jobs: Sequence[Job],
             start: Callable[..., None], start_args: tuple[Any, ...],
             workers: int | None = None) -> Iterator[Result]:
    """``work`` over ``jobs`` in input order; ``start(*start_args)`` sets up each process."""
    workers = min(workers or cores(), max(1, len(jobs) // MIN_JOBS_PER_WORKER))
    if workers < 2 or len(jobs) < MIN_JOBS_FOR_POOL:
        start(*start_args)
        yield from map(work, jobs)
        return
    chunk = max(1, len(jobs) // (workers * CHUNKS_PER_WORKER))
    # fork: workers inherit the imported modules, so they start in milliseconds.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start,
                             initargs=start_args) as pool:
        yield from pool.map(work, jobs, chunksize=chunk)
