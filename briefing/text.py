"""Small, pure text helpers shared by the stages: whitespace, sentences, words."""

from __future__ import annotations

import re
import unicodedata

# Unicode "format" characters (category Cf: zero-width spaces, joiners, bidi controls, soft
# hyphens, tags) are invisible; other spaces (em space, ideographic space) become plain ones.
_FORMAT_RANGES = (
    (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
    (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
_SPACES = (0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x09)
_TABLE: dict[int, str | None] = {
    **{cp: None for start, end in _FORMAT_RANGES for cp in range(start, end + 1)},
    **dict.fromkeys(_SPACES, " "),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c")


def clean_line(line: str) -> str:
    """One line of pasted text: NFC, no invisible or control characters, single spaces."""
    line = unicodedata.normalize("NFC", line).translate(_TABLE)
    return _RUNS_OF_SPACES.sub(" ", _CONTROL.sub("", line)).strip()


def split_lines(text: str) -> list[str]:
    """Split on any line ending (CRLF, LF, lone CR, Unicode separators) and clean each line."""
    return [clean_line(x) for x in _LINE_BREAKS.split(text)]


_LIST_START = re.compile(r"^(?:[-*–•·▪‣◦●]\s|\d{1,3}[.)]\s)")


def unwrap(lines: list[str]) -> list[str]:
    """Join paragraphs that were hard-wrapped at a fixed width (e-mail, plain-text newsletters).

    Only text whose paragraphs are separated by blank lines and whose lines are cut near
    one width counts as wrapped; one-paragraph-per-line text is returned as it is.
    """
    width = max((len(line) for line in lines), default=0)
    if not 40 <= width <= 100 or "" not in lines:
        return lines
    continued = [index for index in range(len(lines) - 1)
                 if lines[index] and lines[index + 1] and len(lines[index]) >= 0.6 * width
                 and not _LIST_START.match(lines[index + 1])]
    if len(continued) < 3:
        return lines
    joined: list[str] = []
    for index, line in enumerate(lines):
        if index - 1 in continued and joined:
            glue = "" if joined[-1].endswith("-") else " "
            joined[-1] += glue + line
        else:
            joined.append(line)
    return joined


_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "corp", "ltd",
    "co", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "gen", "gov", "sen", "rep", "u.s", "u.k", "e.g", "i.e", "a.m", "p.m",
}
_LAST_WORD = re.compile(r"([\w.]+)\.$")
"""The word a full stop ends (searched up to the stop: ``$`` is the search's end)."""
_REACH = 40
"""How far before a full stop the word it ends is first looked for."""
_LETTER = re.compile(r"[a-z]")
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")


def _word_before(text: str, start: int, stop: int) -> re.Match[str] | None:
    """``_LAST_WORD`` in ``text[start:stop + 1]`` (a full stop at ``stop``), looked for in
    its last _REACH characters first: the search tries every position it is given, and a
    word starting after the first of them is the one a whole search finds."""
    near = max(start, stop - _REACH)
    word = _LAST_WORD.search(text, near, stop + 1)
    if word and word.start() == near > start:
        return _LAST_WORD.search(text, start, stop + 1)  # the word may start further back
    return word


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations, initials and decimals intact."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        # Only a full stop can end an abbreviation: "!" and "?" skip the word's search.
        if match.group().startswith(".") and (word := _word_before(text, start, match.start())):
            token = word.group(1).lower()
            if token in _ABBREVIATIONS or _LETTER.fullmatch(token):
                continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def words(text: str) -> list[str]:
    """Word tokens, lowercased, apostrophes kept inside words."""
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)*", text.lower())


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary to at most ``limit`` characters, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"
