"""``briefing check``: validate a built site before it is published (reads site/, writes nothing).

Every page must parse as HTML5 without errors (html5lib, the WHATWG parsing algorithm)
and carry ``lang``, ``charset``, ``viewport`` and a title; every internal link and
anchor must resolve; every feed must be well-formed XML that feedparser reads without
complaint; no page or feed may carry executable markup other than scripts the templates
ship; the sitemap must list every page and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import feedparser
import html5lib
from html5lib.constants import E as HTML5_ERRORS

from briefing.errors import Diagnostic
from briefing.search import BUNDLE_DIR
from briefing.sitemap import ROBOTS, SITEMAP, is_page, page_url

MAX_PARSE_ERRORS = 10
"""Parse errors reported per page; one broken template would otherwise print thousands."""

_ACTIVE_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
_DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite",
                   "background", "xlink:href", "{http://www.w3.org/1999/xlink}href"}
_UNSAFE_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_FEED_HTML = {"description", "encoded", "content", "summary"}
_FEED_URLS = {"link", "guid", "id", "comments", "url", "docs"}


@dataclass(frozen=True, slots=True)
class Link:
    """One URL a page or feed refers to, as written."""

    url: str
    source: str
    """The file it is on, relative to the site folder."""


@dataclass(slots=True)
class _Findings:
    """What checking the files found (mutable only while checking)."""

    problems: list[Diagnostic] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of checking one built site."""

    pages: int
    feeds: int
    problems: tuple[Diagnostic, ...]


def check_site(site_dir: Path, base_url: str, templates_dir: Path | None = None,
               name: Callable[[Path], str] = lambda p: p.as_posix()) -> CheckResult:
    """Check every file of a built site; each problem names the file it is on."""
    if not (site_dir / "index.html").is_file():
        missing = Diagnostic("no built site here (index.html missing): run build first",
                             name(site_dir))
        return CheckResult(0, 0, (missing,))
    files = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())
    allowed = _template_scripts(templates_dir) | _search_scripts(site_dir)
    found = _Findings()

    def report(path: str, message: str, line: int | None = None) -> None:
        found.problems.append(Diagnostic(message, name(site_dir / path), line))

    pages = [f for f in files if f.endswith(".html")]
    for path in pages:
        _check_page(path, (site_dir / path).read_bytes(), allowed, found, report)
    feeds = 0
    for path in (f for f in files if f.endswith(".xml") and f != SITEMAP):
        feeds += _check_feed(path, (site_dir / path).read_bytes(), found, report)
    for path in (f for f in files if f.endswith(".json")):
        feeds += _check_json_feed(path, (site_dir / path).read_bytes(), found, report)
    _check_links(found, set(files), base_url, report)
    _check_sitemap(site_dir, pages, set(files), base_url, report)
    return CheckResult(len(pages), feeds, tuple(found.problems))


# Pages -------------------------------------------------------------------------------------

Report = Callable[..., None]


def _check_page(path: str, data: bytes, allowed: frozenset[str], found: _Findings,
                report: Report) -> None:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(data, transport_encoding="utf-8")
    for (line, _column), code, details in parser.errors[:MAX_PARSE_ERRORS]:
        report(path, f"not well-formed HTML5: {_parse_error(code, details)}", line)
    if len(parser.errors) > MAX_PARSE_ERRORS:
        report(path, f"not well-formed HTML5: {len(parser.errors) - MAX_PARSE_ERRORS} "
                     "more parse errors")
    _check_head(path, document, report)
    found.ids[path] = _ids(path, document, report)
    for element in document.iter():
        _check_element(path, element, allowed, report)
        found.links.extend(Link(element.get(a, ""), path) for a in ("href", "src")
                           if element.get(a) is not None)


def _parse_error(code: str, details: dict | None) -> str:
    template = HTML5_ERRORS.get(code, code)
    try:
        return template % (details or {})
    except (KeyError, TypeError, ValueError):
        return code


def _check_head(path: str, document: ElementTree.Element, report: Report) -> None:
    if not (document.get("lang") or "").strip():
        report(path, "<html> has no lang attribute")
    head = document.find("head")
    metas = head.findall("meta") if head is not None else []
    if not any((m.get("charset") or "").lower() == "utf-8" for m in metas):
        report(path, "no <meta charset=\"utf-8\"> in <head>")
    if not any((m.get("name") or "").lower() == "viewport" for m in metas):
        report(path, "no <meta name=\"viewport\"> in <head>")
    title = head.find("title") if head is not None else None
    if title is None or not "".join(title.itertext()).strip():
        report(path, "no <title> in <head>, or it is empty")


def _ids(path: str, document: ElementTree.Element, report: Report) -> set[str]:
    ids: set[str] = set()
    for element in document.iter():
        for key in ("id", "name") if _local(element.tag) == "a" else ("id",):
            value = element.get(key)
            if value is None:
                continue
            if key == "id" and value in ids:
                report(path, f"duplicate id {value!r}")
            ids.add(value)
    return ids


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _check_element(path: str, element: ElementTree.Element, allowed: frozenset[str],
                   report: Report) -> None:
    """Executable markup: event handlers, script URLs, active elements, unknown scripts."""
    tag = _local(element.tag)
    for attribute, value in element.attrib.items():
        local = _local(attribute)
        if local.startswith("on"):
            report(path, f"event handler attribute {local}= on <{tag}>")
        elif (local in _URL_ATTRIBUTES or attribute in _URL_ATTRIBUTES) and _is_unsafe_url(
                value, tag):
            report(path, f"executable URL {_shorten(value)!r} in <{tag} {local}=>")
    if tag in _ACTIVE_ELEMENTS:
        report(path, f"<{tag}> element (embeds active content)")
    elif tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        report(path, "<meta http-equiv=refresh> (redirects the reader)")
    elif tag == "script" and not _is_allowed_script(element, allowed):
        report(path, f"<script> that the templates do not ship: "
                     f"{_shorten(element.get('src') or ''.join(element.itertext()))!r}")


def _is_unsafe_url(value: str, tag: str) -> bool:
    """The browser strips controls and whitespace before reading a scheme; so do we."""
    url = _URL_NOISE.sub("", value)
    if not _UNSAFE_SCHEME.match(url):
        return False
    return not (tag == "img" and re.match(r"^data:image/(?:png|jpe?g|gif|webp|avif)[;,]",
                                          url, re.IGNORECASE))


def _is_allowed_script(element: ElementTree.Element, allowed: frozenset[str]) -> bool:
    kind = (element.get("type") or "").strip().lower()
    if kind in _DATA_SCRIPT_TYPES:
        return True  # a data block: the browser never runs it
    source = element.get("src")
    if source is not None:
        return f"src:{Path(urlsplit(source).path).name}" in allowed
    return _squash("".join(element.itertext())) in allowed


def _template_scripts(templates_dir: Path | None) -> frozenset[str]:
    """Inline scripts written in the templates, and script files shipped in their assets."""
    if templates_dir is None or not templates_dir.is_dir():
        return frozenset()
    allowed: set[str] = set()
    for template in sorted(templates_dir.rglob("*")):
        if not template.is_file():
            continue
        if template.suffix == ".js":
            allowed.add(f"src:{template.name}")
        elif template.suffix in (".html", ".jinja", ".j2"):
            text = template.read_text(encoding="utf-8", errors="replace")
            allowed.update(_squash(m) for m in re.findall(r"<script\b[^>]*>(.*?)</script>",
                                                          text, re.DOTALL | re.IGNORECASE))
    return frozenset(allowed)


def _search_scripts(site_dir: Path) -> frozenset[str]:
    """The scripts of the Pagefind bundle, which the build itself writes (search: true)."""
    return frozenset(f"src:{p.name}" for p in sorted((site_dir / BUNDLE_DIR).glob("*.js")))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Feeds -------------------------------------------------------------------------------------

def _check_feed(path: str, data: bytes, found: _Findings, report: Report) -> int:
    """Check one XML file that should be a feed; returns 1 if it is one."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        report(path, f"not well-formed XML: {exc}", exc.position[0])
        return 0
    if _local(root.tag) not in ("rss", "feed"):
        report(path, f"XML file that is neither a feed nor the sitemap (<{_local(root.tag)}>)")
        return 0
    parsed = feedparser.parse(data)
    if parsed.bozo:
        report(path, f"feed does not parse cleanly: {parsed.bozo_exception}")
    for problem in _feed_problems(parsed):
        report(path, problem)
    for element in root.iter():
        _check_feed_element(path, element, found, report)
    return 1


def _feed_problems(parsed: feedparser.FeedParserDict) -> Iterator[str]:
    if not parsed.feed.get("title"):
        yield "feed has no title"
    if not parsed.feed.get("link"):
        yield "feed has no link"
    ids: set[str] = set()
    for number, entry in enumerate(parsed.entries, start=1):
        if not entry.get("title") and not entry.get("summary"):
            yield f"feed item {number} has neither title nor description"
        if not entry.get("link"):
            yield f"feed item {number} has no link"
        ident = entry.get("id")
        if not ident:
            yield f"feed item {number} has no id/guid"
        elif ident in ids:
            yield f"feed item {number} repeats id {ident!r}"
        ids.add(ident or "")


def _check_json_feed(path: str, data: bytes, found: _Findings, report: Report) -> int:
    """Check a JSON Feed (jsonfeed.org 1.x); other JSON files are not feeds and are skipped."""
    try:
        feed = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        report(path, f"not valid JSON: {exc}")
        return 0
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(
            "https://jsonfeed.org/version/1"):
        return 0
    items = feed.get("items")
    if not isinstance(items, list) or not isinstance(feed.get("title"), str):
        report(path, "JSON Feed needs a title and a list of items")
        return 1
    ids: set[str] = set()
    for number, item in enumerate(items, start=1):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str) or not ident:
            report(path, f"feed item {number} has no id")
            continue
        if ident in ids:
            report(path, f"feed item {number} repeats id {ident!r}")
        ids.add(ident)
        _check_feed_html(path, str(item.get("content_html") or ""), report)
        found.links.extend(Link(str(item[k]), path) for k in ("url", "external_url") if k in item)
    found.links.extend(Link(str(feed[k]), path) for k in ("home_page_url", "feed_url") if k in feed)
    return 1


def _check_feed_html(path: str, html: str, report: Report) -> None:
    """HTML a feed reader will render: the same executable-markup rules as for pages."""
    fragment = html5lib.HTMLParser(namespaceHTMLElements=False).parseFragment(html)
    for node in fragment.iter():
        _check_element(path, node, frozenset(), report)


def _check_feed_element(path: str, element: ElementTree.Element, found: _Findings,
                        report: Report) -> None:
    tag = _local(element.tag)
    text = (element.text or "").strip()
    atom_text = "2005/Atom" in str(element.tag) and element.get("type", "text") == "text"
    if tag in _FEED_HTML and not atom_text and (text or len(element)):
        markup = text or "".join(ElementTree.tostring(c, encoding="unicode") for c in element)
        _check_feed_html(path, markup, report)
    urls = [element.get("href") or ""] + ([text] if tag in _FEED_URLS else [])
    for url in filter(None, urls):
        if _is_unsafe_url(url, tag):
            report(path, f"executable URL {_shorten(url)!r} in <{tag}>")
        elif tag != "guid" or element.get("isPermaLink", "true") == "true":
            found.links.append(Link(url, path))


# Links and the sitemap ---------------------------------------------------------------------

def _target(url: str, base_url: str, files: set[str]) -> tuple[str | None, str]:
    """The site file an absolute URL points to (None when there is none) and its fragment."""
    address, fragment = urldefrag(url)
    path, root = unquote(urlsplit(address).path), urlsplit(base_url).path
    if not path.startswith(root):
        return None, ""
    relative = path[len(root):]
    candidates = ([relative + "index.html"] if relative in ("", ".") or relative.endswith("/")
                  else [relative, f"{relative}/index.html"])
    return next((c for c in candidates if c in files), None), unquote(fragment)


def _check_links(found: _Findings, files: set[str], base_url: str, report: Report) -> None:
    origin = _origin(base_url)
    for link in found.links:
        address = urljoin(page_url(base_url, link.source), link.url.strip())
        if _origin(address) != origin or not urlsplit(address).path.startswith(
                urlsplit(base_url).path):
            continue  # another site: not ours to check
        target, fragment = _target(address, base_url, files)
        if target is None:
            report(link.source, f"link to {_shorten(link.url)!r} does not resolve")
        elif fragment and target.endswith(".html") and fragment not in found.ids.get(target, ()):
            report(link.source, f"link to {_shorten(link.url)!r}: no id {fragment!r} on {target}")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _check_sitemap(site_dir: Path, pages: list[str], files: set[str], base_url: str,
                   report: Report) -> None:
    try:
        root = ElementTree.fromstring((site_dir / SITEMAP).read_bytes())
    except FileNotFoundError:
        report(SITEMAP, "missing: the sitemap must list every page")
        return
    except ElementTree.ParseError as exc:
        report(SITEMAP, f"not well-formed XML: {exc}", exc.position[0])
        return
    listed = {(e.text or "").strip() for e in root.iter() if _local(e.tag) == "loc"}
    for page in pages:
        if is_page(page) and page_url(base_url, page) not in listed:
            report(SITEMAP, f"does not list {page}")
    for url in sorted(listed):
        target = _target(url, base_url, files)[0] if url.startswith(base_url) else None
        if target is None or not target.endswith(".html"):
            report(SITEMAP, f"lists {url!r}, which is not a page of this site")
    robots = site_dir / ROBOTS
    wanted = f"Sitemap: {base_url}{SITEMAP}"
    if not robots.is_file() or wanted not in robots.read_text(encoding="utf-8", errors="replace"):
        report(ROBOTS, f"missing or does not say {wanted!r}")
