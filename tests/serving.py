"""Helpers for tests that talk to a running preview server over HTTP."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.pipeline import Project
from briefing.serve import EVENTS_PATH, Preview
from tests.conftest import make_project

ARTICLE = "articles/openai-just-killed-sora/index.html"
ARTICLE_FILE = "content/openai-just-killed-sora.md"
SENTENCE = "OpenAI has announced the complete discontinuation of Sora"
SECRET = "top-secret-token-4711"
TIMEOUT = 10.0


# ---- helpers ------------------------------------------------------------------------------

def request(preview: Preview, path: str, headers: dict[str, str] | None = None,
            method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    host, port = preview.server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw_request(preview: Preview, data: bytes) -> bytes:
    """Send bytes as they are (NUL, no Host...) and return the whole answer."""
    with socket.create_connection(preview.server.server_address[:2], timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class EventStream:
    """A reader of the reload channel, as a page's EventSource would open it."""

    def __init__(self, preview: Preview, since: int | None, headers: dict | None = None,
                 page: str | None = None):
        host, port = preview.server.server_address[:2]
        self.connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        query = "" if since is None else f"?since={since}"
        query += "" if page is None else f"{'&' if query else '?'}page={page}"
        self.connection.request("GET", EVENTS_PATH + query, headers=headers or {})
        self.response = self.connection.getresponse()

    def next_reload(self) -> int:
        """Block (bounded by the socket timeout) until a reload event; its generation."""
        event = None
        while True:
            line = self.response.readline().decode()
            if not line:
                raise AssertionError("event stream closed before a reload event")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "reload":
                return int(line.split(":", 1)[1])

    def close(self) -> None:
        self.connection.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def generation(preview: Preview) -> int:
    return preview.live.snapshot().generation


def new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        alive = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not alive:
            return []
        time.sleep(0.05)
    return alive


# ---- fixtures: a server on a free port, optionally watching -------------------------------

def project_with_secret(folder: Path) -> Project:
    """The real project, with a secret file beside it that must never be served."""
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    return make_project(folder / "project", with_content=True)


@contextmanager
def serving(project: Project) -> Iterator[Preview]:
    before = set(threading.enumerate())
    preview = Preview(project, port=0)
    try:
        preview.start()
        yield preview
    finally:
        preview.stop()
    assert not new_threads(before), "the server left threads running"


@contextmanager
def watching(preview: Preview) -> Iterator[Preview]:
    """Run the preview's watcher in a thread until the block ends; edits after entry count."""
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), kwargs={"ready": ready})
    watcher.start()
    try:
        assert ready.wait(TIMEOUT), "the watcher did not start"
        yield preview
    finally:
        stop.set()
        watcher.join(TIMEOUT)
        assert not watcher.is_alive()


def port_of(preview: Preview) -> int:
    return preview.server.server_address[1]
