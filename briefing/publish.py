"""Publishing a build into site/ atomically, writing only the files that changed.

Every output goes through ``Publisher``: ``put`` stages a file whose bytes differ from
what site/ holds (``keep`` vouches for a file known unchanged without its bytes), and
``commit`` makes the staged state site/. Nothing in site/ changes before ``commit``,
so a build that fails leaves site/ exactly as it was.

- With no site/ or no record of it (a cold build), the staging folder receives the
  whole site and is swapped in whole, as ``write.publish`` does.
- Otherwise only changed files are staged, and ``commit`` moves them into site/ (one
  rename each) and deletes the files the build no longer produces. A manifest in the
  cache records each file's hash, size and modification time: a file edited or removed
  by hand since is rewritten, so site/ always ends equal to a clean build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NamedTuple

from briefing.cache import BuildCache, digest
from briefing.errors import BriefingError
from briefing.parallel import Forked
from briefing.render import Deferred, OutputFile
from briefing.write import check_names, recover


class Entry(NamedTuple):
    """One published file as the manifest remembers it (stored as a plain tuple: the
    manifest holds one per file of the site, and plain tuples load several times faster)."""

    key: str
    """Hash of what produced it (per-article inputs), or of its bytes."""
    size: int
    mtime_ns: int


def _manifest(stored: object) -> dict[str, Entry] | None:
    """The manifest as the cache stored it, or None when it is absent or malformed."""
    if not isinstance(stored, dict):
        return None
    try:
        return {path: Entry._make(fields) for path, fields in stored.items()}
    except TypeError:
        return None


def manifest_name(out_dir: Path) -> str:
    """The cache entry of the manifest of this site folder (one per folder built into)."""
    return f"site-{digest(str(out_dir.resolve()))}"


class Publisher:
    """Stage a build's outputs beside ``out_dir``, then commit them in one step."""

    def __init__(self, out_dir: Path, cache: BuildCache | None):
        self.out = out_dir.resolve()
        self.out_name = str(self.out)
        self.cache = cache
        self.out.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out)  # what a killed build left beside site/
        self.manifest_name = manifest_name(self.out)
        previous = _manifest(cache.load(self.manifest_name)) if cache else None
        self.whole = previous is None or not self.out.is_dir()
        self.previous: dict[str, Entry] = previous if previous is not None and not self.whole \
            else {}
        # Checked by a forked child (one stat per file) while this process reads content/.
        self._checked = Forked(self._touched) if self.previous else None
        self.current: dict[str, str] = {}
        self.staged: list[str] = []
        self.written: dict[str, Written] = {}
        self.staging = self.out.with_name(f".{self.out.name}.staging-{os.getpid()}")
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def can_keep(self, path: str, key: str) -> bool:
        """True when site/ already holds this file, made from the same inputs, untouched."""
        entry = self.previous.get(path)
        return entry is not None and entry.key == key and path not in self.touched()

    def untouched(self) -> bool:
        """True when site/ holds every file of the last build as that build wrote it."""
        return not self.whole and not self.touched()

    def touched(self) -> frozenset[str]:
        """The files of the last build that site/ no longer holds as it wrote them (other
        size or modification time, or gone)."""
        return self._checked.result() if self._checked else frozenset()

    def _touched(self) -> frozenset[str]:
        touched = []
        folder = self.out_name + os.sep
        for path, entry in self.previous.items():
            try:
                stat = os.stat(folder + path)  # str paths: 10,000 of them
            except OSError:
                touched.append(path)
                continue
            if stat.st_size != entry.size or stat.st_mtime_ns != entry.mtime_ns:
                touched.append(path)
        return frozenset(touched)

    def keep(self, path: str, key: str) -> None:
        self.current[path] = key

    def put(self, output: OutputFile, key: str | None = None, force: bool = False) -> None:
        """Stage a file unless site/ already has these bytes (``key``: what produced it)."""
        key = key or digest(output.data)
        if not force and self.can_keep(output.path, key):
            self.keep(output.path, key)
            return
        self.adopt(output.path, key, stage(self.staging, output))

    def offer(self, deferred: Deferred) -> None:
        """Keep the file site/ holds from the same inputs, or make and stage it."""
        if self.can_keep(deferred.path, deferred.key):
            self.keep(deferred.path, deferred.key)
        else:
            self.put(deferred.output(), deferred.key, force=True)

    def adopt(self, path: str, key: str, written: Written) -> None:
        """Take in a file written into the staging folder with ``stage`` (by any process)."""
        if path not in self.current or path not in self.staged:
            self.staged.append(path)
        self.current[path] = key
        self.written[path] = written

    def paths(self) -> list[str]:
        """Every file of the site being built, by path."""
        return list(self.current)

    def html_pages(self) -> list[OutputFile]:
        """Every HTML page of the site being built, with its bytes (staged or kept)."""
        staged = set(self.staged)
        return [OutputFile(path, ((self.staging if path in staged else self.out) / path)
                           .read_bytes())
                for path in sorted(self.current) if path.endswith(".html")]

    def commit(self) -> int:
        """Make site/ the staged state; returns the number of files written or removed."""
        if self.current.keys() - self.previous.keys():  # else: all checked when first built
            check_names(self.current)
        manifest = {path: self._entry(path) for path in self.staged}
        if self.whole:
            self._swap()
            changed = len(self.staged)
        else:
            changed = self._apply()
            manifest = {**{p: self.previous[p] for p in self.current if p not in manifest},
                        **manifest}
        if self.cache:
            self.cache.save(self.manifest_name, {p: tuple(e) for p, e in manifest.items()})
        return changed

    def abort(self) -> None:
        if self._checked:
            self._checked.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _entry(self, path: str) -> Entry:
        return Entry(self.current[path], *self.written[path])  # a rename keeps both

    def _swap(self) -> None:
        retired = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
        try:
            if self.out.exists():
                os.replace(self.out, retired)
            os.replace(self.staging, self.out)
        finally:
            shutil.rmtree(retired, ignore_errors=True)

    def _apply(self) -> int:
        for path in self.staged:
            target = self.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / path, target)
        gone = sorted(set(self.previous) - set(self.current))
        for path in gone:
            (self.out / path).unlink(missing_ok=True)
            _remove_empty_parents(self.out / path, self.out)
        self.abort()
        return len(self.staged) + len(gone)


Written = tuple[int, int]
"""A staged file's size and modification time (ns), as written."""


def stage(staging: Path, output: OutputFile) -> Written:
    """Write one output into a staging folder (from any process); returns its ``Written``.

    Plain system calls: a cold build stages every page, each in a folder of its own that
    does not exist yet (its parent mostly does), and file objects cost more than the write.
    """
    target = os.path.join(staging, _relative(output.path))
    folder = os.path.dirname(target)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    return _write_file(target, output.data)


def _write_file(target: str, data: bytes) -> Written:
    """Create or overwrite ``target`` with ``data``."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        rest = memoryview(data)
        while rest:
            rest = rest[os.write(handle, rest):]
        stat = os.fstat(handle)
    finally:
        os.close(handle)
    return stat.st_size, stat.st_mtime_ns


def _relative(path: str) -> str:
    """``path`` if it stays inside the site (a string check: staging has no links)."""
    parts = [part for part in path.split("/") if part and part != "."]
    if not parts or path.startswith("/") or ".." in parts or "\\" in path:
        raise BriefingError(f"refusing to write outside the site: {path!r}")
    return path


def _remove_empty_parents(path: Path, top: Path) -> None:
    folder = path.parent
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent
