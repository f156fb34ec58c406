"""Precision guards for the round-3 rules: where a rule must NOT fire, on the fixtures' texts."""

from datetime import datetime
from zoneinfo import ZoneInfo

from briefing.dates import read_update_time
from briefing.normalize import normalize_text
from tests.conftest import FIXTURES

TZ = ZoneInfo("America/New_York")
CORPUS = FIXTURES / "normalize"


def fixture(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


def test_a_time_only_update_is_read_on_the_day_of_publication():
    published = datetime(2026, 3, 10, 9, 15, tzinfo=ZoneInfo("America/Los_Angeles"))
    later = read_update_time("Updated 2:40 PM PT", published, TZ)
    assert later is not None and later.isoformat() == "2026-03-10T14:40:00-07:00"
    # earlier than publication: the update was on another day the line does not give
    assert read_update_time("Updated 8:00 AM PT", published, TZ) is None
    assert read_update_time("Updated 2:40 PM PT with a statement", published, TZ) is None


def test_an_analysis_section_named_with_a_word_of_the_text_is_not_the_site():
    text = fixture("58-analysis-site-role-byline")
    assert normalize_text(text, TZ).publisher == "Tensorline"
    for heading in ("Market Analysis", "Technical Analysis", "Coding Analysis"):
        assert normalize_text(text.replace("Tensorline Analysis", heading), TZ).publisher is None


def test_a_date_below_the_article_is_read_only_when_no_teaser_carries_one():
    text = fixture("64-aggregator-bottom-date-bio")
    assert str(normalize_text(text, TZ).date) == "2026-03-09"
    teaser_dated = text.replace("Tags: Microsoft", "Posted on March 2, 2026\nTags: Microsoft")
    assert normalize_text(teaser_dated, TZ).date is None


def test_a_bio_below_the_article_about_someone_else_is_not_the_author():
    text = fixture("61-policy-takeaways-role-bio").replace(
        "Amara Osei is a policy", "Lena Brandt is a policy")
    got = normalize_text(text, TZ)
    assert got.author == "Amara Osei"


def test_a_two_column_table_row_is_not_a_heading():
    text = fixture("60-repeated-caps-headline-table-numbered").replace(
        "Model\tSWE-bench Verified\tTerminal-Bench 2\tInput price per 1M tokens", "Model\tScore")
    body = normalize_text(text, TZ).body
    assert "## Model" not in body and "Model \\| Score" in body


def test_a_byline_with_a_role_and_no_by_leaves_the_body():
    got = normalize_text(fixture("61-policy-takeaways-role-bio"), TZ)
    assert got.author == "Amara Osei" and "Correspondent" not in got.body


def test_a_role_byline_with_a_bar_and_a_date_after_a_byline_are_read():
    text = fixture("58-analysis-site-role-byline").replace(
        "Senior AI Reporter\nPublished: March 3, 2026 | 4 min read",
        "Senior AI Reporter | March 3, 2026")
    got = normalize_text(text, TZ)
    assert (got.author, str(got.date), got.publisher) == ("Priya Castellano", "2026-03-03",
                                                         "Tensorline")
    text = fixture("61-policy-takeaways-role-bio").replace(
        "Amara Osei, Policy Correspondent", "Amara Osei | Policy Correspondent")
    got = normalize_text(text, TZ)
    assert (got.author, str(got.date)) == ("Amara Osei", "2026-03-05")
