"""CPU per article page in pass 2 of a cold build, and where it goes.

    .venv/bin/python bench/pages.py DIR [--pages N] [--runs R]

DIR is a project built once (its .cache/ holds the records, so bodies are left unread
as in a build; each file is read and keyed again here, as pass 1 of a cold build does).
The site is assembled as a build assembles it, then the first N article pages are
rendered as pass 2 renders them (``articles.render_page``: body read back, page
rendered, file staged), R times, each time from a fresh site (scores still packed) into
a fresh staging folder, timed with ``time.process_time``:

- ``render_page``: in this process;
- ``pool``: by the build's own forked pool (``pages_rendering``'s ``pool_started``), the
  workers' CPU (``RUSAGE_CHILDREN``) plus this process's;
- then each step alone (on pages already filled, rendered).

Staging folders are made in DIR, beside its site/ as a build makes them, and removed.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing import articles, markdown, render
from briefing.cache import BuildCache
from briefing.parallel import pool_started
from briefing.pipeline import (
    Collector,
    Project,
    Reading,
    arrange,
    content_files,
    key_index_name,
    load_settings,
    read_articles,
)
from briefing.publish import stage
from briefing.scores import Scores
from briefing.site import Site


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Bench:
    """One project's article pages, ready to render again and again."""

    def __init__(self, root: Path, pages: int):
        self.root = root
        project = Project.at(root)
        config, themes = load_settings(project, None)
        self.inputs = articles.Inputs.of(config, themes, project.templates)
        cache = BuildCache(project.root)
        index = articles.KeyIndex.loaded(cache.load(key_index_name(project.out)))
        self.read: Reading = read_articles(content_files(project), self.inputs,
                                           cache.load_entries(articles.RECORDS), Collector(),
                                           index=index)
        assert self.read.bodies.unread, "build the project once first"
        # Each body's source as pass 1 of a cold build leaves it: keyed by hashing its bytes.
        self.bodies = articles.Bodies(self.inputs, {
            slug: (articles.read(source.name, source.path, self.inputs)[0], record)  # type: ignore[index]
            for slug, (source, record) in self.read.bodies.unread.items()})
        self.pages = pages

    def work(self, staging: Path) -> articles.PageWork:
        """A fresh site (its scores unpacked on use, as in a build) and its article pages."""
        site = arrange(self.read.bodies.inputs.config, self.inputs.themes,
                       self.read.articles, {})
        packed = self.read.scores._packed  # a fresh table: none unpacked
        site = Site(site.config, site.themes, site.articles, Scores(packed))
        items = [i for i in render.page_items(site) if not isinstance(i, render.MonthPage)]
        return articles.PageWork(site, tuple(items[:self.pages]), self.bodies, staging,
                                 self.read.keys)

    def timed(self, run: Callable[[articles.PageWork], object], runs: int) -> list[float]:
        """ms of CPU per page, one figure per run, each on a fresh site and staging folder."""
        figures = []
        for _ in range(runs):
            staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".bench-staging-"))
            try:
                work = self.work(staging)
                started = time.process_time() + _children_cpu()
                run(work)
                spent = time.process_time() + _children_cpu() - started
                figures.append(spent * 1000 / len(work.todo))
            finally:
                shutil.rmtree(staging)
        return figures


def in_process(work: articles.PageWork) -> None:
    articles.start_worker(work.bodies.inputs if work.bodies else None, work)  # type: ignore
    for index in range(len(work.todo)):
        articles.render_page(index)


def in_pool(work: articles.PageWork) -> None:
    assert work.bodies is not None
    with pool_started(articles.render_page, range(len(work.todo)), articles.start_worker,
                      (work.bodies.inputs, work)) as rendered:
        for _ in rendered:
            pass


def steps(bench: Bench, runs: int) -> dict[str, list[float]]:
    """Each step of a page alone, on the same pages."""
    staging = Path(tempfile.mkdtemp(dir=bench.root, prefix=".bench-staging-"))
    try:
        work = bench.work(staging)
        env = articles.environment()
        items = work.todo
        filled = [(bench.bodies.fill(a), t) for a, t in items]  # type: ignore[misc]
        pages = [render.page_of(env, work.site, item) for item in filled]
        count = len(items)

        def each(step: Callable[[], object]) -> list[float]:
            figures = []
            for _ in range(runs):
                started = time.process_time()
                step()
                figures.append((time.process_time() - started) * 1000 / count)
            return figures

        return {
            "Bodies.fill": each(lambda: [bench.bodies.fill(a) for a, _ in items]),
            "page_of": each(lambda: [render.page_of(env, work.site, i) for i in filled]),
            "  markdown.to_html": each(lambda: [markdown.to_html(a.body) for a, _ in filled]),
            "stage (overwrite)": each(lambda: [stage(staging, page) for page in pages]),
        }
    finally:
        shutil.rmtree(staging)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    gc.disable()  # as a build (and its workers) runs: see pipeline._fewer_collections
    bench = Bench(args.root.resolve(), args.pages)
    markdown.use_memo(None)
    bench.timed(in_process, 1)  # warm up: templates compiled, files cached
    figures = {"render_page": bench.timed(in_process, args.runs),
               "pool (all cores)": bench.timed(in_pool, args.runs),
               **steps(bench, args.runs)}
    pages = len(bench.work(Path()).todo)
    print(f"{pages} article pages of {args.root}: ms of CPU per page, "
          f"median (min) of {args.runs} runs")
    for name, values in figures.items():
        print(f"{name:<20} {statistics.median(values):.4f} ({min(values):.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
