"""The one small exception hierarchy, and the diagnostics a build reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"


def _escape_controls(text: str) -> str:
    """Make control characters from hostile input visible instead of acting on the terminal."""
    return "".join(
        ch if ch == "\t" or ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode()
        for ch in text
    )


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem with one input file, printed as ``path:line: severity: message``."""

    message: str
    path: str | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = _escape_controls(self.path) + (f":{self.line}" if self.line else "") + ": "
        return f"{where}{self.severity.value}: {_escape_controls(self.message)}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class BriefingError(Exception):
    """A problem the user can fix; caught once at the CLI edge and printed for humans."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.diagnostic = Diagnostic(message, str(path) if path is not None else None, line)

    def __str__(self) -> str:
        return str(self.diagnostic)


class ConfigError(BriefingError):
    """briefing.yaml or themes.yaml is missing, malformed or has unknown keys."""


class SeedError(BriefingError):
    """A raw article in seeds/ cannot be read."""


class ContentError(BriefingError):
    """A Markdown file in content/ has bad front matter."""


class RenderError(BriefingError):
    """A template is broken or a page cannot be rendered."""
