#!/usr/bin/env python3
"""Benchmark briefing against Hugo and Pelican on the same synthetic archive.

    .venv/bin/python bench/run.py            # 1,000 and 10,000 articles, 3 runs each
    .venv/bin/python bench/run.py --quick    # 1,000 articles only (under two minutes)

Generates the corpus with ``../shared/bench/make_corpus.py`` (seeded, deterministic),
installs the peers (Hugo from the Debian packages with apt-get, Pelican with pip in its
own virtual environment under the work folder), sets up equivalent minimal sites
(article pages, theme/taxonomy pages, front page, RSS) and measures, for every tool,
alternating tools within each round: a cold build (no output, no cache), a rebuild with
nothing changed, a rebuild after one article was edited (the middle one by file name) and
one after the newest article was edited. Each figure is the median
of the rounds; memory is the peak resident set of the largest process of the build
(``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process per run). Writes
``bench/RESULTS.md``.

briefing builds content/ -> site/ with everything on (themes, digest, archive, feeds in
three formats for the site and every theme, sitemap) except the search index, with an
empty seeds/ folder.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_SCRIPT = REPO.parent / "shared" / "bench" / "make_corpus.py"
EDIT_MARK = "\n\nEdited in round "
SCENARIOS = ("cold", "nothing changed", "one article edited", "newest article edited")
"""The edited article is the middle one by file name (any date: a briefing editor's
fix to an old article); the newest is the day's article, which every list, feed and
theme briefing shows."""
LIMITS = (1.0, 0.1, 0.15, 0.15)
"""Each scenario's limit, as a fraction of Hugo's time (issue 8)."""

# Runs a command, then prints its wall time and the peak RSS (KiB) of its largest process.
_WRAPPER = """
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
if rc.returncode:
    sys.stderr.write(rc.stderr.decode(errors="replace")[-2000:])
    sys.exit(rc.returncode)
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@dataclass
class Tool:
    """One generator set up on one corpus: how to build, where its output and cache are."""

    name: str
    folder: Path
    command: list[str]
    outputs: list[Path]
    """Removed for a cold build: output and every cache."""
    articles: Path
    """Folder of the article files (the edit goes to one of them)."""
    newest: str
    """The file name of the newest article (every tool's corpus has the same names)."""
    times: dict[str, list[float]] = field(default_factory=dict)
    memory: dict[str, list[int]] = field(default_factory=dict)

    def run(self, scenario: str) -> None:
        out = subprocess.run([sys.executable, "-c", _WRAPPER, *self.command], cwd=self.folder,
                             capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{self.name} failed ({scenario}):\n{out.stderr}")
        wall, rss = out.stdout.split()
        self.times.setdefault(scenario, []).append(float(wall))
        self.memory.setdefault(scenario, []).append(int(rss))

    def cold(self) -> None:
        for path in self.outputs:
            shutil.rmtree(path, ignore_errors=True)
        os.sync()  # no tool pays for writing back another's files

    def edit(self, round_number: int, newest: bool = False) -> None:
        """Change one article's body (differently every round, so it is a real change):
        the middle one by file name, or the newest."""
        files = sorted(self.articles.glob("*.md"))
        path = self.articles / self.newest if newest else files[len(files) // 2]
        text = path.read_text(encoding="utf-8")
        text = text.split(EDIT_MARK)[0].rstrip("\n") + "\n"
        path.write_text(f"{text}{EDIT_MARK}{round_number}.\n", encoding="utf-8")


def newest_article(corpus: Path) -> str:
    """The file name of the corpus's newest article (by its front matter's date)."""
    def when(path: Path) -> datetime:
        found = re.search(r"^date: *(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
        moment = datetime.fromisoformat(found[1].strip("'\"")) if found else datetime.min
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max(sorted(corpus.glob("*.md")), key=when).name


def sh(*command: str | Path, **kwargs: object) -> None:
    subprocess.run([str(c) for c in command], check=True, **kwargs)  # type: ignore[call-overload]


def install_hugo() -> str | None:
    """Hugo from the Debian packages; None when it cannot be installed here."""
    if not shutil.which("hugo"):
        apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
        try:
            sh(*apt, "install", "-y", "-qq", "hugo", stdout=subprocess.DEVNULL)
        except (subprocess.CalledProcessError, FileNotFoundError):
            print("bench: could not install hugo with apt-get; leaving Hugo out", file=sys.stderr)
            return None
    return subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]


def install_pelican(work: Path) -> tuple[Path, str]:
    """Pelican in its own virtual environment, so it never touches briefing's."""
    venv = work / "pelican-venv"
    pelican = venv / "bin" / "pelican"
    if not pelican.exists():
        sh(sys.executable, "-m", "venv", venv)
        sh(venv / "bin" / "python", "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check", "pelican>=4.12,<5", "markdown>=3.5,<4")
    version = subprocess.run([pelican, "--version"], capture_output=True, text=True).stdout
    return pelican, version.strip()


def make_corpus(script: Path, work: Path, size: int) -> Path:
    corpus = work / f"corpus-{size}"
    if not (corpus / ".complete").exists():
        sh(sys.executable, script, corpus, "--n", str(size), stdout=subprocess.DEVNULL)
        (corpus / ".complete").touch()
    return corpus


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def setup_briefing(corpus: Path, folder: Path) -> Tool:
    """The real project's settings, themes and templates; the corpus as content/."""
    fresh(folder)
    # Every module compiled beforehand, as after any first run: with PYTHONDONTWRITEBYTECODE
    # set, a module edited since its last compile would be compiled again on every build.
    compileall.compile_dir(REPO / "briefing", quiet=1)
    shutil.copy(REPO / "themes.yaml", folder / "themes.yaml")
    # Every feature of the real build, but the search index (as the targets say).
    settings = (REPO / "briefing.yaml").read_text(encoding="utf-8")
    (folder / "briefing.yaml").write_text(settings.replace("search: true", "search: false"),
                                          encoding="utf-8")
    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copytree(corpus, folder / "content", ignore=shutil.ignore_patterns(".*"))
    (folder / "seeds").mkdir()
    return Tool("briefing", folder, [sys.executable, "-m", "briefing", "--root", ".", "build"],
                [folder / "site", folder / ".cache"], folder / "content", newest_article(corpus))


HUGO_CONFIG = """baseURL = "https://example.org/briefing/"
title = "The Briefing"
disableKinds = ["section"]
cacheDir = "{cache}"
[taxonomies]
theme = "themes"
[services.rss]
limit = 50
"""
HUGO_LAYOUTS = {
    "_default/single.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ site.Title }}</title></head><body>
<nav>{{ range $name, $t := site.Taxonomies.themes }}
<a href="{{ $t.Page.RelPermalink }}">{{ $name }}</a> {{ end }}</nav>
<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "January 2, 2006" }}</time>
<ul>{{ range .GetTerms "themes" }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}</article></body></html>
""",
    "_default/list.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ site.Title }}</title></head><body><h1>{{ .Title }}</h1>
{{ range .Pages }}<article><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<time>{{ .Date.Format "January 2, 2006" }}</time><p>{{ .Params.summary }}</p></article>
{{ end }}</body></html>
""",
    "index.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ site.Title }}</title></head><body><h1>{{ site.Title }}</h1>
{{ range $name, $t := site.Taxonomies.themes }}<section>
<h2><a href="{{ $t.Page.RelPermalink }}">{{ $name }}</a> ({{ len $t }})</h2>
{{ range first 3 $t.Pages }}<article><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p>{{ .Params.summary }}</p></article>{{ end }}
</section>{{ end }}</body></html>
""",
}


def setup_hugo(corpus: Path, folder: Path) -> Tool:
    fresh(folder)
    (folder / "hugo.toml").write_text(HUGO_CONFIG.replace("{cache}", str(folder / "hugo_cache")))
    for name, text in HUGO_LAYOUTS.items():
        (folder / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / name).write_text(text)
    shutil.copytree(corpus, folder / "content" / "articles", ignore=shutil.ignore_patterns(".*"))
    return Tool("Hugo", folder, ["hugo", "--quiet"],
                [folder / "public", folder / "resources", folder / "hugo_cache"],
                folder / "content" / "articles", newest_article(corpus))


PELICAN_CONFIG = """AUTHOR = "The Briefing"
SITENAME = "The Briefing"
SITEURL = "https://example.org/briefing"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
TAG_URL = "themes/{slug}/"
TAG_SAVE_AS = "themes/{slug}/index.html"
FEED_DOMAIN = SITEURL
FEED_ALL_RSS = "feed.xml"
TAG_FEED_RSS = "themes/{slug}/feed.xml"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50
DEFAULT_PAGINATION = False
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = TAGS_SAVE_AS = ""
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


def pelican_article(text: str) -> str:
    """The corpus's YAML front matter as Pelican metadata; themes become Pelican tags."""
    _, front, body = text.split("---\n", 2)
    meta: dict[str, str] = {}
    for line in front.splitlines():
        key, _, value = line.partition(": ")
        meta[key] = json.loads(value) if value.startswith('"') else value
    themes = meta["themes"].strip("[]")
    return (f"Title: {meta['title']}\nDate: {meta['date']}\nSlug: {meta['slug']}\n"
            f"Tags: {themes}\nSummary: {meta['summary']}\n\n{body.lstrip()}")


def setup_pelican(corpus: Path, folder: Path, pelican: Path) -> Tool:
    fresh(folder)
    (folder / "pelicanconf.py").write_text(PELICAN_CONFIG)
    content = folder / "content"
    content.mkdir()
    for path in sorted(corpus.glob("*.md")):
        (content / path.name).write_text(pelican_article(path.read_text(encoding="utf-8")),
                                         encoding="utf-8")
    return Tool("Pelican", folder, [str(pelican), "-q", "-s", "pelicanconf.py", "-o", "output"],
                [folder / "output", folder / "cache"], content, newest_article(corpus))


def measure(tools: list[Tool], rounds: int) -> None:
    """Every scenario for every tool, tools alternating within each round."""
    for number in range(1, rounds + 1):
        for scenario, prepare in ((SCENARIOS[0], "cold"), (SCENARIOS[1], None),
                                  (SCENARIOS[2], "edit"), (SCENARIOS[3], "edit newest")):
            for tool in tools:
                if prepare == "cold":
                    tool.cold()
                elif prepare:
                    tool.edit(number, newest=prepare == "edit newest")
                tool.run(scenario)
        print(f"bench: round {number}/{rounds} done", file=sys.stderr)


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(results: dict[int, list[Tool]]) -> list[str]:
    names = [t.name for t in next(iter(results.values()))]
    lines = ["| articles | scenario | " + " | ".join(names) + " | briefing ÷ Hugo | "
             "Pelican ÷ briefing |", "|---" * (len(names) + 4) + "|"]
    for size, tools in results.items():
        by = {t.name: t for t in tools}
        for scenario in SCENARIOS:
            cells = []
            for tool in tools:
                seconds = median(tool.times[scenario])
                mb = max(tool.memory[scenario]) / 1024
                cells.append(f"{seconds:.2f} s, {mb:.0f} MB")
            mine = median(by["briefing"].times[scenario])
            hugo = f"{mine / median(by['Hugo'].times[scenario]):.2f}" if "Hugo" in by else "—"
            pel = (f"{median(by['Pelican'].times[scenario]) / mine:.1f}×"
                   if "Pelican" in by else "—")
            lines.append(f"| {size:,} | {scenario} | " + " | ".join(cells) + f" | {hugo} | {pel} |")
    return lines


def targets(results: dict[int, list[Tool]]) -> list[str]:
    """The issue's targets, checked against this run's figures."""
    lines: list[str] = []
    sizes = sorted(results)
    big = {t.name: t for t in results[sizes[-1]]}
    me = big["briefing"]

    def row(label: str, value: float, limit: float, fmt: str, ok: bool | None = None) -> None:
        ok = value <= limit if ok is None else ok
        lines.append(f"| {label} | {fmt.format(value)} | {fmt.format(limit)} | "
                     f"{'met' if ok else 'NOT met'} |")

    lines += [f"Targets at {sizes[-1]:,} articles:", "",
              "| target | measured | limit | |", "|---|---|---|---|"]
    if "Hugo" in big:
        hugo = big["Hugo"]
        for scenario, limit in zip(SCENARIOS, LIMITS, strict=True):
            row(f"{scenario}: briefing ÷ Hugo", median(me.times[scenario])
                / median(hugo.times[scenario]), limit, "{:.2f}")
        row("peak memory (cold): briefing ÷ Hugo", max(me.memory["cold"])
            / max(hugo.memory["cold"]), 0.25, "{:.2f}")
    if "Pelican" in big:
        speedup = median(big["Pelican"].times["cold"]) / median(me.times["cold"])
        row("cold: Pelican ÷ briefing (at least)", speedup, 4.0, "{:.1f}", speedup >= 4.0)
    if len(sizes) > 1:
        small = {t.name: t for t in results[sizes[0]]}["briefing"]
        for scenario in SCENARIOS:
            row(f"{scenario}: {sizes[-1]:,} ÷ {sizes[0]:,}", median(me.times[scenario])
                / median(small.times[scenario]), 11.0, "{:.1f}")
    return lines


def write_results(results: dict[int, list[Tool]], versions: dict[str, str], load: str,
                  rounds: int, seconds: float, work: str) -> Path:
    lines = [
        "# Benchmark results", "",
        f"`bench/run.py{' --quick' if len(results) == 1 else ''}`: median of {rounds} rounds "
        "(tools alternating within each round); memory is the largest peak RSS of any run.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average before the run: {load}. Whole run: "
        f"{seconds:.0f} s. Work folder (sources, outputs, caches of every tool): {work}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".", "",
        *table(results), "", *targets(results), "",
        "Sites: briefing builds the real project settings and templates (article pages, "
        "front page, theme pages, RSS/Atom/JSON feeds for the site and every theme); Hugo "
        "and Pelican build article pages, one page per theme (taxonomy), a front page and "
        "RSS (50 items) for the site and per theme. Peak memory of briefing is its main "
        "process or one pool worker, whichever is larger (the pool runs one worker per core).",
    ]
    path = REPO / "bench" / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def default_work() -> Path:
    """A RAM-backed folder where there is one. On a virtual disk mounted with online
    discard, creating files right after deleting ten thousand others was 5 to 15 times
    slower than usual for a while, whatever the tool: cold builds measured the disk's
    backlog rather than the generator. ``--work`` measures on a disk of your choosing."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm / "briefing-bench"
    return REPO / "bench" / ".work"


def filesystem(path: Path) -> str:
    """The type of file system ``path`` is on (e.g. tmpfs, ext2/ext3), as ``stat -f`` says."""
    found = subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True,
                           text=True, check=False)
    return found.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles only")
    parser.add_argument("--sizes", type=int, nargs="+", help="archive sizes (default 1000 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per size (default 3)")
    parser.add_argument("--work", type=Path, default=default_work(),
                        help="scratch folder for corpora, sites and the Pelican venv "
                             "(default: in /dev/shm when the machine has it, else bench/.work)")
    parser.add_argument("--corpus-script", type=Path, default=CORPUS_SCRIPT)
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1000] if args.quick else [1000, 10000])
    started = time.perf_counter()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    versions = {"briefing": _briefing_version()}
    hugo = install_hugo()
    if hugo:
        versions["Hugo"] = hugo
    pelican, versions["Pelican"] = install_pelican(work)
    results: dict[int, list[Tool]] = {}
    for size in sizes:
        corpus = make_corpus(args.corpus_script, work, size)
        tools = [setup_briefing(corpus, work / f"briefing-{size}")]
        if hugo:
            tools.append(setup_hugo(corpus, work / f"hugo-{size}"))
        tools.append(setup_pelican(corpus, work / f"pelican-{size}", pelican))
        measure(tools, args.rounds)
        results[size] = tools
    path = write_results(results, versions, load, args.rounds, time.perf_counter() - started,
                         f"{work} ({filesystem(work)})")
    print(path.read_text(encoding="utf-8"))
    return 0


def _briefing_version() -> str:
    from briefing import __version__
    from briefing.cache import code_version

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    return f"{__version__} ({commit or 'code ' + code_version()[:12]})"


if __name__ == "__main__":
    sys.exit(main())
