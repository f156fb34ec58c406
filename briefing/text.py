"""Small, pure text helpers shared by the stages: whitespace, sentences, words."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    cp for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x202A, 0x202B, 0x202C,
                  0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F)
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_line(line: str) -> str:
    """One line of pasted text: NFC, no invisible or control characters, single spaces."""
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    line = _CONTROL.sub("", line).replace("\u00a0", " ").replace("\t", " ")
    return re.sub(r" {2,}", " ", line).strip()


def split_lines(text: str) -> list[str]:
    """Split on any line ending (CRLF, LF, lone CR) and clean each line."""
    return [clean_line(x) for x in re.split(r"\r\n|\r|\n|\u2028|\u2029", text)]


_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "corp", "ltd",
    "co", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "gen", "gov", "sen", "rep", "u.s", "u.k", "e.g", "i.e", "a.m", "p.m",
}
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations, initials and decimals intact."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        before = text[start:match.start() + 1]
        word = re.search(r"([\w.]+)\.$", before)
        if word and match.group().startswith("."):
            token = word.group(1).lower()
            if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
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
