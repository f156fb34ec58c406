"""Feeds for subscribers: RSS 2.0, Atom 1.0 and JSON Feed 1.1, site-wide and per theme.

Each article becomes one ``FeedItem`` (built once, whatever the number of feeds it is in),
and each feed one ``Channel``; the three formats only render those.

Dates, all tz-aware (a bare day is midnight in the site's time zone):
- an item's ``published`` is the article's ``date``; its ``updated`` is the front matter
  ``updated`` when an editor set one, else ``date``. Editing an article's text changes
  nothing in a feed until its ``updated`` is set: a build never reads the clock.
- an undated article has neither. Only Atom demands an ``updated``; there it gets the
  site's content date (the newest dated article), the same in every feed and build.
- a feed's own date (RSS ``lastBuildDate``, Atom ``updated``) is ``SOURCE_DATE_EPOCH``
  when set, else its newest item's ``updated``, else the site's content date.
Identity: an item's guid/id is the article's front matter ``id``, never its URL or title.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from briefing.cache import digest
from briefing.config import Theme
from briefing.content import Article, article_digest, as_datetime
from briefing.errors import BriefingError
from briefing.feedlinks import ATOM, FORMATS, JSON_FEED, RSS, FeedFormat, feed_folder, feed_title
from briefing.render import Deferred, OutputFile, article_html
from briefing.site import Site

if TYPE_CHECKING:  # feedgen (and lxml) load with the first feed: a no-op build needs neither
    from feedgen.feed import FeedGenerator

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# XML 1.0 cannot carry C0 controls (bar tab and newlines), U+FFFE/U+FFFF or lone
# surrogates; C1 controls are legal but never meant in prose.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_URL_ATTR = re.compile(r'(\s(?:href|src))="([^"]*)"')


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One article as every feed format shows it: cleaned, absolute, dated."""

    id: str
    """The article's front matter id: the guid readers remember."""
    url: str
    """Absolute permalink of the article page."""
    title: str
    summary: str
    content_html: str
    """The page's sanitized HTML, with every link and image URL absolute."""
    published: datetime | None
    updated: datetime | None
    """Front matter ``updated``, else ``published``; None for an undated article."""
    byline: str | None
    """'Author, Publisher', either alone, or None when neither is known."""
    categories: tuple[str, ...]
    """Theme slugs."""


@dataclass(frozen=True, slots=True)
class Channel:
    """One feed: the site's or a theme's, with its items newest first."""

    folder: str
    """Relative to the site root: '' or 'themes/<slug>/'."""
    base_url: str
    title: str
    description: str
    language: str
    author: str
    """Who publishes the feed (the site): the author of items without a byline."""
    updated: datetime
    undated: datetime
    """Atom's stand-in ``updated`` for undated items: the site's content date."""
    items: tuple[FeedItem, ...]

    @property
    def home_url(self) -> str:
        return self.base_url + self.folder

    @property
    def category_scheme(self) -> str:
        return f"{self.base_url}themes/"

    def url(self, fmt: FeedFormat) -> str:
        return self.home_url + fmt.filename

    def path(self, fmt: FeedFormat) -> str:
        return self.folder + fmt.filename


def clean(text: str) -> str:
    """Drop characters XML cannot carry: feedgen accepts them and crashes later."""
    return _NOT_TEXT.sub("", text)


def absolute_links(html: str, page_url: str) -> str:
    """Resolve every href and src against the page's own absolute URL."""
    return _URL_ATTR.sub(lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', html)


@lru_cache(maxsize=512)
def _content_html(html: str, url: str) -> str:
    """A feed item's HTML: links absolute, XML-safe (kept: the preview makes the same
    feeds again after every save)."""
    return clean(absolute_links(html, url))


def article_url(site: Site, article: Article) -> str:
    return f"{site.config.base_url}articles/{article.slug}/"


def source_date_epoch() -> datetime | None:
    """The reproducible-builds clock, when the environment sets one."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise BriefingError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {value!r}")
    return datetime.fromtimestamp(int(value), tz=UTC)


def content_date(site: Site) -> datetime:
    """The site's newest dated article (by ``updated`` or ``date``), or 1970 if none is dated."""
    return site.newest() or EPOCH


def feed_item(site: Site, article: Article) -> FeedItem:
    """Build the one item every feed shows for an article."""
    tz = site.config.tz
    url = article_url(site, article)
    published = as_datetime(article.date, tz) if article.date else None
    updated = as_datetime(article.updated, tz) if article.updated else published
    byline = ", ".join(clean(x) for x in (article.author, article.publisher) if x) or None
    return FeedItem(
        id=clean(article.id),
        url=url,
        title=clean(article.title).strip() or article.slug,
        summary=clean(article.summary or article.dek or ""),
        content_html=_content_html(article_html(article), url),
        published=published,
        updated=updated,
        byline=byline,
        categories=article.themes,
    )


class _Channels:
    """Makes a site's channels, each item built once whatever the number of feeds it is in."""

    def __init__(self, site: Site):
        self.site = site
        self.items: dict[str, FeedItem] = {}
        self.undated = content_date(site)
        self.stamp = source_date_epoch()

    def item(self, article: Article) -> FeedItem:
        if article.slug not in self.items:
            self.items[article.slug] = feed_item(self.site, article)
        return self.items[article.slug]

    def shown(self, theme: Theme | None) -> tuple[Article, ...]:
        """The articles a feed shows: the newest ``feed_size`` of the site or the theme."""
        site = self.site
        articles = site.articles_in(theme.slug) if theme else site.articles
        return articles[: site.config.feed_size]

    def channel(self, theme: Theme | None) -> Channel:
        config = self.site.config
        chosen = tuple(self.item(a) for a in self.shown(theme))
        newest = max((i.updated for i in chosen if i.updated), default=self.undated)
        description = (theme.description if theme else "") or config.description
        return Channel(feed_folder(theme), config.base_url, clean(feed_title(config, theme)),
                       clean(description) or clean(config.title), config.language,
                       clean(config.title), self.stamp or newest, self.undated, chosen)

    def key(self, theme: Theme | None) -> str:
        """Everything ``channel(theme)`` is made from: settings, the feeds' dates, and the
        articles shown, whole (bodies included), so an edit to any of them changes it."""
        return digest(repr(self.site.config), repr(theme), repr(self.stamp), repr(self.undated),
                      *map(article_digest, self.shown(theme)))


def feed_files(site: Site) -> list[Deferred]:
    """Every feed file of the site (three formats for the site and for each theme), each
    made only when asked: a build keeps a feed site/ holds from the same ``key``."""
    made = _Channels(site)
    files = []
    for theme in (None, *site.themes):
        key, channel = made.key(theme), cache(partial(made.channel, theme))
        files += [Deferred(feed_folder(theme) + fmt.filename, digest(key, fmt.filename),
                           partial(_render, fmt, channel)) for fmt in FORMATS]
    return files


def _render(fmt: FeedFormat, channel: Callable[[], Channel]) -> bytes:
    return {RSS: rss, ATOM: atom, JSON_FEED: json_feed}[fmt](channel())


def render_feeds(site: Site) -> list[OutputFile]:
    """Every feed file of the site, made now."""
    return [file.output() for file in feed_files(site)]


def _generator(channel: Channel, fmt: FeedFormat) -> FeedGenerator:
    """A feedgen feed for RSS or Atom, every date set from content (feedgen stamps now())."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(channel.home_url)
    feed.title(channel.title)
    feed.description(channel.description)
    feed.language(channel.language)
    feed.author(name=channel.author)
    feed.generator("briefing")
    # feedgen makes the RSS <link> the last link added: self first, alternate last.
    feed.link(href=channel.url(fmt), rel="self", type=fmt.media_type)
    feed.link(href=channel.home_url, rel="alternate", type="text/html")
    feed.updated(channel.updated)  # also RSS lastBuildDate; feedgen's default is now()
    for item in channel.items:
        _add_entry(feed, channel, item)
    return feed


def _add_entry(feed: FeedGenerator, channel: Channel, item: FeedItem) -> None:
    entry = feed.add_entry(order="append")
    entry.id(item.id)
    entry.guid(item.id, permalink=False)
    entry.title(item.title)
    entry.link(href=item.url, rel="alternate", type="text/html")
    entry.updated(item.updated or channel.undated)
    if item.published:
        entry.published(item.published)
    if item.summary:
        entry.summary(item.summary)  # Atom: type text
        # RSS readers render <description> as HTML: the plain-text summary is escaped for it.
        entry.description(html.escape(item.summary, quote=False))
    # type='html' is escaped text: valid Atom, and RSS content:encoded (CDATA is not Atom).
    entry.content(item.content_html, type="html")
    if item.byline:
        entry.author(name=item.byline)
        entry.dc.dc_creator(item.byline)
    for term in item.categories:
        entry.category(term=term, scheme=channel.category_scheme)


def rss(channel: Channel) -> bytes:
    return _generator(channel, RSS).rss_str(pretty=True)


def atom(channel: Channel) -> bytes:
    return _generator(channel, ATOM).atom_str(pretty=True)


def json_feed(channel: Channel) -> bytes:
    """JSON Feed 1.1; optional members are left out rather than sent empty."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.url(JSON_FEED),
        "description": channel.description,
        "language": channel.language,
        "authors": [{"name": channel.author}],
        "items": [_json_item(item) for item in channel.items],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(item: FeedItem) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "summary": item.summary or None,
        "content_html": item.content_html,
        "date_published": item.published.isoformat() if item.published else None,
        "date_modified": item.updated.isoformat() if item.updated else None,
        "authors": [{"name": item.byline}] if item.byline else None,
        "tags": list(item.categories) or None,
    }
    return {key: value for key, value in fields.items() if value is not None}
