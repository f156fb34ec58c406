"""Properties of the normalizer on arbitrary text (hypothesis)."""

from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.content import dump_article, format_when, parse_article, split_front_matter
from briefing.errors import SeedError
from briefing.normalize import normalize_text
from briefing.seeds import Seed, decode_seed
from briefing.sync import draft_article

TZ = ZoneInfo("America/New_York")
# Pieces real pastes are made of, so the generator reaches the header and boilerplate code.
PIECES = st.sampled_from([
    "By Jane Doe", "March 25, 2026", "Updated 3/26/2026 10:00 AM ET", "Share this article",
    "Jane Doe·10 August 2023", "Publication date:", "Frequently Asked Questions", "Q: Why?",
    "- item", "• item", "* item", "---", "2026. A year", "1. Not a list", "[1]: https://x.org",
    "Sources", "Advertisement", "economy.[1][2]", "Why it matters:", "NO", "yes", "~", "null",
    "'quoted'", '"double"', "key: value", "# hash", "<b>x</b>", "Tue 4 Mar 2026 14.30 GMT",
    "Kai covers AI for The Vibe.", "\u200b", "\ufeff", "\r", "\t", "  ", "",
])
LINES = st.one_of(PIECES, st.text(max_size=80))
ARTICLES = st.lists(LINES, min_size=1, max_size=25).map("\n".join)
CHECKED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _normalize_or_refuse(text: str):
    try:
        return normalize_text(text, TZ)
    except SeedError:
        return None


@CHECKED
@given(ARTICLES)
def test_the_normalizer_never_crashes_and_only_refuses_text_with_nothing_visible(text):
    got = _normalize_or_refuse(text)
    if got is None:
        try:
            decode_seed(text.encode("utf-8"), "seeds/x.txt")
        except SeedError:
            return
        raise AssertionError("normalize refused text that decode_seed accepted")
    assert got.title.strip() and got.body.endswith("\n")


@CHECKED
@given(ARTICLES)
def test_front_matter_loads_back_with_safe_load_to_the_same_values(text):
    got = _normalize_or_refuse(text)
    if got is None:
        return
    seed = Seed("seeds/x.txt", text, "0" * 64)
    article = draft_article(seed, got, ("compute",), None, set(), "content")
    written = dump_article(article)
    front, _, _ = split_front_matter(written, "content/x.md")
    loaded = yaml.safe_load(front)
    expected = {
        "title": article.title, "slug": article.slug, "dek": article.dek,
        "author": article.author, "publisher": article.publisher,
        "date": format_when(article.date) if article.date else None,
        "updated": format_when(article.updated) if article.updated else None,
        "summary": article.summary or None, "dropped": list(article.dropped) or None,
        "themes": ["compute"], "source": "seeds/x.txt",
    }
    assert {k: loaded.get(k) for k in expected} == expected
    again = parse_article(written, f"content/{article.slug}.md")
    assert (again.title, again.date, again.updated, again.dropped) == (
        article.title, article.date, article.updated, article.dropped)


@CHECKED
@given(ARTICLES)
def test_normalizing_is_deterministic(text):
    assert _normalize_or_refuse(text) == _normalize_or_refuse(text)
