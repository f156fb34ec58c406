"""The build cache in ``.cache/``: results of pure per-article work, keyed by content.

Every key is a hash of the inputs themselves (file bytes, effective settings, templates)
together with the code version (this package's source and the libraries that shape the
output), never a modification time: a cached build is byte for byte a clean build.
Entries for an older code version are dropped on the first build that uses a newer one.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import hashlib
import os
import pickle
import re
import shutil
import sys
from collections.abc import Callable, Collection, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
CACHE_DIR = ".cache"
SHARD_DIGITS = 2
"""Entries are stored in 256 shards by the first two hex digits of their key."""
SHARD_FORMAT = "briefing-entries-2"
"""The tag a shard is stored with; a shard without it (an older format) is ignored."""
# Libraries whose version changes what a build writes.
_OUTPUT_LIBRARIES = ("markdown-it-py", "markdown-it-pyrs", "mdit-py-plugins", "jinja2", "pyyaml",
                     "feedgen", "pagefind", "snowballstemmer")


def digest(*parts: bytes | str) -> str:
    """A short, collision-safe hash of some inputs (blake2b, 128 bits)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        # surrogateescape: file names a C locale decoded byte by byte still hash.
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_version() -> str:
    """Hash of this package's source and of the output-shaping libraries' versions."""
    package = Path(__file__).resolve().parent
    parts: list[bytes | str] = []
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    # marshal's format (score blobs) may change between Python versions; pickle's need not.
    parts += ["python", sys.version]
    return digest(*parts, *_installed_libraries())


def _installed_libraries() -> list[str]:
    """The metadata folders (``name-version.dist-info``) of the output-shaping libraries
    on ``sys.path``, found where importlib.metadata looks, without importing it: with
    the e-mail parser it loads, that was a fifth of a one-edit rebuild's imports."""
    wanted = {_project_name(name) for name in _OUTPUT_LIBRARIES}
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, or a folder that is gone
            continue
        found += sorted(name for name in names if name.endswith((".dist-info", ".egg-info"))
                        and _project_name(name.split("-", 1)[0]) in wanted)
    return found


def _project_name(name: str) -> str:
    """A distribution's name as packaging compares them: 'PyYAML' and 'pyyaml' are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def tree_digest(folder: Path) -> str:
    """Hash of every file under a folder, names and bytes (e.g. the templates)."""
    parts: list[bytes | str] = []
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def pickle_by_fields(*classes: type) -> None:
    """Pickle frozen, slotted dataclasses through their constructor (the record cache has
    plainer rows still: see ``articles``).

    The default for them calls a Python ``__setstate__`` per object, which made loading
    the records of a large archive about twice as slow; interning short strings lets
    the pickle store each recurring one once, and load it as one shared object.
    """
    for cls in classes:
        names = tuple(f.name for f in dataclasses.fields(cls))

        def reduce(obj: Any, cls: type = cls, names: tuple[str, ...] = names) -> Any:
            return cls, tuple(_shared(getattr(obj, name)) for name in names)

        copyreg.pickle(cls, reduce)


def _shared(value: Any) -> Any:
    """Short strings once per pickle (theme slugs, terms, keys recur in every record)."""
    return sys.intern(value) if type(value) is str and len(value) <= 40 else value


def kept_by_identity(function: Callable[[Any], T]) -> Callable[[Any], T]:
    """``function`` of one large tuple (a whole archive's articles, say), remembered for
    the last few tuples by identity: hashing them would cost what computing does. Each
    entry holds its tuple, so its id cannot be reused meanwhile; other values are not kept."""
    kept: dict[int, tuple[Any, T]] = {}

    @functools.wraps(function)
    def remembered(value: Any) -> T:
        if type(value) is not tuple:
            return function(value)
        known = kept.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        if len(kept) >= 16:
            kept.clear()
        kept[id(value)] = (value, function(value))
        return kept[id(value)][1]
    return remembered


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary name, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class BuildCache:
    """``.cache/<code version>/``: named pickles and a content-addressed text memo."""

    def __init__(self, root: Path, version: str | None = None):
        self.base = root / CACHE_DIR
        self.folder = self.base / (version or code_version())

    def load(self, name: str) -> Any:
        """A stored value, or None when absent or unreadable (a cache never fails a build)."""
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError,
                IndexError, TypeError, ValueError):
            return None

    def save(self, name: str, value: Any) -> None:
        self._drop_other_versions()
        write_atomically(self.folder / f"{name}.pickle",
                         pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def forget(self, name: str) -> None:
        """Remove a stored value (a later ``load`` gives None)."""
        (self.folder / f"{name}.pickle").unlink(missing_ok=True)

    def load_entries(self, name: str) -> dict[str, Any]:
        """A mapping stored by ``save_entries`` (empty when absent)."""
        entries: dict[str, Any] = {}
        for shard in self.entry_shards(name):
            entries.update(shard)
        return entries

    def entry_shards(self, name: str) -> Iterator[dict[str, Any]]:
        """The shards of a mapping stored by ``save_entries``, one by one."""
        folder = self.folder / name
        if folder.is_dir():
            for shard in sorted(folder.glob("*.pickle")):
                value = self.load(f"{name}/{shard.stem}")
                if type(value) is tuple and len(value) == 2 and value[0] == SHARD_FORMAT \
                        and isinstance(value[1], dict):
                    yield value[1]

    def save_entries(self, name: str, entries: dict[str, Any], before: dict[str, Any]) -> None:
        """Store a mapping keyed by hex hashes in shards by key prefix; only rewrite the
        shards whose keys changed since ``before``, so one edit costs one small write."""
        changed = {key[:SHARD_DIGITS] for key in entries.keys() ^ before.keys()}
        shards: dict[str, dict[str, Any]] = {prefix: {} for prefix in changed}
        for key, value in entries.items():
            if key[:SHARD_DIGITS] in shards:
                shards[key[:SHARD_DIGITS]][key] = value
        for prefix, shard in sorted(shards.items()):
            if shard:
                self.save(f"{name}/{prefix}", (SHARD_FORMAT, shard))
            else:
                (self.folder / name / f"{prefix}.pickle").unlink(missing_ok=True)

    def memo(self, namespace: str) -> TextMemo:
        return TextMemo(self.folder / namespace)

    def _drop_other_versions(self) -> None:
        if self.base.is_dir():
            for entry in self.base.iterdir():
                if entry.is_dir() and entry != self.folder:
                    shutil.rmtree(entry, ignore_errors=True)


class EntriesLoading:
    """A mapping stored by ``save_entries``, loaded a shard at a time as asked: a process
    that must wait anyway loads some meanwhile (``load_while``), and may find after all
    that it needs none."""

    def __init__(self, cache: BuildCache, name: str):
        self.entries: dict[str, Any] = {}
        self.shards = cache.entry_shards(name)

    def load_while(self, waiting: Callable[[], bool]) -> None:
        """Load shards while ``waiting()`` holds (or until every one is loaded)."""
        while waiting():
            shard = next(self.shards, None)
            if shard is None:
                return
            self.entries.update(shard)

    def result(self) -> dict[str, Any]:
        """Every entry."""
        for shard in self.shards:
            self.entries.update(shard)
        return self.entries


class TextMemo:
    """A persistent memo for a pure text -> text function (e.g. Markdown -> HTML).

    One small file per distinct input, named by the input's hash; safe to share
    between worker processes (writes are atomic renames of identical bytes).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[Path] = set()

    def _path(self, text: str) -> Path:
        key = digest(text)
        path = self.folder / key[:2] / key[2:]
        self.used.add(path)
        return path

    def get(self, text: str) -> str | None:
        try:
            return self._path(text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, text: str, value: str) -> None:
        # A full disk or a read-only cache costs speed, never the build.
        with contextlib.suppress(OSError):
            write_atomically(self._path(text), value.encode("utf-8"))

    def keep_only_used(self) -> None:
        """Forget every entry this build did not ask for, so the memo never outgrows a build."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*"):
            if path not in self.used:
                path.unlink(missing_ok=True)


class MemoryStore:
    """Where ``memoized`` keeps results in memory only (the preview, between rebuilds)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def load_entries(self, name: str) -> dict[str, Any]:
        return dict(self.entries.get(name, {}))

    def save_entries(self, name: str, entries: dict[str, Any], before: dict[str, Any]) -> None:
        self.entries[name] = dict(entries)


class _Memos:
    """Results of pure per-item functions, kept across builds (see ``memoized``)."""

    def __init__(self) -> None:
        self.store: BuildCache | MemoryStore | None = None
        self.tables: dict[str, dict[str, Any]] = {}
        self.before: dict[str, dict[str, Any]] = {}
        self.used: dict[str, set[str]] = {}

    def table(self, name: str) -> dict[str, Any]:
        if name not in self.tables:
            loaded = self.store.load_entries(f"memo-{name}") if self.store else {}
            self.tables[name], self.before[name], self.used[name] = loaded, dict(loaded), set()
        return self.tables[name]


_MEMOS = _Memos()


def memoized(name: str, key: Callable[..., str]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep a pure function's results in the build cache, under ``key(*args)``.

    For per-article work of any stage (the digest's sentence analysis, say): while a
    build runs (``use_memos``), a result computed once is read back in later builds;
    ``save_memos`` keeps only the entries that build used, so the cache never grows.
    """
    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def cached(*args: Any, **kwargs: Any) -> T:
            if _MEMOS.store is None:
                return function(*args, **kwargs)
            table, k = _MEMOS.table(name), key(*args, **kwargs)
            _MEMOS.used[name].add(k)
            if k not in table:
                table[k] = function(*args, **kwargs)
            return table[k]  # type: ignore[no-any-return]
        return cached
    return decorate


def use_memos(store: BuildCache | MemoryStore | None) -> None:
    """Start (a cache) or stop (None) keeping memoized results, dropping what was loaded."""
    _MEMOS.__init__()  # type: ignore[misc]
    _MEMOS.store = store


def save_memos(skip: Collection[str] = ()) -> None:
    """Store what this build's memoized functions used; forget the rest (``skip``: the
    tables of these names, as ``loaded_memos`` gave them, are left to another process)."""
    if _MEMOS.store is None:
        return
    for name, table in _MEMOS.tables.items():
        if name not in skip:
            kept = {k: v for k, v in table.items() if k in _MEMOS.used[name]}
            _MEMOS.store.save_entries(f"memo-{name}", kept, _MEMOS.before[name])


def loaded_memos() -> frozenset[str]:
    """The memo tables this build has loaded so far (see ``save_memos``)."""
    return frozenset(_MEMOS.tables)
