"""site/sitemap.xml and site/robots.txt: every HTML page of the site by absolute URL (pure).

The sitemap is derived from the rendered outputs, so every page any template or stage
adds is listed without this module knowing about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from html import escape
from urllib.parse import quote

from briefing.cache import digest
from briefing.render import Deferred, OutputFile

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_url(base_url: str, path: str) -> str:
    """The public URL of an output: folders for ``index.html`` pages, percent-encoded."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    return base_url + quote(path, safe="/")


NOT_FOUND = "404.html"
"""The page hosts serve for a missing address: not a page of its own (it says noindex)."""


def is_page(path: str) -> bool:
    return path.endswith(".html") and path != NOT_FOUND


def render_sitemap(base_url: str, outputs: Iterable[OutputFile]) -> OutputFile:
    """A sitemaps.org 0.9 urlset listing every HTML page, sorted by URL for stable output."""
    return OutputFile(SITEMAP, _sitemap(base_url, [o.path for o in outputs]))


def _sitemap(base_url: str, paths: Iterable[str]) -> bytes:
    urls = sorted(page_url(base_url, path) for path in paths if is_page(path))
    # Written as text (ElementTree's serialization, indented, took 0.2 s for 10,000 pages).
    entries = "".join(f"  <url>\n    <loc>{escape(url, quote=False)}</loc>\n  </url>\n"
                      for url in urls)
    xml = f'<urlset xmlns="{_NAMESPACE}">\n{entries}</urlset>' if urls else \
        f'<urlset xmlns="{_NAMESPACE}" />'  # as ElementTree writes an empty element
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'.encode()


def render_robots(base_url: str) -> OutputFile:
    """Allow everything and point crawlers at the sitemap."""
    text = f"User-agent: *\nDisallow:\n\nSitemap: {base_url}{SITEMAP}\n"
    return OutputFile(ROBOTS, text.encode())


def site_index(base_url: str, outputs: list[OutputFile]) -> list[OutputFile]:
    """The sitemap and robots.txt for a site made of ``outputs``."""
    return [file.output() for file in index_files(base_url, [o.path for o in outputs])]


def index_files(base_url: str, paths: list[str]) -> list[Deferred]:
    """``site_index`` for a site of these output ``paths``, each made only when asked
    (keyed by the base URL and every page's path)."""
    pages = sorted(path for path in paths if is_page(path))
    robots = render_robots(base_url)
    return [Deferred(SITEMAP, digest(base_url, *pages), partial(_sitemap, base_url, pages)),
            Deferred(ROBOTS, digest(robots.data), lambda: robots.data)]
