"""The content contract: Markdown files with YAML front matter in ``content/``.

``parse_article`` and ``dump_article`` are pure and inverse to each other; the
checksum written into the front matter is what lets the normalizer tell its own
output from an editor's hand edits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import compress, repeat
from operator import attrgetter, contains
from typing import Any
from zoneinfo import ZoneInfo

from briefing.cache import digest
from briefing.errors import ContentError
from briefing.slugs import is_reserved
from briefing.yamlsafe import YamlProblem, dump_yaml, load_simple_mapping, load_yaml

When = datetime | date
"""A publication time: an aware datetime when the time is known, else a calendar day."""

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80

FIELD_ORDER = (
    "title", "slug", "date", "updated", "dek", "author", "publisher", "url", "themes", "tags",
    "summary", "source", "id", "title_inferred", "dropped", "seed_sha256", "checksum",
)
_STRING_FIELDS = ("title", "slug", "dek", "author", "publisher", "url", "summary", "source", "id",
                  "seed_sha256", "checksum")
_CHECKSUM_LINE = re.compile(r"^checksum: '?([0-9a-f]{16})'?\n", re.MULTILINE)
_YAML_NUMBER = re.compile(r"^(?:[0-9]+|0b[01]+)$")
"""Hex digests YAML would read as numbers (all digits, or 0b and bits): these are quoted."""
# Controls no page or feed can carry (XML 1.0 forbids C0, HTML5 calls them parse errors),
# and in front matter also the bidi overrides and isolates that make a title read backwards.
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FIELD_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CLOSING_LINE = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
"""A line that is '---' or '...' once trailing white space is stripped (as str.rstrip does),
with the newline before it (a literal start: the regex engine tries only at newlines)."""
_C0_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r") + b"\x7f"


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its front matter fields and its Markdown body."""

    title: str
    slug: str
    id: str
    """Stable identity for feeds; never changes once written."""
    body: str
    """Markdown, without the front matter."""
    path: str = ""
    """The content file, relative to the project root (e.g. 'content/x.md')."""
    date: When | None = None
    updated: When | None = None
    dek: str | None = None
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    """The article's original address, when the seed manifest gives it."""
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    """Free-form labels an editor or an imported archive gives the article; kept, not themed."""
    summary: str = ""
    source: str | None = None
    """The seed it was normalized from, relative to the project root."""
    title_inferred: bool = False
    """True when the seed had no headline and the title was derived from its lead."""
    dropped: tuple[str, ...] = ()
    """Boilerplate lines the normalizer removed, so an editor can see them."""
    seed_sha256: str | None = None
    checksum: str | None = None
    """Hash of the file as the normalizer wrote it; absent or stale after a hand edit."""
    line_of: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """1-based line of each front matter key in the file, for error messages."""


_DIGESTS: dict[int, tuple[Article, str]] = {}
"""``article_digest``'s answers by id of the article, which the entry holds (so an id is not
reused while it is there); emptied when it grows past ``_DIGESTS_KEPT``."""
_DIGESTS_KEPT = 1024


def article_digest(article: Article) -> str:
    """A hash of the whole article, body and all (its ``repr``), for keys of what is made
    from it. Kept by identity: in a build, the digest's windows and each feed hash the same
    newest articles, and hashing their text was a tenth of a one-edit rebuild's digest
    and feeds."""
    found = _DIGESTS.get(id(article))
    if found is None:
        if len(_DIGESTS) >= _DIGESTS_KEPT:
            _DIGESTS.clear()
        found = _DIGESTS[id(article)] = (article, digest(repr(article)))
    return found[1]


def with_theme(articles: Sequence[Article], theme: str) -> tuple[Article, ...]:
    """The articles that have the theme ``theme``, in their order, each once.

    One pass that runs in C (``theme in article.themes`` for each article): a site's
    pages, feeds and digest each ask for every theme's list of the whole archive.
    """
    return tuple(compress(articles, map(contains, map(attrgetter("themes"), articles),
                                        repeat(theme))))


def as_datetime(value: When, tz: ZoneInfo) -> datetime:
    """An aware datetime for sorting and feeds; a bare day is midnight in the site's zone."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0, 0), tzinfo=tz)


def format_when(value: When) -> str:
    """ISO 8601: with offset when a time is known, plain YYYY-MM-DD otherwise."""
    return value.isoformat()


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split a content file into (front matter YAML, body, line where the body starts)."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_end = text.find("\n")
    if text[: first_end if first_end >= 0 else None].rstrip() != "---":
        raise ContentError("missing front matter: the file must start with a '---' line", path, 1)
    closing = _CLOSING_LINE.search(text, first_end) if first_end >= 0 else None
    if closing is None:
        raise ContentError("front matter is not closed: add a '---' line after it", path, 1)
    # As splitting into lines would give: the lines between, each ending in a newline.
    yaml_text = text[first_end + 1: closing.start() + 1] or "\n"
    body = text[closing.end() + 1:]
    return yaml_text, body, text.count("\n", 0, closing.start() + 1) + 2


def parse_article(text: str, path: str) -> Article:
    """Parse and validate one content file; ContentError names the file and line."""
    yaml_text, body, body_line = split_front_matter(text, path)
    meta, line_of = _front_matter(yaml_text, path)

    def fail(key: str, reason: str) -> ContentError:
        return ContentError(f"{key!r} {reason}", path, line_of.get(key))

    unknown = [k for k in meta if k not in FIELD_ORDER]
    if unknown:
        raise fail(str(unknown[0]), f"is not a known front matter key (known: "
                                    f"{', '.join(FIELD_ORDER)})")
    for key in _STRING_FIELDS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(key, f"must be text, got {type(value).__name__} (quote the value)")
        if isinstance(value, str) and (bad := _FIELD_CONTROL.search(value)):
            raise fail(key, f"contains the invisible control character U+{ord(bad.group()):04X}")
    title = " ".join((meta.get("title") or "").split())
    if not title:
        raise fail("title", "is required")
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    slug = meta.get("slug") or stem
    if not is_portable_slug(slug):
        raise fail("slug", f"must be lowercase ASCII letters, digits and hyphens, at most "
                           f"{MAX_SLUG_LENGTH}, not a reserved device name, got {slug!r}")
    themes = meta.get("themes", [])
    if not isinstance(themes, list) or not all(isinstance(t, str) and SLUG_RE.match(t)
                                               for t in themes):
        raise fail("themes", "must be a list of theme slugs, e.g. [compute, governance]")
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("tags", "must be a list of text labels, e.g. [pricing, regulation]")
    if _may_hold_controls(body) and (bad := _BODY_CONTROL.search(body)):
        raise ContentError(f"the text contains the invisible control character "
                           f"U+{ord(bad.group()):04X}", path,
                           body_line + body[: bad.start()].count("\n"))
    dropped = meta.get("dropped", [])
    if not isinstance(dropped, list) or not all(isinstance(t, str) for t in dropped):
        raise fail("dropped", "must be a list of text lines")
    url = meta.get("url")
    if url is not None and not re.match(r"^https?://[^\s/]+", url):
        raise fail("url", f"must be an http(s) address, got {url!r}")
    inferred = meta.get("title_inferred", False)
    if not isinstance(inferred, bool):
        raise fail("title_inferred", "must be true or false")
    return Article(
        title=title,
        slug=slug,
        id=meta.get("id") or f"urn:briefing:{slug}",
        body=body.strip("\n") + "\n",
        path=path,
        date=_parse_when(meta.get("date"), fail, "date"),
        updated=_parse_when(meta.get("updated"), fail, "updated"),
        dek=meta.get("dek"),
        author=meta.get("author"),
        publisher=meta.get("publisher"),
        url=url,
        themes=tuple(dict.fromkeys(themes)),
        tags=tuple(dict.fromkeys(tags)),
        summary=meta.get("summary") or "",
        source=meta.get("source"),
        title_inferred=inferred,
        dropped=tuple(dropped),
        seed_sha256=meta.get("seed_sha256"),
        checksum=meta.get("checksum"),
        line_of=line_of,
    )


def _front_matter(yaml_text: str, path: str) -> tuple[dict[Any, Any], dict[str, int]]:
    """The front matter mapping and the line of each key (simple front matter read fast)."""
    simple = load_simple_mapping(yaml_text)
    if simple is not None:
        meta, lines = simple
        return meta, {key: line + 2 for key, line in lines.items()}
    try:
        meta = load_yaml(yaml_text, plain_text=True)
    except YamlProblem as exc:
        raise ContentError(f"invalid front matter: {exc.message}", path,
                           exc.line + 1 if exc.line else None) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of keys to values", path, 2)
    return meta, _key_lines(yaml_text)


def _may_hold_controls(body: str) -> bool:
    """False when ``body`` surely has no character ``_BODY_CONTROL`` finds (a fast check)."""
    data = body.encode("utf-8", "surrogatepass")
    # C1 controls are encoded as 0xC2 0x80-0x9F; any 0xC2 leaves it to the regex.
    return len(data.translate(None, _C0_BYTES)) != len(data) or b"\xc2" in data


def is_portable_slug(slug: str) -> bool:
    """A slug that names a file and a folder safely on every system."""
    return bool(SLUG_RE.match(slug)) and len(slug) <= MAX_SLUG_LENGTH and not is_reserved(slug)


def _key_lines(yaml_text: str) -> dict[str, int]:
    """Line of each top-level key in the file (front matter starts on line 2)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(yaml_text.split("\n"), start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_AND_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _parse_when(value: Any, fail: Any, key: str) -> When | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed: When = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if _DAY.match(text):
                return date.fromisoformat(text)
            if not _DAY_AND_TIME.match(text):
                raise ValueError("use a form such as 2026-03-25 or 2026-03-25T09:00:00-04:00")
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise fail(key, f"is not an ISO 8601 date ({exc}): {value!r}") from None
    else:
        raise fail(key, f"must be a date such as 2026-03-25, got {type(value).__name__}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise fail(key, "has a time but no time zone (add an offset such as -04:00)")
    return parsed


def dump_article(article: Article) -> str:
    """Serialize an article as the normalizer writes it, checksum included."""
    meta: dict[str, Any] = {
        "title": article.title,
        "slug": article.slug,
        "date": format_when(article.date) if article.date else None,
        "updated": format_when(article.updated) if article.updated else None,
        "dek": article.dek,
        "author": article.author,
        "publisher": article.publisher,
        "url": article.url,
        "themes": list(article.themes),
        "tags": list(article.tags) or None,
        "summary": article.summary or None,
        "source": article.source,
        "id": article.id,
        "title_inferred": True if article.title_inferred else None,
        "dropped": list(article.dropped) or None,
        "seed_sha256": article.seed_sha256,
    }
    front = dump_yaml({k: v for k, v in meta.items() if v is not None})
    body = article.body.strip("\n")
    digest = _digest(f"---\n{front}---\n\n{body}\n")
    shown = f"'{digest}'" if _YAML_NUMBER.match(digest) else digest
    return f"---\n{front}checksum: {shown}\n---\n\n{body}\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def is_pristine(text: str) -> bool:
    """True when a content file is exactly as the normalizer wrote it (no hand edits)."""
    match = _CHECKSUM_LINE.search(text)
    if not match:
        return False
    return _digest(text[: match.start()] + text[match.end():]) == match.group(1)
