#!/usr/bin/env python3
"""How long the live preview takes to rebuild after an article edit.

    .venv/bin/python bench/preview.py                  # the project's own seeds
    .venv/bin/python bench/preview.py DIR [--edits 5]  # any project (e.g. a bench corpus site)

Works on a copy of the project (settings, themes, templates, content; no seeds, so no
normalizing), builds it in memory as ``serve`` does, then edits the middle content file
``--edits`` times and prints, for each edit, how long its page took to show (made
ahead of the rebuild, as ``serve`` does) and how long the rebuild took (the search
index is left out, as the preview defers it).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.articles import SETTLED_NS  # noqa: E402
from briefing.pipeline import Project  # noqa: E402
from briefing.watch import EVERYTHING, Rebuilder, sort_changes  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, nargs="?", default=REPO)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="briefing-preview-") as scratch:
        root = Path(scratch)
        for name in ("briefing.yaml", "themes.yaml"):
            shutil.copy(args.project / name, root / name)
        for name in ("templates", "content"):
            shutil.copytree(args.project / name, root / name)
        # An editor's files were not all written in the last two seconds, as these copies
        # were: until then the preview reads every file again (see watch._Contents).
        time.sleep(SETTLED_NS / 1e9)
        project = Project.at(root)
        rebuilder = Rebuilder(project)
        started = time.perf_counter()
        first = rebuilder.update(EVERYTHING, defer_search=True)
        assert first is not None and first.files is not None
        print(f"first build: {time.perf_counter() - started:.2f} s, {len(first.files)} files")
        files = sorted(project.content.glob("*.md"))
        edited = files[len(files) // 2]
        shown, seconds = [], []
        for number in range(args.edits):
            edited.write_text(edited.read_text(encoding="utf-8") + f"\nPreview edit {number}.\n",
                              encoding="utf-8")
            changes = sort_changes(project, [edited])
            started = time.perf_counter()
            early = rebuilder.edited_page(changes)
            shown.append(time.perf_counter() - started)
            assert early is not None and f"Preview edit {number}." in early.data.decode()
            build = rebuilder.update(changes, defer_search=True)
            assert build is not None and not build.errors, build
            seconds.append(build.seconds)
        print(f"{len(files):,} articles, after an edit: its page shown in {_ms(shown)}, "
              f"the whole site rebuilt in {_ms(seconds)}")
    return 0


def _ms(seconds: list[float]) -> str:
    return (f"median {statistics.median(seconds) * 1000:.0f} ms "
            f"({', '.join(f'{s * 1000:.0f}' for s in seconds)})")


if __name__ == "__main__":
    sys.exit(main())
