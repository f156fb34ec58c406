"""Full-text search: a Pagefind index of the rendered pages, as more output files.

Pagefind (the `pagefind` package and the binary it ships) reads built HTML from a
folder, so the pages are written to a private temporary folder, indexed there, and
the bundle is read back: the site itself is still written once, by ``write.publish``.
Only elements marked ``data-pagefind-body`` (the article text) are indexed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from briefing.errors import RenderError
from briefing.render import OutputFile

BUNDLE_DIR = "pagefind"
TIMEOUT_SECONDS = 300


def search_bundle(outputs: Sequence[OutputFile], language: str) -> list[OutputFile]:
    """The Pagefind bundle (index, scripts, UI) for the HTML pages among ``outputs``."""
    with tempfile.TemporaryDirectory(prefix="briefing-search-") as tmp:
        pages, bundle = Path(tmp, "site"), Path(tmp, "bundle")
        for output in outputs:
            if output.path.endswith(".html"):
                target = pages / output.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(output.data)
        _run_pagefind(pages, bundle, language)
        return [OutputFile(f"{BUNDLE_DIR}/{p.relative_to(bundle).as_posix()}", p.read_bytes())
                for p in sorted(bundle.rglob("*")) if p.is_file()]


def _run_pagefind(pages: Path, bundle: Path, language: str) -> None:
    # One language for the whole site: the seeds are short, and per-page language
    # detection would split a small site into several indexes.
    command = [sys.executable, "-m", "pagefind", "--site", str(pages), "--output-path",
               str(bundle), "--force-language", language.split("-")[0], "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"search index: pagefind took over {TIMEOUT_SECONDS}s") from None
    if done.returncode != 0 or not bundle.is_dir():
        detail = (done.stderr or done.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        raise RenderError(f"search index: pagefind failed: {reason} (is the pagefind "
                          "package installed? set 'search: false' in briefing.yaml to skip)",
                          "briefing.yaml")
