"""Explainable theme scoring: weighted terms counted in an article (pure).

An article's score for a theme is the sum, over the theme's terms, of weight x
occurrences (headline occurrences count double). It gets the theme when the score
reaches the theme's threshold and no exclusion phrase occurs. Every score keeps
the matches that produced it, so a page can show why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefing.config import Term, Theme

TITLE_FACTOR = 2


@dataclass(frozen=True, slots=True)
class TermMatch:
    """How often one term occurred and what it contributed."""

    term: str
    count: int
    points: float


@dataclass(frozen=True, slots=True)
class ThemeScore:
    """One theme's verdict on one article, with its reasons."""

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


def _count(term: Term, text: str) -> int:
    # A substring test first: most terms are absent, and the pattern's leading
    # lookbehind keeps the regex engine from skipping ahead on its own.
    if _first_word(term.text) not in text:
        return 0
    return len(term_pattern(term.text).findall(text))


def score_theme(theme: Theme, title: str, text: str) -> ThemeScore:
    """Score one article against one theme; ``text`` is everything but the headline."""
    title, text = title.lower(), text.lower()
    matches = []
    for term in theme.terms:
        count = _count(term, text) + TITLE_FACTOR * _count(term, title)
        if count:
            matches.append(TermMatch(term.text, count, round(count * term.weight, 2)))
    matches.sort(key=lambda m: (-m.points, m.term))
    excluded = next((phrase for phrase in theme.exclude if phrase in text), None)
    score = round(sum(m.points for m in matches), 2)
    return ThemeScore(theme.slug, score, theme.threshold, tuple(matches), excluded)


def classify(themes: tuple[Theme, ...], title: str, text: str) -> tuple[ThemeScore, ...]:
    """Scores for every theme, in themes.yaml order."""
    return tuple(score_theme(theme, title, text) for theme in themes)


def assigned_themes(scores: tuple[ThemeScore, ...]) -> tuple[str, ...]:
    """The themes an article gets; if none passes, the best-scoring one with any match."""
    chosen = tuple(s.theme for s in scores if s.assigned)
    if chosen:
        return chosen
    best = max((s for s in scores if s.score > 0 and s.excluded_by is None),
               key=lambda s: s.score / s.threshold, default=None)
    return (best.theme,) if best else ()
