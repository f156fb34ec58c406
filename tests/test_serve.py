"""The live preview, over real HTTP on a free port: pages, safety, reloads and errors."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing import feeds, pipeline, watch
from briefing import normalize as normalizer
from briefing.cli import main
from briefing.errors import BriefingError
from briefing.pipeline import Project
from briefing.serve import (
    EVENTS_PATH,
    LiveSite,
    Preview,
    Snapshot,
    content_type,
    host_allowed,
    inject,
    site_path,
)
from briefing.watch import EVERYTHING, Build, Changes, Rebuilder, sort_changes
from tests.conftest import ROOT
from tests.serving import (
    ARTICLE,
    ARTICLE_FILE,
    SECRET,
    SENTENCE,
    TIMEOUT,
    EventStream,
    edit,
    generation,
    port_of,
    project_with_secret,
    raw_request,
    request,
    serving,
    watching,
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return project_with_secret(tmp_path)


@pytest.fixture
def server(project: Project) -> Iterator[Preview]:
    """A server of its own, for tests that change what it serves."""
    with serving(project) as preview:
        yield preview


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One server for the tests that only read from it."""
    with serving(project_with_secret(tmp_path_factory.mktemp("shared"))) as preview:
        yield preview


@pytest.fixture
def watched(server: Preview) -> Iterator[Preview]:
    with watching(server) as preview:
        yield preview


# ---- pages --------------------------------------------------------------------------------

def test_pages_assets_and_feed_come_with_their_types_and_no_caching(shared):
    status, headers, body = request(shared, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"OpenAI is sunsetting Sora" in body
    status, headers, body = request(shared, "/" + ARTICLE.removesuffix("index.html"))
    assert status == 200 and SENTENCE.encode() in body
    status, headers, body = request(shared, "/assets/style.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert body == (shared.project.templates / "assets/style.css").read_bytes()
    status, headers, body = request(shared, "/feed.xml")
    assert status == 200 and headers["Content-Type"].endswith("xml; charset=utf-8")
    assert body.startswith(b"<?xml")
    for path in ("/", "/assets/style.css", "/feed.xml", "/nope"):
        _, headers, _ = request(shared, path)
        assert headers["Cache-Control"] == "no-store", path
        assert headers["X-Content-Type-Options"] == "nosniff", path


def test_links_in_served_pages_point_at_the_preview_not_the_published_site(shared):
    _, _, body = request(shared, "/")
    port = port_of(shared)
    assert f'href="http://127.0.0.1:{port}/"'.encode() in body  # canonical
    assert b"example.org" not in body


def test_the_reload_script_is_added_to_served_html_only_never_written(server):
    _, _, page = request(server, "/" + ARTICLE)
    assert page.count(EVENTS_PATH.encode()) == 1
    assert page.index(EVENTS_PATH.encode()) < page.index(b"</body>")
    _, _, css = request(server, "/assets/style.css")
    _, _, feed = request(server, "/feed.xml")
    assert EVENTS_PATH.encode() not in css + feed
    assert not server.project.out.exists()  # the preview never touches site/
    built = pipeline.build(server.project)
    assert not built.failed
    assert EVENTS_PATH.encode() not in (server.project.out / ARTICLE).read_bytes()


def test_head_gives_the_headers_without_the_body(shared):
    status, headers, body = request(shared, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_a_folder_without_its_slash_redirects_to_it(shared):
    status, headers, _ = request(shared, "/themes/spud")
    assert status == 302 and headers["Location"] == "/themes/spud/"


def test_an_unknown_path_gets_the_sites_own_404_page(shared):
    status, headers, body = request(shared, "/no/such/page.html")
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    snapshot = shared.live.snapshot()
    # It reloads once the page asked for is made.
    assert body == inject(snapshot.files["404.html"], snapshot, "no/such/page.html")
    assert f"{EVENTS_PATH}?since={snapshot.generation}&page=no/such/page.html".encode() in body


def test_an_unknown_path_gets_a_built_in_404_page_when_the_site_has_none(server):
    server.live.publish(Build({"index.html": b"<html><body>home</body></html>"}, (), (), 0.0))
    status, headers, body = request(server, "/missing")
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>Not found</h1>" in body and EVENTS_PATH.encode() in body


# ---- safety -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2e/secret.txt",
    "/articles/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/assets/..%2F..%2F..%2Fsecret.txt",
    "/..\\..\\secret.txt",
    "/%5c..%5c..%5csecret.txt",
    "/./index.html",
    "/index.html%00.css",
    "/%c0%ae%c0%ae/secret.txt",
    "/articles//index.html",
])
def test_paths_that_could_leave_the_site_are_refused(shared, path):
    status, _, body = request(shared, path)
    assert status == 400
    assert SECRET.encode() not in body


def test_a_raw_nul_byte_in_the_path_is_refused(shared):
    answer = raw_request(shared, b"GET /index.html\x00/../../secret.txt HTTP/1.0\r\n"
                                 b"Host: 127.0.0.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 400") and SECRET.encode() not in answer


def test_a_symlink_pointing_out_of_the_project_is_not_served(project):
    assets = project.templates / "assets"
    (assets / "leak.txt").symlink_to(project.root.parent / "secret.txt")
    (assets / "up").symlink_to(project.root.parent, target_is_directory=True)
    (project.root / "site").mkdir()
    (project.root / "site" / "leak.txt").symlink_to(project.root.parent / "secret.txt")
    with Preview(project, port=0) as preview:
        preview.start()
        for path in ("/assets/leak.txt", "/assets/up/secret.txt", "/leak.txt"):
            status, _, body = request(preview, path)
            assert status == 404 and SECRET.encode() not in body, path
        assert request(preview, "/assets/style.css")[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io",
                                  "localhost.evil.example:{port}", "127.0.0.1:{port}@evil"])
def test_a_foreign_host_header_is_refused(shared, host):
    port = port_of(shared)
    status, _, body = request(shared, "/", {"Host": host.format(port=port)})
    assert status == 403 and b"Sora" not in body


def test_a_request_without_host_is_refused_and_local_names_are_accepted(shared):
    assert raw_request(shared, b"GET / HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 403")
    port = port_of(shared)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST"):
        assert request(shared, "/", {"Host": host})[0] == 200, host


def test_host_rules():
    assert host_allowed("127.0.0.1:8000", "127.0.0.1")
    assert host_allowed("[::1]:8000", "127.0.0.1")
    assert host_allowed("192.168.1.5:8000", "192.168.1.5")
    assert host_allowed("192.168.1.5:8000", "0.0.0.0")  # an address literal is not rebinding
    assert not host_allowed("192.168.1.5:8000", "127.0.0.1")
    assert not host_allowed("attacker.example:8000", "0.0.0.0")
    assert not host_allowed("localhost:notaport", "127.0.0.1")
    assert not host_allowed("[::1", "127.0.0.1")
    assert not host_allowed(None, "127.0.0.1")


def test_the_reload_channel_refuses_other_origins(shared):
    port = port_of(shared)
    for headers in ({"Origin": "http://evil.example"},
                    {"Origin": f"http://localhost:{port}"},  # same host, other origin name
                    {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}):
        status, _, _ = request(shared, EVENTS_PATH, headers)
        assert status == 403, headers
    stream = EventStream(shared, None, {"Origin": f"http://127.0.0.1:{port}",
                                        "Sec-Fetch-Site": "same-origin"})
    try:
        assert stream.response.status == 200
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
    finally:
        stream.close()


def test_site_path_rules():
    assert site_path("/", "/") == ""
    assert site_path("/articles/x/?q=1", "/") == "articles/x/"
    assert site_path("/briefing/feed.xml", "/briefing/") == "feed.xml"
    assert site_path("/feed.xml", "/briefing/") is None
    assert site_path("/caf%C3%A9.html", "/") == "café.html"
    assert site_path("/a/%2e%2e/b", "/") is None
    assert site_path("/a%2fb", "/") is None


def test_content_types():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("feed.xml").endswith("xml; charset=utf-8")
    assert content_type("a/b.png") == "image/png"
    assert content_type("no-extension") == "application/octet-stream"


# ---- base path, ports, the command --------------------------------------------------------

def test_a_base_url_with_a_path_is_served_under_that_path(project):
    with Preview(project, port=0, base_url="http://127.0.0.1:8000/briefing/") as preview:
        preview.start()
        status, _, body = request(preview, "/briefing/")
        assert status == 200 and b"OpenAI is sunsetting Sora" in body
        assert b'href="http://127.0.0.1:8000/briefing/"' in body
        assert request(preview, "/briefing/" + ARTICLE)[0] == 200
        for path in ("/", "/briefing"):
            status, headers, _ = request(preview, path)
            assert status == 302 and headers["Location"] == "/briefing/"
        assert request(preview, "/index.html")[0] == 404
        assert request(preview, "/briefing/../briefing/index.html")[0] == 400


def test_a_busy_port_is_one_clear_error_naming_another_port(project, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BriefingError, match=rf"port {port} is already in use.*--port"):
            Preview(project, port=port)
        assert main(["--root", str(project.root), "serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--port" in err[0] and "Traceback" not in err[0]


def test_serve_command_serves_and_stops_cleanly_on_ctrl_c(project):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--root", str(project.root), "serve",
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()  # bounded: the process prints it after building
        match = re.match(r"serving (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)", line)
        assert match, line
        connection = http.client.HTTPConnection("127.0.0.1", int(match.group(2)), timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=10)
        errors = process.stderr.read()
        assert status == 0, errors
        assert "Traceback" not in errors and errors.rstrip().endswith("stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


# ---- rebuilds -----------------------------------------------------------------------------

def test_requests_during_a_rebuild_wait_for_it(server):
    live = server.live
    answers: list[int] = []
    before = generation(server)
    with live.rebuilding():
        asker = threading.Thread(target=lambda: answers.append(live.snapshot().generation))
        asker.start()
        time.sleep(0.3)
        assert answers == []  # still waiting: the rebuild is not finished
        live.publish(Build({"index.html": b"new"}, (), (), 0.0))
    asker.join(TIMEOUT)
    assert answers == [before + 1]


def test_a_content_edit_sends_a_reload_and_the_new_text_is_served_after_it(watched):
    stream = EventStream(watched, generation(watched))
    try:
        started = time.monotonic()
        edit(watched.project.root / ARTICLE_FILE, SENTENCE, "Sora is gone, the editors say")
        reloaded = stream.next_reload()
        elapsed = time.monotonic() - started
    finally:
        stream.close()
    assert elapsed < 3, f"reload took {elapsed:.2f}s"
    status, _, body = request(watched, "/" + ARTICLE)
    assert status == 200 and b"Sora is gone, the editors say" in body
    assert f"since={reloaded}".encode() in body  # the reloaded page waits for the next one
    assert b"briefing-errors" not in body


def test_a_page_loaded_before_a_change_it_missed_reloads_at_once(server):
    old = generation(server)
    server.live.publish(Build({"index.html": b"changed"}, (), (), 0.0))
    stream = EventStream(server, old)
    try:
        assert stream.next_reload() == old + 1
    finally:
        stream.close()


def test_a_page_from_an_earlier_run_of_the_server_reloads_at_once(server):
    stream = EventStream(server, generation(server) + 5)
    try:
        assert stream.next_reload() == generation(server)
    finally:
        stream.close()


def test_a_page_reloads_only_for_a_change_to_its_own_file(server):
    old = server.live.snapshot()
    front = EventStream(server, old.generation, page="index.html")
    article = EventStream(server, old.generation, page=ARTICLE)
    try:
        server.live.publish(Build({**old.files, ARTICLE: b"<p>edited</p>"}, (), (), 0.0))
        assert article.next_reload() == old.generation + 1
        server.live.publish(Build({**old.files, ARTICLE: b"<p>edited</p>",
                                   "index.html": b"<p>new front</p>"}, (), (), 0.0))
        # The front page sat out the article's change, and reloads for its own.
        assert front.next_reload() == old.generation + 2
    finally:
        front.close()
        article.close()


def test_a_page_reloads_for_any_change_once_problems_change(server):
    old = server.live.snapshot()
    front = EventStream(server, old.generation, page="index.html")
    try:
        problem = BriefingError("something broke", "content/x.md").diagnostic
        server.live.publish(Build(None, (problem,), (), 0.0))  # the overlay shows everywhere
        assert front.next_reload() == old.generation + 1
    finally:
        front.close()


def test_an_edited_articles_page_is_shown_ahead_as_its_rebuild_makes_it(project):
    rebuilder = Rebuilder(project)
    assert rebuilder.update(EVERYTHING) is not None
    edit(project.root / ARTICLE_FILE, SENTENCE, "Sora is gone, the editors say")
    changes = sort_changes(project, [project.root / ARTICLE_FILE])
    early = rebuilder.edited_page(changes)
    assert early is not None and early.path == ARTICLE
    assert b"Sora is gone, the editors say" in early.data
    rebuilt = rebuilder.update(changes)
    assert rebuilt is not None and rebuilt.files is not None
    assert rebuilt.files[ARTICLE] == early.data


@pytest.mark.parametrize("change", ["date", "new file", "two files", "broken"])
def test_no_page_is_shown_ahead_when_an_edit_can_move_the_article_or_fails(project, change):
    rebuilder = Rebuilder(project)
    assert rebuilder.update(EVERYTHING) is not None
    article = project.root / ARTICLE_FILE
    text = article.read_text(encoding="utf-8")
    paths = [article]
    if change == "date":
        assert "\ndate:" not in text  # undated: a date moves it among the dated
        article.write_text(text.replace("\nslug: ", "\ndate: 2020-01-02\nslug: ", 1),
                           encoding="utf-8")
    elif change == "new file":
        paths = [project.content / "a-new-one.md"]
        paths[0].write_text(text.replace("slug: ", "slug: a-new-"), encoding="utf-8")
    elif change == "two files":
        paths.append(sorted(project.content.glob("*.md"))[0])
        edit(article, SENTENCE, "Sora is gone")
    else:
        article.write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    assert rebuilder.edited_page(sort_changes(project, paths)) is None


def test_a_broken_template_shows_the_overlay_and_the_last_good_page(watched):
    template = watched.project.templates / "article.html"
    good = template.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    broken_line = 9
    template.write_text("".join([*lines[:broken_line - 1], "{{ article.title | }}\n",
                                 *lines[broken_line - 1:]]), encoding="utf-8")
    stream = EventStream(watched, generation(watched))
    try:
        stream.next_reload()
        for path in ("/" + ARTICLE, "/", "/missing"):
            _, _, body = request(watched, path)
            assert b'id="briefing-errors"' in body, path
            assert f"templates/article.html:{broken_line}: error:".encode() in body, path
        _, _, body = request(watched, "/" + ARTICLE)
        assert SENTENCE.encode() in body  # the last good page
        template.write_text(good, encoding="utf-8")
        stream.next_reload()
    finally:
        stream.close()
    _, _, body = request(watched, "/" + ARTICLE)
    assert b"briefing-errors" not in body and SENTENCE.encode() in body


def test_a_broken_content_file_keeps_its_last_good_version_and_is_reported(watched):
    path = watched.project.root / ARTICLE_FILE
    edit(path, "themes:\n", "themes: [\n")
    stream = EventStream(watched, generation(watched))
    try:
        stream.next_reload()
    finally:
        stream.close()
    status, _, body = request(watched, "/" + ARTICLE)
    assert status == 200 and SENTENCE.encode() in body
    assert re.search(rb"content/openai-just-killed-sora\.md:\d+: error: ", body)


# ---- what a change rebuilds (no server needed) --------------------------------------------

@pytest.fixture
def counted_normalizations(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = normalizer.normalize_text

    def counting(text, tz):
        calls.append(text[:40])
        return real(text, tz)

    monkeypatch.setattr(normalizer, "normalize_text", counting)  # the build imports it late
    return calls


def test_a_content_edit_normalizes_no_seed_and_a_seed_edit_only_its_own(
        project, counted_normalizations):
    rebuilder = Rebuilder(project)
    first = rebuilder.update(Changes(settings=True))
    assert first and not first.errors and len(counted_normalizations) == 5
    counted_normalizations.clear()
    edit(project.root / ARTICLE_FILE, SENTENCE, "Edited by hand")
    build = rebuilder.update(sort_changes(project, [project.root / ARTICLE_FILE]))
    assert build and b"Edited by hand" in build.files[ARTICLE]
    assert counted_normalizations == []
    seed = project.seeds / "000_444192bbf4941383.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build = rebuilder.update(sort_changes(project, [seed]))
    assert build and len(counted_normalizations) == 1
    assert b"Edited by hand" in build.files[ARTICLE]  # hand edits survive a seed edit


def test_a_seed_edit_behind_a_hand_edit_is_a_warning_and_the_edit_stays(project):
    rebuilder = Rebuilder(project)
    rebuilder.update(Changes(settings=True))
    edit(project.root / ARTICLE_FILE, SENTENCE, "Edited by hand")
    seed = project.seeds / "002_7c52015d21591a0e.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    build = rebuilder.update(sort_changes(project, [project.root / ARTICLE_FILE, seed]))
    assert build and not build.errors
    assert any("changed since" in d.message for d in build.warnings)
    assert b"Edited by hand" in build.files[ARTICLE]


def test_changed_paths_are_sorted_into_the_inputs_they_belong_to(project):
    root = project.root
    seed = project.seeds / "000_444192bbf4941383.txt"
    assert sort_changes(project, [seed]) == Changes(seeds=frozenset({seed.resolve()}))
    article = (root / ARTICLE_FILE).resolve()
    assert sort_changes(project, [root / ARTICLE_FILE]) == Changes(
        content=True, articles=frozenset({article}))
    assert sort_changes(project, [project.templates / "assets/style.css"]) == Changes(
        templates=True)
    for settings in ("briefing.yaml", "themes.yaml", "seeds/sources.yaml"):
        assert sort_changes(project, [root / settings]) == Changes(settings=True), settings
    ignored = [root / "README.md", root / "site/index.html", project.seeds / ".x.txt.swp",
               project.seeds / "notes.md", project.content / ".x.md.tmp-12",
               project.templates / ".hidden/x.html"]
    assert not sort_changes(project, ignored).any


def test_a_change_to_nothing_the_site_uses_rebuilds_nothing(project):
    rebuilder = Rebuilder(project)
    rebuilder.update(Changes(settings=True))
    assert rebuilder.update(sort_changes(project, [project.root / "README.txt"])) is None
    assert rebuilder.update(Changes(content=True)) is None  # bytes unchanged


def test_broken_settings_keep_the_last_good_site_until_fixed(project):
    rebuilder, live = Rebuilder(project), LiveSite()
    live.publish(rebuilder.update(Changes(settings=True)))
    good = live.snapshot().files
    settings = project.root / "briefing.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + "titel: typo\n", encoding="utf-8")
    assert live.publish(rebuilder.update(sort_changes(project, [settings])))
    assert live.snapshot().files is good
    errors = [str(d) for d in live.snapshot().errors]
    assert len(errors) == 1 and errors[0].startswith("briefing.yaml: error: unknown key 'titel'")
    settings.write_text(text, encoding="utf-8")
    assert live.publish(rebuilder.update(Changes(content=True)))  # retried on any change
    assert live.snapshot().errors == ()


def test_an_unreadable_content_file_is_reported_and_the_rest_still_builds(project):
    rebuilder = Rebuilder(project)
    rebuilder.update(Changes(settings=True))
    broken = project.content / "broken.md"
    broken.write_bytes(b"---\ntitle: \xff\xfe not UTF-8\n---\n")
    build = rebuilder.update(sort_changes(project, [broken]))
    assert build and build.files and ARTICLE in build.files
    assert [str(d) for d in build.errors] == ["content/broken.md: error: not UTF-8 text"]
    broken.unlink()
    build = rebuilder.update(sort_changes(project, [broken]))
    assert build and build.errors == ()


def test_a_folder_named_like_an_article_is_ignored_as_in_a_build(project):
    rebuilder = Rebuilder(project)
    rebuilder.update(Changes(settings=True))
    (project.content / "folder.md").mkdir()
    # Nothing the site is made of changed, so there is nothing to rebuild or report.
    assert rebuilder.update(sort_changes(project, [project.content / "folder.md"])) is None


def _fresh_files(project: Project) -> dict[str, bytes]:
    build = Rebuilder(project).update(EVERYTHING)
    assert build is not None and build.files is not None
    return dict(build.files)


@pytest.mark.parametrize("change", ["content", "themes", "template"])
def test_what_a_rebuild_keeps_between_edits_never_shows_in_its_files(project, change):
    """Kept templates, scores and digest memos: an edited preview equals a fresh one."""
    rebuilder = Rebuilder(project)
    rebuilder.update(EVERYTHING)
    if change == "content":
        edit(project.root / ARTICLE_FILE, SENTENCE, "Edited by hand")
        changes = Changes(content=True)
    elif change == "themes":
        edit(project.themes_file, "threshold: 8", "threshold: 3")
        changes = Changes(settings=True)
    else:
        edit(project.templates / "base.html", '<main id="main"', '<main id="main" class="x"')
        changes = Changes(templates=True)
    build = rebuilder.update(changes, defer_search=True)
    assert build is not None and build.files is not None
    fresh = _fresh_files(project)
    assert rebuilder.search_pending
    # The pages are up to date at once; the search index follows with refresh_search.
    pages = {p: d for p, d in build.files.items() if not p.startswith("pagefind/")}
    assert pages == {p: d for p, d in fresh.items() if not p.startswith("pagefind/")}
    refreshed = rebuilder.refresh_search()
    assert refreshed is not None and not rebuilder.search_pending
    assert pages | refreshed == fresh


def test_the_search_index_is_refreshed_without_reloading_open_pages(watched):
    before = watched.live.snapshot()
    stream = EventStream(watched, before.generation)
    edit(watched.project.root / ARTICLE_FILE, SENTENCE, "Zyxwvut appears")
    try:
        assert stream.next_reload() == before.generation + 1
    finally:
        stream.close()
    def index(snapshot: Snapshot) -> dict[str, bytes]:
        return {p: d for p, d in snapshot.files.items() if p.startswith("pagefind/")}

    deadline = time.monotonic() + TIMEOUT
    while index(watched.live.snapshot()) == index(before) and time.monotonic() < deadline:
        time.sleep(0.02)
    after = watched.live.snapshot()
    assert index(after) and index(after) != index(before)  # the new text is indexed
    # Two generations, both for pages: the edited article's own page shown ahead, then
    # the others; the new index came with neither.
    assert after.generation == before.generation + 2


def test_a_content_edit_renders_only_the_pages_it_changes(project, monkeypatch):
    """An edit re-renders that article's page, the pages of the articles beside it (their
    pagers show it) and the month pages listing it, as a build does; nothing else. The
    preview equals a fresh one."""
    rebuilder = Rebuilder(project)
    rebuilder.update(EVERYTHING)
    rendered: list[str] = []
    real = watch.page_of

    def counting(env, site, item):
        page = real(env, site, item)
        rendered.append(page.path)
        return page

    monkeypatch.setattr(watch, "page_of", counting)
    for old, new in ((SENTENCE, "Edited by hand"), ("title: OpenAI", "title: Retitled OpenAI")):
        rendered.clear()
        edit(project.root / ARTICLE_FILE, old, new)
        build = rebuilder.update(Changes(content=True))
        assert build is not None and ARTICLE in rendered
        articles = [p for p in rendered if p.startswith("articles/")]
        assert len(articles) == len(set(articles)) < 5  # not every article of the five
        assert all(p.startswith(("articles/", "archive/")) or "/archive/" in p
                   for p in rendered), rendered
        assert len(rendered) < len(rebuilder._pages)  # 7 of 15 on the five seeds
        assert build.files == _fresh_files(project)


def test_content_files_whose_identity_vouches_for_them_are_not_read_again(project, monkeypatch):
    """Once settled (changed well before it was read), an unchanged file is known by its
    size, times and inode alone; a file edited since, or too recently, is read again."""
    rebuilder = Rebuilder(project)
    rebuilder.update(EVERYTHING)
    opened: list[str] = []
    real_open = open

    def counting_open(file, *args, **kwargs):
        if str(file).endswith(".md"):
            opened.append(Path(file).name)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    rebuilder.update(Changes(content=True))
    assert len(opened) == len(list(project.content.glob("*.md")))  # all just written: racy
    monkeypatch.setattr(watch, "SETTLED_NS", 0)  # every file counts as settled
    rebuilder.update(Changes(content=True))
    opened.clear()
    edit(project.root / ARTICLE_FILE, SENTENCE, "Edited by hand")
    build = rebuilder.update(Changes(content=True))
    assert opened == [Path(ARTICLE_FILE).name]
    assert build is not None and b"Edited by hand" in build.files[ARTICLE]
    assert build.files == _fresh_files(project)


def test_feeds_are_made_again_only_when_what_they_show_changed_in_the_preview(project,
                                                                              monkeypatch):
    rebuilder = Rebuilder(project)
    rebuilder.update(EVERYTHING)
    made: list[str] = []
    real = feeds._render
    monkeypatch.setattr(feeds, "_render", lambda fmt, channel: made.append(fmt.filename)
                        or real(fmt, channel))
    edit(project.templates / "base.html", '<main id="main"', '<main id="main" class="x"')
    build = rebuilder.update(Changes(templates=True))
    assert build is not None and made == []  # feeds use no template
    edit(project.root / ARTICLE_FILE, SENTENCE, "Edited by hand")
    build = rebuilder.update(Changes(content=True))
    assert made and build is not None and build.files == _fresh_files(project)
