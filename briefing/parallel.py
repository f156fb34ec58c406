"""Spreading independent work over the machine's cores, results in input order."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

MIN_JOBS_FOR_POOL = 200
"""Below this, starting processes costs more than it saves."""
MIN_JOBS_PER_WORKER = 50
CHUNKS_PER_WORKER = 8
"""Chunks small enough to balance the load, big enough to keep messaging cheap."""
IN_FLIGHT_PER_WORKER = 2
"""Chunks handed out ahead per worker: jobs are made and sent as the pool drains them,
so memory holds a few chunks, not the whole archive twice."""


def cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def pool_map(work: Callable[[Job], Result], jobs: Iterable[Job], total: int,
             start: Callable[..., None], start_args: tuple[Any, ...],
             workers: int | None = None) -> Iterator[Result]:
    """``work`` over ``total`` ``jobs`` in input order; ``start(*start_args)`` sets up each
    process. ``jobs`` may be a generator: it is consumed a few chunks ahead of the results."""
    workers = min(workers or cores(), max(1, total // MIN_JOBS_PER_WORKER))
    if workers < 2 or total < MIN_JOBS_FOR_POOL:
        start(*start_args)
        yield from map(work, jobs)
        return
    size = max(1, total // (workers * CHUNKS_PER_WORKER))
    remaining = iter(jobs)
    chunks = iter(lambda: list(islice(remaining, size)), [])
    # fork: workers inherit the imported modules, so they start in milliseconds.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start,
                             initargs=start_args) as pool:
        pending: deque[Future[list[Result]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, work, chunk))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _run_chunk(work: Callable[[Job], Result], chunk: list[Job]) -> list[Result]:
    return [work(job) for job in chunk]
