"""Who and what: the names (people, organizations, products) a set of texts mentions most.

A name is a run of capitalized words ("Sam Altman", "The Wall Street Journal", "OpenAI").
A capitalized word at the start of a sentence counts only if the texts also capitalize it
mid-sentence (so "When" or "Still" never count). A lone surname joins the full name it
belongs to ("Altman" -> "Sam Altman") when exactly one full name ends with it. Linear in
the length of the texts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.similarity import STOPWORDS

_NAME = re.compile(r"[A-Z][\w&.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&-]*)*")
_POSSESSIVE = re.compile(r"['’]s\b")
"""Ends a name ("OpenAI's Sora" is two names)."""
_NOT_NAMES = frozenset("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday ai agi api apis ceo cto llm llms
ipo faq b2b gpu gpus us i x yes no frequently asked questions the
""".split())  # noqa: SIM905 (a word list reads better as text)
_TITLES = frozenset({"ceo", "cto", "cfo", "president", "dr", "mr", "mrs", "ms", "sen", "gov"})
_LEADING = STOPWORDS - {"the"}
"""Function words a name does not start with ("If OpenAI"); "The" may ("The Information")."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A name, how often it occurs and in how many articles."""

    name: str
    count: int
    articles: int


def _clean(span: str) -> list[str]:
    """The words of a name; leading function words and titles go ("If OpenAI", "CEO Sam")."""
    words = span.strip(".-’' ").split()
    while words and (words[0].lower() in _LEADING or words[0].lower() in _TITLES):
        words.pop(0)
    if all(w.lower() in _NOT_NAMES for w in words) or (words and words[-1].lower() == "the"):
        return []
    return words


_OPENING = " \"'“‘(["
"""What may come before a sentence's first word."""


@lru_cache(maxsize=65536)
def _spans(sentence: str) -> tuple[tuple[bool, tuple[str, ...]], ...]:
    """(starts the sentence, words) for each capitalized run in a sentence.

    Cached: an article's sentences are read again for each theme it belongs to.
    """
    found = []
    # A run starts the sentence when only quotes, brackets and spaces come before it.
    opening = len(sentence) - len(sentence.lstrip(_OPENING))
    for match in _NAME.finditer(_POSSESSIVE.sub("'s,", sentence)):
        words = _clean(match.group())
        if words:
            found.append((match.start() <= opening, tuple(words)))
    return tuple(found)


def count_names(texts: Sequence[tuple[str, Sequence[str]]], limit: int = 12) -> tuple[Mention, ...]:
    """The most mentioned names in ``(article key, sentences)`` pairs, most frequent first."""
    raw: list[tuple[str, bool, tuple[str, ...]]] = [
        (key, initial, words) for key, sentences in texts for s in sentences
        for initial, words in _spans(s)]
    mid_sentence = {w[0] for _, initial, w in raw if not initial}
    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = {}
    for key, initial, words in raw:
        if initial and (words[0] == "The" or words[0] not in mid_sentence):
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        counts[name] += 1
        where.setdefault(name, set()).add(key)
    _merge_aliases(counts, where)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Mention(name, n, len(where[name])) for name, n in ranked[:limit])


def _merge_aliases(counts: Counter[str], where: dict[str, set[str]]) -> None:
    """Fold "The Sora" into "Sora" and "Altman" into "Sam Altman" (the only name ending so).

    Quadratic in the number of distinct names, which the digest's window bounds.
    """
    for name in sorted(counts):
        if name.startswith("The ") and name[4:] in counts:
            _fold(counts, where, name, name[4:])
    for name in sorted(counts):
        if " " in name:
            continue
        longer = [n for n in counts if n.endswith(" " + name) and not n.startswith("The ")]
        if len(longer) == 1:
            _fold(counts, where, name, longer[0])


def _fold(counts: Counter[str], where: dict[str, set[str]], name: str, into: str) -> None:
    counts[into] += counts.pop(name)
    where[into] |= where.pop(name)
