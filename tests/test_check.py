"""``briefing check``: the seeds' site passes; each class of problem on a broken site is caught."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.check import check_site
from briefing.cli import main
from briefing.pipeline import Project
from tests.conftest import ROOT, make_project

BASE = "https://example.org/briefing/"
ARTICLE = "articles/openai-just-killed-sora/index.html"


@pytest.fixture(scope="module")
def seeds_site(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("seeds-site"))
    assert not pipeline.build(project).failed
    return project


@pytest.fixture
def site(seeds_site, tmp_path) -> Path:
    """A private copy of the seeds' built site to break."""
    return Path(shutil.copytree(seeds_site.out, tmp_path / "site"))


def problems(site: Path) -> list[str]:
    return [str(p) for p in check_site(site, BASE, ROOT / "templates",
                                       lambda p: p.relative_to(site.parent).as_posix()).problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_seeds_site_has_no_problems(seeds_site):
    result = check_site(seeds_site.out, BASE, seeds_site.templates)
    assert result.problems == ()
    # front, archive, 404, search, 4 themes, 5 articles, 2 months (March 2026, undated) of
    # the archive and of each theme; RSS, Atom, JSON for site and themes
    assert result.pages == 13 + 2 * 5 and result.feeds == 15


def test_cli_check_passes_on_the_seeds_site_and_is_fast(seeds_site, capsys):
    started = time.perf_counter()
    assert main(["--root", str(seeds_site.root), "check", "--strict"]) == 0
    assert time.perf_counter() - started < 2.0
    assert "checked 38 pages and feeds" in capsys.readouterr().out


IN_MAIN = "</main>"


@pytest.mark.parametrize("file, old, new, expected", [
    ("index.html", IN_MAIN, '<a href="nowhere/">x</a></main>',
     "link to 'nowhere/' does not resolve"),
    (ARTICLE, IN_MAIN, '<a href="../../themes/nope/">x</a></main>', "does not resolve"),
    (ARTICLE, IN_MAIN, '<a href="#nope">x</a></main>', "no id 'nope' on " + ARTICLE),
    ("index.html", IN_MAIN, '<a href="articles/openai-is-sunsetting-sora/#p-99">x</a></main>',
     "no id 'p-99'"),
    ("index.html", '<html lang="en">', "<html>", "no lang attribute"),
    ("index.html", '<meta charset="utf-8">', "", "charset"),
    ("index.html", '<meta name="viewport"', '<meta name="x"', "viewport"),
    (ARTICLE, "<title>", "<title> </title><x hidden>", "no <title>"),
    ("index.html", IN_MAIN, "<div><span></div></main>", "not well-formed HTML5"),
    ("index.html", "<!doctype html>", "", "not well-formed HTML5"),
    ("index.html", IN_MAIN, '<p id="main">x</p></main>', "duplicate id 'main'"),
    (ARTICLE, IN_MAIN, "<script>alert(1)</script></main>", "<script> that the templates"),
    (ARTICLE, IN_MAIN, '<script src="https://evil.example/x.js"></script></main>',
     "<script> that the templates"),
    (ARTICLE, IN_MAIN, "<svg><script>alert(1)</script></svg></main>", "<script>"),
    (ARTICLE, IN_MAIN, '<img src="x.png" alt="" onerror="alert(1)"></main>', "onerror="),
    (ARTICLE, IN_MAIN, '<a href="javascript:alert(1)">x</a></main>', "executable URL"),
    (ARTICLE, IN_MAIN, '<a href=" JaVa&#x09;ScRipt:alert(1)">x</a></main>', "executable URL"),
    (ARTICLE, IN_MAIN, '<a href="data:text/html,<script>">x</a></main>', "executable URL"),
    (ARTICLE, IN_MAIN, '<iframe src="https://evil.example/"></iframe></main>', "<iframe>"),
    (ARTICLE, IN_MAIN, '<meta http-equiv="refresh" content="0;url=x"></main>', "refresh"),
])
def test_each_broken_page_is_reported_naming_the_page(site, file, old, new, expected):
    edit(site / file, old, new)
    found = problems(site)
    assert found, "nothing reported"
    assert all(line.startswith(f"site/{file}") for line in found), found
    assert any(expected in line for line in found), found


@pytest.mark.parametrize("old, new, expected", [
    ("</channel>", "", "not well-formed XML"),
    ("<guid isPermaLink=\"false\">urn:uuid:", "<guid isPermaLink=\"false\">urn:uuid:x", None),
    ("articles/openai-just-killed-sora/</link>", "articles/gone/</link>",
     "link to 'https://example.org/briefing/articles/gone/' does not resolve"),
    ("<description>", "<description>&lt;script&gt;alert(1)&lt;/script&gt;", "<script>"),
    ("<description>", "<description>&lt;img src=x onerror=alert(1)&gt;", "onerror="),
    ("<content:encoded>", "<content:encoded>&lt;a href='javascript:alert(1)'&gt;x&lt;/a&gt;",
     "executable URL"),
    ("<title>The Briefing</title>", "<title></title>", "feed has no title"),
])
def test_each_broken_feed_is_reported(site, old, new, expected):
    edit(site / "feed.xml", old, new)
    found = problems(site)
    if expected is None:  # a changed guid is still a valid feed: the check must stay quiet
        assert found == []
        return
    assert found and all(line.startswith("site/feed.xml") for line in found), found
    assert any(expected in line for line in found), found


def test_a_repeated_feed_id_is_reported(site):
    feed = site / "feed.xml"
    text = feed.read_text(encoding="utf-8")
    guids = [part.split("<", 1)[0] for part in text.split('<guid isPermaLink="false">')[1:]]
    feed.write_text(text.replace(guids[1], guids[0]), encoding="utf-8")
    assert any("repeats id" in line for line in problems(site))


def test_the_sitemap_must_list_every_page_and_only_pages(site):
    edit(site / "sitemap.xml", f"<loc>{BASE}themes/spud/</loc>", f"<loc>{BASE}themes/gone/</loc>")
    (site / "extra/more").mkdir(parents=True)  # as deep as a theme page: its links still work
    (site / "extra/more/index.html").write_bytes((site / "themes/spud/index.html").read_bytes())
    found = problems(site)
    assert sorted(found) == sorted([
        "site/sitemap.xml: error: does not list extra/more/index.html",
        "site/sitemap.xml: error: does not list themes/spud/index.html",
        f"site/sitemap.xml: error: lists '{BASE}themes/gone/', which is not a page of this site",
    ])


def test_a_missing_sitemap_or_robots_is_reported(site):
    (site / "sitemap.xml").unlink()
    (site / "robots.txt").unlink()
    assert problems(site) == [
        "site/sitemap.xml: error: missing: the sitemap must list every page",
    ]
    assert main(["--root", str(site.parent), "check"]) == 1


def test_robots_must_point_at_the_sitemap(site):
    (site / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    assert problems(site) == [f"site/robots.txt: error: missing or does not say "
                              f"'Sitemap: {BASE}sitemap.xml'"]


def test_a_script_the_templates_ship_is_allowed_and_others_are_not(tmp_path):
    project = make_project(tmp_path)
    edit(project.templates / "base.html", "</body>",
         "<script>document.documentElement.classList.add('js');</script>\n"
         '<script src="{{ root }}assets/menu.js" defer></script>\n</body>')
    (project.templates / "assets/menu.js").write_text("// menu\n", encoding="utf-8")
    assert not pipeline.build(project).failed
    assert pipeline.check(project).diagnostics == ()
    edit(project.out / "index.html", "classList.add('js')", "classList.add('x')")
    assert [d.message for d in pipeline.check(project).diagnostics] == [
        "<script> that the templates do not ship: \"document.documentElement.classList.add('x');\""]


def test_check_without_a_built_site_fails_with_one_line(tmp_path, capsys):
    project = make_project(tmp_path)
    assert main(["--root", str(project.root), "check"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "site: error: no built site here (index.html missing): run build first"]


def test_ci_flow_build_then_check_through_build_py(tmp_path):
    project = make_project(tmp_path)
    for command in ("build", "check"):
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root",
                                 str(project.root), command, "--strict"],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


def test_atom_html_content_is_checked_and_atom_text_is_not(site):
    edit(site / "atom.xml", '<content type="html">', '<content type="html">&lt;script&gt;x()'
         '&lt;/script&gt;')
    assert [p.split(": error: ")[1] for p in problems(site)] == [
        "<script> that the templates do not ship: 'x()'"]
    edit(site / "themes/spud/atom.xml", "<title>", "<title>&lt;script&gt;y()&lt;/script&gt;")
    assert len(problems(site)) == 1  # a text construct is shown as text: harmless


def test_json_feeds_are_checked_for_markup_ids_and_links(site):
    path = site / "feed.json"
    feed = json.loads(path.read_text(encoding="utf-8"))
    feed["items"][0]["content_html"] += '<img src="x" onerror="alert(1)">'
    feed["items"][1]["id"] = feed["items"][0]["id"]
    feed["items"][2]["url"] = BASE + "articles/gone/"
    path.write_text(json.dumps(feed), encoding="utf-8")
    found = [p.split(": error: ")[1] for p in problems(site)]
    assert sorted(found) == sorted([
        "event handler attribute onerror= on <img>",
        f"feed item 2 repeats id {feed['items'][0]['id']!r}",
        f"link to '{BASE}articles/gone/' does not resolve"])
