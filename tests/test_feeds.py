"""The RSS feed as a real client (feedparser) and a strict XML parser see it."""

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime

import feedparser

from briefing.config import SiteConfig, load_themes
from briefing.content import Article
from briefing.feeds import absolute_links, render_rss
from briefing.pipeline import assemble
from tests.conftest import ROOT

THEMES = load_themes(ROOT / "themes.yaml")
BASE = Article(title="Base", slug="base", id="urn:uuid:base", body="Body with [a link](../x/).\n",
               themes=("compute",), summary="Sum.")


def feed_of(*articles, **config):
    site = assemble(SiteConfig(**config), THEMES, list(articles))
    return render_rss(site).data


def test_items_are_newest_first_with_stable_guids_and_tz_aware_dates():
    a = replace(BASE, slug="a", id="urn:uuid:a", date=date(2026, 3, 1))
    b = replace(BASE, slug="b", id="urn:uuid:b", date=datetime(2026, 3, 2, 9, tzinfo=UTC))
    c = replace(BASE, slug="c", id="urn:uuid:c")
    parsed = feedparser.parse(feed_of(c, a, b))
    assert not parsed.bozo
    assert [e.id for e in parsed.entries] == ["urn:uuid:b", "urn:uuid:a", "urn:uuid:c"]
    assert parsed.entries[0].guidislink is False
    assert parsed.entries[0].published == "Mon, 02 Mar 2026 09:00:00 +0000"
    assert parsed.entries[1].published == "Sun, 01 Mar 2026 00:00:00 -0500"  # site zone, EST
    assert "published" not in parsed.entries[2]


def test_guid_is_permalink_false_and_comes_from_the_id():
    root = ET.fromstring(feed_of(BASE))
    guid = root.find("channel/item/guid")
    assert guid.text == "urn:uuid:base" and guid.get("isPermaLink") == "false"


def test_channel_date_comes_from_content_or_source_date_epoch(monkeypatch):
    dated = replace(BASE, date=datetime(2026, 3, 24, 19, tzinfo=UTC))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert b"<lastBuildDate>Tue, 24 Mar 2026 19:00:00 +0000</lastBuildDate>" in feed_of(dated)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert b"<lastBuildDate>Tue, 14 Nov 2023 22:13:20 +0000</lastBuildDate>" in feed_of(dated)


def test_content_is_full_html_with_absolute_links():
    parsed = feedparser.parse(feed_of(BASE, base_url="https://example.org/b/"))
    entry = parsed.entries[0]
    assert entry.link == "https://example.org/b/articles/base/"
    assert 'href="https://example.org/b/articles/x/"' in entry.content[0].value
    assert entry.summary == "Sum."
    assert [t.term for t in entry.tags] == ["compute"]


def test_control_characters_in_titles_are_cleaned_not_a_crash():
    parsed = feedparser.parse(feed_of(replace(BASE, title="Bell\x07 and\x1b escape")))
    assert not parsed.bozo and parsed.entries[0].title == "Bell and escape"


def test_raw_html_in_article_text_cannot_reach_the_feed():
    hostile = replace(BASE, body="<script>alert(1)</script> <a href='javascript:x'>j</a>\n")
    xml = feed_of(hostile).decode()
    assert "<script>" not in xml and "&lt;script&gt;" in xml


def test_feed_size_limits_the_items():
    many = [replace(BASE, slug=f"a{i}", id=f"urn:{i}", date=date(2026, 1, i + 1)) for i in range(5)]
    assert len(feedparser.parse(feed_of(*many, feed_size=3)).entries) == 3


def test_absolute_links_keeps_absolute_urls():
    html = '<a href="https://x.org/">x</a><img src="img.png">'
    assert absolute_links(html, "https://s.org/a/b/") == (
        '<a href="https://x.org/">x</a><img src="https://s.org/a/b/img.png">')
