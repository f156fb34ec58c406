"""Rebuilding the preview as files change: sort out what changed, redo only what it affects.

A content edit re-reads only the content files whose bytes changed (no seed is normalized);
a seed edit re-normalizes that seed (hand edits in content/ are respected, as in a build);
a change to briefing.yaml or themes.yaml re-normalizes everything. Every rebuild renders
the whole site in memory, with what does not change between rebuilds kept: the compiled
templates (until a template changes), each article's theme scores (until it or the
themes change) and the digest's per-article and per-theme results (in-memory memos). The
search index may follow a moment later (``refresh_search``): it is the one slow step
(a Pagefind run) and no page shows it.

A content file or seed that breaks keeps its last good version in the site and its error
is reported; a broken setting or template keeps the whole last good site.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
import watchfiles

from briefing import markdown
from briefing.articles import SETTLED_NS
from briefing.cache import MemoryStore, save_memos, use_memos
from briefing.classify import ThemeScore, assigned_themes, classify
from briefing.config import SiteConfig, Theme
from briefing.content import Article, parse_article
from briefing.errors import BriefingError, Diagnostic, Severity
from briefing.manifest import MANIFEST_NAME
from briefing.pipeline import (
    Collector,
    Project,
    accept_articles,
    content_files,
    finish_site,
    load_settings,
    normalize_seeds,
    read_article,
    render_site,
    search_files,
)
from briefing.project import Identity, identity
from briefing.render import (
    Deferred,
    MonthPage,
    OutputFile,
    PageItem,
    Trail,
    article_path,
    make_environment,
    page_of,
    page_path,
    place,
    theme_order,
)
from briefing.scores import Scores
from briefing.seeds import is_seed_file
from briefing.site import Site

DEBOUNCE_MS = 400
"""Longest a burst of saves is gathered before rebuilding; a lone save waits ~50 ms."""
IDLE_MS = 250
"""How long the watcher waits before reporting an empty batch (which says it is running)."""


@dataclass(frozen=True, slots=True)
class Changes:
    """Which inputs of the site changed, as the rebuild needs to know it."""

    settings: bool = False
    """briefing.yaml, themes.yaml or the seeds' manifest: every seed is re-normalized."""
    seeds: frozenset[Path] = frozenset()
    """Seed files (resolved paths) that were added, changed or removed."""
    content: bool = False
    templates: bool = False
    articles: frozenset[Path] = frozenset()
    """Content files (resolved paths) that were added, changed or removed."""

    @property
    def any(self) -> bool:
        return self.settings or bool(self.seeds) or self.content or self.templates


EVERYTHING = Changes(settings=True, content=True, templates=True)


def sort_changes(project: Project, paths: Iterable[Path]) -> Changes:
    """Sort changed paths into the inputs they belong to; anything else is ignored."""
    settings, templates = False, False
    seeds: set[Path] = set()
    articles: set[Path] = set()
    dirs = _resolved_dirs(project)
    for path in paths:
        path = path.resolve()
        if path in (project.config_file.resolve(), project.themes_file.resolve(),
                    dirs["seeds"] / MANIFEST_NAME):
            settings = True
        elif path.parent == dirs["seeds"] and is_seed_file(path):
            seeds.add(path)
        elif path.parent == dirs["content"] and path.suffix == ".md":
            articles.add(path)
        elif path.is_relative_to(dirs["templates"]) and not _hidden(path, dirs["templates"]):
            templates = True
    return Changes(settings, frozenset(seeds), bool(articles), templates, frozenset(articles))


def _resolved_dirs(project: Project) -> dict[str, Path]:
    return {"seeds": project.seeds.resolve(), "content": project.content.resolve(),
            "templates": project.templates.resolve()}


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


@dataclass(frozen=True, slots=True)
class Build:
    """One rebuild: the site's files, and the problems to show until they are fixed."""

    files: Mapping[str, bytes] | None
    """Every file of the site by path relative to its root; None when nothing could render."""
    errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]
    seconds: float


@dataclass(slots=True)
class _Contents:
    """The content files as last read, by path: bytes, last good parse and current error,
    and each file's identity on disk when it was read (with the time it was read)."""

    data: dict[str, bytes] = field(default_factory=dict)
    good: dict[str, Article] = field(default_factory=dict)
    errors: dict[str, Diagnostic] = field(default_factory=dict)
    seen: dict[str, tuple[Identity, int]] = field(default_factory=dict)

    def known(self) -> set[str]:
        return set(self.data) | set(self.good) | set(self.errors)

    def forget(self, path: str) -> None:
        for table in (self.data, self.good, self.errors, self.seen):
            table.pop(path, None)

    def unchanged(self, path: str, now: Identity) -> bool:
        """True when the file is as last read, by its identity alone: same size, times and
        inode, and last changed well before that read (else a second edit within the
        clock's resolution could keep its times: then it is read again)."""
        last = self.seen.get(path)
        return last is not None and last[0] == now and \
            max(now[1], now[3]) < last[1] - SETTLED_NS


class Rebuilder:
    """The preview's inputs kept between rebuilds, so that an edit redoes only what it affects."""

    def __init__(self, project: Project, base_url: str | None = None) -> None:
        self.project = project
        self.base_url = base_url
        self._settings: tuple[SiteConfig, tuple[Theme, ...]] | None = None
        self._seed_errors: dict[str, Diagnostic] = {}
        self._contents = _Contents()
        self._env: jinja2.Environment | None = None
        self._scores: dict[str, tuple[Article, tuple[ThemeScore, ...]]] = {}
        self._memos = MemoryStore()
        self._search: dict[str, bytes] = {}
        self._pending: tuple[Site, list[OutputFile]] | None = None
        self._pages: dict[str, tuple[tuple[object, ...], OutputFile]] = {}
        """Article and month pages of the last rebuild, with what each was made from."""
        self._html = _HtmlMemo()
        self._kept = _Kept()
        self._last: Site | None = None
        """The site of the last rebuild, when it made the whole site without an error."""

    def update(self, changes: Changes, defer_search: bool = False) -> Build | None:
        """Rebuild after ``changes``; None when they change nothing the site is made of.

        With ``defer_search``, the files keep the last search index; ``refresh_search``
        then makes the new one.
        """
        started = time.perf_counter()
        log = Collector()
        use_memos(self._memos)
        markdown.use_memo(self._html)
        last, self._last = self._last, None
        try:
            rerender = self._update_inputs(changes, log)
            if not rerender:
                self._last = last  # the site stays as it was
                return None
            if changes.templates or changes.settings:
                self._env, self._pages = None, {}
            self._env = self._env or make_environment(self.project.templates)
            site = self._site(log)
            outputs = render_site(site, self.project, self._env, with_search=False,
                                  item_page=self._page_maker(site), made=self._kept.made)
            self._pending = (site, outputs)
            self._html.rotate()
            self._kept.rotate()
            if not defer_search:
                self.refresh_search()
            save_memos()
        except BriefingError as exc:
            return Build(None, (exc.diagnostic,), (), time.perf_counter() - started)
        except OSError as exc:  # e.g. a template or asset unreadable mid-save: try again later
            problem = Diagnostic(f"cannot read: {exc.strerror or exc}",
                                 self._name(exc.filename))
            return Build(None, (problem,), (), time.perf_counter() - started)
        finally:
            use_memos(None)
            markdown.use_memo(None)
        errors = (*(self._seed_errors[name] for name in sorted(self._seed_errors)),
                  *(self._contents.errors[p] for p in sorted(self._contents.errors)),
                  *(d for d in log.diagnostics if d.is_error))
        warnings = tuple(d for d in log.diagnostics if d.severity is Severity.WARNING)
        build = Build({o.path: o.data for o in outputs} | self._search, errors, warnings,
                      time.perf_counter() - started)
        self._last = None if errors else site
        return build

    def edited_page(self, changes: Changes) -> OutputFile | None:
        """The page of the one article edited, made again to show ahead of the rebuild
        (which takes a few hundred ms on a large archive).

        None unless the change is one content file whose article the last rebuild showed
        (not a duplicate slug's) with the same slug, dates, themes and main theme: then its
        trail is unchanged, and its page is what the rebuild will make. Nothing is kept:
        ``update`` follows anyway.
        """
        site, env, pages = self._last, self._env, self._pages
        if site is None or env is None or len(changes.articles) != 1 or changes != Changes(
                content=True, articles=changes.articles):
            return None
        path = os.fspath(next(iter(changes.articles)))
        before = self._contents.good.get(path)
        known = pages.get(article_path(before)) if before and path not in self._contents.errors \
            else None
        edited = self._reread(path) if known else None
        if known is None or edited is None:
            return None
        (shown, theme, newer, older), scores = known[0], edited[1]
        article = edited[0] if edited[0].themes else replace(
            edited[0], themes=assigned_themes(scores))
        order = theme_order(site)
        if (article.path, article.updated) != (shown.path, shown.updated) or place(
                article, scores, order) != place(shown, site.scores.get(shown.slug, ()), order):
            return None
        scored = replace(site, scores=Scores.of({**site.scores, article.slug: scores}))
        markdown.use_memo(self._html)  # the rebuild then finds the body rendered
        try:
            return page_of(env, scored, (article, Trail(theme, newer, older)))
        finally:
            markdown.use_memo(None)

    def _reread(self, path: str) -> tuple[Article, tuple[ThemeScore, ...]] | None:
        """A content file's article and scores as it is now; None if it does not parse."""
        themes = self._settings[1]  # type: ignore[index]  # set by a rebuild
        try:
            with open(path, "rb") as handle:
                article = parse_article(handle.read().decode("utf-8"),
                                        self.project.name(Path(path)))
        except (OSError, UnicodeDecodeError, BriefingError):
            return None
        return article, classify(themes, article.title, f"{article.dek or ''}\n{article.body}")

    def _page_maker(self, site: Site) -> Callable[[PageItem], OutputFile]:
        """Page of an item: the last rebuild's when it was made from the very same articles
        and neighbours (an unchanged file keeps its Article object), else rendered anew."""
        env, last, pages = self._env, self._pages, {}
        assert env is not None
        self._pages = pages

        def page(item: PageItem) -> OutputFile:
            made_of = _made_of(item)
            path = page_path(item)
            known = last.get(path)
            if known is None or known[0] != made_of:
                known = (made_of, page_of(env, site, item))
            pages[path] = known
            return known[1]
        return page

    @property
    def search_pending(self) -> bool:
        return self._pending is not None

    def refresh_search(self) -> dict[str, bytes] | None:
        """Index the last rebuild's pages for search; the search files, or None when there
        was nothing new to index. Raises a BriefingError when Pagefind fails."""
        if self._pending is None:
            return None
        site, outputs = self._pending
        try:
            self._search = {o.path: o.data for o in search_files(site, outputs)}
        finally:
            self._pending = None
        return self._search

    def _site(self, log: Collector) -> Site:
        """The site from the good content files, classifying only new or changed ones."""
        config, themes = self._settings  # type: ignore[misc]  # set by _update_inputs
        scores: dict[str, tuple[ThemeScore, ...]] = {}
        good = [self._contents.good[p] for p in sorted(self._contents.good)]
        for path in sorted(self._contents.good):
            article = self._contents.good[path]
            known = self._scores.get(path)
            if known is None or known[0] is not article:
                text = f"{article.dek or ''}\n{article.body}"
                known = self._scores[path] = (article, classify(themes, article.title, text))
            scores.setdefault(article.slug, known[1])
        for gone in set(self._scores) - set(self._contents.good):
            del self._scores[gone]
        accepted = [a if a.themes else replace(a, themes=assigned_themes(scores[a.slug]))
                    for a in accept_articles(good, themes, log)]
        return finish_site(config, themes, accepted, scores)

    def _update_inputs(self, changes: Changes, log: Collector) -> bool:
        """Bring settings, content and seeds up to date; True when the site must re-render."""
        settings_changed = changes.settings or self._settings is None
        if settings_changed:
            self._settings = None  # stays None while the settings are broken
            self._scores.clear()
            self._settings = load_settings(self.project, self.base_url)
            self._normalize(None, log)
        elif changes.seeds:
            self._normalize(changes.seeds, log)
        content_changed = self._refresh_contents() if (
            changes.content or changes.seeds or settings_changed) else False
        return settings_changed or content_changed or changes.templates or bool(changes.seeds)

    def _normalize(self, only: frozenset[Path] | None, log: Collector) -> None:
        """Re-normalize the given seeds (all when None), remembering each seed's error."""
        if only is None:
            self._seed_errors.clear()
        for path in only or ():
            self._seed_errors.pop(self.project.name(path), None)
        config, themes = self._settings  # type: ignore[misc]
        seed_log = Collector()
        normalize_seeds(self.project, config, themes, False, seed_log, only)
        for diagnostic in seed_log.diagnostics:
            if diagnostic.is_error and diagnostic.path:
                self._seed_errors[diagnostic.path] = diagnostic
            else:
                log.add(diagnostic)

    def _refresh_contents(self) -> bool:
        """Re-read content files whose bytes changed; True when any did. A file whose
        identity on disk vouches for it is not even read (see ``_Contents.unchanged``)."""
        contents, changed = self._contents, False
        paths = [path for _, path in content_files(self.project)]
        for gone in contents.known() - set(paths):
            contents.forget(gone)
            changed = True
        for path in paths:
            try:
                now = identity(os.stat(path))
                if contents.unchanged(path, now):
                    continue
                read_at = time.time_ns()
                with open(path, "rb") as handle:
                    data = handle.read()
            except FileNotFoundError:
                continue  # removed mid-save: the event for its removal follows
            except OSError as exc:
                problem = Diagnostic(f"cannot read: {exc.strerror or exc}",
                                     self.project.name(Path(path)))
                changed |= contents.errors.get(path) != problem
                contents.errors[path] = problem
                continue
            contents.seen[path] = (now, read_at)
            if contents.data.get(path) == data:
                continue
            contents.data[path] = data
            changed = True
            try:
                contents.good[path] = read_article(self.project, Path(path))
                contents.errors.pop(path, None)
            except FileNotFoundError:
                continue
            except BriefingError as exc:
                contents.errors[path] = exc.diagnostic  # the last good version stays
        return changed

    def _name(self, filename: object) -> str | None:
        return self.project.name(Path(str(filename))) if filename else None


class _HtmlMemo:
    """Rendered Markdown kept from one rebuild to the next (only what the last one used)."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}
        self.used: dict[str, str] = {}

    def get(self, text: str) -> str | None:
        html = self.used.get(text) or self.kept.get(text)
        if html is not None:
            self.used[text] = html
        return html

    def put(self, text: str, value: str) -> None:
        self.used[text] = value

    def rotate(self) -> None:
        """A rebuild is done: keep what it used, forget the rest."""
        self.kept, self.used = self.used, {}


class _Kept:
    """Feed and sitemap files kept from one rebuild to the next, by what they are made
    from (``Deferred.key``): an edit makes again only those it changes."""

    def __init__(self) -> None:
        self.last: dict[str, bytes] = {}
        self.now: dict[str, bytes] = {}

    def made(self, file: Deferred) -> OutputFile:
        data = self.now.get(file.key) or self.last.get(file.key) or file.make()
        self.now[file.key] = data
        return OutputFile(file.path, data)

    def rotate(self) -> None:
        """A rebuild is done: keep what it made or kept, forget the rest."""
        self.last, self.now = self.now, {}


def _made_of(item: PageItem) -> tuple[object, ...]:
    """What a page shows besides the settings and templates (which, changed, clear them all).
    Compared by identity first, so an unchanged archive compares in a blink."""
    if isinstance(item, MonthPage):
        return (item.theme, item.month.label, item.month.articles,
                *((m.slug, m.label) if m else None for m in (item.newer, item.older)))
    article, where = item
    return (article, where.theme, where.newer, where.older)


def watched_folders(project: Project) -> list[Path]:
    """The project folder itself (for its settings files) and every folder of inputs.

    All are watched non-recursively: the project folder also holds site/ and .venv/, and a
    watch on a single file is lost when an editor saves by renaming a new file over it.
    """
    folders = [project.root]
    for top in (project.seeds, project.content, project.templates):
        if top.is_dir():
            top = top.resolve()
            folders.append(top)
            if top == project.templates.resolve():
                folders.extend(sorted(d for d in top.rglob("*")
                                      if d.is_dir() and not _hidden(d, top)))
    return folders


def watch(project: Project, on_changes: Callable[[Changes], object], stop: threading.Event,
          ready: threading.Event | None = None) -> None:
    """Call ``on_changes`` for each debounced burst of relevant changes until ``stop`` is set.

    ``ready`` is set once the watches are in place: edits made after it are never missed.
    """
    while not stop.is_set():
        folders = watched_folders(project)
        # yield_on_timeout gives an empty batch once the watcher runs, which signals ready.
        for batch in watchfiles.watch(*folders, recursive=False, stop_event=stop,
                                      debounce=DEBOUNCE_MS, rust_timeout=IDLE_MS,
                                      yield_on_timeout=True):
            if ready is not None:
                ready.set()
            if not batch:
                continue
            changes = sort_changes(project, (Path(p) for _, p in batch))
            if changes.any:
                on_changes(changes)
            if watched_folders(project) != folders:
                break  # a folder appeared or went away: watch the new set
