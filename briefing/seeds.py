"""Reading raw articles from ``seeds/``: file discovery and text decoding (I/O edge)."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import Diagnostic, SeedError, Severity

SEED_SUFFIXES = (".txt",)
MAX_SEED_BYTES = 1_000_000
"""Larger files are refused: 1 MB is a whole book, far beyond any pasted article, and the
limit bounds a build's time (about 3 s for a seed at the limit) and memory."""


@dataclass(frozen=True, slots=True)
class Seed:
    """One raw article as the editor pasted it."""

    source: str
    """Path relative to the project root, with '/' separators (e.g. 'seeds/000_x.txt')."""
    text: str
    """Decoded text, line endings as in the file."""
    sha256: str
    """Hash of the raw bytes: tells when a seed changed."""


def is_seed_file(path: Path) -> bool:
    """Seeds are visible .txt files; hidden files and editor backups are ignored."""
    name = path.name
    return (
        path.suffix.lower() in SEED_SUFFIXES
        and not name.startswith((".", "#", "~"))
        and not name.endswith("~")
    )


def seed_paths(seeds_dir: Path) -> list[Path]:
    """The seed files in a folder, in a stable order independent of the file system."""
    if not seeds_dir.is_dir():
        return []
    return sorted((p for p in seeds_dir.iterdir() if p.is_file() and is_seed_file(p)),
                  key=lambda p: p.name)


def decode_seed(data: bytes, source: str) -> tuple[str, list[Diagnostic]]:
    """Decode seed bytes: UTF-8 (BOM allowed), else Windows-1252 with a warning."""
    if b"\x00" in data:
        raise SeedError("binary file (contains NUL bytes), not a pasted article", source)
    try:
        text = data.decode("utf-8-sig")
        notes: list[Diagnostic] = []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = "".join(_decode_line(chunk, source, number) for number, chunk in
                       enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(keepends=True), 1))
        notes = [Diagnostic("not UTF-8; lines that are not were decoded as Windows-1252",
                            source, line, severity=Severity.WARNING)]
    if not _has_visible_text(text):
        raise SeedError("no visible text (empty or only invisible characters)", source)
    return text, notes


def _decode_line(chunk: bytes, source: str, number: int) -> str:
    """One line of a file with mixed encodings: UTF-8 when it is, else Windows-1252."""
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return chunk.decode("cp1252")
        except UnicodeDecodeError:
            raise SeedError("not UTF-8 or Windows-1252 text", source, number) from None


def _has_visible_text(text: str) -> bool:
    return any(
        not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp")
        for ch in text
    )


def read_seed(path: Path, root: Path) -> tuple[Seed, list[Diagnostic]]:
    """Read one seed file; raise SeedError naming it when it cannot be used."""
    source = relative_source(path, root)
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(
                f"file is {size:,} bytes; the limit for one article is {MAX_SEED_BYTES:,}", source
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"cannot read: {exc.strerror or exc}", source) from None
    text, notes = decode_seed(data, source)
    return Seed(source=source, text=text, sha256=hashlib.sha256(data).hexdigest()), notes


def relative_source(path: Path, root: Path) -> str:
    """A path as the project names it: relative to the root when inside it."""
    # Lexical first: a symlink inside the project is named where it is, not where it points.
    for base, target in ((Path(os.path.abspath(root)), Path(os.path.abspath(path))),
                         (root.resolve(), path.resolve())):
        if target.is_relative_to(base):
            return target.relative_to(base).as_posix()
    return path.as_posix()
