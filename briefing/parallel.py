"""Spreading independent work over the machine's cores, results in input order."""

from __future__ import annotations

import os
import pickle
import select
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # loaded with the first pool: a small rebuild never starts one
    from concurrent.futures import Future, ProcessPoolExecutor

Job = TypeVar("Job")
Result = TypeVar("Result")

MIN_JOBS_FOR_POOL = 200
"""Below this, starting processes costs more than it saves."""
MIN_JOBS_PER_WORKER = 50
CHUNKS_PER_WORKER = 8
"""Chunks small enough to balance the load, big enough to keep messaging cheap."""
MIN_CHUNK = 16
"""The last chunks shrink to this: the workers run out of work at about the same time."""
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
    workers = _workers(total, workers)
    if workers < 2:
        start(*start_args)
        yield from map(work, jobs)
        return
    remaining = iter(jobs)
    chunks = (list(islice(remaining, size)) for size in chunk_sizes(total, workers))
    with _executor(workers, start, start_args) as pool:
        pending: deque[Future[list[Result]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, work, chunk))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


@contextmanager
def pool_started(work: Callable[[Job], Result], jobs: Sequence[Job],
                 start: Callable[..., None], start_args: tuple[Any, ...],
                 workers: int | None = None) -> Iterator[Iterator[Result]]:
    """``pool_map`` that hands every job out at once, so the caller can do other work while
    the pool runs; iterate what it yields for the results, in input order. The jobs should
    be small (indices, say). Few jobs run in this process, when the results are read."""
    workers = _workers(len(jobs), workers)
    if workers < 2:
        start(*start_args)
        yield map(work, jobs)
        return
    with _executor(workers, start, start_args) as pool:
        futures = [pool.submit(_run_chunk, work, list(jobs[at:at + size]))
                   for at, size in _starts(chunk_sizes(len(jobs), workers))]
        try:
            yield (result for future in futures for result in future.result())
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _workers(total: int, wanted: int | None) -> int:
    """How many processes ``total`` jobs are worth (1: run them in this one)."""
    if total < MIN_JOBS_FOR_POOL:
        return 1
    return min(wanted or cores(), max(1, total // MIN_JOBS_PER_WORKER))


def chunk_sizes(total: int, workers: int) -> Iterator[int]:
    """The sizes of the chunks ``total`` jobs go in, in order: ``CHUNKS_PER_WORKER`` a
    worker, then, once little is left, ever smaller ones (guided scheduling): with equal
    chunks to the end, one worker would often still be at its last while the other idled
    (some 0.1 s of a large cold build, with a core idle, at each of its two passes)."""
    largest = max(1, total // (workers * CHUNKS_PER_WORKER))
    remaining = total
    while remaining:
        size = min(remaining, max(MIN_CHUNK, min(largest, remaining // (2 * workers))))
        yield size
        remaining -= size


def _starts(sizes: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Each chunk's first job and size."""
    at = 0
    for size in sizes:
        yield at, size
        at += size


def _executor(workers: int, start: Callable[..., None],
              start_args: tuple[Any, ...]) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit the imported modules (and ``start_args``), so they start in
    # milliseconds.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=start,
                               initargs=start_args)


def _run_chunk(work: Callable[[Job], Result], chunk: list[Job]) -> list[Result]:
    return [work(job) for job in chunk]


class Forked(Generic[Result]):
    """``work`` running in a forked child process beside this one (system calls, say, that
    a thread would make wait for the interpreter lock); ``result`` waits for it. Where
    processes cannot fork, or the child fails, ``work`` runs here when asked for."""

    def __init__(self, work: Callable[[], Result]):
        self.work = work
        self.pid = 0
        self.done: list[Result] = []
        if not hasattr(os, "fork"):
            return
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: work, send, and leave without any clean-up
            status = 1
            try:
                os.close(read_end)
                with open(write_end, "wb") as pipe:
                    pickle.dump(work(), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.pipe = open(read_end, "rb")  # noqa: SIM115 (closed by ``close``)

    def ready(self) -> bool:
        """True once ``result`` need not wait for the child (it has sent, or there is none)."""
        return not self.pid or bool(select.select([self.pipe], [], [], 0)[0])

    def result(self) -> Result:
        if not self.done:
            sent = self._collect()
            self.done.append(pickle.loads(sent) if sent else self.work())
        return self.done[0]

    def close(self) -> None:
        """Wait for the child (if its result was never asked for)."""
        self._collect()

    def _collect(self) -> bytes:
        """What the child sent (b"" if it failed, or when there is no child)."""
        if not self.pid:
            return b""
        pid, self.pid = self.pid, 0
        with self.pipe:
            sent = self.pipe.read()
        _, status = os.waitpid(pid, 0)
        return sent if status == 0 else b""
