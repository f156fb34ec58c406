"""Writing outputs to disk (I/O edge): contained paths, site/ swapped in whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from briefing.errors import BriefingError
from briefing.render import OutputFile


def contained(folder: Path, relative: str) -> Path:
    """``folder/relative``, refusing any path that would resolve outside ``folder``."""
    base = folder.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise BriefingError(f"refusing to write outside {folder}: {relative!r}")
    return target


def write_text_file(path: Path, text: str) -> None:
    """Write a file through a temporary name, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, path)


def publish(out_dir: Path, files: Iterable[OutputFile]) -> int:
    """Write the whole site into a staging folder beside ``out_dir``, then swap it in.

    If anything fails before the swap, ``out_dir`` is left exactly as it was.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.staging-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    count = 0
    try:
        staging.mkdir()
        for output in files:
            target = contained(staging, output.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data)
            count += 1
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return count
