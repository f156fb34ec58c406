"""Finding publication dates in pasted date lines: explicit patterns, real time zones.

US zone abbreviations map to the real zone for that date (ET in March is EDT, -04:00).
A date without a year, a bare month or a relative date ("6 days ago") is not a
publication date and is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from briefing.content import When

ZONES = {
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "UTC": "UTC", "GMT": "UTC", "Z": "UTC",
    "BST": "Europe/London", "CET": "Europe/Paris", "CEST": "Europe/Paris",
}
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_TIME = (r"(?:(?:\s*,)?\s+(?:at\s+)?"
         r"(?P<time>\d{1,2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)|\d{1,2}:\d{2})"
         r"(?:\s+(?P<zone>" + "|".join(sorted(ZONES, key=len, reverse=True)) + r")\b)?)?")
_PATTERNS = [
    re.compile(_WEEKDAY + r"(?P<date>" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})" + _TIME),
    re.compile(_WEEKDAY + r"(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4})" + _TIME),
    re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<iso_time>\d{2}:\d{2}(?::\d{2})?)"
               r"(?P<iso_zone>Z|[+-]\d{2}:?\d{2})?)?"),
    re.compile(r"(?P<date>\d{1,2}/\d{1,2}/\d{4})" + _TIME),
]
_UPDATED = re.compile(r"^\s*(?:last\s+)?updated\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in a line of text."""

    value: When
    updated: bool
    """The line labelled it an update time ('Updated March 24, ...')."""
    start: int
    end: int


def find_date(line: str, tz: ZoneInfo) -> FoundDate | None:
    """The first full date (day, month and year) in a line, with its time when given."""
    best: tuple[int, re.Match[str]] | None = None
    for pattern in _PATTERNS:
        match = pattern.search(line)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match)
    if best is None:
        return None
    match = best[1]
    value = _to_when(match, tz)
    if value is None:
        return None
    updated = bool(_UPDATED.match(line[: match.start()] + " "))
    return FoundDate(value, updated, match.start(), match.end())


def _to_when(match: re.Match[str], tz: ZoneInfo) -> When | None:
    groups = match.groupdict()
    try:
        day = dateutil_parser.parse(re.sub(r"(\d)(st|nd|rd|th)", r"\1", groups["date"]),
                                    dayfirst=False, default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    if groups.get("iso_time"):
        naive = datetime.fromisoformat(f"{day.isoformat()}T{groups['iso_time']}")
        zone_text = groups.get("iso_zone")
        if zone_text:
            return datetime.fromisoformat(naive.isoformat() + zone_text.replace("Z", "+00:00"))
        return naive.replace(tzinfo=tz)
    if groups.get("time"):
        clock = dateutil_parser.parse(groups["time"].replace(".", ""), default=datetime(2000, 1, 1))
        zone = ZoneInfo(ZONES[groups["zone"]]) if groups.get("zone") else tz
        return datetime.combine(day, clock.time(), tzinfo=zone)
    return day
