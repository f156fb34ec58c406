"""The reader-facing pages of the seeds' site: navigation, archive, 404, head metadata,
sub-path links, search bundle and page weight."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest

from briefing import pipeline
from briefing.render import LISTED, OutputFile, by_month, render_pages, trail
from briefing.sitemap import render_sitemap
from tests.conftest import ROOT, make_project

BASE_URL = "https://example.org/briefing/"
MAX_PAGE_BYTES = 60 * 1024


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> pipeline.Project:
    built = make_project(tmp_path_factory.mktemp("pages"), with_content=True)
    report = pipeline.build(built, base_url=BASE_URL)
    assert not report.failed, report.diagnostics
    return built


@pytest.fixture(scope="module")
def site(project):
    config, themes = pipeline.load_settings(project, BASE_URL)
    articles = pipeline.load_articles(project, themes, pipeline.Collector())
    return pipeline.assemble(config, themes, articles)


class Page(HTMLParser):
    """What the tests look at in one page: head tags, links, landmarks, headings."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self.refs: list[str] = []
        self.tags: list[str] = []
        self.headings: list[int] = []
        self.title = ""
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attr = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "meta" and ("name" in attr or "property" in attr):
            self.meta[attr.get("name") or attr["property"]] = attr.get("content", "")
        if tag == "link":
            self.links.append((attr.get("rel", ""), attr["href"]))
        if tag in ("a", "link", "script", "img", "form"):
            ref = attr.get("href") or attr.get("src") or attr.get("action")
            if ref and attr.get("rel") != "canonical":
                self.refs.append(ref)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def html_pages(out: Path) -> dict[str, Page]:
    return {p.relative_to(out).as_posix(): Page(p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*.html")) if not p.is_relative_to(out / "pagefind")}


def test_every_page_has_its_own_title_description_and_social_cards(project):
    pages = html_pages(project.out)
    # front, archive, 404, search, themes, articles, months of the archive and of each theme
    assert len(pages) == 1 + 1 + 1 + 1 + 4 + 5 + 2 * 5
    titles = [p.title for p in pages.values()]
    descriptions = [p.meta["description"] for p in pages.values()]
    assert len(set(titles)) == len(titles)
    assert all(d.strip() for d in descriptions)
    for path, page in pages.items():
        assert page.meta["og:title"] == page.title
        assert page.meta["og:description"] == page.meta["description"]
        assert page.meta["twitter:card"] == "summary"
        if path == "404.html":
            assert page.meta["robots"] == "noindex"
            assert "og:url" not in page.meta
            continue
        canonical = dict(page.links)["canonical"]
        assert canonical == BASE_URL + path.removesuffix("index.html")
        assert page.meta["og:url"] == canonical


def test_pages_have_landmarks_one_h1_and_no_skipped_heading_level(project):
    for path, page in html_pages(project.out).items():
        assert {"header", "nav", "main", "footer"} <= set(page.tags), path
        assert page.headings.count(1) == 1, path
        steps = zip(page.headings, page.headings[1:], strict=False)
        assert all(after <= before + 1 for before, after in steps), (path, page.headings)


def test_links_are_relative_and_resolve_to_built_files_under_the_sub_path(project):
    out = project.out
    for path, page in html_pages(out).items():
        here = BASE_URL + path
        for ref in page.refs:
            if path != "404.html":
                assert not ref.startswith("/"), (path, ref)
            target = urljoin(here, ref)
            if not target.startswith(BASE_URL):
                assert urlsplit(target).netloc != "example.org", (path, ref)
                continue
            local = urlsplit(target).path.removeprefix(urlsplit(BASE_URL).path)
            file = out / local / "index.html" if local.endswith("/") or not local else out / local
            assert file.is_file(), (path, ref)


def test_no_page_loads_anything_from_another_host(project):
    for path, page in html_pages(project.out).items():
        loaded = [ref for rel, ref in page.links if rel not in ("canonical", "alternate")]
        assert all(not urlsplit(ref).netloc for ref in loaded), path
    css = (project.out / "assets" / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_the_404_page_links_from_the_site_root_so_it_works_at_any_depth(project):
    html = (project.out / "404.html").read_text(encoding="utf-8")
    assert 'href="/briefing/archive/"' in html
    assert 'href="/briefing/assets/style.css"' in html


def test_archive_lists_every_article_by_month_newest_first_undated_last(project, site):
    months = by_month(site.articles)
    assert [(m.label, m.slug) for m in months] == [("March 2026", "2026-03"),
                                                    ("Undated", "undated")]
    assert sum(len(m.articles) for m in months) == len(site.articles) == 5
    html = (project.out / "archive" / "index.html").read_text(encoding="utf-8")
    positions = [html.index(f'articles/{a.slug}/"') for a in site.articles]
    assert positions == sorted(positions)
    for month in months:
        assert f'href="../archive/{month.slug}/">{month.label}</a>' in html
        page = (project.out / "archive" / month.slug / "index.html").read_text("utf-8")
        listed = re.findall(r'href="\.\./\.\./articles/([^/]+)/"', page)
        assert listed == [a.slug for a in month.articles]


def test_archive_and_theme_pages_list_the_newest_and_month_pages_list_all(site):
    base = site.articles[0]
    copies = [replace(base, slug=f"copy-{n:03d}", title=f"Copy {n}", themes=("compute",),
                      date=date(2026, 3, 31) - timedelta(days=n)) for n in range(LISTED + 30)]
    big = pipeline.assemble(site.config, site.themes, copies)
    out = {o.path: o.data.decode() for o in render_pages(big, ROOT / "templates")}
    on_page = {path: re.findall(r'articles/(copy-\d+)/"', html) for path, html in out.items()}
    newest = [a.slug for a in big.articles[:LISTED]]
    assert on_page["archive/index.html"] == newest
    listing = out["themes/compute/index.html"].split('id="articles"')[1]  # after the digest
    assert re.findall(r'articles/(copy-\d+)/"', listing) == newest
    for folder, index in (("archive", "archive/index.html"),
                          ("themes/compute/archive", "themes/compute/index.html")):
        months = sorted((p for p in out if p.startswith(f"{folder}/2026-")), reverse=True)
        assert months == [f"{folder}/2026-{m}/index.html" for m in ("03", "02", "01")]
        listed = [slug for path in months for slug in on_page[path]]
        assert listed == [a.slug for a in big.articles]  # every article, once, in order
        for path in months:
            assert f'{path.removesuffix("index.html")}">' in out[index]
    february = out["archive/2026-02/index.html"]
    assert 'href="../../archive/2026-03/" rel="prev"' in february
    assert 'href="../../archive/2026-01/" rel="next"' in february


def test_article_pages_have_breadcrumbs_and_neighbours_in_their_best_theme(project, site):
    for article in site.articles:
        where = trail(site, article)
        best = max((site.score(article, t).score for t in article.themes), default=None)
        assert where.theme is not None and site.score(article, where.theme.slug).score == best
        members = site.articles_in(where.theme.slug)
        at = members.index(article)
        assert where.newer == (members[at - 1] if at else None)
        assert where.older == (members[at + 1] if at + 1 < len(members) else None)
        html = (project.out / "articles" / article.slug / "index.html").read_text("utf-8")
        start = html.index('aria-label="Breadcrumb"')
        crumbs = html[start:html.index("</nav>", start)]
        assert f'href="../../themes/{where.theme.slug}/"' in crumbs
        if where.older:
            assert f'href="../../articles/{where.older.slug}/" rel="next"' in html


def test_search_bundle_indexes_the_articles_only(project):
    bundle = project.out / "pagefind"
    assert (bundle / "pagefind-ui.js").is_file() and (bundle / "pagefind.js").is_file()
    assert len(list((bundle / "fragment").iterdir())) == 5
    assert 'action="../search/"' in (project.out / "archive/index.html").read_text("utf-8")


def test_without_search_there_is_no_search_page_form_or_bundle(site):
    plain = pipeline.assemble(replace(site.config, search=False), site.themes,
                              list(site.articles))
    paths = {o.path: o.data for o in render_pages(plain, ROOT / "templates")}
    assert "search/index.html" not in paths
    assert not any(p.startswith("pagefind/") for p in paths)
    assert b'role="search"' not in paths["index.html"]


def test_no_page_weighs_over_60_kb_of_html_and_css(project):
    css = sum(p.stat().st_size for p in (project.out / "assets").glob("*.css"))
    for path in html_pages(project.out):
        size = (project.out / path).stat().st_size + css
        assert size <= MAX_PAGE_BYTES, (path, size)


def test_the_sitemap_lists_every_page_but_the_404(project):
    sitemap = (project.out / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    expected = {BASE_URL + path.removesuffix("index.html")
                for path in html_pages(project.out) if path != "404.html"}
    assert listed == expected


def test_the_sitemap_is_well_formed_xml_with_escaped_urls():
    outputs = [OutputFile(p, b"") for p in ("index.html", "a b/index.html", "é.html", "404.html")]
    xml = render_sitemap("https://example.org/a&b/", outputs).data
    root = ElementTree.fromstring(xml)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert [loc.text for loc in root.iter(f"{namespace}loc")] == [
        "https://example.org/a&b/", "https://example.org/a&b/%C3%A9.html",
        "https://example.org/a&b/a%20b/"]
    assert b"a&amp;b" in xml
    assert ElementTree.fromstring(render_sitemap(BASE_URL, []).data).tag == f"{namespace}urlset"
