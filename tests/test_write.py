"""Publishing: contained paths, portable names, and a site/ that a failed build never touches."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import pipeline
from briefing import publish as staging
from briefing.errors import BriefingError
from briefing.publish import stage
from briefing.render import OutputFile
from briefing.write import check_names, contained, name_problem, publish, recover
from tests.conftest import ROOT, make_project


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder`` with its bytes (folders map to b'/')."""
    return {p.relative_to(folder).as_posix(): (b"/" if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def built(project):
    assert not pipeline.build(project).failed
    return project


def test_an_exception_while_writing_a_page_leaves_site_byte_for_byte_unchanged(
        built, monkeypatch):
    before = snapshot(built.out)
    (built.seeds / "000_444192bbf4941383.txt").write_text("Changed headline\n\nNew text here.\n",
                                                          encoding="utf-8")
    real_write = staging._write_file
    written: list[str] = []

    def failing_write(target: str, data: bytes) -> None:
        written.append(target)
        if len(written) == 4:
            raise OSError(28, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(staging, "_write_file", failing_write)
    with pytest.raises(OSError):
        pipeline.build(built)
    assert len(written) == 4  # the failure really happened midway through the pages
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


KILLER = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from briefing import pipeline, publish
real = publish._write_file
count = []
def write(target, data):
    # Every file the publish step stages (the search index writes pages to a temp folder).
    count.append(1)
    if len(count) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    real(target, data)
publish._write_file = write
pipeline.build(pipeline.Project.at(Path({project!r})))
"""


def test_a_build_killed_midway_leaves_site_unchanged_and_the_next_build_cleans_up(built):
    before = snapshot(built.out)
    (built.seeds / "000_444192bbf4941383.txt").write_text("Changed headline\n\nNew text here.\n",
                                                          encoding="utf-8")
    script = KILLER.format(root=str(ROOT), project=str(built.root))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert result.returncode == -signal.SIGKILL
    assert snapshot(built.out) == before
    assert not any(p.name.startswith(".") for p in built.out.iterdir())  # nothing staged inside
    assert len(leftovers(built.out)) == 1  # the dead build's staging folder, beside site/
    assert not pipeline.build(built).failed
    assert leftovers(built.out) == []
    assert snapshot(built.out) != before


def test_a_build_killed_between_the_two_renames_gets_the_old_site_back(built):
    before = snapshot(built.out)
    dead_pid = "4194305"  # above Linux's largest pid, so never a running process
    os.replace(built.out, built.out.with_name(f".site.old-{dead_pid}"))
    built.out.with_name(f".site.staging-{dead_pid}").mkdir()
    recover(built.out)
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


def test_deleted_and_renamed_inputs_leave_no_stale_pages_or_feed_items(built, tmp_path):
    victim = next(built.content.glob("openai-just-killed*.md"))
    victim.unlink()
    (built.seeds / "002_7c52015d21591a0e.txt").unlink()
    renamed = built.seeds / "001_a848d95a036031ce.txt"
    renamed.rename(built.seeds / "zz_renamed.txt")
    for path in built.content.glob("*.md"):
        if "001_a848d95a036031ce" in path.read_text(encoding="utf-8"):
            path.unlink()
    assert not pipeline.build(built).failed
    clean = tmp_path / "clean"
    shutil.copytree(built.root, clean, ignore=shutil.ignore_patterns("site"))
    assert not pipeline.build(pipeline.Project.at(clean)).failed
    assert snapshot(built.out) == snapshot(clean / "site")
    assert not (built.out / "articles" / victim.stem).exists()
    assert victim.stem.encode() not in (built.out / "feed.xml").read_bytes()


def test_contained_refuses_parent_absolute_and_the_folder_itself(tmp_path):
    assert contained(tmp_path, "a/b.html") == (tmp_path / "a/b.html").resolve()
    for bad in ("../x", "a/../../x", "/etc/passwd", ".", "", "a/.."):
        with pytest.raises(BriefingError, match="outside"):
            contained(tmp_path, bad)


def test_contained_follows_symlinks_that_point_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    inside = tmp_path / "site"
    inside.mkdir()
    (inside / "link").symlink_to(outside, target_is_directory=True)
    (inside / "file.html").symlink_to(outside / "victim.html")
    for bad in ("link/x.html", "file.html"):
        with pytest.raises(BriefingError, match="outside"):
            contained(inside, bad)


def test_a_content_symlink_pointing_out_is_reported_and_its_target_untouched(project, tmp_path):
    pipeline.normalize(project)
    victim = next(project.content.glob("openai-just-killed*.md"))
    outside = tmp_path / "outside.md"
    outside.write_text(victim.read_text(encoding="utf-8"), encoding="utf-8")
    victim.unlink()
    victim.symlink_to(outside)
    seed = project.seeds / "002_7c52015d21591a0e.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    before = outside.read_bytes()
    report = pipeline.normalize(project)
    assert [d.path for d in report.diagnostics if d.is_error] == [f"content/{victim.name}"]
    assert outside.read_bytes() == before


@pytest.mark.parametrize("path, fragment", [
    ("articles/con/index.html", "reserved"),
    ("articles/LPT1.txt", "reserved"),
    ("articles/x./index.html", "dot"),
    ("articles/x /index.html", "space"),
    ("articles/a\x07b/index.html", "character"),
    ("articles/a\\b.html", "character"),
    ("articles/a:b.html", "character"),
    ("articles//index.html", "empty"),
    ("../index.html", "relative"),
])
def test_unportable_output_names_are_refused(path, fragment):
    assert fragment in (name_problem(path) or "")


@pytest.mark.parametrize("first, second", [
    ("articles/Cafe/index.html", "articles/cafe/index.html"),
    ("articles/caf\u00e9/index.html", "articles/cafe\u0301/index.html"),
])
def test_names_that_differ_only_by_case_or_normalization_collide(first, second, tmp_path):
    with pytest.raises(BriefingError, match="collide"):
        check_names([first, second])
    with pytest.raises(BriefingError, match="collide"):
        publish(tmp_path / "site", [OutputFile(first, b"a"), OutputFile(second, b"b")])
    assert not (tmp_path / "site").exists() and leftovers(tmp_path / "site") == []


def test_a_normal_build_only_writes_inside_content_site_and_the_cache(tmp_path):
    project = make_project(tmp_path / "p")

    def outside_outputs() -> dict[str, bytes]:
        # ... and the build cache in .cache/ (issue 8)
        return {k: v for k, v in snapshot(tmp_path).items()
                if not k.startswith(("p/content", "p/site", "p/.cache/")) and k != "p/.cache"}

    before = outside_outputs()
    assert not pipeline.build(project).failed
    assert outside_outputs() == before


def test_stage_writes_into_new_and_existing_folders_and_refuses_to_leave(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    outputs = [OutputFile("index.html", b"front"), OutputFile("a/b/c/page.html", b"deep"),
               OutputFile("a/b/c/feed.xml", b""), OutputFile("./a/x.html", b"dot"),
               OutputFile("a/b/c/page.html", b"again")]
    for output in outputs:
        stage(staging, output)
    assert {p.relative_to(staging).as_posix(): p.read_bytes()
            for p in staging.rglob("*") if p.is_file()} == {
        "index.html": b"front", "a/b/c/page.html": b"again", "a/b/c/feed.xml": b"",
        "a/x.html": b"dot"}
    for bad in ("../x", "a/../../x", "/etc/passwd", ".", "", "a/..", "a\\b.html", "./"):
        with pytest.raises(BriefingError, match="outside"):
            stage(staging, OutputFile(bad, b"x"))
    assert not (tmp_path / "x").exists()
