"""Progress for people watching a long build: shown on a terminal, after a second only."""

from __future__ import annotations

import sys
import time
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rich.progress import Progress

SHOW_AFTER_SECONDS = 1.0


class Meter(Protocol):
    """What a build reports its progress to."""

    def begin(self, total: int, what: str) -> None: ...

    def advance(self) -> None: ...


class TerminalMeter:
    """A rich progress bar on a terminal, for work still running after a second; else silent."""

    def __init__(self, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.bar: Progress | None = None
        self.task: Any = None
        self.total = self.done = 0
        self.what = ""
        self.started = time.monotonic()

    def begin(self, total: int, what: str) -> None:
        self.total, self.done, self.what = total, 0, what
        self.started = time.monotonic()

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < SHOW_AFTER_SECONDS:
                return
            self._show()
        assert self.bar is not None
        self.bar.update(self.task, completed=self.done)

    def _show(self) -> None:
        # Imported here: a quick build on a terminal should not pay for rich's import.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(file=self.stream),
                            transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.what, total=self.total, completed=self.done)

    def __enter__(self) -> TerminalMeter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
