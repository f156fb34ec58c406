"""Per-article work, cached and spread over cores: content file -> Article, scores, page.

Everything done here depends only on one content file and the ``Inputs`` (config,
themes, templates, code version), so its result can be cached under a hash of exactly
those and computed in any process. What depends on several articles (duplicate slugs,
order, front page, theme pages, feeds, digest) is done afterwards from these results.
An article page is rendered with a view of the site holding just that article: a
template that wanted other articles on an article page would break that contract.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from briefing import markdown
from briefing.cache import code_version, digest, pickle_by_fields, tree_digest
from briefing.classify import TermMatch, ThemeScore, assigned_themes, classify
from briefing.config import SiteConfig, Theme
from briefing.content import Article, parse_article, split_front_matter
from briefing.errors import BriefingError, Diagnostic, Severity
from briefing.parallel import pool_map
from briefing.publish import stage
from briefing.render import OutputFile, article_page, make_environment
from briefing.site import Site

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
    """One content file, worked on: its record, body, and where its page was staged."""

    record: Record
    body: str = ""
    staged: str | None = None
    """The page's path in the site, already written into the staging folder."""

    def article(self) -> Article | None:
        article = self.record.article
        return replace(article, body=self.body) if article and not article.body else article


@dataclass(slots=True)
class _Worker:
    """Per-process state: templates compiled once per process, not once per page."""

    inputs: Inputs | None = None
    env: jinja2.Environment | None = None
    known: frozenset[str] = field(default_factory=frozenset)


_WORKER = _Worker()


def start_worker(inputs: Inputs) -> None:
    """Set up this process for per-article work (called once in every pool worker)."""
    if _WORKER.inputs == inputs and _WORKER.env is not None:
        return  # the main process, set up already: keep its compiled templates
    _WORKER.inputs = inputs
    _WORKER.env = make_environment(inputs.templates)
    _WORKER.known = frozenset(t.slug for t in inputs.themes)
    # Rendered Markdown is memoized only where feeds need it again (the main process):
    # writing a memo entry for every article would cost a cold build more than it saves.
    markdown.use_memo(None)


def environment() -> jinja2.Environment:
    """This process's compiled templates (after ``start_worker``)."""
    assert _WORKER.env is not None, "start_worker() first"
    return _WORKER.env


def content_files(folder: Path, root: Path) -> list[tuple[str, str]]:
    """The ``*.md`` files of content/, by name, with the names the project gives them."""
    if not folder.is_dir():
        return []
    try:
        prefix = folder.resolve().relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        prefix = folder.as_posix() + "/"
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".md") and e.is_file())
    where = str(folder)
    return [(prefix + name, os.path.join(where, name)) for name in names]


def read(name: str, path: str, inputs: Inputs) -> tuple[Source, bytes]:
    """A content file's bytes, and its source with the cache key they give."""
    with open(path, "rb") as handle:
        data = handle.read()
    return Source(name, path, digest(inputs.key, name, data)), data


def process(job: tuple[Source, Path]) -> Done:
    """Read, validate, classify one content file; render its page into ``staging``.

    Pages are written here, in the worker, so that writing is spread over the cores
    and no page travels back to the main process.
    """
    src, staging = job
    inputs, env = _WORKER.inputs, _WORKER.env
    assert inputs is not None and env is not None, "start_worker() first"
    with open(src.path, "rb") as handle:
        data = handle.read()
    if digest(inputs.key, src.name, data) != src.key:
        raise BriefingError("changed while the site was being built: build again", src.name)
    article, notes = read_article(src.name, data, inputs.themes, _WORKER.known)
    if article is None:
        return Done(Record(None, (), tuple(notes)))
    scores = classify(inputs.themes, article.title, f"{article.dek or ''}\n{article.body}")
    if not article.themes:
        article = replace(article, themes=assigned_themes(scores))
    page = render_page(env, inputs, article, scores)
    stage(staging, page)
    return Done(_record(src.name, data, article, scores, notes), article.body, page.path)


def render_page(env: jinja2.Environment, inputs: Inputs, article: Article,
                scores: tuple[ThemeScore, ...]) -> OutputFile:
    """An article's page, rendered with a view of the site holding just that article."""
    view = Site(inputs.config, inputs.themes, (article,), {article.slug: scores})
    return article_page(env, view, article)


def read_article(name: str, data: bytes, themes: tuple[Theme, ...],
                 known: frozenset[str]) -> tuple[Article | None, list[Diagnostic]]:
    """Parse one content file; unknown themes are dropped with a warning."""
    try:
        article = parse_article(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        return None, [Diagnostic("not UTF-8 text", name)]
    except BriefingError as exc:
        return None, [exc.diagnostic]
    unknown = [t for t in article.themes if t not in known]
    if not unknown:
        return article, []
    note = Diagnostic(f"unknown theme {unknown[0]!r} (themes.yaml defines "
                      f"{', '.join(sorted(known))})", name,
                      article.line_of.get("themes"), Severity.WARNING)
    return replace(article, themes=tuple(t for t in article.themes if t in known)), [note]


def _record(name: str, data: bytes, article: Article, scores: tuple[ThemeScore, ...],
            notes: list[Diagnostic]) -> Record:
    """Keep the body out of the record when it can be cut from the file again."""
    text = data.decode("utf-8")
    _, body, _ = split_front_matter(text, name)
    at = len(text) - len(body)
    if text[at:] == body and body.strip("\n") + "\n" == article.body:
        at_byte = len(text[:at].encode("utf-8"))
        return Record(replace(article, body=""), scores, tuple(notes), at_byte)
    return Record(article, scores, tuple(notes))


pickle_by_fields(Record, Article, ThemeScore, TermMatch, Diagnostic)


def process_all(jobs: list[tuple[Source, Path]], inputs: Inputs,
                tick: Callable[[], None]) -> Iterator[Done]:
    """Process content files in order, on every core when there are enough of them."""
    for done in pool_map(process, jobs, start_worker, (inputs,)):
        tick()
        yield done
