"""Date lines as pasted from real sites: what is a publication date, and what is not."""

from zoneinfo import ZoneInfo

import pytest

from briefing.content import format_when
from briefing.dates import find_date, read_date_line, unglue

TZ = ZoneInfo("America/New_York")


@pytest.mark.parametrize("line, date, updated", [
    ("March 25, 2026", "2026-03-25", None),
    ("Updated March 24, 2026 at 7:00 PM ET with details on the model.",
     None, "2026-03-24T19:00:00-04:00"),
    ("2026-03-24", "2026-03-24", None),
    ("25 Mar 2026", "2026-03-25", None),
    ("3/25/2026", "2026-03-25", None),
    ("25/3/2026", "2026-03-25", None),
    ("25.03.2026", "2026-03-25", None),
    ("Monday, May 21, 2012", "2012-05-21", None),
    ("Oct 10, 2025 | Posted by Marcus Lee | Energy", "2025-10-10", None),
    ("MAR 18, 2026", "2026-03-18", None),
    ("Nov. 18, 2025 at 2:00 p.m. EST", "2025-11-18T14:00:00-05:00", None),
    ("Jan 10, 2026 9:30 AM PT", "2026-01-10T09:30:00-08:00", None),
    ("July 10, 2026 9:30 AM PT", "2026-07-10T09:30:00-07:00", None),
    ("Tue 24 Mar 2026 18.30 GMT", "2026-03-24T18:30:00+00:00", None),
    ("March 5, 2026 10:37 AM GMT+1 Updated 4 hours ago", "2026-03-05T10:37:00+01:00", None),
    ("9:00 AM PDT · March 20, 2026", "2026-03-20T09:00:00-07:00", None),
    ("Published 12:01 AM EST Jan 13, 2026", "2026-01-13T00:01:00-05:00", None),
    ("Published: 2026-03-24T10:00:00Z", "2026-03-24T10:00:00+00:00", None),
    ("Posted 3/25/2026 | Updated 3/26/2026 10:00 AM ET",
     "2026-03-25", "2026-03-26T10:00:00-04:00"),
    ("Last modified on Wed 25 Mar 2026 09.05 GMT", None, "2026-03-25T09:05:00+00:00"),
])
def test_date_lines_in_many_forms(line, date, updated):
    found = read_date_line(unglue(line), TZ)
    assert found is not None
    published = [format_when(d.value) for d in found.dates if not d.updated]
    revised = [format_when(d.value) for d in found.dates if d.updated]
    assert published[:1] == ([date] if date else [])
    assert revised[:1] == ([updated] if updated else [])


@pytest.mark.parametrize("line, author", [
    ("Theo Marsh4 min read·Jan 28, 2026", "Theo Marsh"),
    ("Harriet Cole·10 August 2023", "Harriet Cole"),
    ("By Rachel Kim | Mar 25, 2026, 9:15 AM PDT", "By Rachel Kim"),
])
def test_glued_bylines_are_separated_from_the_date(line, author):
    found = read_date_line(unglue(line), TZ)
    assert found is not None and found.others == (author,)


@pytest.mark.parametrize("line", [
    "March 2026", "6 days ago", "March 24", "Updated 3 hours ago", "Feb 30, 2026",
    "13/13/2026", "Spring 2026", "2026",
])
def test_partial_relative_or_impossible_dates_are_not_dates(line):
    assert read_date_line(line, TZ) is None


@pytest.mark.parametrize("line", [
    "On March 16, 2026, the company told employees it would stop work on video models.",
    "The letter, dated March 20, 2026, says the review will examine how teams report.",
])
def test_a_sentence_that_mentions_a_date_is_not_a_date_line(line):
    assert find_date(line, TZ) is not None
    assert read_date_line(line, TZ) is None


def test_a_month_name_inside_a_word_is_not_a_date():
    assert find_date("Omar 5, 2026 and summary 5, 2026", TZ) is None
