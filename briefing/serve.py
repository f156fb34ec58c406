"""The live preview: serve the last good build from memory and reload open pages on change.

The site is built in memory and swapped in whole, so a request never sees half a build;
requests that arrive during a rebuild wait for it. Nothing is written to site/: the
reload script and the error overlay are added to HTML responses only.

Safe by default: it listens on 127.0.0.1, serves only files of the build (never a path
on disk), refuses paths with '..', encoded slashes, backslashes or NUL, answers only
requests addressed to this machine by name or address (against DNS rebinding), and
streams reload events to same-origin pages only.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import mimetypes
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from briefing.config import SiteConfig
from briefing.errors import BriefingError, Diagnostic
from briefing.pipeline import Project
from briefing.render import OutputFile
from briefing.search import BUNDLE_DIR
from briefing.watch import EVERYTHING, Build, Changes, Rebuilder, watch

EVENTS_PATH = "/__briefing/events"
"""The reload channel (server-sent events); outside any base path, never a site file."""
KEEPALIVE_SECONDS = 10.0
HISTORY = 64
"""Generations whose changed files are remembered; a page older than that reloads."""
"""How often an idle event stream sends a comment, which also notices closed pages."""
REBUILD_WAIT_SECONDS = 30.0
"""Longest a request waits for a rebuild before it gets the last good site anyway."""
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})

# Python's own table, not the machine's /etc/mime.types: the same answer everywhere.
_TYPES = mimetypes.MimeTypes()
_TEXT_TYPES = ("text/", "application/xml", "application/json", "image/svg+xml",
               "application/javascript", "application/rss+xml", "application/atom+xml")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the server shows: one complete build's files and the current problems."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    errors: tuple[Diagnostic, ...] = ()
    generation: int = 0
    """Counts published changes; a page loaded at generation N reloads when a later one
    changed it (see ``LiveSite.changed``)."""


class LiveSite:
    """The shared state between the rebuilds and the request threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._current = Snapshot()
        self._building = False
        self._history: dict[int, frozenset[str] | None] = {}
        """The files each recent generation changed (None: every page, as when the
        problems shown changed)."""
        self.closed = False

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Hold requests back while a rebuild runs, so none sees the site it replaces."""
        with self._changed:
            self._building = True
        try:
            yield
        finally:
            with self._changed:
                self._building = False
                self._changed.notify_all()

    def publish(self, build: Build) -> bool:
        """Show a build's files (or keep the last good ones) and its errors; True if changed."""
        with self._changed:
            old = self._current
            files = old.files if build.files is None else build.files
            if files == old.files and build.errors == old.errors and old.generation:
                return False
            self._advance(Snapshot(files, build.errors, old.generation + 1),
                          None if build.errors != old.errors else _differing(old.files, files))
            return True

    def show_early(self, page: OutputFile) -> None:
        """Show one page made ahead of its rebuild (``Rebuilder.edited_page``)."""
        with self._changed:
            old = self._current
            if old.files.get(page.path) != page.data:
                self._advance(Snapshot({**old.files, page.path: page.data}, old.errors,
                                       old.generation + 1), frozenset({page.path}))

    def changed(self, page: str | None, since: int, until: int) -> bool:
        """True when a generation after ``since`` up to ``until`` changed file ``page``
        (None: any file), or is too old to tell."""
        with self._changed:
            for generation in range(since + 1, until + 1):
                paths = self._history.get(generation)
                if paths is None or page is None or page in paths:
                    return True
            return False

    def _advance(self, snapshot: Snapshot, changed: frozenset[str] | None) -> None:
        self._current = snapshot
        self._history[snapshot.generation] = changed
        self._history.pop(snapshot.generation - HISTORY, None)
        self._changed.notify_all()

    def refresh(self, folder: str, files: Mapping[str, bytes]) -> None:
        """Replace the files under ``folder``, which no open page shows (the search
        index), with ``files``: no reload."""
        with self._changed:
            old = self._current
            kept = {p: d for p, d in old.files.items() if not p.startswith(f"{folder}/")}
            self._current = Snapshot(kept | dict(files), old.errors, old.generation)

    def snapshot(self) -> Snapshot:
        """The current site, once any rebuild in progress has finished."""
        with self._changed:
            self._changed.wait_for(lambda: not self._building or self.closed,
                                   REBUILD_WAIT_SECONDS)
            return self._current

    def wait_newer(self, generation: int, timeout: float) -> int | None:
        """The generation after ``generation`` once published, None on timeout or close."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.closed or self._current.generation > generation, timeout)
            newer = self._current.generation
            return newer if newer > generation and not self.closed else None

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def _differing(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> frozenset[str]:
    """The files that differ between two sets (a rebuild reuses unchanged files' bytes)."""
    return frozenset([path for path, data in new.items()
                      if old.get(path) is not data and old.get(path) != data]
                     + [path for path in old if path not in new])


# ---- requests: pure decisions -------------------------------------------------------------

def host_allowed(header: str | None, bound_host: str) -> bool:
    """A request's Host must name this machine: localhost, the bound address, or (when
    listening on all interfaces) an IP address. A DNS name pointing here is refused."""
    if not header:
        return False
    try:
        parts = urlsplit(f"//{header}")
        name, _ = parts.hostname, parts.port  # .port raises on a malformed port
    except ValueError:
        return False
    if not name:
        return False
    if name in LOCAL_NAMES or name == bound_host.lower().strip("[]"):
        return True
    if bound_host in WILDCARDS:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def same_origin(headers: Mapping[str, str], host: str) -> bool:
    """Browsers send Origin (and Sec-Fetch-Site) on cross-site requests: refuse those."""
    origin = headers.get("Origin")
    if origin is not None and origin != f"http://{host}":
        return False
    return headers.get("Sec-Fetch-Site") in (None, "same-origin", "none")


def site_path(raw: str, base_path: str) -> str | None:
    """The site-relative path a request names ('' for the top), or None when the path is
    unsafe: '..' or '.' segments, encoded slashes, backslashes, NUL or control characters,
    invalid percent-encoding, or a place outside ``base_path``."""
    path = urlsplit(raw).path
    if not path.startswith(base_path):
        return None
    segments = path[len(base_path):].split("/")
    decoded = []
    for segment in segments:
        try:
            text = unquote(segment, errors="strict")
        except UnicodeDecodeError:
            return None
        if text in (".", "..") or any(c in "/\\" or not c.isprintable() for c in text):
            return None
        decoded.append(text)
    if any(s == "" for s in decoded[:-1]):
        return None  # '//' inside the path
    return "/".join(decoded)


def content_type(path: str) -> str:
    kind = _TYPES.guess_type(path, strict=False)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT_TYPES) else kind


def overlay(errors: tuple[Diagnostic, ...]) -> str:
    """The error panel shown over every page while the build has errors."""
    items = "".join(f"<li>{html.escape(str(d))}</li>" for d in errors)
    return (
        '<div id="briefing-errors" role="alert" style="position:fixed;left:0;right:0;bottom:0;'
        "z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;"
        "background:#3b0d0c;color:#fff;font:14px/1.5 ui-monospace,monospace;"
        'white-space:pre-wrap;box-shadow:0 -4px 16px rgba(0,0,0,.4)">'
        "<strong>The build has errors. Until they are fixed, this shows the last good version"
        " of what failed.</strong>"
        f'<ul style="margin:.5em 0 0;padding-left:1.2em">{items}</ul></div>'
    )


def reload_script(generation: int, page: str | None = None) -> str:
    """The script that reloads a page served at ``generation`` once a later one changes
    the file ``page`` (the site's path of what was served; None: once anything changes)."""
    shown = "" if page is None else f"&page={quote(page)}"
    return (
        "<script>(function(){var s=new EventSource("
        f'"{EVENTS_PATH}?since={generation}{shown}");'
        's.addEventListener("reload",function(){s.close();location.reload();});})();</script>'
    )


def inject(page: bytes, snapshot: Snapshot, name: str | None = None) -> bytes:
    """Add the overlay and reload script just before </body> (or at the end); ``name``:
    the file of the site the page shows."""
    extra = (overlay(snapshot.errors) if snapshot.errors else "") + reload_script(
        snapshot.generation, name)
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + extra.encode("utf-8") + page[at:]


NOT_FOUND_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not found</title>'
    '</head>\n<body>\n<h1>Not found</h1>\n<p>There is no page at this address. '
    '<a href="{base}">Go to the front page</a>.</p>\n</body>\n</html>\n'
)


# ---- requests: the handler ----------------------------------------------------------------

class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the site's files, plus the reload event stream."""

    server: PreviewServer
    server_version = "briefing-preview"
    timeout = 30  # an idle connection cannot hold a thread forever

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: a preview logs rebuilds, not every request."""

    def _respond(self, send_body: bool) -> None:
        host = self.headers.get("Host")
        if not host_allowed(host, self.server.bound_host):
            self._send(HTTPStatus.FORBIDDEN, b"Refused: unknown Host header.\n", send_body)
            return
        if urlsplit(self.path).path == EVENTS_PATH:
            self._events(host or "", send_body)
            return
        self._file(send_body)

    def _file(self, send_body: bool) -> None:
        base = self.server.base_path
        raw_path = urlsplit(self.path).path
        if raw_path != base and raw_path in ("/", base.rstrip("/")):
            self._redirect(base)
            return
        snapshot = self.server.live.snapshot()
        if not raw_path.startswith(base):
            self._not_found(snapshot, send_body)
            return
        relative = site_path(self.path, base)
        if relative is None:
            self._send(HTTPStatus.BAD_REQUEST, b"Refused: not a path inside the site.\n",
                       send_body)
            return
        name = relative + "index.html" if relative == "" or relative.endswith("/") else relative
        if name in snapshot.files:
            self._send(HTTPStatus.OK, snapshot.files[name], send_body, name, snapshot, name)
        elif f"{name}/index.html" in snapshot.files:
            self._redirect(f"{raw_path}/")
        else:
            self._not_found(snapshot, send_body, name)

    def _not_found(self, snapshot: Snapshot, send_body: bool, wanted: str | None = None) -> None:
        """The site's 404 page; it reloads once ``wanted`` (the file asked for) is made."""
        page = snapshot.files.get("404.html") or NOT_FOUND_PAGE.format(
            base=html.escape(self.server.base_path)).encode("utf-8")
        self._send(HTTPStatus.NOT_FOUND, page, send_body, "404.html", snapshot, wanted)

    def _send(self, status: HTTPStatus, body: bytes, send_body: bool,
              name: str = "message.txt", snapshot: Snapshot | None = None,
              shows: str | None = None) -> None:
        """``shows``: the site's file whose changes reload the page (None: any file's)."""
        kind = content_type(name)
        if snapshot is not None and kind.startswith("text/html"):
            body = inject(body, snapshot, shows)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self._common_headers()
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _common_headers(self) -> None:
        # Live pages must never come from a cache: readers saw stale text otherwise.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self._common_headers()
        self.end_headers()

    def _events(self, host: str, send_body: bool) -> None:
        """Server-sent events: 'reload' whenever a newer build than the page's is published."""
        if not same_origin(self.headers, host):
            self._send(HTTPStatus.FORBIDDEN, b"Refused: cross-origin.\n", send_body)
            return
        live = self.server.live
        query = parse_qs(urlsplit(self.path).query)
        since = _int(query.get("since", [""])[0])
        page = query["page"][0] if "page" in query else None
        current = live.snapshot().generation
        if since is None:
            since = current
        elif since > current:
            since = 0  # a page from an earlier run of the server: reload it at once
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._common_headers()
        self.end_headers()
        if not send_body:
            return
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not live.closed:
                newer = live.wait_newer(since, KEEPALIVE_SECONDS)
                if newer is not None:
                    if live.changed(page, since, newer):
                        self.wfile.write(f"event: reload\ndata: {newer}\n\n".encode())
                    since = newer
                elif not live.closed:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:
            pass  # the page went away


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its site and closes its connections on stop."""

    daemon_threads = False
    block_on_close = True  # server_close() joins every request thread: nothing leaks

    def __init__(self, address: tuple[str, int], live: LiveSite, base_path: str) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.live = live
        self.base_path = base_path
        self.bound_host = address[0]
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, PreviewHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every request thread blocked on its socket, so stopping never hangs."""
        with self._connections_lock:
            for connection in self._connections:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


def bind(host: str, port: int, live: LiveSite, base_path: str) -> PreviewServer:
    """Listen on host:port, or explain in one line why not."""
    try:
        return PreviewServer((host, port), live, base_path)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BriefingError(f"port {port} is already in use on {host}; "
                                f"try another one, e.g. --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise BriefingError(f"not allowed to listen on port {port}; "
                                "try a port above 1024, e.g. --port 8000") from None
        raise BriefingError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


# ---- the preview: server + rebuilds -------------------------------------------------------

class Preview:
    """A running preview: the server thread, and the rebuilds that feed it."""

    def __init__(self, project: Project, host: str = "127.0.0.1", port: int = 8000,
                 base_url: str | None = None) -> None:
        self.project = project
        SiteConfig().with_base_url(base_url)  # a bad --base-url fails here, in one line
        self.live = LiveSite()
        base_path = urlsplit(base_url).path if base_url else "/"
        base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.server = bind(host, port, self.live, base_path)
        shown = "127.0.0.1" if host in WILDCARDS else host
        shown = f"[{shown}]" if ":" in shown else shown
        self.url = f"http://{shown}:{self.server.server_address[1]}{base_path}"
        self.rebuilder = Rebuilder(project, base_url or self.url)
        self._thread: threading.Thread | None = None

    def rebuild(self, changes: Changes = EVERYTHING) -> Build | None:
        """Rebuild for ``changes`` while requests wait, then show the result.

        Once serving, an edited article's own page is shown (and reloaded) at once when it
        can be made ahead (``Rebuilder.edited_page``); then the pages (open ones reloaded
        if they changed), and the search index, the slowest part, without a reload.
        """
        serving = self._thread is not None
        early = self.rebuilder.edited_page(changes) if serving else None
        if early is not None:
            self.live.show_early(early)
        # Requests wait for the rebuild, unless the page edited is shown already: the
        # others change (and reload) when it is done.
        with nullcontext() if early else self.live.rebuilding():
            build = self.rebuilder.update(changes, defer_search=serving)
            if build is not None:
                self.live.publish(build)
        if build is not None and build.files is not None and self.rebuilder.search_pending:
            self._refresh_search()
        return build

    def _refresh_search(self) -> None:
        try:
            files = self.rebuilder.refresh_search()
        except BriefingError as exc:
            self.live.publish(Build(None, (exc.diagnostic,), (), 0.0))
            return
        if files is not None:
            self.live.refresh(BUNDLE_DIR, files)

    def start(self) -> Build | None:
        """Build everything, then start answering requests."""
        first = self.rebuild()
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={
            "poll_interval": 0.2}, name="briefing-preview", daemon=True)
        self._thread.start()
        return first

    def watch(self, stop: threading.Event, report: Callable[[Build], object] | None = None,
              ready: threading.Event | None = None) -> None:
        """Rebuild on every relevant change until ``stop`` is set (blocks)."""
        def on_changes(changes: Changes) -> None:
            build = self.rebuild(changes)
            if report and build is not None:
                report(build)
        watch(self.project, on_changes, stop, ready)

    def stop(self) -> None:
        """Stop serving: wake waiting requests, close connections, join every thread."""
        self.live.close()
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.close_connections()
        self.server.server_close()

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def print_build(build: Build, first: bool = False) -> None:
    """One line per build, after its problems, one line each."""
    for diagnostic in (*build.errors, *build.warnings):
        print(diagnostic, file=sys.stderr)
    state = "kept the last good site" if build.files is None else f"{len(build.files)} files"
    errors = f", {len(build.errors)} error(s)" if build.errors else ""
    print(f"{'built' if first else 'rebuilt'} in {build.seconds:.2f}s: {state}{errors}",
          file=sys.stderr)


def run(project: Project, host: str, port: int, open_browser: bool,
        base_url: str | None) -> int:
    """``briefing serve``: build, serve and rebuild until Ctrl-C."""
    # Ctrl-C may come at any moment, even during the first build: every exit stops the same way.
    with suppress(KeyboardInterrupt), Preview(project, host, port, base_url) as preview:
        first = preview.start()
        if first is not None:
            print_build(first, first=True)
        print(f"serving {preview.url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            webbrowser.open(preview.url)
        preview.watch(threading.Event(), print_build)
    print("stopped", file=sys.stderr)
    return 0
