"""Explainable theme scoring: weighted terms counted in an article (pure).

An article's score for a theme is the sum, over the theme's terms, of weight x
occurrences (headline occurrences count double). It gets the theme when the score
reaches the theme's threshold and no exclusion phrase occurs. Every score keeps
the matches that produced it, so a page can show why.

What a term matches is defined by ``term_pattern`` (a regex on the lowercased text).
Counting it that way per term and theme reads the whole text dozens of times, so
``classify`` reads it once: the text is folded to ASCII with every character keeping
its regex class (word, space or other), one scan collects the words that start like
a term word, and single words are answered from those counts. The pattern itself
still decides, at the few places where a term's first word occurs, for phrases and
for the rare prefix match inside a hyphenated word. tests/test_classify_fast.py
checks the result against the plain per-term regex count on random texts.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from briefing.config import Theme

TITLE_FACTOR = 2


class TermMatch(NamedTuple):
    """How often one term occurred and what it contributed (a named tuple, as
    ``ThemeScore``: every article page unpacks some twenty of them)."""

    term: str
    count: int
    points: float


class ThemeScore(NamedTuple):
    """One theme's verdict on one article, with its reasons (a named tuple: classifying
    and every article page make one per theme, and a tuple is made several times faster
    than a frozen dataclass)."""

    theme: str
    score: float
    threshold: float
    matches: tuple[TermMatch, ...]
    excluded_by: str | None = None

    @property
    def assigned(self) -> bool:
        return self.excluded_by is None and self.score >= self.threshold


@lru_cache(maxsize=4096)
def term_pattern(text: str) -> re.Pattern[str]:
    """A word-boundary pattern; spaces match any run of spaces or hyphens, '*' any ending."""
    prefix = text.endswith("*")
    word = text.rstrip("*")
    core = re.escape(word).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+")
    end = r"[\w-]*" if prefix else r"(?![\w])"
    if word[:1].isalnum():
        # Same as a leading (?<![\w]), but the pattern starts with a literal character,
        # which lets the regex engine skip ahead to candidates (several times faster).
        first = re.escape(word[0])
        return re.compile(first + r"(?<![\w][\s\S])" + core[len(first):] + end)
    return re.compile(r"(?<![\w])" + core + end)


@lru_cache(maxsize=4096)
def _first_word(text: str) -> str:
    """The literal start every match of a term contains (up to its first space or hyphen)."""
    return re.split(r"[\s-]", text.rstrip("*"), maxsplit=1)[0]


def count_term(term: str, text: str) -> int:
    """Matches of ``term_pattern(term)`` in ``text``, trying only where its first word occurs."""
    first = _first_word(term)
    if not first:
        return len(term_pattern(term).findall(text))
    pattern, count = term_pattern(term), 0
    at = text.find(first)
    while at >= 0:
        # As findall: after a match go on from its end, else from the next character.
        found = pattern.match(text, at)
        at = text.find(first, found.end() if found else at + 1)
        count += found is not None
    return count


# Folding to ASCII -------------------------------------------------------------------------

_PLACEHOLDER_WORD, _PLACEHOLDER_OTHER = "_", "\x00"
"""What a non-ASCII word character and a non-ASCII character that is neither word nor
space become; a vocabulary with a term containing either is counted without folding."""


def _fold_error(error: UnicodeError) -> tuple[str, int]:
    """Encode-error handler: a lowercased non-ASCII run, each character as its regex class."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start:error.end].lower()  # str.lower is per character
    return "".join(ch if ch.isascii() else _PLACEHOLDER_WORD if ch.isalnum()
                   else " " if ch.isspace() else _PLACEHOLDER_OTHER for ch in run), error.end


codecs.register_error("briefing.fold", _fold_error)
_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789_"
_RUNS = bytes(c + 32 if 65 <= c <= 90 else c if c in _WORD_BYTES else 32 for c in range(256))
"""Lowercase ASCII, every byte that is not a word character a space: words split cleanly."""
_PLAIN_TERM = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")


class _Vocabulary:
    """The terms of some themes, compiled to be counted together in one reading.

    Plain terms (letters and digits, single spaces or hyphens, maybe a final '*') are
    answered from the scan's word counts where that is exact; any other term, and every
    term when one of them is not ASCII, is counted by its pattern.
    """

    def __init__(self, themes: tuple[Theme, ...]):
        self.themes = themes
        self.weights: list[dict[str, list[float]]] = []
        for theme in themes:
            self.weights.append({})
            for term in theme.terms:
                self.weights[-1].setdefault(term.text, []).append(term.weight)
        self.excludes = any(theme.exclude for theme in themes)
        self.texts = texts = tuple(dict.fromkeys(t.text for theme in themes for t in theme.terms))
        self.folds = not any(not text.isascii() or _PLACEHOLDER_WORD in text
                             or _PLACEHOLDER_OTHER in text for text in texts)
        plain = {text: _words(text) for text in texts if self.folds}
        plain = {text: words for text, words in plain.items() if words}
        self.singles = {words[0]: text for text, words in plain.items()
                        if len(words) == 1 and not text.endswith("*")}
        self.prefixes = tuple(sorted({words[-1] for text, words in plain.items()
                                      if text.endswith("*")}))
        self.prefix_terms = tuple((text, self.prefixes.index(words[0]))
                                  for text, words in plain.items()
                                  if len(words) == 1 and text.endswith("*"))
        self.phrases = tuple(
            (text, words[:-1], words[-1],
             self.prefixes.index(words[-1]) if text.endswith("*") else -1)
            for text, words in plain.items() if len(words) > 1)
        self.others = tuple(text for text in texts if text not in plain)
        self.after_hyphen = re.compile("-(?:" + _trie(list(self.prefixes)).decode() + ")"
                                       if self.prefixes else "(?!)")
        stems = sorted({word for words in plain.values() for word in words})
        self.scanner = re.compile(b" ((?:" + _trie(stems) + b")[a-z0-9_]*)" if stems else b"(?!)")
        self._starts: dict[bytes, tuple[int, ...]] = {}

    @cached_property
    def empty(self) -> dict[str, int]:
        """The counts in an empty text (asked for seldom: finding them compiles every
        term's pattern, a tenth of a rebuild that classifies one edited article)."""
        return self._reference("")

    def _reference(self, text: str) -> dict[str, int]:
        lowered = text.lower()
        return {term: count for term in self.texts if (count := count_term(term, lowered))}

    def starts(self, word: bytes) -> tuple[int, ...]:
        """Indexes of the prefixes ``word`` starts with (memoized: words recur)."""
        known = self._starts.get(word)
        if known is None:
            if len(self._starts) > 50_000:
                self._starts.clear()
            known = self._starts[word] = tuple(
                i for i, prefix in enumerate(self.prefixes) if word.startswith(prefix))
        return known

    def counts(self, text: str) -> dict[str, int]:
        """How often each term occurs in ``text`` (any case), by term text; zeros left out."""
        if not text:
            return self.empty
        if not self.folds:
            return self._reference(text)
        folded = text.encode("ascii", "briefing.fold")
        words = Counter(self.scanner.findall(b" " + folded.translate(_RUNS) + b" "))
        counts: dict[str, int] = {}
        by_prefix = [0] * len(self.prefixes)
        for word, count in words.items():
            if (term := self.singles.get(word)) is not None:
                counts[term] = count  # a single word matches exactly the words equal to it
            for index in self.starts(word):
                by_prefix[index] += count
        lowered = folded.decode("ascii").lower()
        if any(by_prefix):
            # One match runs on over hyphens, so two words starting alike in one hyphenated
            # word count once: where a prefix follows a hyphen only the pattern knows.
            hyphenated = {i for word in self.after_hyphen.findall(lowered)
                          for i in self.starts(word[1:].encode())}
            for term, index in self.prefix_terms:
                if by_prefix[index]:
                    counts[term] = (count_term(term, lowered) if index in hyphenated
                                    else by_prefix[index])
        for term, whole, last, index in self.phrases:
            # A match needs each of its words, and the scan saw every such word.
            if (by_prefix[index] if index >= 0 else last in words) and all(
                    word in words for word in whole):
                counts[term] = count_term(term, lowered)
        for term in self.others:
            counts[term] = count_term(term, lowered)
        return {term: count for term, count in counts.items() if count}


def _words(text: str) -> tuple[bytes, ...]:
    """A plain term's words (letters and digits, split at single spaces or hyphens), else ()."""
    word = text.rstrip("*")
    return tuple(w.encode() for w in re.split(r"[ -]", word)) if _PLAIN_TERM.fullmatch(word) else ()


def _trie(words: list[bytes]) -> bytes:
    """An alternation of ``words`` factored by their common starts (fewer branches to try)."""
    groups: dict[bytes, list[bytes]] = {}
    for word in words:
        groups.setdefault(word[:1], []).append(word[1:])
    alternatives = []
    for head, tails in sorted(groups.items()):
        if not head:
            continue
        rest = _trie([t for t in tails if t]) if any(tails) else b""
        optional = b"" in tails and rest
        alternatives.append(re.escape(head) + (b"(?:" + rest + b")?" if optional else rest))
    return alternatives[0] if len(alternatives) == 1 else b"(?:" + b"|".join(alternatives) + b")"


_VOCABULARIES: dict[int, tuple[Any, _Vocabulary]] = {}


def _vocabulary(owner: Theme | tuple[Theme, ...]) -> _Vocabulary:
    """The compiled terms of a theme or of themes, kept per object.

    Keyed by identity, not by value (hashing every term on each call would cost more
    than counting); the entry holds the object, so its id cannot be reused meanwhile.
    """
    known = _VOCABULARIES.get(id(owner))
    if known is not None and known[0] is owner:
        return known[1]
    if len(_VOCABULARIES) > 256:
        _VOCABULARIES.clear()
    vocabulary = _Vocabulary((owner,) if isinstance(owner, Theme) else owner)
    _VOCABULARIES[id(owner)] = (owner, vocabulary)
    return vocabulary


# Scoring ----------------------------------------------------------------------------------

@lru_cache(maxsize=65536, typed=True)  # typed: weight 1 and 1.0 give points 2 and 2.0
def _match(term: str, count: int, weight: float) -> TermMatch:
    """Matches are immutable and recur (same term, count and weight): made once each."""
    return TermMatch(term, count, round(count * weight, 2))


def _score(theme: Theme, weights: dict[str, list[float]], found: set[str],
           title: dict[str, int], text: dict[str, int], excluded: str | None) -> ThemeScore:
    matches = []
    for term in found & weights.keys():
        count = text.get(term, 0) + TITLE_FACTOR * title.get(term, 0)
        # A term listed twice counts twice (as it would term by term); the sort below
        # puts the matches in one order whatever order they were found in.
        matches += [_match(term, count, weight) for weight in weights[term]]
    matches.sort(key=lambda m: (-m.points, m.term))
    score = round(sum(m.points for m in matches), 2)
    return ThemeScore(theme.slug, score, theme.threshold, tuple(matches), excluded)


def _scores(owner: Theme | tuple[Theme, ...], title: str, text: str) -> tuple[ThemeScore, ...]:
    vocabulary = _vocabulary(owner)
    title_counts, text_counts = vocabulary.counts(title), vocabulary.counts(text)
    found = title_counts.keys() | text_counts.keys()
    lowered = text.lower() if vocabulary.excludes else ""
    return tuple(_score(theme, weights, found, title_counts, text_counts,
                        next((phrase for phrase in theme.exclude if phrase in lowered), None))
                 for theme, weights in zip(vocabulary.themes, vocabulary.weights, strict=True))


def score_theme(theme: Theme, title: str, text: str) -> ThemeScore:
    """Score one article against one theme; ``text`` is everything but the headline."""
    return _scores(theme, title, text)[0]


def classify(themes: tuple[Theme, ...], title: str, text: str) -> tuple[ThemeScore, ...]:
    """Scores for every theme, in themes.yaml order."""
    return _scores(themes, title, text)


def assigned_themes(scores: tuple[ThemeScore, ...]) -> tuple[str, ...]:
    """The themes an article gets; if none passes, the best-scoring one with any match."""
    chosen = tuple(s.theme for s in scores if s.assigned)
    if chosen:
        return chosen
    best = max((s for s in scores if s.score > 0 and s.excluded_by is None),
               key=lambda s: s.score / s.threshold, default=None)
    return (best.theme,) if best else ()
