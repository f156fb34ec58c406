"""Where feeds live: one table of formats, shared by the feed writer and the page heads.

Kept apart from ``feeds.py`` so templates can link feeds without importing feedgen,
and so a feed's file name is written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from briefing.config import SiteConfig, Theme


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One syndication format the site publishes."""

    name: str
    """Shown to readers, e.g. in a link title: 'RSS'."""
    filename: str
    """File name inside the feed's folder."""
    media_type: str
    """The type a ``<link rel="alternate">`` announces."""


RSS = FeedFormat("RSS", "feed.xml", "application/rss+xml")
ATOM = FeedFormat("Atom", "atom.xml", "application/atom+xml")
JSON_FEED = FeedFormat("JSON Feed", "feed.json", "application/feed+json")
FORMATS = (RSS, ATOM, JSON_FEED)


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page announces in its head."""

    title: str
    media_type: str
    path: str
    """Relative to the site root, e.g. 'themes/compute/atom.xml'."""


def feed_folder(theme: Theme | None = None) -> str:
    """The folder of a feed relative to the site root: '' for the site, 'themes/x/' for a theme."""
    return f"themes/{theme.slug}/" if theme else ""


def feed_title(config: SiteConfig, theme: Theme | None = None) -> str:
    return f"{config.title}: {theme.title}" if theme else config.title


@lru_cache(maxsize=64)  # every page of a site asks with the same settings (and few themes)
def feed_links(config: SiteConfig, theme: Theme | None = None) -> tuple[FeedLink, ...]:
    """A page's feeds: a theme page's own feeds first, then the site-wide ones."""
    scopes = (theme, None) if theme else (None,)
    return tuple(FeedLink(f"{feed_title(config, scope)} ({fmt.name})", fmt.media_type,
                          feed_folder(scope) + fmt.filename)
                 for scope in scopes for fmt in FORMATS)
