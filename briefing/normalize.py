"""Normalize one pasted article into header fields and a clean Markdown body (pure).

The header block (headline, dek, date line, byline) becomes front matter; heading
lines become ``##`` headings, bullets become lists, FAQ questions become ``###``
headings; citation markers and site boilerplate are removed, and every removed
line is kept in ``dropped`` so an editor can see what went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from briefing.content import When
from briefing.dates import find_date
from briefing.text import shorten, split_lines, split_sentences

_BOILERPLATE = [re.compile(p, re.IGNORECASE) for p in (
    r"^share (?:this|on|via)\b.*",
    r"^(?:sign ?up|subscribe|log ?in|sign ?in|register)\b.{0,60}$",
    r"^follow (?:us|me)\b.*",
    r"^.{0,60}\bavailable (?:only )?(?:for|to) .{1,40} (?:members|subscribers)\.?$",
    r"^this (?:article|story|post) was (?:ai|machine)[- ]generated\b.*",
    r"^learn more about our editorial standards\.?$",
    r"^advertisement$",
    r"^(?:related|read more|see also|recommended)\s*:.*",
    r"^(?:photo|image|illustration)(?: credit)?\s*:.*",
    r"^(?:click here|continue reading|skip to (?:main )?content)\b.*",
)]
_EMPTY_LABELS = {"sources", "source", "topics", "tags", "related", "share", "comments",
                 "references", "more", "related articles", "read next"}
_LIST_ITEM = re.compile(r"^(?:[-•*·▪‣◦–])\s+(?P<text>\S.*)$")
_CITATIONS = re.compile(r"(?:\s?\[\d{1,3}\])+(?=$|[\s.,;:!?)\"'”’])")
_BYLINE_BY = re.compile(r"^By\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*(?:[,|·].*)?$")
_BYLINE_COVERS = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}) (?:covers|writes about|reports on) "
    r".{1,80}? for (?P<publisher>[A-Z][\w.&'’ -]{1,60}?)\.?$"
)
_MEMBERS = re.compile(r"\bavailable (?:only )?(?:for|to) (?P<publisher>[A-Z][\w.&'’-]*(?:\s+[A-Z]"
                      r"[\w.&'’-]*){0,3}) (?:members|subscribers)\b")
_DOMAIN_SECTION = re.compile(r"^(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}) "
                             r"(?:Analysis|Take|View|Opinion)$")
_FAQ_HEADING = re.compile(r"^(?:frequently asked questions|faqs?)\b", re.IGNORECASE)
_QA_PREFIX = re.compile(r"^(?:Q|Question)\s*[:.]\s*")
_ANSWER_PREFIX = re.compile(r"^(?:A|Answer)\s*[:.]\s*")
MAX_TITLE_LENGTH = 80


@dataclass(frozen=True, slots=True)
class Normalized:
    """What the normalizer reads out of one seed, before themes, slug and id are assigned."""

    title: str
    title_inferred: bool
    body: str
    summary: str
    date: When | None = None
    updated: When | None = None
    dek: str | None = None
    author: str | None = None
    publisher: str | None = None
    dropped: tuple[str, ...] = field(default=())


@dataclass(slots=True)
class _Header:
    """Header fields gathered while scanning (mutable only inside this module)."""

    date: When | None = None
    updated: When | None = None
    dek: str | None = None
    author: str | None = None
    publisher: str | None = None
    dropped: list[str] = field(default_factory=list)


def normalize_text(text: str, tz: ZoneInfo) -> Normalized:
    """Normalize the text of one pasted article."""
    lines = [line for line in split_lines(text) if line]
    if not lines:
        raise ValueError("no text")
    header = _Header()
    title, title_inferred, rest = _take_title(lines)
    rest = _take_header_block(rest, title, header, tz)
    body_lines = _take_body_metadata(rest, title, header, tz)
    paragraphs = [_strip_citations(line) for line in body_lines]
    body = _to_markdown(paragraphs)
    if title_inferred:
        title = _title_from_lead(paragraphs[0] if paragraphs else lines[0])
    return Normalized(
        title=title,
        title_inferred=title_inferred,
        body=body,
        summary=_summary(header.dek, paragraphs),
        date=header.date,
        updated=header.updated,
        dek=header.dek,
        author=header.author,
        publisher=header.publisher,
        dropped=tuple(header.dropped),
    )


def _take_title(lines: list[str]) -> tuple[str, bool, list[str]]:
    first = _strip_citations(lines[0])
    if _looks_like_headline(first):
        return first, False, lines[1:]
    return "", True, lines


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if len(line) > 200 or len(words) > 25 or _LIST_ITEM.match(line):
        return False
    sentences = split_sentences(line)
    return len(sentences) <= 1 or (len(sentences) == 2 and len(words) <= 14)


def _is_date_line(line: str, tz: ZoneInfo) -> bool:
    found = find_date(line, tz)
    return found is not None and found.start <= 40 and len(line) <= 200


def _same_text(a: str, b: str) -> bool:
    def squash(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    return bool(a) and squash(a) == squash(b)


def _take_header_block(lines: list[str], title: str, header: _Header, tz: ZoneInfo) -> list[str]:
    """Consume dek, date and byline lines right under the headline."""
    index = 0
    while index < len(lines) and index < 6:
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _same_text(line, title):
            header.dropped.append(line)
        elif _is_date_line(line, tz) and _record_date(line, header, tz):
            pass
        elif (match := _BYLINE_BY.match(line)) and header.author is None:
            header.author = match.group("name")
        elif (title and header.dek is None and header.date is None and index == 0
              and len(line) <= 400 and _ends_header(following, title, tz)):
            header.dek = _strip_citations(line)
        else:
            break
        index += 1
    return lines[index:]


def _ends_header(line: str, title: str, tz: ZoneInfo) -> bool:
    """A dek stands alone: a date, the repeated headline or a heading comes next."""
    return (_is_date_line(line, tz) or _same_text(line, title)
            or _looks_like_heading(line) or bool(_BYLINE_BY.match(line)))


def _record_date(line: str, header: _Header, tz: ZoneInfo) -> bool:
    found = find_date(line, tz)
    if found is None:
        return False
    if found.updated and header.date is not None:
        header.updated = found.value
    elif header.date is None:
        header.date = found.value
    elif header.updated is None and found.value != header.date:
        header.updated = found.value
    return True


def _take_body_metadata(lines: list[str], title: str, header: _Header,
                        tz: ZoneInfo) -> list[str]:
    """Drop boilerplate and the repeated headline; read closing bylines and publishers."""
    kept: list[str] = []
    for position, line in enumerate(lines):
        near_end = position >= len(lines) - 4
        if _same_text(line, title):
            header.dropped.append(line)
        elif match := _BYLINE_COVERS.match(line):
            header.author = header.author or match.group("name")
            header.publisher = header.publisher or match.group("publisher").strip()
            header.dropped.append(line)
        elif any(p.match(line) for p in _BOILERPLATE):
            if match := _MEMBERS.search(line):
                header.publisher = header.publisher or match.group("publisher")
            header.dropped.append(line)
        elif near_end and len(line) <= 60 and _is_date_line(line, tz) and header.date is None:
            _record_date(line, header, tz)
            header.dropped.append(line)
        else:
            if match := _DOMAIN_SECTION.match(line):
                header.publisher = header.publisher or match.group("domain")
            kept.append(line)
    return _drop_empty_labels(kept, header)


def _drop_empty_labels(lines: list[str], header: _Header) -> list[str]:
    """Remove 'Sources', 'Topics' and similar labels that head nothing."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        is_label = line.rstrip(":").strip().lower() in _EMPTY_LABELS
        if is_label and (following is None or _looks_like_heading(following)):
            header.dropped.append(line)
            continue
        kept.append(line)
    return kept


def _strip_citations(line: str) -> str:
    return _CITATIONS.sub("", line)


def _looks_like_heading(line: str) -> bool:
    """Short lines without closing punctuation read as headings ('What it means', 'Why?')."""
    if not line or len(line) > 100 or len(line.split()) > 14 or _LIST_ITEM.match(line):
        return False
    core = line.rstrip("\"'”’)").rstrip()
    if not core or core[-1] in ".,;!…" or core.endswith(("...",)):
        return False
    return not re.match(r"^[a-z]", line) or bool(_DOMAIN_SECTION.match(line))


def _to_markdown(lines: list[str]) -> str:
    """Render body lines as Markdown blocks: headings, lists, FAQ questions, paragraphs."""
    blocks: list[str] = []
    in_faq = False
    list_items: list[str] = []

    def flush_list() -> None:
        if list_items:
            blocks.append("\n".join(list_items))
            list_items.clear()

    for index, line in enumerate(lines):
        has_next = index + 1 < len(lines)
        item = _LIST_ITEM.match(line)
        if item:
            list_items.append("- " + escape_markdown(item.group("text")))
            continue
        flush_list()
        question = _QA_PREFIX.sub("", line)
        if (in_faq or _QA_PREFIX.match(line)) and line.endswith("?"):
            blocks.append("### " + escape_markdown(question))
        elif has_next and _looks_like_heading(line):
            in_faq = bool(_FAQ_HEADING.match(line))
            blocks.append("## " + escape_markdown(line.rstrip(":")))
        else:
            blocks.append(escape_markdown(_ANSWER_PREFIX.sub("", line) if in_faq else line))
    flush_list()
    return "\n\n".join(blocks) + "\n"


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+=](?=\s|$)|[-=_*]{3,}\s*$|\d{1,9}(?=[.)](?:\s|$)))")


def escape_markdown(text: str) -> str:
    """Escape pasted text so Markdown renders it literally (emphasis, links, HTML, lists)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    match = _BLOCK_START.match(text)
    if match:
        token = match.group(1)
        text = token + "\\" + text[len(token):] if token[0].isdigit() else "\\" + text
    return text


def _summary(dek: str | None, paragraphs: list[str]) -> str:
    """One or two sentences: the dek when there is one, else the lead."""
    if dek:
        return shorten(dek, 400)
    lead = next((p for p in paragraphs if len(p.split()) >= 8 and not _LIST_ITEM.match(p)), "")
    sentences = split_sentences(lead)
    summary = " ".join(sentences[:2])
    if len(summary) > 320 and sentences:
        summary = sentences[0]
    return shorten(summary, 320)


def _title_from_lead(lead: str) -> str:
    """A short title from the first sentence: its main clause, or a cut at a word."""
    sentence = (split_sentences(lead) or [lead])[0].rstrip(".!")
    if len(sentence) <= MAX_TITLE_LENGTH:
        return sentence
    clause = re.split(r"[,;:—–]| - ", sentence)[0].strip()
    if len(clause.split()) >= 3 and len(clause) <= MAX_TITLE_LENGTH:
        return clause
    return shorten(sentence, MAX_TITLE_LENGTH)
