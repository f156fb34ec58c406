"""Finding publication dates in pasted date lines: explicit patterns, real time zones (pure).

US zone abbreviations map to the real zone for that date (ET in March is EDT, -04:00).
A date without a year, a bare month or a relative date ("6 days ago") is not a
publication date and is never guessed. Numeric dates are read month first
("3/25/2026") unless the first number cannot be a month; "25.03.2026" is day first.
Only short metadata lines are read as date lines: a sentence that mentions a date
is prose, not a publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from briefing.content import When

ZONES = {
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "AKT": "America/Anchorage", "AKST": "America/Anchorage", "AKDT": "America/Anchorage",
    "HT": "Pacific/Honolulu", "HST": "Pacific/Honolulu",
    "UTC": "UTC", "GMT": "UTC", "Z": "UTC",
    "BST": "Europe/London", "CET": "Europe/Paris", "CEST": "Europe/Paris",
    "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "MSK": "Europe/Moscow", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore", "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
          r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_ZONE = (r"(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d{2})?|"
         + "|".join(sorted((z for z in ZONES if z != "Z"), key=len, reverse=True)))
_OFFSET = re.compile(r"(?:GMT|UTC)\s?(?P<sign>[+-])\s?(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?",
                     re.IGNORECASE)
_CLOCK_ALONE = re.compile(r"(?<![\d:.])(?P<time>\d{1,2}(?::\d{2})?\s*[ap]\.?\s?m\b\.?"
                          r"|\d{1,2}:\d{2})(?:\s*\(?(?P<zone>" + _ZONE + r")\b\)?)?", re.IGNORECASE)
_TIME = (r"(?:\s*,?\s*(?:at\s+|@\s*|[-–]\s+)?"
         r"(?P<time>\d{1,2}(?::\d{2})?\s*[ap]\.?\s?m\b\.?|\d{1,2}:\d{2}"
         r"|\d{1,2}\.\d{2}(?=\s+\(?(?:" + _ZONE + r")\b))"
         r"(?:\s*\(?(?P<zone>" + _ZONE + r")\b\)?)?)?")
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    _MONTH + r"\s*" + _DAY + r",?\s+" + _YEAR + _TIME,
    _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + _TIME,
    r"(?<!\d)" + _YEAR + r"-(?P<nmonth>\d{2})-(?P<nday>\d{2})(?!\d)"
    r"(?:[T ](?P<iso_time>\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?P<iso_zone>Z|[+-]\d{2}:?\d{2})?)?",
    r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/" + _YEAR + r"(?![\d/])" + _TIME,
    r"(?<![\d/])" + _YEAR + r"/(?P<nmonth2>\d{1,2})/(?P<nday2>\d{1,2})(?![\d/])",
    r"(?<![\d.])(?P<dday>\d{1,2})\.(?P<dmonth>\d{1,2})\.(?P<dyear>(?:19|20)\d{2})(?![\d.])"
    + _TIME,
))
_UPDATED_LABEL = re.compile(r"\b(?:updated|modified|edited|revised)\b", re.IGNORECASE)
_LABELS = re.compile(
    r"\b(?:last|first|originally|date|publication|published|posted|updated|modified|edited|"
    r"revised|on|at|in|as of|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|"
    r"sday|rsday|urday)?\.?)\b:?", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(?:(?:updated|posted|published)\s+)?(?:(?:\d+|an?|one|two|few)\s+(?:sec(?:ond)?s?|"
    r"min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?)\.?|\d+[smhdwy])\s+ago\b|"
    r"\b(?:just now|"
    r"yesterday|today)\b", re.IGNORECASE)
_READING_TIME = re.compile(r"\b\d+\s*(?:min(?:ute)?s?|hrs?|hours?)(?:\s+(?:read|listen|watch))?\b",
                           re.IGNORECASE)
_SEGMENTS = re.compile(r"\s*(?:[|·•∙]|\s[—–]\s|\s--\s)\s*")
_LEADING_LABEL = re.compile(r"^(?:(?:last|originally|first)\s+)?(?:published|posted|updated|"
                            r"modified|edited|revised)\b", re.IGNORECASE)


MAX_DATE_LINE = 240
"""Longer lines are prose, not date lines (checked first: it keeps normalizing fast)."""
_YEAR_HINT = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A full date (day, month and year) found in a line of text."""

    value: When
    updated: bool
    """The text before it labels it an update ('Updated March 24, ...', 'Last modified on')."""
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateLine:
    """A metadata line that carries dates, and the other short parts it holds."""

    dates: tuple[FoundDate, ...]
    others: tuple[str, ...]
    """The parts that are not dates, labels or reading times ('By Jane Doe', 'AI')."""


def find_dates(line: str, tz: ZoneInfo) -> list[FoundDate]:
    """Every full date in a line, in order, each with its time and zone when given."""
    found: list[FoundDate] = []
    position = 0
    while position < len(line):
        match = _first_match(line, position)
        if match is None:
            break
        value = _to_when(match, tz)
        if value is not None:
            label = line[found[-1].end if found else 0: match.start()]
            found.append(FoundDate(value, bool(_UPDATED_LABEL.search(label)),
                                   match.start(), match.end()))
        position = match.end()
    return found


def find_date(line: str, tz: ZoneInfo) -> FoundDate | None:
    """The first full date in a line."""
    dates = find_dates(line, tz)
    return dates[0] if dates else None


def _first_match(line: str, position: int) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for pattern in _PATTERNS:
        match = pattern.search(line, position)
        while match and not _month_starts_word(line, match):
            match = pattern.search(line, match.start() + 1)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best


def _month_starts_word(line: str, match: re.Match[str]) -> bool:
    """'PolicyMarch 12, 2026' is a glued date; 'summarch 12' is not a month."""
    start = match.start()
    return not (match.groupdict().get("month") and start and line[start - 1].isalpha()
                and not line[start].isupper())


def _to_when(match: re.Match[str], tz: ZoneInfo) -> When | None:
    groups = match.groupdict()
    try:
        day = _calendar_day(groups)
    except ValueError:
        return None
    if day is None:
        return None
    if groups.get("iso_time"):
        naive = datetime.fromisoformat(f"{day.isoformat()}T{groups['iso_time']}")
        zone_text = groups.get("iso_zone")
        if zone_text:
            return datetime.fromisoformat(naive.isoformat() + zone_text.replace("Z", "+00:00"))
        return naive.replace(tzinfo=tz)
    if groups.get("time") and (groups.get("zone") or not groups.get("dday")):
        # A European "24.03.2026, 10:15" without a zone is not in the site's zone: date only
        clock = _clock(groups["time"])
        if clock is None:
            return day
        return datetime.combine(day, clock, tzinfo=_zone(groups.get("zone"), tz))
    return day


def _zone(text: str | None, tz: ZoneInfo) -> tzinfo:
    """A named US/European zone, a 'GMT+1' offset, or the site's zone when none is given."""
    if not text:
        return tz
    if offset := _OFFSET.fullmatch(text.strip()):
        minutes = int(offset["hours"]) * 60 + int(offset["minutes"] or 0)
        return timezone(timedelta(minutes=minutes if offset["sign"] == "+" else -minutes))
    return ZoneInfo(ZONES[text.upper()])


def _calendar_day(groups: dict[str, str | None]) -> date | None:
    if groups.get("month"):
        return date(int(groups["year"] or 0), _MONTHS[groups["month"].lower().rstrip(".")],
                    int(groups["day"] or 0))
    if groups.get("nmonth"):
        return date(int(groups["year"] or 0), int(groups["nmonth"]), int(groups["nday"] or 0))
    if groups.get("nmonth2"):
        return date(int(groups["year"] or 0), int(groups["nmonth2"]), int(groups["nday2"] or 0))
    if groups.get("dday"):
        return date(int(groups["dyear"] or 0), int(groups["dmonth"] or 0), int(groups["dday"]))
    first, second = int(groups["first"] or 0), int(groups["second"] or 0)
    month, day = (second, first) if first > 12 else (first, second)
    return date(int(groups["year"] or 0), month, day)


def _clock(text: str) -> time | None:
    match = re.match(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?", text.lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3) == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read_date_line(line: str, tz: ZoneInfo) -> DateLine | None:
    """The dates of a metadata line ('By X | March 3, 2026 | 4 min read'), else None.

    A line is a date line when every part of it, split at '|', '·' or a spaced dash,
    is a date, a label, a reading time or a short phrase such as a byline or a
    section; a line that starts with 'Published' or 'Updated' and a date may go on.
    """
    if len(line) > MAX_DATE_LINE or not _YEAR_HINT.search(line):
        return None
    dates = find_dates(line, tz)
    if not dates:
        return None
    head = line[: dates[0].start]
    if _LEADING_LABEL.match(line) and len(_words(_LABELS.sub(" ", head))) == 0:
        return DateLine(tuple(dates), ())
    others: list[str] = []
    rest = line
    if not isinstance(dates[0].value, datetime) and (clock := _CLOCK_ALONE.search(head)):
        dates[0] = _with_time(dates[0], clock, tz)
        rest = line[: clock.start()] + " " * (clock.end() - clock.start()) + line[clock.end():]
    for found in reversed(dates):
        rest = rest[: found.start] + " | " + rest[found.end:]
    for part in _SEGMENTS.split(rest):
        part = _READING_TIME.sub(" ", _RELATIVE.sub(" ", part))
        part = _LABELS.sub(" ", part).strip(" ,;:-–—()")
        if not part:
            continue
        if len(_words(part)) > 5 or re.search(r"[.!?]\s+\S", part):
            return None
        others.append(part)
    return DateLine(tuple(dates), tuple(others))


def _with_time(found: FoundDate, clock: re.Match[str], tz: ZoneInfo) -> FoundDate:
    """A bare date with the time written before it ('12:01 AM EST Jan 13, 2026')."""
    value = _clock(clock["time"])
    if value is None or isinstance(found.value, datetime):
        return found
    when = datetime.combine(found.value, value, tzinfo=_zone(clock["zone"], tz))
    return FoundDate(when, found.updated, found.start, found.end)


_UPDATE_TIME = re.compile(r"^(?:last )?(?:updated|modified|edited|revised)(?: at)?\s*:?\s*"
                          r"(?P<time>\d{1,2}(?::\d{2})?\s*[ap]\.?\s?m\b\.?|\d{1,2}:\d{2})"
                          r"(?:\s*\(?(?P<zone>" + _ZONE + r")\b\)?)?\.?$", re.IGNORECASE)


def read_update_time(line: str, published: When, tz: ZoneInfo) -> datetime | None:
    """'Updated 2:40 PM PT' under a dated line: a later time on the day of publication."""
    match = _UPDATE_TIME.match(line) if len(line) <= 40 else None
    clock = match and _clock(match["time"])
    if not clock:
        return None
    if not isinstance(published, datetime):
        return datetime.combine(published, clock, tzinfo=_zone(match["zone"], tz))
    zone = _zone(match["zone"], tz) if match["zone"] else published.tzinfo
    when = datetime.combine(published.astimezone(zone).date(), clock, tzinfo=zone)
    # earlier than publication: the update fell on a later day the line does not give
    return when if when > published else None


def is_relative_date(line: str) -> bool:
    """'6 days ago', 'Updated 3 hours ago': a time the text cannot pin to a day."""
    if len(line) > 60:
        return False
    rest = _RELATIVE.sub(" ", line)
    return rest != line and not _words(_LABELS.sub(" ", rest))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


_MONTH_GLUE = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
               r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s*\d{1,2},?\s+"
               r"(?:19|20)\d{2}")
_GLUED = re.compile(r"(?<=[a-z])(?=\d+\s*min(?:ute)?s?\s+read)"
                    r"|(?<=\b(?:19|20)\d{2})(?=\d{1,2}\s*min(?:ute)?s?\s+read)"
                    r"|(?<=[a-z])(?=" + _MONTH_GLUE + ")")


def unglue(line: str) -> str:
    """Separate metadata pasted without spaces: 'Jane Doe3 min read·Mar 3, 2026'."""
    if len(line) > MAX_DATE_LINE:
        return line
    return _GLUED.sub(" · ", line)
