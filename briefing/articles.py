"""Per-article work, cached and spread over cores: content file -> Article, scores, page.

Two passes, each a function of one article and the ``Inputs`` (config, themes,
templates, code version), so each result can be cached under a hash of exactly those
and computed in any process:

1. reading: content file -> ``Record`` (validated Article, theme scores), cached by
   the file's bytes;
2. pages: article -> its page, written by the worker straight into the staging folder,
   skipped when site/ holds the page made from the same inputs. An article page also
   shows its neighbours in its main theme (the trail), so their keys are in its key.

Month pages (the archive's and each theme's) are keyed the same way, by their articles'
keys, so a build renders only the months whose articles changed; they render in the same
pool. The pool of pass 2 is forked once the archive is read, so its workers inherit the
site (``PageWork``) and a job is only an index; while they work, the main process goes on
with the digest and the pages drawn from many articles (``pages_rendering``).

What depends on the whole archive (order, duplicate slugs, trails, front page, theme
pages, feeds, digest) is computed in the main process from these results.
"""

from __future__ import annotations

import copyreg
import os
import time
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta, timezone
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

import jinja2

from briefing import markdown
from briefing.cache import code_version, digest, pickle_by_fields, tree_digest
from briefing.classify import ThemeScore, classify
from briefing.config import SiteConfig, Theme
from briefing.content import Article, When, parse_article
from briefing.errors import BriefingError, Diagnostic
from briefing.parallel import pool_map, pool_started
from briefing.progress import Meter
from briefing.project import Identity, identity
from briefing.publish import Publisher, Written, stage
from briefing.render import (
    MonthPage,
    PageItem,
    article_path,
    items_showing,
    make_environment,
    month_pages,
    page_items,
    page_of,
    page_path,
)
from briefing.scores import NO_SCORES, PackedScores, pack_scores
from briefing.seeds import MAX_SEED_BYTES
from briefing.site import Site

MAX_CONTENT_BYTES = 2 * MAX_SEED_BYTES
"""A content file is its seed's text plus front matter; larger ones are refused."""
RECORDS = "articles"
HTML_MEMO = "html"


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything per-article work depends on besides the file itself."""

    config: SiteConfig
    themes: tuple[Theme, ...]
    templates: Path
    key: str = ""

    @classmethod
    def of(cls, config: SiteConfig, themes: tuple[Theme, ...], templates: Path,
           ) -> Inputs:
        key = digest(code_version(), repr(config), repr(themes), tree_digest(templates))
        return cls(config, themes, templates, key)


STATS = "content-stats"
SETTLED_NS = 2_000_000_000
"""A file last changed this long before a build is past any timestamp's resolution."""


def settled(seen: Identity, hashed_ns: int) -> bool:
    """True when a file of this identity, hashed at ``hashed_ns``, had last changed long
    enough before then that any later change shows in its identity."""
    return max(seen[1], seen[3]) < hashed_ns - SETTLED_NS


@dataclass(frozen=True, slots=True)
class Source:
    """One content file: its project-relative name, location and cache key."""

    name: str
    path: str
    key: str
    """Hash of the file's name and bytes and of the ``Inputs``."""
    hashed: tuple[Identity, int] | None = None
    """The file's identity when this process read and hashed it, and the time it did
    (``time.time_ns``); None when the key came from elsewhere."""

    def vouches(self, seen: Identity) -> bool:
        """True when a file of identity ``seen`` still holds the bytes ``key`` was made from."""
        return self.hashed is not None and seen == self.hashed[0] and \
            settled(seen, self.hashed[1])


@dataclass(frozen=True, slots=True)
class KeyIndex:
    """The key each content file had at the last build, with its identity on disk then.

    The key is always a hash of the file's bytes; the identity only says when hashing
    again can be skipped. Like git's index, a file changed within ``SETTLED_NS`` of the
    build that recorded it is "racy" (a second edit could keep its times): it is hashed.

    Stored compact (``stored``): the names, every identity in one array, every key in
    one string; saving and loading it is a small part of a rebuild of 10,000 articles.
    """

    inputs: str
    recorded_ns: int
    at: dict[str, int]
    """Each file's place, by name, in ``identities`` (four numbers a file) and ``keys``."""
    identities: array[int]
    keys: str

    @classmethod
    def of(cls, inputs: str, recorded_ns: int, files: Mapping[str, tuple[Identity, str]],
           ) -> KeyIndex | None:
        """The index of ``files`` (by name: identity and key); None if a key is not a
        digest (every key is one)."""
        keys = "".join(key for _, key in files.values())
        if len(keys) != _KEY_DIGITS * len(files):
            return None
        return cls(inputs, recorded_ns, {name: at for at, name in enumerate(files)},
                   array("q", [n for seen, _ in files.values() for n in seen]), keys)

    def stored(self) -> tuple[str, int, list[str], bytes, str]:
        return self.inputs, self.recorded_ns, list(self.at), self.identities.tobytes(), self.keys

    @classmethod
    def loaded(cls, stored: object) -> KeyIndex | None:
        """The index ``stored`` gave, or None when it is not one (a cache never fails)."""
        try:
            inputs, recorded_ns, names, identities, keys = stored  # type: ignore[misc]
            numbers = array("q", identities)
        except (TypeError, ValueError):
            return None
        if not (isinstance(inputs, str) and isinstance(recorded_ns, int)
                and isinstance(names, list) and isinstance(keys, str)
                and len(numbers) == 4 * len(names) and len(keys) == _KEY_DIGITS * len(names)):
            return None
        return cls(inputs, recorded_ns, {name: at for at, name in enumerate(names)}, numbers, keys)

    def last_key(self, name: str) -> str | None:
        """The file's key at the last build, if it had one."""
        at = self.at.get(name)
        return None if at is None else self.keys[_KEY_DIGITS * at:_KEY_DIGITS * (at + 1)]

    def key(self, name: str, seen: Identity, inputs: Inputs) -> str | None:
        """The file's key without reading it, when its identity vouches for it."""
        at = self.at.get(name) if inputs.key == self.inputs else None
        if at is None or tuple(self.identities[4 * at:4 * at + 4]) != seen:
            return None
        return self.last_key(name) if settled(seen, self.recorded_ns) else None


_KEY_DIGITS = 32
"""The length of every key: a ``digest``."""


@dataclass(frozen=True, slots=True)
class Record:
    """What per-article work found out about one content file (cached)."""

    article: Article | None
    """Without its body (cut from the file again); None when the file was refused."""
    scores: PackedScores = NO_SCORES
    diagnostics: tuple[Diagnostic, ...] = ()
    body_at: int = -1
    """Byte offset of the body in the file; -1 when the body is kept in ``article``."""

    def restore(self, data: bytes, **changes: Any) -> Article | None:
        """The article again, its body cut from the file's bytes (and ``changes`` made)."""
        if self.article is None:
            return None
        if self.body_at >= 0:
            changes["body"] = data[self.body_at:].decode("utf-8").strip("\n") + "\n"
        return _changed(self.article, **changes) if changes else self.article


@dataclass(frozen=True, slots=True)
class Bodies:
    """Where to find the bodies a build left unread: only the articles that show their
    text (pages rendered, the digest's windows, the feeds) need theirs."""

    inputs: Inputs
    unread: dict[str, tuple[Source, Record]]
    """By slug: the file and its record, for articles whose body is not loaded."""

    def fill(self, article: Article) -> Article:
        """The article with its body (read from its file, which must not have changed).

        The bytes are hashed again unless the file's identity vouches for them: pass 2
        renders every page of a cold build, and pass 1 hashed each file already.
        """
        if article.body or article.slug not in self.unread:
            return article
        source, record = self.unread[article.slug]
        seen, data = _read_whole(source.path)
        unchanged = data is not None and (
            source.vouches(seen) or digest(self.inputs.key, source.name, data) == source.key)
        if not unchanged:
            raise BriefingError("changed while the site was being built: build again",
                                source.name)
        restored = record.restore(data, themes=article.themes)  # one copy, not two
        assert restored is not None
        return restored


@dataclass(frozen=True, slots=True)
class PageWork:
    """What the page jobs of one build draw from (pass 2).

    Every worker gets it once, as it starts (inherited through fork, not copied), so a
    job is only an index into ``todo``: the archive never goes through a pipe.
    """

    site: Site
    todo: tuple[PageItem, ...]
    """The pages to render: month pages, and articles (bodies may be left unread) with
    their trails."""
    bodies: Bodies | None
    staging: Path
    keys: Mapping[str, str]
    """Each article's key, by slug: a page is keyed (``page_key``) where it is rendered."""


@dataclass(slots=True)
class _Worker:
    """Per-process state: templates compiled once per process, not once per page."""

    inputs: Inputs | None = None
    env: jinja2.Environment | None = None
    pages: PageWork | None = None


_WORKER = _Worker()


def start_worker(inputs: Inputs, pages: PageWork | None = None,
                 compiled: Path | None = None) -> None:
    """Set up this process for per-article work (called once in every pool worker);
    ``compiled``: where to keep compiled templates between builds."""
    _WORKER.pages = pages
    if _WORKER.inputs == inputs and _WORKER.env is not None and (
            compiled is None or compiled.is_dir()):  # (a cache removed since: set up again)
        return  # set up already (the main process, or a worker forked from it): keep them
    _WORKER.inputs = inputs
    _WORKER.env = make_environment(inputs.templates, compiled)
    # Rendered Markdown is memoized only where feeds need it again (the main process):
    # writing a memo entry for every article would cost a cold build more than it saves.
    markdown.use_memo(None)


def environment() -> jinja2.Environment:
    """This process's compiled templates (after ``start_worker``)."""
    assert _WORKER.env is not None, "start_worker() first"
    return _WORKER.env


def read(name: str, path: str, inputs: Inputs,
         index: KeyIndex | None = None) -> tuple[Source, bytes, Identity] | Diagnostic:
    """A content file's bytes, its source (with the key they give) and identity, or why not.

    The key comes from ``index`` when the file's identity vouches for it (no hashing).
    """
    started_ns = time.time_ns()
    seen, data = _read_whole(path)
    if data is None:
        return Diagnostic(f"file is {seen[0]:,} bytes; the limit for one article is "
                          f"{MAX_CONTENT_BYTES:,}", name)
    key = index.key(name, seen, inputs) if index else None
    if key:
        return Source(name, path, key), data, seen
    return Source(name, path, digest(inputs.key, name, data), (seen, started_ns)), data, seen


def _read_whole(path: str, limit: int = MAX_CONTENT_BYTES) -> tuple[Identity, bytes | None]:
    """A file's identity as it is opened, and its bytes (None when over ``limit``)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        seen = identity(os.fstat(handle))
        if seen[0] > limit:
            return seen, None
        data = os.read(handle, seen[0] + 1)  # one read, unless the file grew meanwhile
        if len(data) == seen[0]:  # its size exactly, asked for a byte more: its end
            return seen, data
        parts = [data]
        while parts[-1]:
            parts.append(os.read(handle, 1 << 16))
        return seen, b"".join(parts)
    finally:
        os.close(handle)


def oversized_key(size: int) -> str:
    """The key of a file refused for its size (its bytes are never read)."""
    return digest("oversized", str(size))


def current_keys(files: list[tuple[str, str]], identities: list[Identity], inputs: Inputs,
                 index: KeyIndex | None) -> dict[str, tuple[Identity, str]]:
    """Every content file's identity and key (``files``: name, path; ``identities``: as
    listed), reading only the files whose identity does not vouch for their last key; an
    oversized file is keyed by its size."""
    found = {}
    for (name, path), seen in zip(files, identities, strict=True):
        key = index.key(name, seen, inputs) if index else None
        if key is None:
            read_now = read(name, path, inputs)
            key = (oversized_key(seen[0]) if isinstance(read_now, Diagnostic)
                   else read_now[0].key)
        found[name] = (seen, key)
    return found


@dataclass(frozen=True, slots=True)
class Processed:
    """Pass 1's result for one file: its source (now keyed), identity and record."""

    source: Source
    identity: Identity
    record: Record


def process(src: Source) -> Processed:
    """Read, validate and classify one content file (pass 1); an unkeyed ``src`` (a cold
    build's) is keyed here, so the main process need not read the archive first.

    The record leaves out the body whenever it can be cut from the file again: the main
    process reads only the bodies it shows (see ``Bodies``), so bodies never cross a pipe.
    """
    inputs = _WORKER.inputs
    assert inputs is not None, "start_worker() first"
    found = read(src.name, src.path, inputs)
    if isinstance(found, Diagnostic):
        seen = identity(os.stat(src.path))
        return Processed(replace(src, key=oversized_key(seen[0])), seen,
                         Record(None, diagnostics=(found,)))
    source, data, seen = found
    if src.key and source.key != src.key:
        raise BriefingError("changed while the site was being built: build again", src.name)
    return Processed(source, seen, _read_record(src.name, data, inputs))


def _read_record(name: str, data: bytes, inputs: Inputs) -> Record:
    try:
        text = data.decode("utf-8")
        article = parse_article(text, name)
    except UnicodeDecodeError:
        return Record(None, diagnostics=(Diagnostic("not UTF-8 text", name),))
    except BriefingError as exc:
        return Record(None, diagnostics=(exc.diagnostic,))
    scores = classify(inputs.themes, article.title, f"{article.dek or ''}\n{article.body}")
    return _record(name, text, article, scores)


def render_page(index: int) -> tuple[str, str, Written]:
    """Render page ``index`` of the build's ``PageWork`` into its staging folder; returns
    its path in the site, its ``page_key`` and how it was written."""
    env, work = _WORKER.env, _WORKER.pages
    assert env is not None and work is not None, "start_worker() first"
    item = work.todo[index]
    key = page_key(item, work.keys)
    if work.bodies and not isinstance(item, MonthPage):
        item = (work.bodies.fill(item[0]), item[1])
    page = page_of(env, work.site, item)
    return page.path, key, stage(work.staging, page)


def page_key(item: PageItem, keys: Mapping[str, str]) -> str:
    """What a page is made from, by the articles' keys: a month page, every one of its
    articles and its neighbouring months; an article page, the article and its trail.

    Hashed as one line per part: every part is a key, slug, path or month label, none of
    which holds a line break (one hash of one string: a build keys every page)."""
    if isinstance(item, MonthPage):
        newer, older = item.newer, item.older
        parts = [item.path, newer.label if newer else "", older.label if older else ""]
        parts += [keys[a.slug] for a in item.month.articles]
    else:
        article, (theme, newer, older) = item
        parts = [keys[article.slug], theme.slug if theme else "",
                 keys[newer.slug] if newer else "", keys[older.slug] if older else ""]
    return digest("\n".join(parts))


@contextmanager
def pages_rendering(site: Site, inputs: Inputs, keys: Mapping[str, str], publisher: Publisher,
                    bodies: Bodies | None = None, meter: Meter | None = None,
                    changed: Collection[str] | None = None) -> Iterator[Callable[[], int]]:
    """Start rendering the article pages and month pages site/ lacks, on every core, while
    the caller goes on (``site`` needs no digest: these pages do not show it); call what
    it yields to wait for them and take them in. It returns the number of month pages.

    A page site/ holds from the same inputs (``page_key``) is kept. ``changed``: the slugs
    of the articles changed since the last build, when nothing else did and none of them
    moved (see ``render.items_showing``): then only the pages showing them are keyed.
    """
    kept, todo = _plan(site, keys, publisher, changed)
    work = PageWork(site, tuple(todo), bodies, publisher.staging, keys)
    try:
        with pool_started(render_page, range(len(todo)), start_worker, (inputs, work)) as rendered:
            yield lambda: _take_in(publisher, kept, _metered(rendered, len(todo), meter),
                                   len(site.articles))
    finally:
        _WORKER.pages = None  # when rendered in this process: do not keep the archive


_Page = tuple[str, str, Written]
"""A rendered page: its path, key (``page_key``) and how it was written."""
_Rendered = Iterable[_Page]


def _plan(site: Site, keys: Mapping[str, str], publisher: Publisher,
          changed: Collection[str] | None = None) -> tuple[list[str], list[PageItem]]:
    """The pages site/ holds from the same inputs (by path), and the pages to render."""
    if publisher.whole:  # nothing to keep: each page is keyed where it is rendered
        return [], list(page_items(site))
    if changed is not None:
        planned = _plan_around(site, keys, publisher, changed)
        if planned is not None:
            return planned
    return _sorted_out(page_items(site), keys, publisher, [])


def _plan_around(site: Site, keys: Mapping[str, str], publisher: Publisher,
                 changed: Collection[str]) -> tuple[list[str], list[PageItem]] | None:
    """``_plan`` when only the articles ``changed`` changed and none of them moved: the
    pages showing one are keyed; every other page is the last build's, untouched in
    site/ (None when one is not: then every page is keyed)."""
    months = month_pages(site)
    items = items_showing(site, changed, months)
    showing = {page_path(item) for item in items}
    others = [path for path in (*(m.path for m in months), *map(article_path, site.articles))
              if path not in showing]
    touched = publisher.touched()
    if any(path not in publisher.previous or path in touched for path in others):
        return None
    return _sorted_out(items, keys, publisher, others)


def _sorted_out(items: Iterable[PageItem], keys: Mapping[str, str], publisher: Publisher,
                kept: list[str]) -> tuple[list[str], list[PageItem]]:
    """The ``items`` site/ holds from their ``page_key`` added to ``kept``, and the rest."""
    todo = []
    for item in items:
        path = page_path(item)
        if publisher.can_keep(path, page_key(item, keys)):
            kept.append(path)
        else:
            todo.append(item)
    return kept, todo


def _metered(rendered: _Rendered, total: int, meter: Meter | None) -> _Rendered:
    if meter:
        meter.begin(total, "writing pages")
    for page in rendered:
        if meter:
            meter.advance()
        yield page


def _take_in(publisher: Publisher, kept: list[str], rendered: _Rendered,
             articles: int) -> int:
    """Keep and adopt the pages found; returns how many were month pages."""
    for path in kept:
        publisher.keep(path, publisher.previous[path].key)  # kept: made from that very key
    pages = len(kept)
    for path, key, written in rendered:
        publisher.adopt(path, key, written)
        pages += 1
    return pages - articles


def _record(name: str, text: str, article: Article,
            scores: tuple[ThemeScore, ...]) -> Record:
    """Keep the body out of the record when it can be cut from the file (``text``) again:
    when the file ends with it, as it is (``Record.restore`` strips it as parsing did)."""
    if text.endswith(article.body):
        at_byte = len(text[:len(text) - len(article.body)].encode("utf-8"))
        return Record(_changed(article, body=""), pack_scores(scores), (), at_byte)
    return Record(article, pack_scores(scores))


def _changed(article: Article, **changes: Any) -> Article:
    """``dataclasses.replace(article, **changes)`` in a third of the time: each pass makes
    one per article."""
    values = list(_ALL_FIELDS(article))
    for name, value in changes.items():
        values[_FIELD_AT[name]] = value
    return Article(*values)


# The record cache of a large archive is pickled and loaded whole (and pass 1 sends every
# record through a pipe): a record goes as plain tuples and strings, made and read by one
# call per record (not one per object), its scores packed (``scores``) and its dates as
# ISO text (``_plain_when``).
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_AT = _ARTICLE_FIELDS.index("date")
assert _ARTICLE_FIELDS[_AT:_AT + 2] == ("date", "updated")
_ALL_FIELDS = attrgetter(*_ARTICLE_FIELDS)
_FIELD_AT = {name: at for at, name in enumerate(_ARTICLE_FIELDS)}
_HEAD = attrgetter(*_ARTICLE_FIELDS[:_AT])
_TAIL = attrgetter(*_ARTICLE_FIELDS[_AT + 2:])


def _record_of(head: tuple[Any, ...] | None, published: Any, updated: Any,
               tail: tuple[Any, ...], scores: PackedScores, diagnostics: tuple[Diagnostic, ...],
               body_at: int) -> Record:
    """A record from its pickled form (``_record_row``)."""
    article = None if head is None else Article(*head, _when(published), _when(updated), *tail)
    return Record(article, scores, diagnostics, body_at)


def _record_row(record: Record) -> tuple[Callable[..., Record], tuple[Any, ...]]:
    article = record.article
    if article is None:
        return _record_of, (None, None, None, (), record.scores, record.diagnostics,
                            record.body_at)
    return _record_of, (_HEAD(article), _plain_when(article.date),
                        _plain_when(article.updated), _TAIL(article), record.scores,
                        record.diagnostics, record.body_at)


@cache
def _unnamed(offset: timedelta | None) -> str | None:
    return None if offset is None else timezone(offset).tzname(None)


def _plain_when(value: When | None) -> When | str | None:
    """A date, or an aware datetime with a plain UTC offset, as ISO text (which
    ``_when`` reads back equal, offset and all); any other value as it is."""
    if type(value) is datetime:
        zone = value.tzinfo
        if type(zone) is timezone and zone.tzname(None) == _unnamed(zone.utcoffset(None)):
            return value.isoformat()
        return value
    return value.isoformat() if type(value) is date else value


def _when(value: When | str | None) -> When | None:
    if type(value) is str:
        return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    return value  # type: ignore[return-value]


copyreg.pickle(Record, _record_row)
# Processed too: pass 1 sends one per content file through a pipe (a third faster so).
pickle_by_fields(Article, Diagnostic, Source, Processed)


def process_all(jobs: list[Source], inputs: Inputs,
                tick: Callable[[], None]) -> Iterator[Processed]:
    """Read content files in order, on every core when there are enough of them."""
    for processed in pool_map(process, jobs, len(jobs), start_worker, (inputs,)):
        tick()
        yield processed
