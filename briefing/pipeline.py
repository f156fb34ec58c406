"""The build, start to finish: this module reads as the table of contents of a build.

    seeds/ --normalize--> content/ --load--> articles --classify--> site
           --render--> pages + feeds --publish--> site/

Every per-file problem becomes a Diagnostic and that file is left out; the rest of
the site still builds. Only a broken config or template stops a build.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefing import articles as per_article
from briefing import feeds, markdown, render, search, sitemap
from briefing.cache import BuildCache, save_memos, use_memos
from briefing.check import check_site
from briefing.classify import ThemeScore, assigned_themes, classify
from briefing.config import SiteConfig, Theme, load_site_config, load_themes
from briefing.content import Article, parse_article
from briefing.digest import build_digest
from briefing.errors import BriefingError, ContentError, Diagnostic, Severity
from briefing.manifest import MANIFEST_NAME, apply_source, load_manifest
from briefing.normalize import normalize_text
from briefing.progress import Meter
from briefing.publish import Publisher
from briefing.render import OutputFile
from briefing.seeds import read_seed, relative_source, seed_paths
from briefing.site import Site, newest_first
from briefing.sync import Action, Existing, Plan, draft_article, plan
from briefing.write import contained, write_text_file

MAX_CONTENT_BYTES = per_article.MAX_CONTENT_BYTES


@dataclass(frozen=True, slots=True)
class Project:
    """Where a project's inputs and outputs live."""

    root: Path
    seeds: Path
    content: Path
    templates: Path
    out: Path

    @classmethod
    def at(cls, root: Path, seeds: Path | None = None, content: Path | None = None,
           out: Path | None = None, templates: Path | None = None) -> Project:
        root = root.resolve()
        return cls(root, seeds or root / "seeds", content or root / "content",
                   templates or root / "templates", out or root / "site")

    @property
    def config_file(self) -> Path:
        return self.root / "briefing.yaml"

    @property
    def themes_file(self) -> Path:
        return self.root / "themes.yaml"

    def name(self, path: Path) -> str:
        return relative_source(path, self.root)


@dataclass(frozen=True, slots=True)
class Report:
    """What a command did, for the CLI to print."""

    diagnostics: tuple[Diagnostic, ...] = ()
    plans: tuple[Plan, ...] = ()
    articles: int = 0
    files_written: int = 0
    """Files written to (or removed from) the site; unchanged files are left alone."""
    files_checked: int = 0
    pages: int = 0
    feeds: int = 0

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


@dataclass(slots=True)
class Collector:
    """Diagnostics gathered during a build, in the order they were found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, *items: Diagnostic) -> None:
        self.diagnostics.extend(items)


def load_settings(project: Project,
                  base_url: str | None = None) -> tuple[SiteConfig, tuple[Theme, ...]]:
    config = load_site_config(project.config_file, project.name(project.config_file))
    themes = load_themes(project.themes_file, project.name(project.themes_file))
    return config.with_base_url(base_url), themes


def normalize(project: Project, force: bool = False) -> Report:
    """seeds/ -> content/: normalize every seed, keeping hand edits unless forced."""
    config, themes = load_settings(project)
    log = Collector()
    use_memos(BuildCache(project.root))
    try:
        plans = normalize_seeds(project, config, themes, force, log)
        save_memos()
    finally:
        use_memos(None)
    return Report(tuple(log.diagnostics), tuple(plans))


def build(project: Project, base_url: str | None = None, force: bool = False,
          meter: Meter | None = None) -> Report:
    """The whole build: normalize, load content, classify, render pages and feeds, publish.

    Per-article work is cached in .cache/ and spread over the cores; pages drawn from
    many articles, the feeds, search index and sitemap are made afresh every time.
    """
    config, themes = load_settings(project, base_url)
    log = Collector()
    cache = BuildCache(project.root)
    use_memos(cache)
    publisher = None
    try:
        plans = normalize_seeds(project, config, themes, force, log)
        inputs = per_article.Inputs.of(config, themes, project.templates)
        per_article.start_worker(inputs)
        publisher = Publisher(project.out, cache)
        memo = cache.memo(per_article.HTML_MEMO)
        articles, scores, keys = read_articles(project, inputs, cache, log, meter)
        site = finish_site(config, themes, articles, scores)
        per_article.publish_pages(site, inputs, keys, publisher, meter)
        markdown.use_memo(memo)  # feeds show the newest articles' HTML build after build
        pages = render.aggregate_pages(per_article.environment(), site, project.templates)
        feed_files = feeds.render_feeds(site)
        for output in [*pages, *feed_files]:
            publisher.put(output)
        if config.search:
            for output in search.search_bundle(publisher.html_pages(), config.language):
                publisher.put(output)
        for output in sitemap.site_index(config.base_url, publisher.listing()):
            publisher.put(output)
        written = publisher.commit()
        memo.keep_only_used()
        save_memos()
    except BaseException:
        if publisher:
            publisher.abort()
        raise
    finally:
        markdown.use_memo(None)
        use_memos(None)
    html = sum(1 for p in pages if p.path.endswith(".html"))
    return Report(tuple(log.diagnostics), tuple(plans), len(articles), written,
                  pages=len(articles) + html, feeds=len(feed_files))


def check(project: Project, base_url: str | None = None) -> Report:
    """Validate the built site in ``project.out`` (links, HTML5, feeds, scripts, sitemap)."""
    config, _ = load_settings(project, base_url)
    result = check_site(project.out, config.base_url, project.templates, project.name)
    return Report(result.problems, files_checked=result.pages + result.feeds)


def normalize_seeds(project: Project, config: SiteConfig, themes: tuple[Theme, ...],
                    force: bool, log: Collector,
                    only: Container[Path] | None = None) -> list[Plan]:
    """Normalize every seed, or only the seed files in ``only`` (resolved paths)."""
    if not seed_paths(project.seeds) and not (project.seeds / MANIFEST_NAME).exists():
        return []  # nothing to normalize: do not read all of content/ for nothing
    existing = _existing_content(project)
    taken = {e.article.slug if e.article else Path(e.path).stem for e in existing.values()}
    manifest_file = project.seeds / MANIFEST_NAME
    sources, notes = load_manifest(manifest_file, project.name(manifest_file))
    log.add(*notes)
    plans = []
    for path in seed_paths(project.seeds):
        if only is not None and path.resolve() not in only:
            continue
        try:
            seed, notes = read_seed(path, project.root)
            log.add(*notes)
            normalized = apply_source(normalize_text(seed.text, config.tz), sources.get(path.name))
        except BriefingError as exc:
            log.add(replace(exc.diagnostic, path=exc.diagnostic.path or project.name(path)))
            continue
        scores = classify(themes, normalized.title, f"{normalized.dek or ''}\n{normalized.body}")
        article = draft_article(seed, normalized, assigned_themes(scores),
                                existing.get(seed.source), taken, project.name(project.content))
        step = plan(article, existing.get(seed.source), force)
        _apply(project, step, log)
        plans.append(step)
    return plans


def _existing_content(project: Project) -> dict[str, Existing]:
    """Content files on disk, keyed by the seed they came from."""
    found: dict[str, Existing] = {}
    for path in content_paths(project):
        name = project.name(path)
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            article: Article | None = parse_article(text, name)
        except BriefingError:
            article = None
        source = article.source if article else _source_line(text)
        if source:
            found.setdefault(source, Existing(name, text, article))
    return found


def _source_line(text: str) -> str | None:
    for line in text.split("\n")[1:40]:
        if line.startswith("source:"):
            return line.split(":", 1)[1].strip().strip("'\"") or None
    return None


def _apply(project: Project, step: Plan, log: Collector) -> None:
    if step.action.writes:
        try:
            write_text_file(contained(project.content, Path(step.path).name), step.text)
        except BriefingError as exc:
            log.add(Diagnostic(exc.diagnostic.message, step.path))
            return
    if step.action is Action.STALE:
        log.add(Diagnostic(f"hand-edited, and its seed {step.article.source} has changed since: "
                           "merge by hand, or run normalize --force to overwrite",
                           step.path, severity=Severity.WARNING))
    elif step.action is Action.KEEP_EDITS:
        log.add(Diagnostic("hand-edited; left as is (normalize --force overwrites)",
                           step.path, severity=Severity.NOTE))


def load_articles(project: Project, themes: tuple[Theme, ...], log: Collector) -> list[Article]:
    """Parse every content file; a bad one is reported and left out, the rest load."""
    parsed = []
    for path in content_paths(project):
        try:
            parsed.append(read_article(project, path))
        except BriefingError as exc:
            log.add(exc.diagnostic)
    return accept_articles(parsed, themes, log)


def read_articles(project: Project, inputs: per_article.Inputs, cache: BuildCache,
                  log: Collector, meter: Meter | None = None,
                  ) -> tuple[list[Article], dict[str, tuple[ThemeScore, ...]], dict[str, str]]:
    """``load_articles`` with the cache and every core, plus each article's scores and key.

    Only files whose bytes or inputs changed since they were cached are parsed and scored.
    """
    known = cache.load_entries(per_article.RECORDS)
    found, jobs = _sort_out(project, inputs, known, log)
    if meter:
        meter.begin(len(jobs), "reading articles")
    done = per_article.process_all(jobs, inputs, meter.advance if meter else lambda: None)
    records: dict[str, per_article.Record] = {}
    parsed: list[Article] = []
    scores: dict[str, tuple[ThemeScore, ...]] = {}
    keys: dict[str, str] = {}
    for source, result, article in found:
        if result is None:  # worked on: its result comes from the pool, in order
            result = next(done)
            article = result.article()
        records[source.key] = result.record
        log.add(*result.record.diagnostics)
        if article is not None:
            parsed.append(article)
            scores.setdefault(article.slug, result.record.scores)
            keys.setdefault(article.slug, source.key)
    cache.save_entries(per_article.RECORDS, records, known)  # only live entries are kept
    accepted = [a if a.themes else replace(a, themes=assigned_themes(scores[a.slug]))
                for a in accept_articles(parsed, inputs.themes, log)]
    return accepted, {a.slug: scores[a.slug] for a in accepted}, keys


_Found = tuple[per_article.Source, per_article.Done | None, Article | None]


def _sort_out(project: Project, inputs: per_article.Inputs, known: dict[str, per_article.Record],
              log: Collector) -> tuple[list[_Found], list[per_article.Source]]:
    """Read every content file: reuse what the cache knows, make jobs of the rest.

    No file's bytes are kept: a reused article takes its body, a job reads its file again.
    """
    found: list[_Found] = []
    jobs: list[per_article.Source] = []
    prefix = project.name(project.content) + "/"
    for path in content_paths(project):
        read = per_article.read(prefix + path.name, str(path), inputs)
        if isinstance(read, Diagnostic):
            log.add(read)
            continue
        source, data = read
        record = known.get(source.key)
        if record is not None:
            found.append((source, per_article.Done(record), record.restore(data)))
        else:
            found.append((source, None, None))
            jobs.append(source)
    return found, jobs


def content_paths(project: Project) -> list[Path]:
    """The content files: visible ``*.md`` files (a folder or an editor's lock file is not one)."""
    return sorted(p for p in project.content.glob("*.md")
                  if p.is_file() and not p.name.startswith((".", "#")))


def read_article(project: Project, path: Path) -> Article:
    """Parse one content file; a ContentError names the file and line."""
    name = project.name(path)
    size = path.stat().st_size
    if size > MAX_CONTENT_BYTES:
        raise ContentError(f"file is {size:,} bytes; the limit for one article is "
                           f"{MAX_CONTENT_BYTES:,}", name)
    try:
        return parse_article(path.read_text(encoding="utf-8"), name)
    except UnicodeDecodeError:
        raise ContentError("not UTF-8 text", name) from None


def accept_articles(parsed: list[Article], themes: tuple[Theme, ...],
                    log: Collector) -> list[Article]:
    """Refuse a second article with the same slug; drop (and report) unknown themes."""
    known = {t.slug for t in themes}
    articles: dict[str, Article] = {}
    for article in parsed:
        name = article.path
        if article.slug in articles:
            log.add(Diagnostic(f"slug {article.slug!r} is already used by "
                               f"{articles[article.slug].path}", name, article.line_of.get("slug")))
            continue
        unknown = [t for t in article.themes if t not in known]
        if unknown:
            log.add(Diagnostic(f"unknown theme {unknown[0]!r} (themes.yaml defines "
                               f"{', '.join(sorted(known))})", name,
                               article.line_of.get("themes"), Severity.WARNING))
            article = replace(article, themes=tuple(t for t in article.themes if t in known))
        articles[article.slug] = article
    return list(articles.values())


def assemble(config: SiteConfig, themes: tuple[Theme, ...], articles: list[Article]) -> Site:
    """Score every article against every theme, order the site newest first, digest it."""
    scores = {a.slug: classify(themes, a.title, f"{a.dek or ''}\n{a.body}") for a in articles}
    with_themes = [a if a.themes else replace(a, themes=assigned_themes(scores[a.slug]))
                   for a in articles]
    return finish_site(config, themes, with_themes, scores)


def finish_site(config: SiteConfig, themes: tuple[Theme, ...], articles: list[Article],
                scores: Mapping[str, tuple[ThemeScore, ...]]) -> Site:
    """Order classified articles newest first and digest them: what aggregates draw from."""
    ordered = newest_first(articles, config)
    return Site(config, themes, ordered, scores, build_digest(themes, ordered))


def render_site(site: Site, project: Project) -> list[OutputFile]:
    """Every file of the built site, in memory: pages, assets, feeds and the sitemap."""
    config = site.config
    outputs = [*render.render_pages(site, project.templates), *feeds.render_feeds(site)]
    if config.search:
        outputs += search.search_bundle(outputs, config.language)
    return outputs + sitemap.site_index(config.base_url, outputs)
