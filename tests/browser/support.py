"""Shared by the browser tests and scripts/screenshots_site.py: build the seeds' site
under a sub-path, serve it like a static host, and drive the system's Chromium.

Nothing here downloads a browser: Playwright drives Debian's /usr/bin/chromium.
Under CI=true a missing browser or Java is a failure, elsewhere a skip.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from briefing import pipeline
from tests.conftest import ROOT, make_project

CHROMIUM = Path(os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium"))
NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SUB_PATH = "/briefing/"
BASE_URL = f"https://example.org{SUB_PATH}"
TIMEOUT_MS = 20_000


def require(ok: bool, what: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail under CI."""
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (.ci/run installs it)")
    pytest.skip(f"{what} is missing (see .ci/run)")


def build_site(tmp: Path) -> Path:
    """The seeds built with a sub-path base_url into ``tmp/www/briefing``; returns www."""
    project = make_project(tmp / "project", with_content=True)
    www = tmp / "www"
    project = pipeline.Project.at(project.root, out=www / SUB_PATH.strip("/"))
    report = pipeline.build(project, base_url=BASE_URL)
    assert not report.failed, report.diagnostics
    return www


class _StaticHost(SimpleHTTPRequestHandler):
    """Serves like GitHub Pages: the site's own 404.html, with status 404, for a missing path."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / SUB_PATH.strip("/") / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format: str, *args) -> None:  # quiet test output
        pass


@contextmanager
def serve(www: Path) -> Iterator[str]:
    """Serve ``www`` on a free loopback port; yields the site's address (with the sub-path)."""
    handler = functools.partial(_StaticHost, directory=str(www))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=["--no-sandbox", "--disable-gpu",
                                               "--disable-background-networking",
                                               "--disable-component-update", "--no-first-run"])
        try:
            yield browser
        finally:
            browser.close()


def java_available() -> bool:
    return shutil.which("java") is not None
