"""The feeds as readers and validators see them: RSS 2.0, Atom 1.0 and JSON Feed 1.1.

XML is read with strict parsers (xml.etree, lxml) for what was really written, and with
feedparser for what a reader makes of it; JSON Feed is checked against the 1.1 schema.
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urljoin

import feedparser
import jsonschema
import pytest
from lxml import etree

from briefing import pipeline
from briefing.config import SiteConfig, load_themes
from briefing.content import Article, as_datetime, parse_article
from briefing.errors import BriefingError
from briefing.feedlinks import FORMATS
from briefing.feeds import absolute_links, render_feeds
from briefing.pipeline import assemble
from briefing.render import render_pages
from tests.conftest import FIXTURES, ROOT, make_project

THEMES = load_themes(ROOT / "themes.yaml")
THEME_SLUGS = [t.slug for t in THEMES]
A = "{http://www.w3.org/2005/Atom}"
ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                    r"Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
SCHEMA = json.loads((FIXTURES / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
BASE = Article(title="Base", slug="base", id="urn:uuid:base", body="Body with [a link](../x/).\n",
               themes=("compute",), summary="Sum.")
EST = timezone(timedelta(hours=-5))


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    """Feed dates come from content unless a test sets SOURCE_DATE_EPOCH itself."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def article(slug: str, **fields) -> Article:
    return replace(BASE, slug=slug, id=f"urn:uuid:{slug}", **fields)


def feeds_of(*articles: Article, **config) -> dict[str, bytes]:
    site = assemble(SiteConfig(**config), THEMES, list(articles))
    return {f.path: f.data for f in render_feeds(site)}


class Seen(NamedTuple):
    """One item as a format carries it, read back without any reader's cleaning."""

    id: str
    url: str
    title: str
    summary: str | None
    content: str


def seen(files: dict[str, bytes], folder: str = "") -> dict[str, list[Seen]]:
    rss = ET.fromstring(files[f"{folder}feed.xml"])
    atom = ET.fromstring(files[f"{folder}atom.xml"])
    items = json.loads(files[f"{folder}feed.json"])["items"]
    return {
        "rss": [Seen(i.findtext("guid"), i.findtext("link"), i.findtext("title"),
                     i.findtext("description"), i.findtext(ENCODED)) for i in rss.iter("item")],
        "atom": [Seen(e.findtext(f"{A}id"), e.find(f"{A}link").get("href"),
                      e.findtext(f"{A}title"), e.findtext(f"{A}summary"),
                      e.findtext(f"{A}content")) for e in atom.iter(f"{A}entry")],
        "json": [Seen(i["id"], i["url"], i["title"], i.get("summary"), i["content_html"])
                 for i in items],
    }


def atom_entries(files: dict[str, bytes], folder: str = "") -> list[ET.Element]:
    return list(ET.fromstring(files[f"{folder}atom.xml"]).iter(f"{A}entry"))


def json_items(files: dict[str, bytes], folder: str = "") -> list[dict]:
    return json.loads(files[f"{folder}feed.json"])["items"]


# --- what is written, and in which order ----------------------------------------------

def test_three_formats_for_the_site_and_for_each_theme():
    paths = set(feeds_of(BASE))
    folders = ["", *(f"themes/{slug}/" for slug in THEME_SLUGS)]
    assert paths == {folder + f.filename for folder in folders for f in FORMATS}


def test_items_are_newest_first_and_undated_ones_last_by_slug_in_every_format():
    older = article("older", date=date(2026, 3, 1))
    newer = article("newer", date=datetime(2026, 3, 2, 9, tzinfo=UTC))
    undated_b, undated_a = article("undated-b"), article("undated-a")
    files = feeds_of(undated_b, older, undated_a, newer)
    want = ["urn:uuid:newer", "urn:uuid:older", "urn:uuid:undated-a", "urn:uuid:undated-b"]
    for folder in ("", "themes/compute/"):
        for name, items in seen(files, folder).items():
            assert [i.id for i in items] == want, (folder, name)


def test_feed_size_limits_every_feed():
    many = [article(f"a{i}", date=date(2026, 1, i + 1)) for i in range(5)]
    files = feeds_of(*many, feed_size=3)
    for folder in ("", "themes/compute/"):
        for name, items in seen(files, folder).items():
            assert [i.id for i in items] == ["urn:uuid:a4", "urn:uuid:a3", "urn:uuid:a2"], name


# --- identity and dates ---------------------------------------------------------------

def test_identity_survives_a_retitle_a_rename_and_a_new_base_url():
    before = seen(feeds_of(BASE, base_url="https://old.example/"))
    moved = replace(BASE, title="A New Title", slug="renamed")
    after = seen(feeds_of(moved, base_url="https://new.example/site/"))
    for name in ("rss", "atom", "json"):
        assert [i.id for i in before[name]] == [i.id for i in after[name]] == ["urn:uuid:base"]
        assert before[name][0].url == "https://old.example/articles/base/"
        assert after[name][0].url == "https://new.example/site/articles/renamed/"
    guid = ET.fromstring(feeds_of(BASE)["feed.xml"]).find("channel/item/guid")
    assert guid.get("isPermaLink") == "false"


def test_an_edit_with_updated_changes_the_updated_date_not_the_identity():
    published = datetime(2026, 3, 24, 19, tzinfo=UTC)
    original = article("x", date=published)
    edited = replace(original, body="Corrected text.\n",
                     updated=datetime(2026, 3, 26, 8, 30, tzinfo=UTC))
    before, after = feeds_of(original), feeds_of(edited)
    old, new = atom_entries(before)[0], atom_entries(after)[0]
    assert old.findtext(f"{A}id") == new.findtext(f"{A}id") == "urn:uuid:x"
    assert old.findtext(f"{A}updated") == "2026-03-24T19:00:00+00:00"  # never edited: = published
    assert new.findtext(f"{A}updated") == "2026-03-26T08:30:00+00:00"
    assert new.findtext(f"{A}published") == "2026-03-24T19:00:00+00:00"
    assert "Corrected text." in new.findtext(f"{A}content")
    assert json_items(after)[0]["date_modified"] == "2026-03-26T08:30:00+00:00"
    assert json_items(after)[0]["date_published"] == "2026-03-24T19:00:00+00:00"
    # The newest change is the feed's own date too.
    assert ET.fromstring(after["atom.xml"]).findtext(f"{A}updated") == "2026-03-26T08:30:00+00:00"
    assert b"<lastBuildDate>Thu, 26 Mar 2026 08:30:00 +0000</lastBuildDate>" in after["feed.xml"]


def test_feed_dates_come_from_each_feeds_newest_item():
    compute = article("c", date=datetime(2026, 3, 24, 19, tzinfo=UTC))
    spud = article("s", date=date(2026, 3, 25), themes=("spud",))
    files = feeds_of(compute, spud)

    def atom_updated(folder: str) -> str:
        return ET.fromstring(files[f"{folder}atom.xml"]).findtext(f"{A}updated")

    assert atom_updated("") == "2026-03-25T00:00:00-04:00"  # a bare day: midnight, New York
    assert atom_updated("themes/spud/") == "2026-03-25T00:00:00-04:00"
    assert atom_updated("themes/compute/") == "2026-03-24T19:00:00+00:00"
    rss = ET.fromstring(files["themes/compute/feed.xml"])
    assert rss.findtext("channel/lastBuildDate") == "Tue, 24 Mar 2026 19:00:00 +0000"


def test_source_date_epoch_sets_every_feeds_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = feeds_of(article("c", date=datetime(2026, 3, 24, 19, tzinfo=UTC)))
    for folder in ("", "themes/compute/", "themes/spud/"):
        assert (ET.fromstring(files[f"{folder}atom.xml"]).findtext(f"{A}updated")
                == "2023-11-14T22:13:20+00:00")
        assert (ET.fromstring(files[f"{folder}feed.xml"]).findtext("channel/lastBuildDate")
                == "Tue, 14 Nov 2023 22:13:20 +0000")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BriefingError, match="SOURCE_DATE_EPOCH"):
        feeds_of(BASE)


def test_undated_items_get_the_sites_content_date_in_atom_and_no_date_elsewhere():
    dated = article("dated", date=datetime(2026, 3, 24, 19, tzinfo=UTC), themes=("spud",))
    files = feeds_of(dated, article("undated"))
    # The compute feed holds only the undated item; its stand-in date is the site's.
    entry = atom_entries(files, "themes/compute/")[0]
    assert entry.findtext(f"{A}updated") == "2026-03-24T19:00:00+00:00"
    assert entry.find(f"{A}published") is None
    assert ET.fromstring(files["themes/compute/feed.xml"]).find("channel/item/pubDate") is None
    assert not {"date_published", "date_modified"} & set(json_items(files, "themes/compute/")[0])
    alone = atom_entries(feeds_of(article("undated")))[0]
    assert alone.findtext(f"{A}updated") == "1970-01-01T00:00:00+00:00"


@pytest.mark.parametrize("updates", [(), (0,), (2,), (1, 3), (0, 1, 2, 3)])
def test_the_sites_content_date_is_its_latest_date_or_update(updates):
    """Whichever articles carry an update (later or earlier than any date), the content
    date is the latest of all dates and updates of dated articles."""
    articles = [article("a", date=datetime(2026, 3, 2, 9, tzinfo=EST)),
                article("b", date=date(2026, 3, 3)),
                article("c", date=datetime(2026, 1, 5, tzinfo=UTC)),
                article("undated", updated=datetime(2027, 1, 1, tzinfo=UTC))]
    changes = [datetime(2026, 5, 1, tzinfo=UTC), date(2026, 2, 1),
               datetime(2026, 3, 3, 4, tzinfo=EST), None]
    for at in updates:
        if articles[at].date:
            articles[at] = replace(articles[at], updated=changes[at])
    site = assemble(SiteConfig(timezone="America/New_York"), THEMES, articles)
    expected = max(as_datetime(a.updated or a.date, site.config.tz)
                   for a in articles if a.date)
    assert site.newest() == expected


def test_rss_dates_keep_their_zone_and_a_bare_day_is_midnight_in_the_site_zone():
    files = feeds_of(article("a", date=date(2026, 3, 1)),
                     article("b", date=datetime(2026, 3, 2, 9, tzinfo=EST)))
    parsed = feedparser.parse(files["feed.xml"])
    assert [e.published for e in parsed.entries] == [
        "Mon, 02 Mar 2026 09:00:00 -0500", "Sun, 01 Mar 2026 00:00:00 -0500"]


# --- what each item carries -----------------------------------------------------------

FULL = Article(
    title="Full", slug="full", id="urn:uuid:full", date=date(2026, 3, 25),
    author="Kai Nakamura", publisher="The Daily Vibe", themes=("compute", "spud"),
    summary="The short of it.",
    body="See [the source](https://news.example/a), [a sibling](../other/) and "
         "[a note](#p-2).\n\n![A chart](img/chart.png)\n",
)


def test_items_carry_permalink_byline_themes_dates_summary_and_absolute_content():
    files = feeds_of(FULL, base_url="https://example.org/b/")
    url = "https://example.org/b/articles/full/"
    for name, items in seen(files).items():
        item = items[0]
        assert (item.url, item.title, item.summary) == (url, "Full", "The short of it."), name
        for fragment in ('href="https://news.example/a"',
                         'href="https://example.org/b/articles/other/"',
                         f'href="{url}#p-2"', f'src="{url}img/chart.png"'):
            assert fragment in item.content, (name, fragment)
        assert not re.search(r'(href|src)="(?!https://)', item.content), name
    rss_item = ET.fromstring(files["feed.xml"]).find("channel/item")
    assert rss_item.findtext(DC_CREATOR) == "Kai Nakamura, The Daily Vibe"
    assert [c.text for c in rss_item.iter("category")] == ["compute", "spud"]
    assert rss_item.find("category").get("domain") == "https://example.org/b/themes/"
    entry = atom_entries(files)[0]
    assert entry.findtext(f"{A}author/{A}name") == "Kai Nakamura, The Daily Vibe"
    assert [c.get("term") for c in entry.iter(f"{A}category")] == ["compute", "spud"]
    assert entry.find(f"{A}content").get("type") == "html"
    assert entry.findtext(f"{A}published") == "2026-03-25T00:00:00-04:00"
    item = json_items(files)[0]
    assert item["authors"] == [{"name": "Kai Nakamura, The Daily Vibe"}]
    assert item["tags"] == ["compute", "spud"]
    assert item["date_published"] == "2026-03-25T00:00:00-04:00"


def test_a_publisher_alone_is_the_byline_and_no_byline_falls_back_to_the_site():
    files = feeds_of(article("p", publisher="gentic.news"), article("n"))
    entries = {e.findtext(f"{A}id"): e for e in atom_entries(files)}
    assert entries["urn:uuid:p"].findtext(f"{A}author/{A}name") == "gentic.news"
    assert entries["urn:uuid:n"].find(f"{A}author") is None
    feed = ET.fromstring(files["atom.xml"])
    assert feed.findtext(f"{A}author/{A}name") == SiteConfig().title
    assert feedparser.parse(files["atom.xml"]).feed.author == SiteConfig().title


# --- hostile input --------------------------------------------------------------------

def test_control_characters_are_cleaned_not_a_crash_in_every_format():
    noisy = replace(BASE, title="Bell\x07 and\x1b escape", summary="Form\x0cfeed",
                    body="Vertical\x0btab and C1\x85 control.\n", author="A\x00B")
    files = feeds_of(noisy)
    for name, items in seen(files).items():
        assert (items[0].title, items[0].summary) == ("Bell and escape", "Formfeed"), name
        assert "Verticaltab and C1 control." in items[0].content, name
    for path, data in files.items():
        if path.endswith(".xml"):
            etree.fromstring(data)  # lxml is strict: a control character would raise
            assert not feedparser.parse(data).bozo, path


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _dangers(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    bad = [tag for tag, _ in parser.found if tag in ("script", "iframe", "object", "style")]
    for tag, attrs in parser.found:
        bad += [f"{tag} {k}" for k in attrs if k.startswith("on")]
        bad += [f"{tag} {k}={v}" for k, v in attrs.items()
                if k in ("href", "src") and v and not v.startswith("https://")]
    return bad


def test_raw_html_in_article_text_cannot_reach_any_feed():
    hostile = replace(
        BASE, title="<script>alert('t')</script>", summary="<img src=x onerror=alert(1)>",
        body="<script>alert(1)</script>\n\n<div onclick=\"steal()\">x</div> "
             "<img src=x onerror=alert(2)> [j](javascript:alert(3)) "
             "<a href=\"javascript:alert(4)\">k</a>\n")
    files = feeds_of(hostile)
    for name, items in seen(files).items():
        item = items[0]
        assert _dangers(item.content) == [], name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in item.content, name
        # Title and summary are plain text: a reader shows the markup, never runs it.
        assert item.title == "<script>alert('t')</script>", name
    for path, data in files.items():
        if path.endswith(".xml"):
            assert b"<script" not in data and b"<img" not in data, path


def test_absolute_links_keeps_absolute_urls():
    html = '<a href="https://x.org/">x</a><img src="img.png">'
    assert absolute_links(html, "https://s.org/a/b/") == (
        '<a href="https://x.org/">x</a><img src="https://s.org/a/b/img.png">')


# --- pages announce their feeds -------------------------------------------------------

def _alternates(html: str) -> list[tuple[str, str]]:
    parser = _Tags()
    parser.feed(html)
    return [(a["type"], a["href"]) for tag, a in parser.found
            if tag == "link" and a.get("rel") == "alternate"]


def test_pages_link_their_feeds_and_theme_pages_their_own_first():
    site = assemble(SiteConfig(), THEMES, [BASE])
    pages = {p.path: p.data.decode() for p in render_pages(site, ROOT / "templates")}
    site_feeds = [(f.media_type, f.filename) for f in FORMATS]
    assert _alternates(pages["index.html"]) == site_feeds
    assert _alternates(pages["articles/base/index.html"]) == [
        (t, f"../../{name}") for t, name in site_feeds]
    assert _alternates(pages["themes/spud/index.html"]) == [
        *((t, f"../../themes/spud/{name}") for t, name in site_feeds),
        *((t, f"../../{name}") for t, name in site_feeds)]
    feed_paths = {f.path for f in render_feeds(site)}
    for path, html in pages.items():
        if path.endswith(".html"):
            for _, href in _alternates(html):
                # Resolved as a browser would: 404.html links from the site root path.
                url = urljoin(site.config.base_url + path, href)
                assert url.removeprefix(site.config.base_url) in feed_paths, (path, href)


# --- the real seeds: valid, and the same whatever the machine -------------------------

@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("seeds"))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        report = pipeline.build(project)
    assert not report.failed, report.diagnostics
    return project


def _feed_files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.name in {f.filename for f in FORMATS}}


def test_seed_feeds_are_written_for_the_site_and_each_theme(seed_site):
    files = _feed_files(seed_site.out)
    assert len(files) == 3 * (1 + len(THEMES))
    assert len(seen(files)["atom"]) == 5


def _check_rss(data: bytes) -> list[datetime]:
    """Spec-required RSS elements are there; returns every date the feed states."""
    root = etree.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    for item in channel.iter("item"):
        assert item.findtext("title") or item.findtext("description")
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.findtext("link").startswith("https://")
    stamps = [channel.findtext("lastBuildDate"), *(e.text for e in channel.iter("pubDate"))]
    assert all(RFC822.match(s) for s in stamps), stamps
    return [parsedate_to_datetime(s) for s in stamps]


def _check_atom(data: bytes) -> list[datetime]:
    """Spec-required Atom elements are there; returns every date the feed states."""
    feed = etree.fromstring(data)
    assert feed.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{A}{required}"), required
    assert feed.find(f"{A}link[@rel='self']") is not None
    feed_author = feed.find(f"{A}author/{A}name") is not None
    stamps = [feed.findtext(f"{A}updated")]
    for entry in feed.iter(f"{A}entry"):
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{A}{required}"), required
        assert feed_author or entry.find(f"{A}author/{A}name") is not None
        links = entry.findall(f"{A}link")
        assert [x for x in links if x.get("rel", "alternate") == "alternate"]  # no rel: alternate
        assert entry.find(f"{A}content").get("type") == "html"
        stamps += [e.text for e in entry if e.tag in (f"{A}updated", f"{A}published")]
    assert all(RFC3339.match(s) for s in stamps), stamps
    return [datetime.fromisoformat(s) for s in stamps]


def _json_validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_the_json_feed_schema_really_checks_dates_and_required_members():
    validator = _json_validator()
    good = {"version": "https://jsonfeed.org/version/1.1", "title": "t",
            "items": [{"id": "1", "content_html": "<p>x</p>",
                       "date_published": "2026-03-24T19:00:00-04:00"}]}
    assert validator.is_valid(good)
    bad_date = json.loads(json.dumps(good))
    bad_date["items"][0]["date_published"] = "2026-03-24 19:00"
    no_content = {**good, "items": [{"id": "1"}]}
    old_version = {**good, "version": "https://jsonfeed.org/version/1"}
    for bad in (bad_date, no_content, old_version, {**good, "unknown": 1}):
        assert not validator.is_valid(bad), bad


def _content_dates(project) -> set[datetime]:
    config = SiteConfig(timezone="America/New_York")
    articles = [parse_article(p.read_text(encoding="utf-8"), p.name)
                for p in project.content.glob("*.md")]
    return {as_datetime(d, config.tz) for a in articles for d in (a.date, a.updated) if d}


def test_every_seed_feed_is_valid_for_strict_parsers_readers_and_the_specs(seed_site):
    validator = _json_validator()
    stated: list[datetime] = []
    for path, data in _feed_files(seed_site.out).items():
        if path.endswith(".json"):
            document = json.loads(data)
            errors = [e.message for e in validator.iter_errors(document)]
            assert errors == [], (path, errors)
            continue
        ET.fromstring(data)
        stated += (_check_rss if path.endswith("feed.xml") else _check_atom)(data)
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("rss20" if path.endswith("feed.xml") else "atom10"), path
    # Every date a feed states is a date from the content: none comes from the clock.
    assert stated and set(stated) <= _content_dates(seed_site)


def _build_in(tmp, env: dict[str, str]) -> dict[str, bytes]:
    project = make_project(tmp)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(project.root), "build"],
        capture_output=True, text=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return _feed_files(project.out)


def test_feeds_are_byte_identical_whatever_the_time_zone_and_locale(tmp_path):
    base = {k: v for k, v in os.environ.items()
            if k not in ("SOURCE_DATE_EPOCH", "TZ", "LANG", "LANGUAGE") and not k.startswith("LC_")}
    base["PYTHONPATH"] = str(ROOT)
    utc = {**base, "TZ": "UTC", "LANG": "C.UTF-8"}
    kolkata = {**base, "TZ": "Asia/Kolkata", "LC_ALL": "C", "LANG": "hi_IN.UTF-8"}
    # The two environments really do disagree about local time.
    offsets = [subprocess.run([sys.executable, "-c", "import time; print(time.strftime('%z'))"],
                              capture_output=True, text=True, env=env, check=True).stdout
               for env in (utc, kolkata)]
    assert offsets == ["+0000\n", "+0530\n"]
    first = _build_in(tmp_path / "utc", utc)
    second = _build_in(tmp_path / "kolkata", kolkata)
    assert len(first) == 3 * (1 + len(THEMES))
    assert first == second
