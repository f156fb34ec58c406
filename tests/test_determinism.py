"""Byte-identical site/ and content/ whatever the machine: time zone, locale, hash seed,
folder path and the order the file system lists files in."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser

from tests.conftest import FIXTURES, ROOT, make_project

HOSTILE_SEEDS = FIXTURES / "hostile" / "seeds"

# Two machines as different as we can make them. The second runs Python in the plain C
# locale without UTF-8 mode, so any file opened without an explicit encoding would break.
FIRST = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1", "PYTHONUTF8": "1"}
SECOND = {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "PYTHONHASHSEED": "2", "PYTHONUTF8": "0"}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def project_at(folder: Path, reverse: bool) -> Path:
    """The real and the hostile seeds, copied in one order or the other."""  # for other disks
    project = make_project(folder)
    shutil.rmtree(project.seeds)
    project.seeds.mkdir()
    sources = sorted([*(ROOT / "seeds").iterdir(), *HOSTILE_SEEDS.iterdir()],
                     key=lambda p: p.name, reverse=reverse)
    for path in sources:
        shutil.copyfile(path, project.seeds / path.name)
    return project.root


# Runs build.py with the file system's listings (os.listdir, os.scandir: what iterdir,
# glob and rglob use) sorted forwards or backwards, since a real disk's order cannot be chosen.
LISTING = """
import os, runpy, sys
reverse = sys.argv.pop(1) == "reverse"
listdir, scandir = os.listdir, os.scandir

class Listing:
    def __init__(self, path):
        with scandir(path) as found:
            self.entries = sorted(found, key=lambda e: e.name, reverse=reverse)
    def __iter__(self):
        return iter(self.entries)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def close(self):
        pass

os.listdir = lambda path=".": sorted(listdir(path), reverse=reverse)
os.scandir = lambda path=".": Listing(path)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def build(root: Path, machine: dict[str, str], order: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LC_", "LANG", "PYTHON", "TZ", "SOURCE_DATE_EPOCH"))}
    env.update(machine)
    return subprocess.run([sys.executable, "-c", LISTING, order, str(ROOT / "build.py"),
                           "--root", str(root), "build"], capture_output=True, env=env,
                          check=False)


def test_two_different_machines_build_byte_identical_sites(tmp_path):
    first = project_at(tmp_path / "first", reverse=False)
    second = project_at(tmp_path / "second place é", reverse=True)
    results = [build(first, FIRST, "forward"), build(second, SECOND, "reverse")]
    for result in results:
        assert result.returncode == 1, result.stderr  # the four unusable hostile seeds
        assert b"Traceback" not in result.stderr
    assert results[0].stderr == results[1].stderr  # the same report, word for word
    assert tree(first / "content") == tree(second / "content")
    assert tree(first / "site") == tree(second / "site")
    assert len(tree(first / "site")) > 30
    # Evidence that the second machine really had an ASCII locale.
    probe = subprocess.run([sys.executable, "-c", "import locale; print(locale.getencoding())"],
                           capture_output=True, text=True, env={**os.environ, **SECOND},
                           check=True)
    assert probe.stdout.strip() in ("ANSI_X3.4-1968", "ascii", "US-ASCII")


def test_source_date_epoch_sets_the_feed_date_on_every_machine(tmp_path):
    roots = [project_at(tmp_path / "a", reverse=False), project_at(tmp_path / "b", reverse=True)]
    for root, machine, order in zip(roots, (FIRST, SECOND), ("forward", "reverse"), strict=True):
        assert build(root, {**machine, "SOURCE_DATE_EPOCH": "1774353600"}, order).returncode == 1
    assert tree(roots[0] / "site") == tree(roots[1] / "site")
    feed = feedparser.parse((roots[0] / "site/feed.xml").read_bytes())
    assert feed.feed.updated_parsed[:6] == (2026, 3, 24, 12, 0, 0)
