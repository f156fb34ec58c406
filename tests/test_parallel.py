"""Spreading work over processes: results in input order, set-up inherited, errors kept."""

from __future__ import annotations

import os
import threading

import pytest

from briefing import parallel

_STATE: dict[str, object] = {}


def _start(shared: object) -> None:
    _STATE["shared"] = shared


def _square_with_pid(n: int) -> tuple[int, int, bool]:
    return n * n, os.getpid(), isinstance(_STATE.get("shared"), type(threading.Lock()))


def _fail_at_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven")
    return n


@pytest.fixture
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_JOBS_FOR_POOL", 1)
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)


@pytest.mark.skipif(os.name != "posix", reason="fork is the posix start method")
def test_a_started_pool_works_while_the_caller_does_and_inherits_its_set_up(two_processes):
    lock = threading.Lock()  # cannot be pickled: it reaches the workers only through fork
    with parallel.pool_started(_square_with_pid, range(40), _start, (lock,)) as results:
        meanwhile = sum(range(1000))  # the caller's own work
        found = list(results)
    assert meanwhile == 499500
    assert [square for square, _, _ in found] == [n * n for n in range(40)]
    assert all(inherited for _, _, inherited in found)
    assert os.getpid() not in {pid for _, pid, _ in found}


def test_few_jobs_run_in_this_process_when_read(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_JOBS_FOR_POOL", 200)
    with parallel.pool_started(_square_with_pid, range(5), _start, ("x",)) as results:
        found = list(results)
    assert [square for square, _, _ in found] == [0, 1, 4, 9, 16]
    assert {pid for _, pid, _ in found} == {os.getpid()}


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failing_job_raises_its_own_error(monkeypatch: pytest.MonkeyPatch, processes: int):
    monkeypatch.setattr(parallel, "MIN_JOBS_FOR_POOL", 1)
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "cores", lambda: processes)
    with (pytest.raises(ValueError, match="seven"),
          parallel.pool_started(_fail_at_seven, range(30), _start, (None,)) as results):
        list(results)
    with pytest.raises(ValueError, match="seven"):
        list(parallel.pool_map(_fail_at_seven, iter(range(30)), 30, _start, (None,)))


def test_pool_map_keeps_input_order_across_chunks(two_processes):
    found = list(parallel.pool_map(_square_with_pid, iter(range(100)), 100, _start, (None,)))
    assert [square for square, _, _ in found] == [n * n for n in range(100)]


@pytest.mark.parametrize("total", [1, 15, 16, 17, 200, 1000, 10_127])
def test_chunks_cover_every_job_and_shrink_toward_the_end(total: int):
    sizes = list(parallel.chunk_sizes(total, 2))
    assert sum(sizes) == total and all(size > 0 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # the large chunks first
    largest = max(1, total // (2 * parallel.CHUNKS_PER_WORKER))
    assert sizes[0] == min(total, max(parallel.MIN_CHUNK, min(largest, total // 4)))
    # Whatever a worker still has to do when the other takes the last chunk is small.
    assert sizes[-1] <= parallel.MIN_CHUNK and sizes[-2:-1] <= [parallel.MIN_CHUNK]
    if total >= 1000:
        # The tail is guided down: the last tenth of the jobs comes in more, smaller chunks.
        assert len(sizes) > 2 * parallel.CHUNKS_PER_WORKER + 4


def test_pool_started_keeps_input_order_across_shrinking_chunks(two_processes):
    with parallel.pool_started(_square_with_pid, range(300), _start, (None,)) as results:
        assert [square for square, _, _ in results] == [n * n for n in range(300)]


def test_forked_work_runs_in_another_process_and_its_result_comes_back() -> None:
    here = os.getpid()
    forked = parallel.Forked(lambda: (os.getpid(), frozenset({"a", "b"})))
    pid, found = forked.result()
    assert pid != here and found == {"a", "b"}
    assert forked.result() == (pid, found)  # asked again: the same, no second child


def test_forked_work_is_ready_once_the_child_has_sent_its_result(tmp_path) -> None:
    import time

    gate = tmp_path / "go"
    forked = parallel.Forked(lambda: _after(gate))
    assert not forked.ready()  # the child waits for the gate
    gate.touch()
    deadline = time.monotonic() + 10
    while not forked.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert forked.ready() and forked.result() == "sent"


def _after(gate) -> str:
    import time

    while not gate.exists():
        time.sleep(0.005)
    return "sent"


def test_forked_work_that_fails_in_the_child_runs_here_when_asked() -> None:
    here = os.getpid()

    def only_here() -> int:
        if os.getpid() != here:
            raise OSError("not in the child")
        return 42

    assert parallel.Forked(only_here).result() == 42


def test_without_fork_the_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    calls: list[int] = []
    forked = parallel.Forked(lambda: calls.append(os.getpid()) or "done")
    assert calls == [] and forked.ready()  # nothing to wait for: it runs when asked
    assert forked.result() == "done" and calls == [os.getpid()]


def test_a_child_never_asked_is_waited_for_on_close() -> None:
    forked = parallel.Forked(lambda: 1)
    pid = forked.pid
    forked.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already
