"""The normalizer on the five real seeds, checked against what a careful reader takes."""

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.content import format_when
from briefing.markdown import to_html
from briefing.normalize import escape_markdown, normalize_text
from tests.conftest import BOILERPLATE, ROOT, SEED_NAMES

TZ = ZoneInfo("America/New_York")


def normalized(name: str):
    return normalize_text((ROOT / "seeds" / name).read_text(encoding="utf-8"), TZ)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_header_fields_match_the_expected_reading(name, expected_seeds):
    want = expected_seeds[f"seeds/{name}"]
    got = normalized(name)
    assert got.title == want["title"]
    assert (format_when(got.date) if got.date else None) == want["date"]
    assert got.author == want["author"]
    assert got.publisher == want["publisher"]
    assert got.dek == want["dek"]
    assert got.title_inferred is want["title_inferred"]
    assert list(got.dropped) == want["dropped"]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_body_structure_matches_the_expected_reading(name, expected_seeds):
    want = expected_seeds[f"seeds/{name}"]
    body = normalized(name).body
    lines = body.split("\n")
    headings = [line[3:].replace("\\", "") for line in lines if line.startswith("## ")]
    assert headings == want["headings"]
    assert sum(line.startswith("### ") for line in lines) == want.get("faq_questions", 0)
    assert sum(line.startswith("- ") for line in lines) == want.get("list_items", 0)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_no_boilerplate_citation_or_repeated_headline_survives(name):
    got = normalized(name)
    for phrase in BOILERPLATE:
        assert phrase not in got.body
    assert "[1]" not in got.body and "[2]" not in got.body
    assert got.body.count(got.title) == 0 or got.title_inferred
    assert not got.body.rstrip().endswith(("Sources", "Topics"))


def test_summary_is_one_or_two_sentences_of_real_text():
    got = normalized(SEED_NAMES[0])
    assert got.summary.startswith("When OpenAI shut down Sora")
    assert 1 <= got.summary.count(". ") + 1 <= 2


def test_citation_markers_glued_to_sentences_are_removed():
    text = "Headline here\nThe economy grew.[1] The sector too.[1][2][3] See [users] too.\n"
    body = normalize_text(text, TZ).body
    assert "[1]" not in body and "[3]" not in body
    assert "grew. The sector too. See \\[users\\] too." in body


def test_dates_with_us_zone_abbreviations_use_the_real_offset():
    winter = normalize_text("Title\nUpdated January 10, 2026 at 9:30 AM PT\nBody text.", TZ)
    summer = normalize_text("Title\nJuly 10, 2026 at 9:30 AM PT\nBody text here.", TZ)
    assert format_when(winter.date) == "2026-01-10T09:30:00-08:00"
    assert format_when(summer.date) == "2026-07-10T09:30:00-07:00"


@pytest.mark.parametrize("line", ["March 2026", "6 days ago", "March 24"])
def test_partial_or_relative_dates_are_not_guessed(line):
    assert normalize_text(f"Title\n{line}\nBody text follows here.", TZ).date is None


@pytest.mark.parametrize("hazard, literal", [
    ("2026. A year to remember", "2026. A year to remember"),
    ("1. Not a list", "1. Not a list"),
    ("# not a heading", "# not a heading"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[1]: https://example.org", "[1]: https://example.org"),
    ("a *b* _c_", "a *b* _c_"),
    ("---", "---"),
])
def test_pasted_text_markdown_would_misread_is_escaped(hazard, literal):
    html = to_html(escape_markdown(hazard))
    assert literal in html
    assert "<ol" not in html and "<h1" not in html and "<em>" not in html and "<hr" not in html


def test_normalizing_twice_gives_the_same_result():
    for name in SEED_NAMES:
        assert normalized(name) == normalized(name)


_END_PIECES = st.sampled_from([
    "Photo", "photo credit", "Image by", "Credits", "Video", ": ", ":", " ", "  ", ".", "..", ")",
    "(", "(AP Photo/Jane Doe)", "(Photo", "(sponsor)", "(Ad)", "(partner)", "/", "via ", "Via ",
    "Getty Images", "GETTY IMAGES", "AFP", "ap", "Reuters", "Bloomberg", "Shutterstock", "Alamy",
    "purchase licensing rights", "Opens New Tab", "Sign up here", "cancel anytime",
    "Cancel any time", "Advertise with us", "rights", "tab", "here", "time", "us", "Jane Doe",
    "The company said on Tuesday that", "—", "’", "é", "ſ", "K", "ı", "\n", "\t", "x" * 150,
])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_END_PIECES, max_size=12).map("".join))
def test_a_line_ends_as_boilerplate_exactly_when_the_end_pattern_finds_it(line):
    from briefing import normalize

    found = normalize._BOILERPLATE_END.search(line, max(0, len(line) - normalize._END_SPAN))
    assert normalize._ends_as_boilerplate(line) == (found is not None)
