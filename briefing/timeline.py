"""Dated events in article text: find date mentions and resolve them to real dates (pure).

Recognized: "March 16, 2026" and "16 March 2026" (a day), "September 2025" (a month),
"in 2024" (a year), and "March 16" without a year. A year-less mention takes the year
that puts it nearest the article's own date ("a March 16 all-hands" in an article of
March 24, 2026 is March 16, 2026); in an undated article it is left out, never guessed.
Linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = (
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"(?:,\s*|\s+)" + _YEAR + r"\b"),
    re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + r"\b"),
    re.compile(r"\b" + _MONTH + r",?\s+" + _YEAR + r"\b"),
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?![,\s]*(?:19|20)\d\d)(?!\s*%)"),
    re.compile(r"\b(?:in|since|during|by|until|early|late|mid-?)\s+" + _YEAR + r"\b(?!-)"),
)
_MAY_DATE = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|19\d\d|20\d\d")
"""What every pattern needs (a month's first three letters, or a year): most sentences
have neither, and are done with one search."""


class Precision(Enum):
    """How much of a date the text gave."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date found in a sentence, resolved to a calendar date."""

    when: date
    """The day; the first of the month or year when the text gave no more."""
    precision: Precision
    text: str
    """The words of the mention as written ("March 16")."""
    inferred_year: bool = False
    """The year came from the article's date, not from the text."""

    @property
    def label(self) -> str:
        month = MONTHS[self.when.month - 1].capitalize()
        if self.precision is Precision.DAY:
            return f"{month} {self.when.day}, {self.when.year}"
        if self.precision is Precision.MONTH:
            return f"{month} {self.when.year}"
        return str(self.when.year)


def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, start=1) if m.startswith(name.lower()[:3]))


def _nearest_year(month: int, day: int, anchor: date) -> date | None:
    """The date with that month and day closest to ``anchor`` (previous, same or next year)."""
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: (abs((d - anchor).days), d), default=None)


def _resolve(match: re.Match[str], anchor: date | None) -> DateMention | None:
    groups = match.groupdict()
    year, month, day = groups.get("year"), groups.get("month"), groups.get("day")
    try:
        if year and month and day:
            return DateMention(date(int(year), _month(month), int(day)), Precision.DAY,
                               match.group())
        if year and month:
            return DateMention(date(int(year), _month(month), 1), Precision.MONTH, match.group())
        if year:
            return DateMention(date(int(year), 1, 1), Precision.YEAR, match.group())
    except ValueError:
        return None
    if month and day and anchor is not None:
        resolved = _nearest_year(_month(month), int(day), anchor)
        if resolved:
            return DateMention(resolved, Precision.DAY, match.group(), inferred_year=True)
    return None


@lru_cache(maxsize=65536)
def find_dates(sentence: str, anchor: date | None) -> tuple[DateMention, ...]:
    """Every date mentioned in a sentence, earliest position first, without overlaps.

    Cached: the digest's timeline and its date conflicts read the same sentences.
    """
    if not _MAY_DATE.search(sentence):
        return ()
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, DateMention]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            mention = _resolve(match, anchor)
            if mention:
                found.append((span[0], mention))
    return tuple(m for _, m in sorted(found, key=lambda pair: pair[0]))
