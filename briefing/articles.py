"""Per-article work, cached and spread over cores: content file -> Article, scores, page.

Two passes, each a function of one article and the ``Inputs`` (config, themes,
templates, code version), so each result can be cached under a hash of exactly those
and computed in any process:

1. reading: content file -> ``Record`` (validated Article, theme scores), cached by
   the file's bytes;
2. pages: article -> its page, written by the worker straight into the staging folder,
   skipped when site/ holds the page made from the same inputs. An article page also
   shows its neighbours in its main theme (the trail), so their keys are in its key.

What depends on the whole archive (order, duplicate slugs, trails, front page, theme
pages, feeds, digest) is computed in the main process from these results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from briefing import markdown
from briefing.cache import code_version, digest, pickle_by_fields, tree_digest
from briefing.classify import TermMatch, ThemeScore, classify
from briefing.config import SiteConfig, Theme
from briefing.content import Article, parse_article, split_front_matter
from briefing.errors import BriefingError, Diagnostic
from briefing.parallel import pool_map
from briefing.progress import Meter
from briefing.publish import Publisher, stage
from briefing.render import Trail, article_page, article_path, make_environment, trails
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


@dataclass(frozen=True, slots=True)
class Source:
    """One content file: its project-relative name, location and cache key."""

    name: str
    path: str
    key: str
    """Hash of the file's name and bytes and of the ``Inputs``."""


@dataclass(frozen=True, slots=True)
class Record:
    """What per-article work found out about one content file (cached)."""

    article: Article | None
    """Without its body (cut from the file again); None when the file was refused."""
    scores: tuple[ThemeScore, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    body_at: int = -1
    """Byte offset of the body in the file; -1 when the body is kept in ``article``."""

    def restore(self, data: bytes) -> Article | None:
        """The article again, its body cut from the file's bytes."""
        if self.article is None or self.body_at < 0:
            return self.article
        body = data[self.body_at:].decode("utf-8")
        return replace(self.article, body=body.strip("\n") + "\n")


@dataclass(frozen=True, slots=True)
class Done:
    """One content file, read: its record, and its body when a worker read it."""

    record: Record
    body: str = ""

    def article(self) -> Article | None:
        article = self.record.article
        return replace(article, body=self.body) if article and not article.body else article


@dataclass(slots=True)
class _Worker:
    """Per-process state: templates compiled once per process, not once per page."""

    inputs: Inputs | None = None
    env: jinja2.Environment | None = None


_WORKER = _Worker()


def start_worker(inputs: Inputs) -> None:
    """Set up this process for per-article work (called once in every pool worker)."""
    if _WORKER.inputs == inputs and _WORKER.env is not None:
        return  # the main process, set up already: keep its compiled templates
    _WORKER.inputs = inputs
    _WORKER.env = make_environment(inputs.templates)
    # Rendered Markdown is memoized only where feeds need it again (the main process):
    # writing a memo entry for every article would cost a cold build more than it saves.
    markdown.use_memo(None)


def environment() -> jinja2.Environment:
    """This process's compiled templates (after ``start_worker``)."""
    assert _WORKER.env is not None, "start_worker() first"
    return _WORKER.env


def read(name: str, path: str, inputs: Inputs) -> tuple[Source, bytes] | Diagnostic:
    """A content file's bytes and its source (with the key they give), or why not."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_CONTENT_BYTES:
            return Diagnostic(f"file is {size:,} bytes; the limit for one article is "
                              f"{MAX_CONTENT_BYTES:,}", name)
        data = handle.read()
    return Source(name, path, digest(inputs.key, name, data)), data


def process(src: Source) -> Done:
    """Read, validate and classify one content file (pass 1)."""
    inputs = _WORKER.inputs
    assert inputs is not None, "start_worker() first"
    with open(src.path, "rb") as handle:
        data = handle.read()
    if digest(inputs.key, src.name, data) != src.key:
        raise BriefingError("changed while the site was being built: build again", src.name)
    try:
        article = parse_article(data.decode("utf-8"), src.name)
    except UnicodeDecodeError:
        return Done(Record(None, (), (Diagnostic("not UTF-8 text", src.name),)))
    except BriefingError as exc:
        return Done(Record(None, (), (exc.diagnostic,)))
    scores = classify(inputs.themes, article.title, f"{article.dek or ''}\n{article.body}")
    return Done(_record(src.name, data, article, scores), article.body)


@dataclass(frozen=True, slots=True)
class PageJob:
    """Everything one article page needs (pass 2)."""

    article: Article
    scores: tuple[ThemeScore, ...]
    trail: Trail
    """Neighbours without their bodies: the pager shows their titles and links."""
    staging: Path


def render_page(job: PageJob) -> str:
    """Render one article page into the staging folder; returns its path in the site."""
    inputs, env = _WORKER.inputs, _WORKER.env
    assert inputs is not None and env is not None, "start_worker() first"
    view = Site(inputs.config, inputs.themes, (job.article,), {job.article.slug: job.scores})
    page = article_page(env, view, job.article, job.trail)
    stage(job.staging, page)
    return page.path


def publish_pages(site: Site, inputs: Inputs, keys: Mapping[str, str], publisher: Publisher,
                  meter: Meter | None = None) -> None:
    """Every article page: kept when site/ has it from the same inputs, else rendered."""
    todo: list[tuple[Article, Trail]] = []
    page_keys: dict[str, str] = {}
    for article, where in zip(site.articles, trails(site).values(), strict=True):
        key = digest(keys[article.slug], where.theme.slug if where.theme else "",
                     *(keys[n.slug] if n else "" for n in (where.newer, where.older)))
        path = article_path(article)
        page_keys[path] = key
        if publisher.can_keep(path, key):
            publisher.keep(path, key)
        else:
            todo.append((article, where))
    # Jobs are made as the pool takes them: no second copy of the archive in memory.
    jobs = (PageJob(article, site.scores.get(article.slug, ()),
                    replace(where, newer=_bodiless(where.newer), older=_bodiless(where.older)),
                    publisher.staging) for article, where in todo)
    if meter:
        meter.begin(len(todo), "writing pages")
    for path in pool_map(render_page, jobs, len(todo), start_worker, (inputs,)):
        if meter:
            meter.advance()
        publisher.adopt(path, page_keys[path])


def _bodiless(article: Article | None) -> Article | None:
    return replace(article, body="") if article else None


def _record(name: str, data: bytes, article: Article,
            scores: tuple[ThemeScore, ...]) -> Record:
    """Keep the body out of the record when it can be cut from the file again."""
    text = data.decode("utf-8")
    _, body, _ = split_front_matter(text, name)
    at = len(text) - len(body)
    if text[at:] == body and body.strip("\n") + "\n" == article.body:
        at_byte = len(text[:at].encode("utf-8"))
        return Record(replace(article, body=""), scores, (), at_byte)
    return Record(article, scores)


pickle_by_fields(Record, Article, ThemeScore, TermMatch, Diagnostic)


def process_all(jobs: list[Source], inputs: Inputs,
                tick: Callable[[], None]) -> Iterator[Done]:
    """Read content files in order, on every core when there are enough of them."""
    for done in pool_map(process, jobs, len(jobs), start_worker, (inputs,)):
        tick()
        yield done
