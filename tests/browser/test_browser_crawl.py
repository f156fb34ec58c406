"""A sub-path deploy, crawled in the browser from the front page: no link or asset 404s,
and no request ever leaves the site's own host."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

LINKS = """() => [
  ...[...document.querySelectorAll("a[href]")].map(a => ["page", a.href]),
  ...[...document.querySelectorAll("link[href]")].filter(l => l.rel !== "canonical")
       .map(l => ["file", l.href]),
  ...[...document.querySelectorAll("script[src], img[src]")].map(e => ["file", e.src]),
]"""


def test_every_link_from_the_front_page_resolves(page, site_url):
    origin = urlsplit(site_url).netloc
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url)
            if urlsplit(r.url).netloc != origin else None)
    queue, seen, broken, files = [site_url], {site_url}, [], set()
    while queue:
        url = queue.pop(0)
        response = page.goto(url, wait_until="load")
        if response is None or response.status >= 400:
            broken.append(f"{url}: {response.status if response else 'no response'}")
            continue
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        for kind, link in page.evaluate(LINKS):
            link = urldefrag(link).url
            if urlsplit(link).netloc != origin:
                continue
            assert link.startswith(site_url), f"{url} links outside the sub-path: {link}"
            if kind == "file":
                files.add(link)
            elif link not in seen:
                seen.add(link)
                queue.append(link)
    for link in sorted(files):
        status = page.request.get(link).status
        if status >= 400:
            broken.append(f"{link}: {status}")
    assert broken == []
    assert foreign == []
    pages = {urlsplit(u).path for u in seen}
    assert {"/briefing/", "/briefing/archive/", "/briefing/search/",
            "/briefing/themes/spud/"} <= pages
    assert sum(p.startswith("/briefing/articles/") for p in pages) == 5
    assert "/briefing/feed.xml" in pages


def test_missing_pages_get_the_404_page_with_working_links(page, site_url):
    response = page.goto(site_url + "deep/missing/path/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_role("link", name="Browse every article by date").click()
    page.wait_for_load_state()
    assert page.url == site_url + "archive/"
    assert page.locator("h1").inner_text() == "Archive"
