"""Rendering pages with Jinja2: autoescaping everywhere, one page object per output file."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache, partial
from itertools import groupby, starmap
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import jinja2
import markupsafe
from markupsafe import Markup

from briefing.cache import digest, kept_by_identity
from briefing.classify import TermMatch, ThemeScore, assigned_themes
from briefing.config import SiteConfig, Theme
from briefing.content import Article, When
from briefing.edition import edition_of
from briefing.errors import RenderError
from briefing.feedlinks import feed_links
from briefing.markdown import to_html
from briefing.site import Site, pinned
from briefing.statement import Statement

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
ASSETS_DIR = "assets"


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path relative to site/ and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Deferred:
    """An output not made yet: a build keeps the file site/ holds from the same ``key``
    (a hash of everything the file is made from) rather than make it again."""

    path: str
    key: str
    make: Callable[[], bytes]

    def output(self) -> OutputFile:
        return OutputFile(self.path, self.make())


def human_date(value: When | None) -> str:
    """'March 24, 2026' or 'March 24, 2026, 7:00 PM UTC-04:00': locale-independent."""
    if value is None:
        return ""
    text = f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"
    if isinstance(value, datetime):
        hour = value.hour % 12 or 12
        zone = _zone(value.utcoffset())
        text += f", {hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'} {zone}".rstrip()
    return text


@lru_cache(maxsize=256)
def _zone(offset: timedelta | None) -> str:
    """'UTC-04:00' (strftime is slow, and an archive has few distinct offsets)."""
    if offset is None:
        return ""
    text = datetime(2000, 1, 1, tzinfo=timezone(offset)).strftime("%z")
    return f"UTC{text[:3]}:{text[3:]}"


def term_counts(matches: tuple[TermMatch, ...]) -> str:
    """'compute ×10 (+30.0), chips ×4 (+8.0)': why a theme scored what it did (a filter:
    one call per theme, where a template loop cost a third of an article page)."""
    return ", ".join(starmap(_term_count, matches))


@lru_cache(maxsize=4096, typed=True)  # typed: points 2 and 2.0 show differently
def _term_count(term: str, count: int, points: float) -> str:
    """One match's part of ``term_counts`` (made once each: matches recur from article
    to article, and formatting them was most of the cost of an article's scores)."""
    return f"{term} ×{count} (+{round(points, 1)})"


def theme_title(slug: str, themes: tuple[Theme, ...]) -> str:
    """The title of the theme ``slug`` (a filter: cheaper than calling ``site.theme``)."""
    for theme in themes:
        if theme.slug == slug:
            return theme.title
    raise KeyError(slug)


def theme_titles(slugs: tuple[str, ...], themes: tuple[Theme, ...]) -> list[str]:
    return [theme_title(slug, themes) for slug in slugs]


class Citation(NamedTuple):
    """One article's sentences among a point's or an event's: what ``cite_all`` shows."""

    lead: Statement
    """The article's first sentence there: the one its citation links to."""
    source: str
    passages: tuple[tuple[str, str], ...]
    """Each distinct passage cited: its link target and its number ('p-12' -> '12')."""


def by_article(statements: Iterable[Statement]) -> list[Citation]:
    """Statements grouped by article, as Jinja's ``groupby("slug")`` then each group's
    ``unique(attribute="anchor")`` (both case-blind) would: a filter, since those two,
    sentence by sentence, were most of a theme page's rendering."""
    groups: dict[str, list[Statement]] = {}
    for statement in sorted(statements, key=lambda s: s.slug.lower()):
        groups.setdefault(statement.slug.lower(), []).append(statement)
    return [Citation(group[0], group[0].source, _passages(group)) for group in groups.values()]


def _passages(statements: list[Statement]) -> tuple[tuple[str, str], ...]:
    """Each distinct anchor's first statement, as (link target, passage number)."""
    first: dict[str, tuple[str, str]] = {}
    for s in statements:
        if s.anchor.lower() not in first:
            first[s.anchor.lower()] = (s.href, s.anchor[2:])
    return tuple(first.values())


def iso_date(value: When | None) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else ""


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates keyed by template name alone: the folder is the build's own, and
    Jinja's default key fails on a path a C locale decoded byte by byte."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name)


try:  # markupsafe's escaping itself, without the Markup it wraps the result in
    from markupsafe._speedups import _escape_inner
except ImportError:  # (another markupsafe: its public escape, slower, as correct)
    _escape_inner = markupsafe.escape


def escape_text(value: object) -> str:
    """``markupsafe.escape(value)``, as a plain string."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape_inner(str(value))


class _Template(jinja2.Template):
    """A template whose autoescaped outputs (``{{ value }}``) escape to plain strings.

    Jinja compiles each one to ``escape(value)``, whose ``Markup`` result costs two Python
    calls more; an output is only ever joined into the text around it (which Jinja marks
    safe itself where it must), so the page is the same. It saves about a quarter of an
    article page's templating. Every function of a template shares its module's globals.
    """

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any,
                  globals: Any, uptodate: Any = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_text
        return template


def make_environment(templates_dir: Path, compiled: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment that escapes every template, whatever its extension.

    ``compiled``: a folder to keep compiled templates in between builds (Jinja checks each
    against its template's source, so an edited template is compiled again).

    Templates are loaded once: whoever keeps an environment makes a new one when the
    templates change (a build's ``Inputs`` hash them; the preview resets on their edit),
    so checking every template's file at every page (``auto_reload``) would be wasted.
    """
    if compiled:
        compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=_CompiledTemplates(str(compiled)) if compiled else None,
        autoescape=True,
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.template_class = _Template
    env.filters["human_date"] = human_date
    env.filters["iso_date"] = iso_date
    env.filters["term_counts"] = term_counts
    env.filters["theme_title"] = theme_title
    env.filters["theme_titles"] = theme_titles
    env.filters["by_article"] = by_article
    return env


CHROME = "_chrome.html"


class Chrome:
    """The parts of base.html most pages share (the macros of ``_chrome.html``), each
    rendered once per distinct arguments and reused: for one environment, settings and
    themes, a site has only a few of each, and rendering them on every page cost about a
    tenth of an article page's templating. Arguments must be hashable values (strings,
    booleans, the frozen ``FeedLink``s), so equal arguments give the same HTML."""

    def __init__(self, env: jinja2.Environment, config: SiteConfig, themes: tuple[Theme, ...]):
        self.env, self.config, self.themes = env, config, themes
        self._macros: Any = None
        self._done: dict[tuple[Hashable, ...], Markup] = {}

    def __call__(self, name: str, *args: Hashable) -> Markup:
        key = (name, *args)
        found = self._done.get(key)
        if found is None:
            if self._macros is None:
                self._macros = self.env.get_template(CHROME).make_module(
                    {"config": self.config, "themes": self.themes})
            found = self._done[key] = getattr(self._macros, name)(*args)
        return found


_CHROMES: WeakKeyDictionary[jinja2.Environment, Chrome] = WeakKeyDictionary()


def chrome(env: jinja2.Environment, config: SiteConfig, themes: tuple[Theme, ...]) -> Chrome:
    """The shared parts for pages of these settings and themes (the very objects: a kept
    ``Chrome`` holds them, so another config or theme list never finds its fragments)."""
    found = _CHROMES.get(env)
    if found is None or found.config is not config or found.themes is not themes:
        found = _CHROMES[env] = Chrome(env, config, themes)
    return found


def _page(env: jinja2.Environment, template: str, path: str, root: str | None = None,
          **context: Any) -> OutputFile:
    """Render one page; links are relative to it (``root``) unless a root is given."""
    root = "../" * path.count("/") if root is None else root
    context.setdefault("current_theme", None)
    context["chrome"] = chrome(env, context["config"], context["themes"])
    try:
        html = env.get_template(template).render(root=root, page_path=path, **context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(exc.message or "template syntax error",
                          f"templates/{exc.name or template}", exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"{type(exc).__name__}: {exc}", f"templates/{template}") from None
    return OutputFile(path, html.encode("utf-8"))


def article_html(article: Article) -> str:
    return to_html(article.body)


LISTED = 50
"""Articles the archive and a theme page list; the rest are on their month pages."""


@dataclass(frozen=True, slots=True)
class Month:
    """The articles of one month of publication (or the undated ones), newest first."""

    label: str
    """'March 2026', or 'Undated'."""
    slug: str
    """'2026-03', or 'undated': the month page's folder."""
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class MonthPage:
    """One month of the archive, or of one theme's archive, on a page of its own."""

    path: str
    month: Month
    theme: Theme | None
    newer: Month | None
    older: Month | None


def by_month(articles: tuple[Article, ...]) -> list[Month]:
    """Articles (already newest first) grouped by month of publication; undated last.
    The month pages and the archive and theme pages group the same lists of the whole
    archive: the last few are kept."""
    return list(_grouped(articles))


@kept_by_identity
def _grouped(articles: tuple[Article, ...]) -> list[Month]:
    # Newest first, so a month's articles mostly come in one run: the runs are grouped
    # (in C) rather than the articles one by one; months meet again are merged.
    numbers = [when.year * 12 + when.month - 1 if when else -1
               for when in map(attrgetter("date"), articles)]
    groups: dict[int, list[Article]] = {}
    start = 0
    for month, run in groupby(numbers):
        end = start + len(list(run))
        groups.setdefault(month, []).extend(articles[start:end])
        start = end
    return [Month(_month_label(slug), slug, tuple(members))
            for slug, members in ((_month_slug(month), members)
                                  for month, members in groups.items())]


def _month_slug(month: int) -> str:
    """'2026-03' for month number ``year * 12 + month - 1``; 'undated' for -1."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}" if month >= 0 else "undated"


def _month_label(slug: str) -> str:
    if slug == "undated":
        return "Undated"
    year, month = slug.split("-")
    return f"{_MONTHS[int(month) - 1]} {int(year)}"


def month_pages(site: Site) -> list[MonthPage]:
    """The archive's month pages, then each theme's."""
    lists = [(None, "archive", site.articles)]
    lists += [(t, f"themes/{t.slug}/archive", site.articles_in(t.slug)) for t in site.themes]
    pages = []
    for theme, folder, articles in lists:
        months = by_month(articles)
        pages += [MonthPage(f"{folder}/{month.slug}/index.html", month, theme,
                            months[at - 1] if at else None,
                            months[at + 1] if at + 1 < len(months) else None)
                  for at, month in enumerate(months)]
    return pages


def month_page(env: jinja2.Environment, site: Site, page: MonthPage) -> OutputFile:
    """One month page: every article of that month (of one theme, or of the site)."""
    theme = page.theme
    return _page(env, "month.html", page.path, month=page.month, list_theme=theme,
                 newer=page.newer, older=page.older,
                 current_theme=theme.slug if theme else None,
                 **_common(site) | {"feed_links": feed_links(site.config, theme)})


class Trail(NamedTuple):
    """Where an article sits: its main theme, and its neighbours in that theme's list (a
    named tuple: every build makes one per article)."""

    theme: Theme | None = None
    newer: Article | None = None
    older: Article | None = None


def trail(site: Site, article: Article) -> Trail:
    """The article's best-scoring theme (ties: the editor's theme order) and its neighbours
    (``trails`` finds every article's at once)."""
    main = main_theme(article, site.scores.by_theme(article.slug), theme_order(site))
    if main is None:
        return Trail()
    listed = site.articles_in(main)
    at = _position(listed, article)
    return Trail(site.theme(main), listed[at - 1] if at else None,
                 listed[at + 1] if at + 1 < len(listed) else None)


def _position(articles: Sequence[Article], article: Article) -> int:
    """Where ``article`` is in ``articles`` (by identity: no field is compared)."""
    return next(at for at, listed in enumerate(articles) if listed is article)


def items_showing(site: Site, slugs: Collection[str],
                  months: list[MonthPage]) -> list[PageItem]:
    """The pages (of ``page_items``; ``months``: the month pages) that show one of the
    articles ``slugs``: their own, those whose trail passes by one, the month pages
    listing one. An edit that moves no article changes no other page."""
    order, by_theme = theme_order(site), site.scores.by_theme
    shown = {}
    for article in (a for a in site.articles if a.slug in slugs):
        shown[article.slug] = article
        for slug in article.themes:
            listed = site.articles_in(slug)
            at = _position(listed, article)
            for near in listed[max(at - 1, 0):at] + listed[at + 1:at + 2]:
                if main_theme(near, by_theme(near.slug), order) == slug:
                    shown[near.slug] = near
    return [*(page for page in months if any(a.slug in slugs for a in page.month.articles)),
            *((a, trail(site, a)) for a in site.articles if a.slug in shown)]


def main_theme(article: Article, scores: Mapping[str, float],
               order: Mapping[str, int]) -> str | None:
    """The theme an article's trail follows: of its themes, the best-scoring one
    (``scores``: by theme), ties going to the editor's order (``order``: by theme)."""
    if len(article.themes) < 2:
        return article.themes[0] if article.themes else None
    return min(article.themes, key=lambda slug: (-scores.get(slug, 0.0), order[slug]))


def place(article: Article, scores: Iterable[ThemeScore],
          order: Mapping[str, int]) -> tuple[object, ...]:
    """What puts an article (with its final themes) where it is in every list, month and
    trail: its slug, date, themes and main theme. An edit that keeps it moves nothing."""
    return (article.slug, article.date, article.themes,
            main_theme(article, {s.theme: s.score for s in scores}, order))


def theme_order(site: Site) -> dict[str, int]:
    """Each theme's place in themes.yaml."""
    return {t.slug: index for index, t in enumerate(site.themes)}


def trails(site: Site) -> dict[str, Trail]:
    """Every article's trail, in site order: one pass over each theme's list."""
    order, by_theme = theme_order(site), site.scores.by_theme
    main = {a.slug: a.themes[0] if len(a.themes) == 1 else main_theme(a, by_theme(a.slug), order)
            for a in site.articles if a.themes}
    found = dict.fromkeys((a.slug for a in site.articles), Trail())
    for theme in site.themes:
        listed = site.articles_in(theme.slug)
        last = len(listed) - 1
        for at, article in enumerate(listed):
            if main[article.slug] == theme.slug:
                found[article.slug] = Trail(theme, listed[at - 1] if at else None,
                                            listed[at + 1] if at < last else None)
    return found


PageItem = MonthPage | tuple[Article, Trail]
"""A page drawn from one month's articles, or from one article (with its trail)."""


def page_items(site: Site) -> Iterator[PageItem]:
    """The month pages (the longest to render, first), then every article with its trail."""
    yield from month_pages(site)
    yield from zip(site.articles, trails(site).values(), strict=True)


def page_path(item: PageItem) -> str:
    return item.path if isinstance(item, MonthPage) else article_path(item[0])


def page_of(env: jinja2.Environment, site: Site, item: PageItem) -> OutputFile:
    if isinstance(item, MonthPage):
        return month_page(env, site, item)
    article, where = item
    return article_page(env, site, article, where)


def render_pages(site: Site, templates_dir: Path, env: jinja2.Environment | None = None,
                 item_page: Callable[[PageItem], OutputFile] | None = None) -> list[OutputFile]:
    """Every HTML page of the site, plus the static assets shipped with the templates
    (``env``: the templates compiled already, from ``make_environment(templates_dir)``;
    ``item_page``: how to get the page of a ``PageItem``, when not by rendering it)."""
    compiled = env or make_environment(templates_dir)
    items = [(item_page or partial(page_of, compiled, site))(item) for item in page_items(site)]
    pages = aggregate_pages(compiled, site, templates_dir)
    assets = [p for p in pages if p.path.startswith(f"{ASSETS_DIR}/")]
    return [*pages[: len(pages) - len(assets)], *items, *assets]


def _common(site: Site) -> dict[str, Any]:
    return {"site": site, "config": site.config, "themes": site.themes,
            "feed_links": feed_links(site.config)}


def article_path(article: Article) -> str:
    return f"articles/{article.slug}/index.html"


def article_page(env: jinja2.Environment, site: Site, article: Article,
                 where: Trail) -> OutputFile:
    """One article's page: the article, its scores, its trail, the config and the themes."""
    scores = site.scores.get(article.slug, ())
    classifier = assigned_themes(scores)  # here, not in the template: once, not twice
    return _page(env, "article.html", article_path(article),
                 article=article, body_html=article_html(article), scores=scores,
                 classifier=classifier, pinned=pinned(article.themes, classifier),
                 trail_theme=where.theme, newer=where.newer, older=where.older,
                 current_theme=where.theme.slug if where.theme else None, **_common(site))


def aggregate_pages(env: jinja2.Environment, site: Site, templates_dir: Path) -> list[OutputFile]:
    """The pages drawn from many articles (front page, archive, themes...), then the assets."""
    return [file.output() for file in aggregate_files(env, site, lambda: site)] \
        + assets(templates_dir)


def aggregate_files(env: jinja2.Environment, site: Site, briefed: Callable[[], Site],
                    keys: Mapping[str, str] | None = None, salt: str = "") -> list[Deferred]:
    """The pages drawn from many articles (front page, archive, themes...), each made
    only when asked, from the site with its briefing (``briefed``: the digest is needed
    only for a page made).

    Each lists at most ``LISTED`` articles, so their cost does not grow with the archive
    (the month pages list the rest), and each is keyed by all it shows: the articles it
    lists (``keys``: each one's key, by slug; None: pages not keyed), its counts and months,
    the articles the briefing is drawn from, and ``salt`` (settings, templates and code).
    """
    def keyed(path: str, *parts: str) -> str:
        return digest(salt, path, *parts) if keys is not None else ""

    def listed(articles: Sequence[Article]) -> list[str]:
        return [keys[a.slug] for a in articles] if keys is not None else []

    briefing = _briefing_parts(site, keys) if keys is not None else []
    counts = [str(len(site.articles_in(t.slug))) for t in site.themes]
    months = by_month(site.articles)
    files = [Deferred("index.html", keyed("index.html", str(len(site.articles)), *counts,
                                          *briefing),
                      partial(_made, env, briefed, "index.html", "index.html")),
             Deferred("archive/index.html", keyed("archive/index.html", *_month_parts(months),
                                                  *listed(site.articles[:LISTED])),
                      partial(_made, env, briefed, "archive.html", "archive/index.html",
                              months=months, newest=by_month(site.articles[:LISTED]))),
             # Served for any missing path at any depth, so its links start from the site root.
             Deferred("404.html", keyed("404.html"),
                      partial(_made, env, briefed, "404.html", "404.html",
                              root=urlsplit(site.config.base_url).path))]
    if site.config.search:
        files.append(Deferred("search/index.html", keyed("search/index.html"),
                              partial(_made, env, briefed, "search.html", "search/index.html")))
    for theme in site.themes:
        # A theme page announces its own feeds first, then the site's.
        members, path = site.articles_in(theme.slug), f"themes/{theme.slug}/index.html"
        theme_months = by_month(members)
        key = keyed(path, str(len(members)), *_month_parts(theme_months),
                    *listed(members[:LISTED]), *briefing)
        files.append(Deferred(path, key, partial(
            _made, env, briefed, "theme.html", path, theme=theme, articles=members[:LISTED],
            total=len(members), months=theme_months, current_theme=theme.slug,
            feed_links=feed_links(site.config, theme))))
    return files


def _made(env: jinja2.Environment, briefed: Callable[[], Site], template: str, path: str,
          root: str | None = None, **context: Any) -> bytes:
    return _page(env, template, path, root, **_common(briefed()) | context).data


def _briefing_parts(site: Site, keys: Mapping[str, str]) -> list[str]:
    """What the briefing is drawn from (``digest.build_digest``): each theme's count and
    newest ``digest_window`` articles, and the edition's date."""
    window = site.config.digest_window
    parts = [str(window), str(edition_of(site.articles))]
    for theme in site.themes:
        members = site.articles_in(theme.slug)
        parts += [theme.slug, str(len(members)), *(keys[a.slug] for a in members[:window])]
    return parts


def _month_parts(months: list[Month]) -> list[str]:
    return [f"{month.slug} {len(month.articles)}" for month in months]


def assets(templates_dir: Path) -> list[OutputFile]:
    """The static files shipped with the templates (``templates/assets/``)."""
    folder = templates_dir / ASSETS_DIR
    if not folder.is_dir():
        return []
    inside = folder.resolve()
    # A symlink leading out of templates/ would publish (and serve) whatever it points at.
    return [OutputFile(f"{ASSETS_DIR}/{p.relative_to(folder).as_posix()}", p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")
            and p.resolve().is_relative_to(inside)]
