"""Feeds for subscribers, made with feedgen: stable ids, content dates, absolute links."""

from __future__ import annotations

import html
import os
import re
from datetime import UTC, datetime
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from briefing.content import Article, as_datetime
from briefing.render import OutputFile, article_html
from briefing.site import Site

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL_ATTR = re.compile(r'(\s(?:href|src))="([^"]*)"')


def clean(text: str) -> str:
    """Drop C0 control characters: XML 1.0 cannot carry them and feedgen would crash later."""
    return _CONTROL.sub("", text)


def absolute_links(html: str, page_url: str) -> str:
    """Resolve every href and src against the page's own absolute URL."""
    return _URL_ATTR.sub(lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', html)


def article_url(site: Site, article: Article) -> str:
    return f"{site.config.base_url}articles/{article.slug}/"


def build_time(site: Site) -> datetime:
    """The feed's own date: SOURCE_DATE_EPOCH when set, else the newest item's, never now()."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return site.newest() or datetime(1970, 1, 1, tzinfo=UTC)


def render_rss(site: Site) -> OutputFile:
    """site/feed.xml: RSS 2.0, newest first, full content and summary."""
    config = site.config
    feed = FeedGenerator()
    feed.load_extension("dc")
    feed.title(clean(config.title))
    feed.description(clean(config.description) or clean(config.title))
    feed.language(config.language)
    feed.generator("briefing")
    # feedgen makes the RSS <link> the last link added: self first, alternate last.
    feed.link(href=f"{config.base_url}feed.xml", rel="self")
    feed.link(href=config.base_url, rel="alternate")
    stamp = build_time(site)
    feed.lastBuildDate(stamp)
    items = site.articles[: config.feed_size]
    for article in items:
        _add_item(feed, site, article)
    xml = feed.rss_str(pretty=True)
    return OutputFile("feed.xml", xml)


def _add_item(feed: FeedGenerator, site: Site, article: Article) -> None:
    url = article_url(site, article)
    entry = feed.add_entry(order="append")
    entry.id(article.id)
    entry.guid(article.id, permalink=False)
    entry.title(clean(article.title))
    entry.link(href=url)
    if article.summary:
        # RSS readers render <description> as HTML: the plain-text summary is escaped for it.
        entry.description(html.escape(clean(article.summary), quote=False))
    entry.content(clean(absolute_links(article_html(article), url)), type="CDATA")
    if article.date:
        entry.pubDate(as_datetime(article.date, site.config.tz))
    if article.author:
        entry.dc.dc_creator(clean(article.author))
    for theme in article.themes:
        entry.category(term=theme)
