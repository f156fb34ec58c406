"""Writing outputs to disk (I/O edge): contained paths, portable names, site/ swapped in whole.

A build renders everything in memory first; ``publish`` then writes it into a staging
folder beside ``site/`` (``.site.staging-PID``) and swaps it in with two renames.
Whatever fails or is killed before the swap leaves ``site/`` exactly as it was; the
next build removes what a killed build left beside it, and puts ``site/`` back if a
build died between the two renames.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from briefing.errors import BriefingError
from briefing.render import OutputFile
from briefing.slugs import is_reserved

_UNPORTABLE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"\\|?*]')


def contained(folder: Path, relative: str) -> Path:
    """``folder/relative``, refusing any path that would resolve outside ``folder``.

    Resolving follows symlinks, so a link inside ``folder`` that points out is refused too.
    """
    base = folder.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise BriefingError(f"refusing to write outside {folder}: {relative!r}")
    return target


def name_problem(relative: str) -> str | None:
    """Why a relative output path would not work on every file system, or None."""
    for part in relative.split("/"):
        if part in ("", ".", ".."):
            return f"empty or relative path segment in {relative!r}"
        if _UNPORTABLE.search(part):
            return f"character not allowed in file names in {relative!r}"
        if part.endswith((".", " ")):
            return f"name ends with a dot or space in {relative!r}"
        if is_reserved(part):
            return f"reserved device name {part!r} in {relative!r}"
    return None


def _portable_key(relative: str) -> str:
    """Two paths with the same key are one file on a case-insensitive or normalizing disk."""
    return unicodedata.normalize("NFC", relative).casefold()


def check_names(paths: Iterable[str]) -> None:
    """Refuse unportable output names and names that differ only by case or normalization."""
    seen: dict[str, str] = {}
    for path in paths:
        problem = name_problem(path)
        if problem:
            raise BriefingError(f"unportable output name: {problem}")
        key = _portable_key(path)
        if key in seen:
            raise BriefingError(f"output names collide: {seen[key]!r} and {path!r}")
        seen[key] = path


def write_text_file(path: Path, text: str) -> None:
    """Write a file through a temporary name, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def publish(out_dir: Path, files: Iterable[OutputFile]) -> int:
    """Write the whole site into a staging folder beside ``out_dir``, then swap it in.

    If anything fails before the swap, ``out_dir`` is left exactly as it was.
    """
    outputs = list(files)
    check_names(o.path for o in outputs)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    staging = out_dir.with_name(f".{out_dir.name}.staging-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        for output in outputs:
            target = contained(staging, output.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data)
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return len(outputs)


def recover(out_dir: Path) -> None:
    """Clean up after builds that were killed: restore ``out_dir``, drop their staging folders."""
    prefixes = (f".{out_dir.name}.staging-", f".{out_dir.name}.old-")
    leftovers = sorted(p for p in out_dir.parent.iterdir() if p.name.startswith(prefixes))
    for folder in leftovers:
        if _running(folder.name.rsplit("-", 1)[-1]):
            continue  # another build is using it right now
        if folder.name.startswith(prefixes[1]) and not out_dir.exists():
            os.replace(folder, out_dir)  # killed between the two renames: the old site is whole
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: str) -> bool:
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
