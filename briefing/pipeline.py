"""The build, start to finish: this module reads as the table of contents of a build.

    seeds/ --normalize--> content/ --load--> articles --classify--> site
           --render--> pages + feeds --publish--> site/

Every per-file problem becomes a Diagnostic and that file is left out; the rest of
the site still builds. Only a broken config or template stops a build.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Container, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache as cache_once
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import jinja2

from briefing import articles as per_article
from briefing import feeds, markdown, render, sitemap
from briefing.cache import (
    BuildCache,
    EntriesLoading,
    digest,
    loaded_memos,
    save_memos,
    use_memos,
)
from briefing.classify import ThemeScore, assigned_themes, classify
from briefing.config import SiteConfig, Theme, load_site_config, load_themes
from briefing.content import Article, parse_article
from briefing.edition import edition_of
from briefing.errors import BriefingError, ContentError, Diagnostic, Severity
from briefing.manifest import MANIFEST_NAME
from briefing.parallel import Forked
from briefing.progress import Meter
from briefing.project import Listing, Project, content_files, list_content
from briefing.publish import Publisher, manifest_name
from briefing.render import Deferred, OutputFile
from briefing.scores import PackedScores, Scores, unpack_scores
from briefing.seeds import read_seed, seed_paths
from briefing.site import Site, newest_first
from briefing.write import contained, write_text_file

if TYPE_CHECKING:  # loaded when used: a build of content alone needs neither
    from briefing.sync import Existing, Plan

MAX_CONTENT_BYTES = per_article.MAX_CONTENT_BYTES
SETTINGS = "settings"
"""The cache entry of the last settings loaded: their files' bytes, config and themes."""
T = TypeVar("T")


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


def load_settings(project: Project, base_url: str | None = None,
                  cache: BuildCache | None = None) -> tuple[SiteConfig, tuple[Theme, ...]]:
    """briefing.yaml and themes.yaml; with a ``cache``, kept there by the files' bytes, so
    that a build whose settings did not change reads no YAML (nor loads PyYAML)."""
    files = (project.config_file, project.themes_file)
    before = tuple(_bytes_or_none(path) for path in files)
    kept = cache.load(SETTINGS) if cache else None
    if type(kept) is tuple and len(kept) == 3 and kept[0] == before:
        return kept[1].with_base_url(base_url), kept[2]
    config = load_site_config(project.config_file, project.name(project.config_file))
    themes = load_themes(project.themes_file, project.name(project.themes_file))
    if cache and tuple(_bytes_or_none(path) for path in files) == before:  # read as keyed
        cache.save(SETTINGS, (before, config, themes))
    return config.with_base_url(base_url), themes


def _bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


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


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last build into a site folder was made of, and its report."""

    fingerprint: str
    report: Report


def build(project: Project, base_url: str | None = None, force: bool = False,
          meter: Meter | None = None, listing: Forked[Listing] | None = None,
          keep: list[object] | None = None) -> Report:
    """The whole build: normalize, load content, classify, render pages and feeds, publish.

    Per-article work is cached in .cache/ and spread over the cores; pages drawn from
    many articles, the feeds, search index and sitemap are made afresh every time. When
    the inputs are those of the last build and site/ is as it left it, nothing is done.
    ``listing``: content/ listed (``list_content``) since the command started; ``keep``:
    where to leave the build's data rather than free it (a process about to end: freeing
    a large archive's objects one by one took 16 ms of a rebuild).
    """
    try:
        with _fewer_collections():
            return _build(project, base_url, force, meter, listing, keep)
    finally:
        if listing:
            listing.close()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A build makes a great many long-lived objects and hardly any reference cycles, so
    the cycle collector is off while it runs: with CPython's default thresholds it took
    about a seventh of a large cold build re-scanning live objects, and even with high
    ones, 46 ms of a one-edit rebuild of 10,000 articles (as the cached records load).
    Peak memory stays the same. Pool workers inherit the setting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(project: Project, base_url: str | None, force: bool, meter: Meter | None,
           listing: Forked[Listing] | None, keep: list[object] | None) -> Report:
    cache = BuildCache(project.root)
    config, themes = load_settings(project, base_url, cache)
    log = Collector()
    use_memos(cache)
    publisher = None
    try:
        plans = normalize_seeds(project, config, themes, force, log)
        inputs = per_article.Inputs.of(config, themes, project.templates)
        publisher = Publisher(project.out, cache)
        stats_name = key_index_name(project.out)
        index = per_article.KeyIndex.loaded(cache.load(stats_name))
        last_name = f"last-{publisher.manifest_name}"
        last = _loaded(cache, last_name, LastBuild)
        records = EntriesLoading(cache, per_article.RECORDS)
        if listing:  # the records load while content/ is still being listed
            records.load_while(lambda: not listing.ready())
        listed = _listed(project, listing, plans)
        files, started_ns = content_files(project, listed.names), listed.started_ns
        current = per_article.current_keys(files, listed.identities, inputs, index) \
            if last else None
        if last and current is not None and last.fingerprint == _fingerprint(inputs, current) \
                and publisher.untouched():
            publisher.abort()
            save_memos()
            if keep is not None:
                keep.append(locals())
            return replace(last.report, plans=tuple(plans))
        per_article.start_worker(inputs, compiled=cache.folder / "templates")
        memo = cache.memo(per_article.HTML_MEMO)
        read = read_articles(files, inputs, records.result(), log, meter, index, current)
        ordered = arrange(config, themes, read.articles, read.scores)
        _found_before_forking(ordered)
        # The pages drawn from many articles (each made, and the digest with them, only
        # when what it shows changed) start first: the briefing takes longest.
        with _made_beside(publisher, partial(_aggregate_files, ordered, read, inputs.key)) \
                as made_pages, \
                per_article.pages_rendering(ordered, inputs, read.keys, publisher, read.bodies,
                                            meter, _changed_in_place(inputs, index, read)) \
                as article_pages:
            # Meanwhile: the feeds and the cache.
            markdown.use_memo(memo)  # feeds show the newest articles' HTML build after build
            feed_files = feeds.feed_files(_with_bodies(ordered, read.bodies, config.feed_size))
            for deferred in feed_files:
                publisher.offer(deferred)
            for output in render.assets(project.templates):
                publisher.put(output)
            read.remember(cache)
            memo.keep_only_used()
            save_memos()
            months = article_pages()
            pages = made_pages()
        if config.search:
            from briefing import search  # here: the search index runs a separate program

            for output in search.search_bundle(publisher.html_pages(), config.language):
                publisher.put(output)
        for deferred in sitemap.index_files(config.base_url, publisher.paths()):
            publisher.offer(deferred)
        # site/ changes now: until what it is made from is saved again, nothing is known
        # of it (else a build failing in between would leave the last build's record).
        cache.forget(stats_name)
        cache.forget(last_name)
        written = publisher.commit()
        read.remember_keys(cache, stats_name, started_ns)
    except BaseException:
        if publisher:
            publisher.abort()
        raise
    finally:
        markdown.use_memo(None)
        use_memos(None)
    html = sum(1 for path in pages if path.endswith(".html"))
    report = Report(tuple(log.diagnostics), tuple(plans), len(read.articles), written,
                    pages=len(read.articles) + months + html, feeds=len(feed_files))
    fingerprint = _fingerprint(inputs, read.seen)
    cache.save(last_name, LastBuild(fingerprint, replace(report, plans=(), files_written=0)))
    if keep is not None:
        keep.append(locals())
    return report


def key_index_name(out_dir: Path) -> str:
    """The cache entry of the content files' keys as last published into ``out_dir``: kept
    per site folder, as its manifest is (the files' pages there were made from them)."""
    return f"{per_article.STATS}-{manifest_name(out_dir)}"


def _listed(project: Project, listing: Forked[Listing] | None, plans: list[Plan]) -> Listing:
    """content/ as listed since the command started, unless normalize wrote to it since."""
    if listing and not any(plan.action.writes for plan in plans):
        return listing.result()
    return list_content(project)


@contextmanager
def _made_beside(publisher: Publisher, files: Callable[[], list[Deferred]],
                 ) -> Iterator[Callable[[], list[str]]]:
    """Make ``files()`` in a forked process while this one goes on, but those site/ holds
    from the same inputs (kept); call what it yields to take them in (it returns their
    paths). The briefing is among them: a large part of a rebuild after an edit to one of
    the newest articles, and of a cold build the one part no pool shares."""
    publisher.touched()  # known before the fork: the child must not wait for it itself
    made = Forked(partial(_made, files, publisher, loaded_memos()))

    def take_in() -> list[str]:
        for path, key, data in made.result():
            if data is None:
                publisher.keep(path, key)
            else:
                publisher.put(OutputFile(path, data), key, force=True)
        return [path for path, _, _ in made.result()]
    try:
        yield take_in
    finally:
        made.close()


def _made(files: Callable[[], list[Deferred]], publisher: Publisher,
          loaded: frozenset[str]) -> list[tuple[str, str, bytes | None]]:
    """Each file's path, key and bytes (None: site/ holds it); the memo tables loaded
    meanwhile (``loaded``: those loaded before, which their process saves) are saved here."""
    made = [(file.path, file.key,
             None if publisher.can_keep(file.path, file.key) else file.make())
            for file in files()]
    save_memos(skip=loaded)
    return made


def _found_before_forking(site: Site) -> None:
    """Find each theme's articles, the months and the edition's date of the archive here,
    for the processes forked next: a child walking 10,000 articles itself first copies
    each memory page it touches (a tenth of the briefing's child, after an edit to the
    newest article), where this process finds them in a few ms."""
    for listed in (site.articles, *(site.articles_in(theme.slug) for theme in site.themes)):
        render.by_month(listed)
    edition_of(site.articles)


def _aggregate_files(ordered: Site, read: Reading, salt: str) -> list[Deferred]:
    """The pages drawn from many articles (``render.aggregate_files``): none shows a body
    but through the briefing, which reads those it needs."""
    return render.aggregate_files(per_article.environment(), ordered,
                                  cache_once(partial(digested, ordered, read.bodies)),
                                  read.keys, salt)


def _with_bodies(site: Site, bodies: per_article.Bodies, newest: int) -> Site:
    """The site with the bodies of its ``newest`` articles and of each theme's (the feeds',
    or the briefing's window); the rest stay unread."""
    shown = {a.slug: a for a in site.articles[:newest]}
    for theme in site.themes:
        shown.update((a.slug, a) for a in site.articles_in(theme.slug)[:newest])
    return site.with_articles({slug: bodies.fill(a) for slug, a in shown.items()})


def _changed_in_place(inputs: per_article.Inputs, index: per_article.KeyIndex | None,
                      read: Reading) -> set[str] | None:
    """The slugs of the articles whose files changed since the last build, if that is all
    that changed: no file came or went, and each changed one is an article still, with
    its slug, date and themes (and main theme), so every list, month and trail is as it
    was. None otherwise, or when too many changed for it to matter."""
    if index is None or index.inputs != inputs.key or len(read.seen) != len(index.at):
        return None
    order = {theme.slug: at for at, theme in enumerate(inputs.themes)}
    changed = set()
    for name, (_, key) in read.seen.items():
        last = index.last_key(name)
        if last == key:
            continue
        before, now = read.known.get(last or ""), read.records.get(key)
        if before is None or now is None or len(changed) == MAX_CHANGED_IN_PLACE \
                or _place(before, order) is None or _place(before, order) != _place(now, order):
            return None
        changed.add(now.article.slug)  # type: ignore[union-attr]  # placed: an article
    return changed


MAX_CHANGED_IN_PLACE = 20
"""Beyond this many articles changed, every page is keyed (it then costs little more)."""


def _place(record: per_article.Record, order: Mapping[str, int]) -> tuple[object, ...] | None:
    """``render.place`` of a record's article, with the themes a build gives it."""
    article = record.article
    if article is None:
        return None
    scores = unpack_scores(record.scores)
    # As ``read_articles`` gives them: themes.yaml's of those set, else the classifier's.
    themes = tuple(t for t in article.themes if t in order) or assigned_themes(scores)
    return render.place(replace(article, themes=themes), scores, order)


def _fingerprint(inputs: per_article.Inputs, seen: _Seen) -> str:
    """Everything a build's output depends on: settings, templates, code, every content
    file (name and bytes: ``seen`` holds their keys), and the feeds' date override.

    Keys are hashes of one length, so they go in as one string; the names, as their
    list's repr (one part each would cost a rebuild of 10,000 articles some 10 ms)."""
    return digest(inputs.key, os.environ.get("SOURCE_DATE_EPOCH", "?"), repr(list(seen)),
                  "".join(key for _, key in seen.values()))


def _loaded(cache: BuildCache, name: str, kind: type[T]) -> T | None:
    value = cache.load(name)
    return value if isinstance(value, kind) else None


def check(project: Project, base_url: str | None = None) -> Report:
    """Validate the built site in ``project.out`` (links, HTML5, feeds, scripts, sitemap)."""
    from briefing.check import check_site  # here: only ``check`` needs the HTML/feed parsers

    config, _ = load_settings(project, base_url)
    result = check_site(project.out, config.base_url, project.templates, project.name)
    return Report(result.problems, files_checked=result.pages + result.feeds)


def normalize_seeds(project: Project, config: SiteConfig, themes: tuple[Theme, ...],
                    force: bool, log: Collector,
                    only: Container[Path] | None = None) -> list[Plan]:
    """Normalize every seed, or only the seed files in ``only`` (resolved paths)."""
    if not seed_paths(project.seeds) and not (project.seeds / MANIFEST_NAME).exists():
        return []  # nothing to normalize: do not read all of content/ for nothing
    # Imported here: a build with no seeds (a large archive's) never loads the normalizer.
    from briefing.manifest import apply_source, load_manifest
    from briefing.normalize import normalize_text
    from briefing.sync import draft_article, plan

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
    from briefing.sync import Existing
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
    from briefing.sync import Action
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


_Seen = dict[str, tuple[per_article.Identity, str]]


@dataclass(frozen=True, slots=True)
class Reading:
    """What reading content/ found, for this build and (``remember``) the next."""

    articles: list[Article]
    """The accepted articles; bodies are left unread where the build can (see ``bodies``)."""
    scores: Scores
    keys: dict[str, str]
    """Each article's cache key, by slug."""
    seen: _Seen
    """Each content file's identity and key, by name."""
    bodies: per_article.Bodies
    records: dict[str, per_article.Record]
    known: dict[str, per_article.Record]
    """The records the cache held before this build."""

    def remember(self, cache: BuildCache) -> None:
        """Cache every live record (and only those)."""
        cache.save_entries(per_article.RECORDS, self.records, self.known)

    def remember_keys(self, cache: BuildCache, name: str, started_ns: int) -> None:
        """Cache the files' keys by identity (under ``name``), once the site folder holds
        what they made: the next build into it takes a file unchanged since then for one
        whose pages need no keying."""
        index = per_article.KeyIndex.of(self.bodies.inputs.key, started_ns, self.seen)
        cache.save(name, index.stored() if index else None)


def read_articles(files: list[tuple[str, str]], inputs: per_article.Inputs,
                  known: dict[str, per_article.Record], log: Collector, meter: Meter | None = None,
                  index: per_article.KeyIndex | None = None,
                  current: _Seen | None = None) -> Reading:
    """``load_articles`` of the content ``files`` (``content_files``) with the cache and
    every core, plus each article's scores and key,
    each file's identity and key (for the next build's ``KeyIndex``), and where the
    bodies left unread are. ``known``: the records the cache holds (``RECORDS``);
    ``current``: each file's identity and key, when known already.

    Only files whose bytes or inputs changed since they were cached are parsed and scored;
    a file whose identity vouches for its key is not even read.
    """
    found, jobs, seen = _sort_out(files, inputs, known, log, index, current)
    if meter:
        meter.begin(len(jobs), "reading articles")
    done = per_article.process_all(jobs, inputs, meter.advance if meter else lambda: None)
    records: dict[str, per_article.Record] = {}
    unread: dict[str, tuple[per_article.Source, per_article.Record]] = {}
    parsed: list[Article] = []
    scores: dict[str, PackedScores] = {}
    keys: dict[str, str] = {}
    for source, record, article in found:
        if record is None:  # worked on: its result comes from the pool, in order
            processed = next(done)
            source, record, article = processed.source, processed.record, processed.record.article
            seen[source.name] = (processed.identity, source.key)
        records[source.key] = record
        log.add(*record.diagnostics)
        if article is not None:
            parsed.append(article)
            scores.setdefault(article.slug, record.scores)
            keys.setdefault(article.slug, source.key)
            if not article.body:
                unread.setdefault(article.slug, (source, record))
    unpacked = Scores(scores)
    accepted = [a if a.themes else replace(a, themes=assigned_themes(unpacked[a.slug]))
                for a in accept_articles(parsed, inputs.themes, log)]
    return Reading(accepted, Scores({a.slug: scores[a.slug] for a in accepted}), keys, seen,
                   per_article.Bodies(inputs, unread), records, known)


_Found = tuple[per_article.Source, per_article.Record | None, Article | None]


def _sort_out(files: list[tuple[str, str]], inputs: per_article.Inputs,
              known: dict[str, per_article.Record],
              log: Collector, index: per_article.KeyIndex | None, current: _Seen | None = None,
              ) -> tuple[list[_Found], list[per_article.Source], _Seen]:
    """Read every content file: reuse what the cache knows, make jobs of the rest.

    No file's bytes are kept: a reused article takes its body, a job reads its file again.
    """
    found: list[_Found] = []
    jobs: list[per_article.Source] = []
    seen: _Seen = {}
    if not known:  # nothing cached: the workers read and key every file themselves
        jobs = [per_article.Source(name, path, "") for name, path in files]
        return [(source, None, None) for source in jobs], jobs, seen
    if current is not None:  # every file keyed already: nothing to read here
        for name, path in files:
            seen[name] = current[name]
            source = per_article.Source(name, path, current[name][1])
            record = known.get(source.key)
            found.append((source, record, record.article if record else None))
            if record is None:
                jobs.append(source)
        return found, jobs, seen
    for name, path in files:
        unread = _unread(name, path, inputs, known, index)
        if unread:
            found.append(unread[0])
            seen[name] = (unread[1], unread[0][0].key)
            continue
        read = per_article.read(name, path, inputs, index)
        if isinstance(read, Diagnostic):
            log.add(read)
            stat = os.stat(path)
            seen[name] = (per_article.identity(stat), per_article.oversized_key(stat.st_size))
            continue
        source, data, seen[name] = read[0], read[1], (read[2], read[0].key)
        record = known.get(source.key)
        if record is not None:
            found.append((source, record, record.restore(data)))
        else:
            found.append((source, None, None))
            jobs.append(source)
    return found, jobs, seen


def _unread(name: str, path: str, inputs: per_article.Inputs,
            known: dict[str, per_article.Record], index: per_article.KeyIndex | None,
            ) -> tuple[_Found, per_article.Identity] | None:
    """A cached file known by its identity alone: its article, body left unread."""
    if index is None:
        return None
    seen = per_article.identity(os.stat(path))
    key = index.key(name, seen, inputs)
    record = known.get(key) if key else None
    if record is None or record.article is None:
        return None
    return (per_article.Source(name, path, key), record, record.article), seen


def content_paths(project: Project) -> list[Path]:
    """The content files: visible ``*.md`` files (a folder or an editor's lock file is not one)."""
    return [Path(path) for _, path in content_files(project)]


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
    return digested(arrange(config, themes, articles, scores))


def arrange(config: SiteConfig, themes: tuple[Theme, ...], articles: list[Article],
            scores: Mapping[str, tuple[ThemeScore, ...]]) -> Site:
    """The site with its articles newest first, not digested yet."""
    return Site(config, themes, newest_first(articles, config), Scores.of(scores))


def digested(site: Site, bodies: per_article.Bodies | None = None) -> Site:
    """The site with its briefing: each theme's digest of its newest articles (whose
    bodies ``bodies`` reads, where the site's articles are without theirs)."""
    from briefing.digest import build_digest  # here: a build whose pages showing the
    # briefing are all kept never loads the digest's code

    window = site.config.digest_window

    def articles_in(theme: str) -> tuple[Article, ...]:
        listed = site.articles_in(theme)
        return listed if bodies is None else tuple(map(bodies.fill, listed[:window])) \
            + listed[window:]
    return site.with_digest(build_digest(site.themes, site.articles, window, articles_in))


def render_site(site: Site, project: Project, env: jinja2.Environment | None = None,
                with_search: bool = True,
                item_page: Callable[[render.PageItem], OutputFile] | None = None,
                made: Callable[[Deferred], OutputFile] = Deferred.output,
                ) -> list[OutputFile]:
    """Every file of the built site, in memory: pages, assets, feeds and the sitemap
    (and the search index, unless ``with_search`` is False: see ``search_files``;
    ``item_page``: see ``render.render_pages``; ``made``: how to get a feed or sitemap
    file, when not by making it)."""
    config = site.config
    outputs = [*render.render_pages(site, project.templates, env, item_page),
               *map(made, feeds.feed_files(site))]
    if config.search and with_search:
        outputs += search_files(site, outputs)
    return outputs + [made(file) for file in
                      sitemap.index_files(config.base_url, [o.path for o in outputs])]


def search_files(site: Site, outputs: list[OutputFile]) -> list[OutputFile]:
    """The search index of a site rendered as ``outputs`` (none with ``search: false``)."""
    if not site.config.search:
        return []
    from briefing import search

    return search.search_bundle(outputs, site.config.language)
