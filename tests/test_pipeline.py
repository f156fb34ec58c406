"""End to end: the real seeds built into a temporary project, as the CLI runs it."""

import gc
import hashlib
import os
import shutil
import subprocess
import sys
from datetime import datetime
from functools import partial
from pathlib import Path

import feedparser
import pytest

from briefing import articles, pipeline
from briefing.cli import main
from briefing.content import format_when, parse_article
from briefing.parallel import Forked
from briefing.project import list_content
from tests.conftest import BOILERPLATE, ROOT, make_project


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(project):
    report = pipeline.build(project)
    assert not report.failed, report.diagnostics
    return project


def test_build_gives_five_articles_four_themes_and_the_front_page(built):
    site = built.out
    assert len(list((site / "articles").glob("*/index.html"))) == 5
    assert sorted(p.name for p in (site / "themes").iterdir()) == [
        "compute", "enterprise-pivot", "governance", "spud"]
    assert (site / "index.html").exists() and (site / "assets/style.css").exists()
    assert len(list(built.content.glob("*.md"))) == 5


def test_each_seed_gets_its_expected_title_date_and_themes(built, expected_seeds):
    articles = {a.source: a for a in (parse_article(p.read_text(encoding="utf-8"), p.name)
                                      for p in built.content.glob("*.md"))}
    assert set(articles) == set(expected_seeds)
    for source, want in expected_seeds.items():
        article = articles[source]
        assert article.title == want["title"]
        assert article.slug == want["slug"]
        assert (format_when(article.date) if article.date else None) == want["date"]
        assert list(article.themes) == want["themes"]
        assert article.id.startswith("urn:uuid:")
        page = (built.out / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
        assert any(f"themes/{t}/" in page for t in want["themes"])


def test_no_boilerplate_line_is_left_in_any_body_or_page(built):
    for path in built.content.glob("*.md"):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for phrase in BOILERPLATE:
            assert phrase not in body, (path.name, phrase)
    for path in (built.out / "articles").rglob("index.html"):
        html = path.read_text(encoding="utf-8")
        assert "Share this article" not in html and "Sign Up to Access" not in html


def test_feed_has_five_items_newest_first_with_valid_dates(built):
    parsed = feedparser.parse((built.out / "feed.xml").read_bytes())
    assert not parsed.bozo
    entries = parsed.entries
    assert len(entries) == 5
    dated = [e for e in entries if "published_parsed" in e]
    assert [e.title for e in dated] == [
        "OpenAI Completes Flagship Spud Model and Scraps Sora to Accelerate the Global Economy",
        "OpenAI kills Sora to feed 'Spud,' its next major model"]
    assert entries[:2] == dated  # undated ones come after
    times = [datetime(*e.published_parsed[:6]) for e in dated]
    assert times == sorted(times, reverse=True)
    assert all(e.link.startswith("https://example.org/briefing/articles/") for e in entries)
    assert len({e.id for e in entries}) == 5


def test_building_twice_gives_byte_identical_site_and_content(project):
    pipeline.build(project)
    first = tree_digest(project.out), tree_digest(project.content)
    pipeline.build(project)
    assert (tree_digest(project.out), tree_digest(project.content)) == first


def test_a_build_asked_to_keep_its_data_leaves_it_and_reports_the_same(project):
    kept: list[object] = []
    first = pipeline.build(project, keep=kept)
    again = pipeline.build(project, keep=kept)  # nothing changed: the early return keeps too
    plain = pipeline.build(project)
    assert (first.articles, first.pages, first.feeds) == (plain.articles, plain.pages, plain.feeds)
    assert (again.articles, again.pages, again.feeds) == (plain.articles, plain.pages, plain.feeds)
    assert len(kept) == 2 and all(isinstance(frame, dict) and "publisher" in frame
                                  for frame in kept)
    assert kept[0]["read"].articles and "read" not in kept[1]


def test_committed_content_is_what_the_seeds_normalize_to(tmp_path):
    project = make_project(tmp_path)
    pipeline.normalize(project)
    assert tree_digest(project.content) == tree_digest(ROOT / "content")


def test_a_bad_seed_is_reported_and_everything_else_builds(project):
    (project.seeds / "zz_binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (project.seeds / "zz_empty.txt").write_text("  \n\u200b\n", encoding="utf-8")
    report = pipeline.build(project)
    assert report.failed
    assert [d.path for d in report.diagnostics if d.is_error] == [
        "seeds/zz_binary.txt", "seeds/zz_empty.txt"]
    assert len(list((project.out / "articles").iterdir())) == 5


def test_a_broken_content_file_is_reported_with_its_line_and_left_out(project):
    pipeline.build(project)
    victim = next(project.content.glob("openai-just-killed*.md"))
    victim.write_text(victim.read_text(encoding="utf-8").replace("themes:", "themes: x\nbad:", 1),
                      encoding="utf-8")
    report = pipeline.build(project)
    errors = [d for d in report.diagnostics if d.is_error]
    assert len(errors) == 1 and errors[0].path == f"content/{victim.name}" and errors[0].line
    assert len(list((project.out / "articles").iterdir())) == 4
    assert victim.read_text(encoding="utf-8").count("bad:") == 1  # the editor's file is untouched


def test_hand_edits_survive_normalize_and_force_overwrites(project):
    pipeline.normalize(project)
    path = next(project.content.glob("openai-just-killed*.md"))
    edited = path.read_text(encoding="utf-8").replace("OpenAI has announced", "EDITED: OpenAI has")
    path.write_text(edited, encoding="utf-8")
    report = pipeline.normalize(project)
    assert path.read_text(encoding="utf-8") == edited
    assert any("hand-edited" in d.message for d in report.diagnostics)
    pipeline.normalize(project, force=True)
    assert "EDITED" not in path.read_text(encoding="utf-8")


def test_a_changed_seed_behind_a_hand_edit_is_reported_stale(project):
    pipeline.normalize(project)
    path = next(project.content.glob("openai-just-killed*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nMy note.\n", encoding="utf-8")
    seed = project.seeds / "002_7c52015d21591a0e.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    report = pipeline.normalize(project)
    stale = [d for d in report.diagnostics if "changed since" in d.message]
    assert stale and stale[0].path == f"content/{path.name}"
    assert path.read_text(encoding="utf-8").endswith("My note.\n")


def test_cli_exit_status_and_one_line_errors(project, capsys):
    assert main(["--root", str(project.root), "build"]) == 0
    (project.root / "briefing.yaml").write_text("titel: x\n", encoding="utf-8")
    assert main(["--root", str(project.root), "build"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["briefing.yaml: error: unknown key 'titel' (known: base_url, description, "
                   "digest_window, feed_size, language, search, timezone, title)"]
    assert "Traceback" not in "\n".join(err)


def test_build_py_runs_the_whole_pipeline_with_options(tmp_path):
    project = make_project(tmp_path / "p")
    out = tmp_path / "elsewhere"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(project.root), "build",
         "--out", str(out), "--base-url", "http://127.0.0.1:8000/sub/"],
        capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "built 5 articles" in result.stdout
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.entries[0].link.startswith("http://127.0.0.1:8000/sub/articles/")


def test_folders_and_editor_lock_files_in_content_are_not_articles(project):
    pipeline.build(project)
    (project.content / "notes.md").mkdir()
    (project.content / ".#draft.md").write_text("lock", encoding="utf-8")
    report = pipeline.build(project)
    assert not report.failed, report.diagnostics
    assert report.articles == 5


def test_a_build_leaves_the_cycle_collector_as_it_found_it(project):
    before = gc.get_threshold()
    report = pipeline.build(project)
    assert report.articles == 5 and gc.get_threshold() == before


def test_a_build_given_content_listed_by_a_forked_process_equals_a_clean_build(project,
                                                                               tmp_path):
    pipeline.build(project)
    edited = sorted(project.content.glob("*.md"))[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n",
                      encoding="utf-8")
    listing = Forked(partial(list_content, project))  # as the command line starts one
    report = pipeline.build(project, listing=listing)
    assert not report.failed and report.files_written > 0
    assert "One more line." in (project.out / "articles" / edited.stem / "index.html").read_text(
        encoding="utf-8")
    clean = make_project(tmp_path / "clean")
    shutil.rmtree(clean.content)
    shutil.copytree(project.content, clean.content)
    pipeline.build(clean)
    assert tree_digest(project.out) == tree_digest(clean.out)


def test_content_listed_before_normalize_rewrote_it_is_listed_again(project, monkeypatch):
    monkeypatch.setattr(articles, "SETTLED_NS", 0)  # trust identities at once, not after 2 s
    pipeline.build(project)
    seed = sorted(project.seeds.glob("*.txt"))[0]
    listing = Forked(partial(list_content, project))
    listing.result()  # listed before the seed changes, as a slow start would
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA closing line added later.\n",
                    encoding="utf-8")
    report = pipeline.build(project, listing=listing)
    assert not report.failed, report.diagnostics
    pages = "".join(p.read_text(encoding="utf-8") for p in project.out.glob("articles/*/*.html"))
    assert "A closing line added later." in pages


def test_a_build_with_its_settings_unchanged_reads_no_yaml(project):
    """Settings are kept in the cache by their files' bytes; simple front matter has its
    own reader: a rebuild after an edit to an article's text never loads PyYAML (here in
    a project of content alone, as a large archive is: normalizing seeds reads YAML)."""
    pipeline.build(project)
    shutil.rmtree(project.seeds)
    edited = sorted(project.content.glob("*.md"))[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new closing line.\n",
                      encoding="utf-8")
    script = ("import sys\nfrom briefing.cli import main\n"
              f"status = main(['--root', {str(project.root)!r}, 'build'])\n"
              "print(status, 'yaml' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split()[-2:] == ["0", "False"], done.stdout + done.stderr
    (project.root / "themes.yaml").write_text(
        (project.root / "themes.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split()[-2:] == ["0", "True"]  # changed: read again
