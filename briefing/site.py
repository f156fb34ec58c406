"""The assembled site: articles in order, their themes and scores (plain data, pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from math import inf
from operator import attrgetter

from briefing.classify import ThemeScore, assigned_themes
from briefing.config import SiteConfig, Theme
from briefing.content import Article, as_datetime, with_theme
from briefing.edition import Digest, ThemeDigest
from briefing.scores import Scores


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderers need, and nothing they have to compute twice."""

    config: SiteConfig
    themes: tuple[Theme, ...]
    articles: tuple[Article, ...]
    """Newest first; undated articles last, by slug."""
    scores: Scores
    """Every theme's score for each article, by article slug."""
    digest: Digest = field(default_factory=Digest)
    """The briefing: per theme key points, timeline, names; top points of the edition."""
    _members: dict[str, tuple[Article, ...]] = field(default_factory=dict, init=False,
                                                     repr=False, compare=False)
    """``articles_in``'s answers: every page and feed of a theme asks again."""

    def articles_in(self, theme: str) -> tuple[Article, ...]:
        """The theme's articles, newest first."""
        found = self._members.get(theme)
        if found is None:
            found = self._members[theme] = with_theme(self.articles, theme)
        return found

    def with_articles(self, changed: Mapping[str, Article]) -> Site:
        """The same site with some of its articles (by slug) changed in place (bodies
        read, say): its theme lists, found already, kept with them."""
        swap = partial(_changed, changed)
        site = replace(self, articles=tuple(map(swap, self.articles)))
        site._members.update((theme, tuple(map(swap, listed)))
                             for theme, listed in self._members.items())
        return site

    def with_digest(self, digest: Digest) -> Site:
        """The same site with this briefing (its theme lists, found already, kept)."""
        briefed = replace(self, digest=digest)
        briefed._members.update(self._members)
        return briefed

    def theme(self, slug: str) -> Theme:
        for theme in self.themes:  # a loop: pages ask this many times, themes are few
            if theme.slug == slug:
                return theme
        raise KeyError(slug)

    def score(self, article: Article, theme: str) -> ThemeScore | None:
        return next((s for s in self.scores.get(article.slug, ()) if s.theme == theme), None)

    def briefing(self, theme: str) -> ThemeDigest:
        return self.digest.theme(theme) or ThemeDigest(theme, 0, 0)

    def classifier_themes(self, article: Article) -> tuple[str, ...]:
        """The themes the classifier alone would give the article."""
        return assigned_themes(self.scores.get(article.slug, ()))

    def pinned(self, article: Article) -> bool:
        """True when the article's front matter sets themes the classifier would not."""
        return pinned(article.themes, self.classifier_themes(article))

    def newest(self) -> datetime | None:
        """The latest ``updated`` or ``date`` of a dated article (None when none is dated)."""
        # Newest first: of the articles never updated, the first dated one is the latest.
        times = [self.sort_time(a) for a in self.articles if a.updated and a.date]
        first = next((a for a in self.articles if a.date and not a.updated), None)
        if first is not None:
            times.append(self.sort_time(first))
        return max(times, default=None)

    def sort_time(self, article: Article) -> datetime:
        return as_datetime(article.updated or article.date, self.config.tz)  # type: ignore[arg-type]


def _changed(changed: Mapping[str, Article], article: Article) -> Article:
    return changed.get(article.slug, article)


def pinned(themes: tuple[str, ...], classifier: tuple[str, ...]) -> bool:
    """True when an article's ``themes`` are not the ones the classifier gives it."""
    return set(themes) != set(classifier)


def newest_first(articles: list[Article], config: SiteConfig) -> tuple[Article, ...]:
    """Dated articles newest first, then undated ones; ties broken by slug for stability."""
    def age(article: Article) -> float:
        when = article.date
        return inf if when is None else -as_datetime(when, config.tz).timestamp()

    # Two stable sorts: by slug (content files come in name order, so nearly sorted
    # already), then by a plain number: several times faster than one sort by tuples.
    return tuple(sorted(sorted(articles, key=attrgetter("slug")), key=age))
