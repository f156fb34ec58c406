"""A cached, incremental build must equal a clean build byte for byte, whatever changed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing import articles as per_article
from briefing import parallel, pipeline
from briefing.cache import BuildCache, memoized, save_memos, use_memos
from briefing.config import SiteConfig
from briefing.content import Article
from briefing.errors import BriefingError
from briefing.pipeline import Project
from briefing.render import LISTED
from briefing.site import newest_first
from tests.conftest import make_project

INPUTS = ("content", "seeds", "templates", "briefing.yaml", "themes.yaml")

# An article as other generators' archives have it (tags, no id), beside the seeds' ones.
EXTRA = """---
title: "Helix Labs weighs a gigawatt datacenter"
date: 2025-01-05T10:00:00+00:00
slug: helix-labs-weighs-a-gigawatt-datacenter
themes: [compute]
tags: [capacity, pricing]
summary: "The compute budget doubles."
---

Helix Labs said its **compute** budget for the datacenter doubles, with GPUs from two vendors.

- A first point about power.
- A second point about chips.
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(project: Project, tmp: Path) -> dict[str, bytes]:
    """Build a copy of the project's inputs with no cache and no site."""
    fresh = tmp / "clean"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    for name in INPUTS:
        source = project.root / name
        if source.is_dir():
            shutil.copytree(source, fresh / name)
        else:
            shutil.copy(source, fresh / name)
    pipeline.build(Project.at(fresh))
    return tree(fresh / "site")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The real project, its search index off (one test below keeps it on): faster."""
    project = make_project(tmp_path / "project", with_content=True)
    edit(project.config_file, "search: true", "search: false")
    (project.content / "helix-labs-weighs-a-gigawatt-datacenter.md").write_text(EXTRA)
    report = pipeline.build(project)
    assert not report.failed and report.files_written > 0
    assert (project.root / ".cache").is_dir()
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_article(p: Project) -> None:
    edit(p.content / "helix-labs-weighs-a-gigawatt-datacenter.md", "doubles, with", "triples, with")


def retitle_article(p: Project) -> None:
    """Its neighbours' pages show its title in their pager: they must follow."""
    edit(p.content / "helix-labs-weighs-a-gigawatt-datacenter.md", "title: \"Helix Labs weighs",
         "title: \"Helix Labs now weighs")


def delete_article(p: Project) -> None:
    shutil.rmtree(p.seeds)
    p.seeds.mkdir()
    (p.content / "openai-is-sunsetting-sora.md").unlink()


def redate_article(p: Project) -> None:
    """It leaves its month (whose pages go) for another one (whose pages change)."""
    edit(p.content / "helix-labs-weighs-a-gigawatt-datacenter.md", "date: 2025-01-05",
         "date: 2026-03-20")


def add_many_articles(p: Project) -> None:
    """More than the archive and a theme page list: the rest only on month pages."""
    for n in range(LISTED + 5):
        text = EXTRA.replace("helix-labs-weighs-a-gigawatt-datacenter", f"extra-{n}")
        text = text.replace("2025-01-05", f"{2024 - n // 28}-{n % 12 + 1:02d}-{n % 28 + 1:02d}")
        (p.content / f"extra-{n}.md").write_text(text.replace("a gigawatt", f"{n} gigawatts"))


def edit_template(p: Project) -> None:
    edit(p.templates / "base.html", "<main id=\"main\"", "<main id=\"main\" class=\"edited\"")


def edit_themes(p: Project) -> None:
    edit(p.themes_file, "threshold: 8", "threshold: 3")  # compute takes in more articles
    edit(p.themes_file, "title: Spud", "title: Spud, the model")


def edit_config(p: Project) -> None:
    edit(p.config_file, "title: The Briefing", "title: The Edited Briefing")


def no_change(p: Project) -> None:
    pass


@pytest.mark.parametrize("change", [no_change, edit_article, retitle_article, delete_article,
                                    redate_article, add_many_articles, edit_template,
                                    edit_themes, edit_config])
@pytest.mark.parametrize("settled", [False, True])
def test_a_cached_rebuild_equals_a_clean_build(project: Project, tmp_path: Path,
                                               change: Callable[[Project], None], settled: bool,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``settled``: the unchanged files are old enough to be known by their identity, so
    they are not read, and their bodies are read only where a page or feed shows them."""
    if settled:
        monkeypatch.setattr(per_article, "SETTLED_NS", 0)
    before = tree(project.out)
    change(project)
    report = pipeline.build(project)
    assert not report.failed, report.diagnostics
    after = tree(project.out)
    assert after == clean_build(project, tmp_path)
    assert (after == before) == (change is no_change)
    if change is no_change:
        assert report.files_written == 0


def test_bodies_left_unread_are_never_the_ones_shown(project: Project, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a theme's digest window and feed, articles keep their bodies unread."""
    add_many_articles(project)
    pipeline.build(project)
    monkeypatch.setattr(per_article, "SETTLED_NS", 0)
    filled: list[str] = []
    fill = per_article.Bodies.fill

    def counted(self: per_article.Bodies, article: Article) -> Article:
        if not article.body:
            filled.append(article.slug)
        return fill(self, article)

    monkeypatch.setattr(per_article.Bodies, "fill", counted)
    edit_article(project)
    pipeline.build(project)
    read = len(filled)
    assert tree(project.out) == clean_build(project, tmp_path)
    assert 0 < read < len(list(project.content.glob("*.md"))) - 1


def test_an_article_edit_rewrites_only_what_shows_it(project: Project) -> None:
    edit_article(project)
    report = pipeline.build(project)
    # Its page, and the pages and feeds listing it with its body or summary (not all).
    assert 1 <= report.files_written < report.pages + report.feeds
    assert b"triples" in (project.out / "articles/helix-labs-weighs-a-gigawatt-datacenter"
                          / "index.html").read_bytes()


def test_month_pages_of_untouched_months_are_not_rendered_again(project: Project) -> None:
    month = project.out / "archive/2026-03/index.html"
    edited = project.out / "themes/compute/archive/2025-01/index.html"
    seen = month.stat().st_mtime_ns, edited.stat().st_mtime_ns
    retitle_article(project)  # its month pages show its title; March 2026 does not
    pipeline.build(project)
    assert month.stat().st_mtime_ns == seen[0]
    assert edited.stat().st_mtime_ns != seen[1]
    assert b"Helix Labs now weighs" in edited.read_bytes()


def test_feeds_are_made_again_only_when_what_they_show_changed(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the newest three articles in each feed, an edit makes again the feeds that
    show the edited article (in each format), and leaves the others as they were."""
    from briefing import feeds

    edit(project.config_file, "feed_size: 50", "feed_size: 3")
    pipeline.build(project)
    made: list[str] = []

    def recording(make: Callable[[feeds.Channel], bytes]) -> Callable[[feeds.Channel], bytes]:
        return lambda channel: made.append(channel.folder) or make(channel)

    for name in ("rss", "atom", "json_feed"):
        monkeypatch.setattr(feeds, name, recording(getattr(feeds, name)))
    config, themes = pipeline.load_settings(project)
    ordered = newest_first(pipeline.load_articles(project, themes, pipeline.Collector()), config)
    kept = []
    for article in (ordered[-1], ordered[0]):  # in no site feed; in the site's feed
        made.clear()
        edit(project.root / article.path, "\n\n", "\n\nAn edited first paragraph.\n\n")
        pipeline.build(project)
        showing = [""] if article in ordered[:3] else []
        showing += [f"themes/{t.slug}/" for t in themes if article.slug in
                    [a.slug for a in ordered if t.slug in a.themes][:3]]
        assert made == [folder for folder in showing for _ in range(3)]
        kept.append(3 * (1 + len(themes)) - len(made))
    assert kept[0] >= 3 and kept[1] < kept[0]  # the oldest's edit kept the site's feeds
    assert tree(project.out) == clean_build(project, tmp_path)


def test_pages_drawn_from_many_articles_are_made_again_only_when_what_they_show_changed(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The front page, archive and theme pages list the newest articles, count them by
    month and show the briefing drawn from each theme's newest: an edit to an article in
    none of those keeps them all (and the briefing is not even made)."""
    from briefing import render

    add_many_articles(project)
    pipeline.build(project)
    # Pages are made in a forked process where there is one: here, in this one, so that
    # what is made can be recorded (``parallel.Forked`` runs the work where it is asked).
    monkeypatch.delattr(os, "fork")
    made: list[str] = []
    briefed: list[int] = []
    real_made, real_digested = render._made, pipeline.digested
    monkeypatch.setattr(render, "_made", lambda env, site, template, path, *args, **kw: (
        made.append(path) or real_made(env, site, template, path, *args, **kw)))
    monkeypatch.setattr(pipeline, "digested", lambda site, *bodies: (
        briefed.append(1) or real_digested(site, *bodies)))
    config, themes = pipeline.load_settings(project)
    ordered = newest_first(pipeline.load_articles(project, themes, pipeline.Collector()), config)
    oldest = [a for a in ordered if a.slug.startswith("extra-")][-1]
    newest = ordered[0]
    assert ordered.index(oldest) >= LISTED and oldest.themes == ("compute",)
    assert [a for a in ordered if "compute" in a.themes].index(oldest) >= LISTED
    edit(project.root / oldest.path, "\n\n", "\n\nAn edited first paragraph.\n\n")
    pipeline.build(project)
    assert made == [] and briefed == []
    assert tree(project.out) == clean_build(project, tmp_path)
    made.clear()
    briefed.clear()
    edit(project.root / newest.path, "\n\n", "\n\nAn edited first paragraph.\n\n")
    pipeline.build(project)
    assert "index.html" in made and "404.html" not in made and briefed == [1]
    assert {f"themes/{t}/index.html" for t in newest.themes} <= set(made)
    assert tree(project.out) == clean_build(project, tmp_path)
    made.clear()
    (project.root / oldest.path).unlink()  # the archive's and its themes' counts change
    pipeline.build(project)
    assert {"index.html", "archive/index.html"} <= set(made)
    assert tree(project.out) == clean_build(project, tmp_path)


def test_an_edit_that_moves_no_article_keys_only_the_pages_showing_it(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new title shows on the article's page, its neighbours' and its month pages: only
    those are keyed (and made). A new date moves it: every page is keyed again."""
    add_many_articles(project)
    pipeline.build(project)
    keyed: list[str] = []
    real = per_article.page_key
    monkeypatch.setattr(per_article, "page_key", lambda item, keys: (
        keyed.append(pipeline.render.page_path(item)) or real(item, keys)))
    middle = project.content / "extra-20.md"
    edit(middle, 'title: "Helix Labs weighs', 'title: "Helix Labs now weighs')
    report = pipeline.build(project)
    assert "articles/extra-20/index.html" in keyed and len(keyed) < 12, keyed
    assert report.files_written >= 4  # its page, two neighbours', its month's (and theme's)
    assert tree(project.out) == clean_build(project, tmp_path)
    keyed.clear()
    edit(middle, "date: 2024-", "date: 2021-")
    pipeline.build(project)
    assert len(keyed) > LISTED
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_retitled_article_of_many_themes_shows_on_every_page_that_lists_it(
        project: Project, tmp_path: Path) -> None:
    """Its neighbours in each of its themes (not only its main one) show its title, as do
    its month pages: a retitle keys those pages alone, and they all follow."""
    path = project.content / "openai-kills-sora-to-feed-spud-its-next-major-model.md"
    assert path.read_text(encoding="utf-8").count("\n- ") >= 4  # four themes
    add_many_articles(project)
    pipeline.build(project)
    edit(path, "title: OpenAI kills", "title: OpenAI now kills")
    report = pipeline.build(project)
    assert not report.failed and report.files_written >= 3
    assert tree(project.out) == clean_build(project, tmp_path)


def test_an_edit_in_a_build_that_failed_before_publishing_is_published_by_the_next(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache may know files a failed build read; site/ holds only what the last
    published build made: the next build must not take the one for the other."""
    edit_article(project)
    with monkeypatch.context() as failing:
        def fail(self: object) -> int:
            raise BriefingError("disk full")
        failing.setattr(pipeline.Publisher, "commit", fail)
        with pytest.raises(BriefingError):
            pipeline.build(project)
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)


def test_keys_that_could_not_be_saved_after_publishing_are_not_trusted(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """site/ published with an edit, the keys it was made from not saved (a full disk):
    the next build must not compare content/ with the keys of an older site/."""
    path = project.content / "helix-labs-weighs-a-gigawatt-datacenter.md"
    original = path.read_text(encoding="utf-8")
    edit_article(project)
    with monkeypatch.context() as failing:
        def fail(*args: object) -> None:
            raise OSError("disk full")
        failing.setattr(pipeline.Reading, "remember_keys", fail)
        with pytest.raises(OSError):
            pipeline.build(project)
    path.write_text(original, encoding="utf-8")  # back to what the older keys say
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)


def test_an_edit_built_into_another_folder_is_still_published_to_site(
        project: Project, tmp_path: Path) -> None:
    """What the cache knows of content/ is kept per site folder: a build into another
    one leaves site/'s next build to find the edit it has not published yet."""
    edit_article(project)
    pipeline.build(Project.at(project.root, out=tmp_path / "elsewhere"))
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)
    assert tree(tmp_path / "elsewhere") == tree(project.out)


def test_a_page_changed_by_hand_in_site_is_restored(project: Project, tmp_path: Path) -> None:
    page = project.out / "articles/openai-is-sunsetting-sora/index.html"
    page.write_bytes(page.read_bytes().replace(b"<main", b"<main data-x"))
    (project.out / "index.html").unlink()
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)


def _refuse(*_: object, **__: object) -> None:
    raise AssertionError("the content was read again")


def test_with_nothing_changed_nothing_is_read_or_rendered(project: Project,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = pipeline.build(project)  # the fixture's build was cold: this one has an index
    monkeypatch.setattr(per_article, "SETTLED_NS", 0)  # every file counts as settled
    pipeline.build(project)
    monkeypatch.setattr(pipeline, "read_articles", _refuse)
    monkeypatch.setattr(per_article, "read", _refuse)  # not even hashed: identities vouch
    again = pipeline.build(project)
    assert again.files_written == 0
    assert (again.articles, again.pages, again.feeds) == (first.articles, first.pages,
                                                          first.feeds)


@pytest.mark.parametrize("settled", [True, False])
def test_an_edit_that_keeps_size_and_mtime_is_still_seen(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: bool) -> None:
    if settled:
        monkeypatch.setattr(per_article, "SETTLED_NS", 0)
    pipeline.build(project)
    path = project.content / "helix-labs-weighs-a-gigawatt-datacenter.md"
    stat = path.stat()
    edit(path, "doubles, with", "tripled, with")  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    pipeline.build(project)
    assert b"tripled" in (project.out / "articles/helix-labs-weighs-a-gigawatt-datacenter"
                            / "index.html").read_bytes()
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_new_feed_date_is_a_change(project: Project, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pipeline.build(project).files_written > 0
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_failed_build_leaves_site_and_cache_usable(project: Project, tmp_path: Path) -> None:
    before = tree(project.out)
    edit_article(project)
    edit(project.templates / "article.html", "{% endblock %}", "{% endblock %")
    with pytest.raises(BriefingError):
        pipeline.build(project)
    assert tree(project.out) == before
    assert not list(project.root.glob(".site.*"))
    edit(project.templates / "article.html", "{% endblock %", "{% endblock %}")
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_lost_cache_or_site_only_costs_time(project: Project, tmp_path: Path) -> None:
    shutil.rmtree(project.root / ".cache")
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)
    shutil.rmtree(project.out)
    pipeline.build(project)
    assert tree(project.out) == clean_build(project, tmp_path)


def test_work_spread_over_processes_builds_the_same_site(project: Project, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_JOBS_FOR_POOL", 1)
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    shutil.rmtree(project.root / ".cache")
    shutil.rmtree(project.out)
    report = pipeline.build(project)
    assert report.articles == 6 and not report.failed
    assert tree(project.out) == clean_build(project, tmp_path)


def test_the_html_memo_keeps_only_what_the_last_build_used(project: Project) -> None:
    memo = next((project.root / ".cache").glob("*/html"))
    first = sorted(memo.glob("*/*"))
    assert first  # the feeds' items
    edit_article(project)
    pipeline.build(project)
    second = sorted(memo.glob("*/*"))
    assert len(second) == len(first) and second != first


@pytest.mark.parametrize("processes", [1, 2])
def test_of_two_files_with_one_slug_the_first_keeps_the_page(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int) -> None:
    monkeypatch.setattr(parallel, "MIN_JOBS_FOR_POOL", 1)
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "cores", lambda: processes)
    twin = EXTRA.replace("Helix Labs weighs", "A twin weighs")
    (project.content / "zz-twin.md").write_text(twin)
    report = pipeline.build(project)
    assert [d.path for d in report.diagnostics] == ["content/zz-twin.md"]
    page = project.out / "articles/helix-labs-weighs-a-gigawatt-datacenter/index.html"
    assert b"Helix Labs weighs" in page.read_bytes()
    assert b"A twin weighs" not in page.read_bytes()
    assert tree(project.out) == clean_build(project, tmp_path)


def test_with_search_on_a_cached_rebuild_equals_a_clean_build(project: Project,
                                                              tmp_path: Path) -> None:
    edit(project.config_file, "search: false", "search: true")
    pipeline.build(project)
    edit_article(project)
    report = pipeline.build(project)
    assert not report.failed, report.diagnostics
    after = tree(project.out)
    assert any(path.startswith("pagefind/") for path in after)
    assert after == clean_build(project, tmp_path)


def test_memoized_results_outlive_a_build_and_only_used_ones_are_kept(tmp_path: Path) -> None:
    calls: list[str] = []

    @memoized("test-upper", lambda text: text)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    store = BuildCache(tmp_path)
    for words in (["a", "b", "a"], ["a"], ["b"]):
        use_memos(store)
        try:
            assert [upper(w) for w in words] == [w.upper() for w in words]
            save_memos()
        finally:
            use_memos(None)
    # "a" once; "b" again after the second build used only "a" and the memo forgot "b".
    assert calls == ["a", "b", "b"]
    assert upper("c") == "C" and calls[-1] == "c"  # no build running: plain call


def test_only_changed_seeds_are_normalized_again(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "p")
    edit(project.config_file, "search: true", "search: false")
    from briefing import normalize

    seen: list[str] = []
    real = normalize.split_lines

    def counting(text: str) -> list[str]:  # the first step of normalize_text
        seen.append(text)
        return real(text)

    monkeypatch.setattr(normalize, "split_lines", counting)
    pipeline.build(project)
    assert len(seen) == len(list(project.seeds.glob("*.txt")))
    seen.clear()
    pipeline.build(project)
    assert seen == []
    seed = sorted(project.seeds.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more line of text.\n",
                    encoding="utf-8")
    pipeline.normalize(project)
    assert len(seen) == 1


def _read_one(project: Project) -> tuple[per_article.Bodies, Article, Path]:
    """Pass 1 on one content file, as a build does it: its body left in the file."""
    config, themes = pipeline.load_settings(project, None)
    inputs = per_article.Inputs.of(config, themes, project.templates)
    per_article.start_worker(inputs)
    path = sorted(project.content.glob("*.md"))[0]
    done = per_article.process(per_article.Source(f"content/{path.name}", str(path), ""))
    article = done.record.article
    assert article is not None and not article.body and done.source.hashed is not None
    return per_article.Bodies(inputs, {article.slug: (done.source, done.record)}), article, path


def test_a_body_read_back_is_not_hashed_again_when_its_identity_vouches(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(per_article, "SETTLED_NS", 0)  # files written before now are settled
    bodies, article, path = _read_one(project)
    hashed: list[object] = []
    monkeypatch.setattr(per_article, "digest", lambda *parts: hashed.append(parts))
    filled = bodies.fill(article)
    assert hashed == [] and filled.body
    assert filled.body in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("settled_ns", [-(1 << 62), per_article.SETTLED_NS])
def test_a_body_changed_since_it_was_hashed_is_refused(
        project: Project, monkeypatch: pytest.MonkeyPatch, settled_ns: int) -> None:
    """Replaced (another identity) though every time counts as settled; rewritten in place,
    same size, when its times are recent (racy)."""
    monkeypatch.setattr(per_article, "SETTLED_NS", settled_ns)
    bodies, article, path = _read_one(project)
    text = path.read_text(encoding="utf-8")
    changed = text.replace("the", "THE", 1)
    assert changed != text and len(changed) == len(text)
    if settled_ns:
        path.write_text(changed, encoding="utf-8")
    else:
        path.with_name("new.tmp").write_text(changed, encoding="utf-8")
        os.replace(path.with_name("new.tmp"), path)
    with pytest.raises(BriefingError, match="changed while the site was being built"):
        bodies.fill(article)


def test_an_identity_vouches_only_for_a_file_settled_before_it_was_hashed() -> None:
    seen = (100, 5_000_000_000, 7, 6_000_000_000)  # size, mtime, inode, ctime
    settled_at = seen[3] + per_article.SETTLED_NS + 1
    assert per_article.Source("n", "p", "k", (seen, settled_at)).vouches(seen)
    assert not per_article.Source("n", "p", "k", (seen, settled_at - 1)).vouches(seen)
    for other in ((101, *seen[1:]), (*seen[:2], 8, seen[3]), (*seen[:3], seen[3] + 1)):
        assert not per_article.Source("n", "p", "k", (seen, settled_at)).vouches(other)
    assert not per_article.Source("n", "p", "k").vouches(seen)  # keyed by someone else


def test_the_key_index_stored_vouches_as_it_did_and_a_damaged_one_is_ignored() -> None:
    inputs = per_article.Inputs(SiteConfig(), (), Path("templates"), "inputs-key")
    old = 1_000_000_000
    files = {"content/a.md": ((10, old, 1, old), "a" * 32),
             "content/b.md": ((20, old, 2, old), per_article.oversized_key(20))}
    now = old + per_article.SETTLED_NS + 1
    index = per_article.KeyIndex.of(inputs.key, now, files)
    assert index is not None
    loaded = per_article.KeyIndex.loaded(index.stored())
    assert loaded is not None
    for name, (seen, key) in files.items():
        assert loaded.key(name, seen, inputs) == key == loaded.last_key(name)
        assert loaded.key(name, (seen[0] + 1, *seen[1:]), inputs) is None  # another size
    assert loaded.key("content/c.md", files["content/a.md"][0], inputs) is None
    racy = per_article.KeyIndex.loaded(per_article.KeyIndex.of(inputs.key, old + 1, files)
                                       .stored())  # type: ignore[union-attr]
    assert racy is not None and racy.key("content/a.md", files["content/a.md"][0], inputs) is None
    assert per_article.KeyIndex.of(inputs.key, now, {"content/x.md": ((1, 1, 1, 1), "short")}) \
        is None
    stored = index.stored()
    for damaged in (None, "text", stored[:4], (*stored[:3], stored[3][:-1], stored[4]),
                    (*stored[:4], stored[4] + "0")):
        assert per_article.KeyIndex.loaded(damaged) is None


def test_the_code_version_follows_the_output_shaping_libraries_installed(tmp_path: Path,
                                                                        monkeypatch) -> None:
    """Upgrading a library that shapes the output (found by its metadata folder on
    sys.path, as importlib.metadata finds it) starts a new cache; others do not count."""
    from briefing import cache

    def version_with(*folders: str) -> str:
        site = tmp_path / str(len(list(tmp_path.iterdir())))
        for name in folders:
            (site / name).mkdir(parents=True)
        monkeypatch.setattr("sys.path", [str(site), str(tmp_path / "missing.zip")])
        cache.code_version.cache_clear()
        try:
            return cache.code_version()
        finally:
            cache.code_version.cache_clear()

    jinja = version_with("Jinja2-3.1.6.dist-info", "requests-2.0.dist-info")
    assert version_with("Jinja2-3.1.6.dist-info", "requests-2.0.dist-info") == jinja
    assert version_with("Jinja2-3.1.6.dist-info", "requests-2.1.dist-info") == jinja
    assert version_with("Jinja2-3.1.7.dist-info") != jinja
    assert version_with("PyYAML-6.0.egg-info") != version_with("PyYAML-6.1.egg-info")
    assert version_with("markdown_it_pyrs-0.4.0.dist-info") != version_with()


def test_a_function_kept_by_identity_computes_once_per_tuple_and_never_for_a_list():
    from briefing.cache import kept_by_identity

    calls: list[object] = []
    counted = kept_by_identity(lambda values: calls.append(values) or len(values))
    first, equal = (1, 2, 3), tuple([1, 2, 3])  # equal, not the same object
    assert counted(first) == counted(first) == 3 and calls == [first]
    assert counted(equal) == 3 and len(calls) == 2  # by identity: computed again
    changing = [1, 2]
    assert counted(changing) == 2
    changing.append(3)
    assert counted(changing) == 3  # a list is never kept: it may change


def test_entries_loaded_a_shard_at_a_time_while_waiting_are_the_entries(tmp_path):
    from briefing.cache import EntriesLoading

    cache = BuildCache(tmp_path, "v")
    entries = {f"{n:032x}": n for n in range(0, 2**128, 2**120)}  # one per shard prefix
    cache.save_entries("things", entries, {})
    waits = iter([True, True, False])
    loading = EntriesLoading(cache, "things")
    loading.load_while(lambda: next(waits))
    assert len(loading.entries) == 2  # one shard for each time it still had to wait
    assert loading.result() == entries == cache.load_entries("things")
    everything = EntriesLoading(cache, "things")
    everything.load_while(lambda: True)  # ends when all are loaded
    assert everything.entries == entries and EntriesLoading(cache, "none").result() == {}
