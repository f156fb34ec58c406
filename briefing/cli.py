"""The command line: the one place errors are caught and printed for humans."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from briefing import __version__
from briefing.errors import BriefingError, Severity
from briefing.parallel import Forked
from briefing.progress import TerminalMeter
from briefing.project import Project, list_content

if TYPE_CHECKING:  # the build's modules load once content/ is being listed (see main)
    from briefing.pipeline import Report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Build a themed, subscribable briefing site from pasted articles.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="project folder holding briefing.yaml and themes.yaml (default: .)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="normalize seeds, then render the site")
    _add_seed_options(build)
    _add_site_options(build)

    normalize = commands.add_parser("normalize", help="normalize seeds into content only")
    _add_seed_options(normalize)

    add = commands.add_parser("add", help="save a pasted article into seeds/ and normalize it")
    add.add_argument("file", nargs="?", default="-",
                     help="the article as plain text, or - to read standard input (default)")
    _add_seed_options(add)

    serve = commands.add_parser("serve", help="preview the site; rebuild and reload on every edit")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the preview in a browser")
    serve.add_argument("--base-url",
                       help="URL the preview is seen at; its path becomes the served path")
    check = commands.add_parser(
        "check", help="validate a built site: links, anchors, HTML5, feeds, scripts, sitemap")
    _add_site_options(check)
    for command in (build, normalize, check):
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def _add_site_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", type=Path, help="site folder (default: site/)")
    command.add_argument("--base-url", help="override base_url from briefing.yaml")


def _add_seed_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--seeds", type=Path, help="raw articles folder (default: seeds/)")
    command.add_argument("--content", type=Path, help="Markdown content folder (default: content/)")
    command.add_argument("--force", action="store_true",
                         help="overwrite hand-edited content files")


_LEFT: list[object] = []
"""A one-shot build's data, left for ``os._exit`` (see ``run``) rather than freed."""


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The command line: ``main``, then exit with its status."""
    status = main(argv, one_shot=True)
    # End without CPython's clean-up, which would free the build's objects one by one
    # (tens of ms on a large archive) for a process about to end. The command closed
    # everything it wrote and waited for every process it started: only the standard
    # streams remain to be flushed.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)


def main(argv: Sequence[str] | None = None, one_shot: bool = False) -> int:
    """Run one command; ``one_shot``: the process ends with it (``run``)."""
    args = _parser().parse_args(argv)
    command = args.command or "build"
    if one_shot and command != "serve":
        # The cycle collector is off during a build anyway (see pipeline.build); turned
        # back on, its first pass would walk every object the build left alive (0.1 s on
        # a large archive) for a process about to end.
        gc.disable()
    started = time.perf_counter()
    try:
        project = Project.at(args.root, seeds=getattr(args, "seeds", None),
                             content=getattr(args, "content", None),
                             out=getattr(args, "out", None))
        # Listing content/ is some ten thousand system calls on a large archive: a child
        # process makes them while this one loads the build's modules.
        listing = Forked(partial(list_content, project)) if command == "build" else None
        from briefing import pipeline

        if command == "build":
            with TerminalMeter() as meter:
                report = pipeline.build(project, getattr(args, "base_url", None),
                                        getattr(args, "force", False), meter, listing,
                                        _LEFT if one_shot else None)
        elif command == "normalize":
            report = pipeline.normalize(project, args.force)
        elif command == "serve":
            from briefing import serve  # here: builds never load the server

            return serve.run(project, args.host, args.port, args.open, args.base_url)
        elif command == "add":
            return _add(project, args.file)
        elif command == "check":
            report = pipeline.check(project, args.base_url)
        else:
            print(f"briefing {command}: not available yet", file=sys.stderr)
            return 2
    except BriefingError as exc:
        print(exc, file=sys.stderr)
        return 1
    except Exception as exc:  # the one place an unexpected failure is turned into a message
        if args.debug:
            traceback.print_exc()
        else:
            print(f"error: {type(exc).__name__}: {exc} (run with --debug for details)",
                  file=sys.stderr)
        return 1
    if getattr(args, "strict", False):
        report = strict(report)
    _print_report(command, report, time.perf_counter() - started)
    return 1 if report.failed else 0


def _add(project: Project, file: str) -> int:
    from briefing.adding import add_article, read_input  # here: builds never normalize text

    data, origin = read_input(file, sys.stdin.buffer.read() if file == "-" else None)
    added = add_article(project, data, origin)
    for diagnostic in added.diagnostics:
        print(diagnostic, file=sys.stderr)
    print(f"{'already a seed' if added.already_there else 'saved'}: {added.seed}")
    if added.plan is None:
        return 1
    print(f"{added.plan.action.value}: {added.plan.path}")
    print(f"themes: {', '.join(added.plan.article.themes) or '(none)'}")
    return 1 if added.report.failed else 0


def strict(report: Report) -> Report:
    """The same report with every warning turned into an error (``--strict``)."""
    raised = tuple(replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
                   for d in report.diagnostics)
    return replace(report, diagnostics=raised)


def _print_report(command: str, report: Report, seconds: float) -> None:
    for diagnostic in report.diagnostics:
        print(diagnostic, file=sys.stderr)
    for step in report.plans:
        if step.action.writes:
            print(f"{step.action.value}: {step.path}")
    written = sum(1 for p in report.plans if p.action.writes)
    summary = f"normalized {len(report.plans)} seeds ({written} written)"
    if command == "check":
        summary = f"checked {report.files_checked} pages and feeds"
    elif command == "build":
        summary += (f"; built {report.articles} articles: {report.pages} pages, "
                    f"{report.feeds} feeds ({report.files_written} files written)")
    errors = sum(1 for d in report.diagnostics if d.is_error)
    if errors:
        summary += f"; {errors} error{'s' if errors != 1 else ''}"
    print(f"{summary} in {seconds:.2f}s")
