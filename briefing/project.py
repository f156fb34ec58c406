"""Where a project's inputs and outputs live, and which content files it holds.

Light on purpose (no build code): the command line lists content/ in a process of its
own (``list_content``) while the build's modules are still loading.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from briefing.seeds import relative_source

Identity = tuple[int, int, int, int]
"""A file's size, modification and change times (ns) and inode: if all four are as
when it was hashed, its bytes are too (unless it changed within the file system's
clock resolution of that moment: see ``articles.KeyIndex``)."""


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


@dataclass(frozen=True, slots=True)
class Project:
    """Where a project's inputs and outputs live."""

    root: Path
    seeds: Path
    content: Path
    templates: Path
    out: Path

    @classmethod
    def at(cls, root: Path, seeds: Path | None = None, content: Path | None = None,
           out: Path | None = None, templates: Path | None = None) -> Project:
        root = root.resolve()
        return cls(root, seeds or root / "seeds", content or root / "content",
                   templates or root / "templates", out or root / "site")

    @property
    def config_file(self) -> Path:
        return self.root / "briefing.yaml"

    @property
    def themes_file(self) -> Path:
        return self.root / "themes.yaml"

    def name(self, path: Path) -> str:
        return relative_source(path, self.root)


def content_files(project: Project, names: list[str] | None = None) -> list[tuple[str, str]]:
    """The content files: visible ``*.md`` files (a folder or an editor's lock file is not
    one), as (project-relative name, path) strings, in name order (``names``: their file
    names, when listed already)."""
    if names is None:
        names = _content_names(project.content)
    prefix = project.name(project.content) + "/"
    folder = os.fspath(project.content)
    return [(prefix + name, os.path.join(folder, name)) for name in names]


def _content_names(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if e.name.endswith(".md")
                          and not e.name.startswith((".", "#")) and e.is_file())
    except FileNotFoundError:
        return []


class Listing(NamedTuple):
    """The file names of content/'s files (``content_files``) and each one's identity, as
    found by a listing that started at ``started_ns`` (``time.time_ns``)."""

    started_ns: int
    names: list[str]
    identities: list[Identity]


def list_content(project: Project) -> Listing:
    """``content_files`` with their identities: ten thousand system calls, so the command
    line has them made in a process of its own while this one loads the build's code."""
    started_ns = time.time_ns()
    names = _content_names(project.content)
    folder = os.fspath(project.content)
    return Listing(started_ns, names,
                   [identity(os.stat(os.path.join(folder, name))) for name in names])
