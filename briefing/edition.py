"""An edition's briefing as plain data: each theme's digest (bottom line, key points,
disagreements, timeline, names) and the top points across themes.

``digest`` builds it; pages and the site read it. Kept apart so that a build which
shows no new briefing (every page drawn from one kept) never loads the digest's code.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from briefing.cache import kept_by_identity, pickle_by_fields
from briefing.statement import Statement

if TYPE_CHECKING:
    from briefing.conflicts import Disagreement
    from briefing.content import Article
    from briefing.entities import Mention
    from briefing.timeline import Precision


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A claim, stated by its most representative sentence, with every supporting one."""

    text: str
    statements: tuple[Statement, ...]
    """The representative first, then the others, newest article first."""
    sources: int
    """Independent sources: distinct publishers (articles when no publisher is known)."""
    relevance: float
    themes: tuple[str, ...] = ()

    @property
    def lead(self) -> Statement:
        return self.statements[0]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated event (or a publication), with the sentences that mention it."""

    when: date
    precision: Precision
    label: str
    statements: tuple[Statement, ...]
    inferred_year: bool = False
    published: bool = False


@dataclass(frozen=True, slots=True)
class ThemeDigest:
    """One theme's briefing."""

    theme: str
    articles: int
    window: int
    """How many articles the briefing read (the theme's newest)."""
    bottom_line: tuple[Statement, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    bottom_line_options: tuple[tuple[Statement, ...], ...] = ()
    """Per key point, its sentences fit for a bottom line, best first (``build_digest``
    picks the bottom line from them, so themes do not repeat one another)."""
    disagreements: tuple[Disagreement, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    names: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Digest:
    """The briefing of every theme, and the edition's top points across themes."""

    themes: tuple[ThemeDigest, ...] = ()
    top_points: tuple[KeyPoint, ...] = ()
    edition: date | None = None

    def theme(self, slug: str) -> ThemeDigest | None:
        return next((t for t in self.themes if t.theme == slug), None)


@kept_by_identity  # the briefing's key and the briefing itself ask for the whole archive's
def edition_of(articles: Sequence[Article]) -> date | None:
    """The edition's date: the latest day an article is dated."""
    # _day inlined: this is a pass over the whole archive.
    days = [when.date() if isinstance(when, datetime) else when
            for when in map(operator.attrgetter("date"), articles) if when is not None]
    return max(days, default=None)


pickle_by_fields(KeyPoint, TimelineEntry, ThemeDigest, Digest)  # kept in the build cache
