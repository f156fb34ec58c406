"""The theme scores of a whole archive, kept compact: plain tuples, unpacked on use.

A ``ThemeScore`` with its ``TermMatch``es is some forty objects per article; as plain
tuples the same scores pickle, cache and load about ten times faster, and only the
pages rendered (and the few lists that show a score) need the objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from briefing.classify import TermMatch, ThemeScore

PackedScores = tuple[tuple[str, float, float, str | None, tuple[tuple[str, int, float], ...]], ...]
"""An article's scores: (theme, score, threshold, excluded_by, ((term, count, points), ...))."""


def pack_scores(scores: tuple[ThemeScore, ...]) -> PackedScores:
    return tuple((s.theme, s.score, s.threshold, s.excluded_by,
                  tuple((m.term, m.count, m.points) for m in s.matches)) for s in scores)


def unpack_scores(packed: PackedScores) -> tuple[ThemeScore, ...]:
    return tuple(ThemeScore(theme, score, threshold,
                            tuple(TermMatch(*match) for match in matches), excluded)
                 for theme, score, threshold, excluded, matches in packed)


class Scores(Mapping[str, tuple[ThemeScore, ...]]):
    """Every article's theme scores by slug, each article's unpacked on first use."""

    def __init__(self, packed: Mapping[str, PackedScores]):
        self._packed = packed
        self._unpacked: dict[str, tuple[ThemeScore, ...]] = {}
        self._slugs: Mapping[str, object] = packed

    @classmethod
    def of(cls, scores: Mapping[str, tuple[ThemeScore, ...]]) -> Scores:
        """A table of scores already unpacked (nothing is packed)."""
        if isinstance(scores, Scores):
            return scores
        table = cls({})
        table._unpacked = dict(scores)
        table._slugs = table._unpacked
        return table

    def __getitem__(self, slug: str) -> tuple[ThemeScore, ...]:
        found = self._unpacked.get(slug)
        if found is None:
            found = self._unpacked[slug] = unpack_scores(self._packed[slug])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._slugs)

    def __len__(self) -> int:
        return len(self._slugs)

    def values(self, slug: str) -> dict[str, float]:
        """Each theme's score of one article, without unpacking it."""
        found = self._unpacked.get(slug)
        if found is not None:
            return {s.theme: s.score for s in found}
        return {s[0]: s[1] for s in self._packed.get(slug, ())}

    def value(self, slug: str, theme: str) -> float:
        """One theme's score of one article (0 when unscored), without unpacking it."""
        found = self._unpacked.get(slug)
        if found is not None:
            return next((s.score for s in found if s.theme == theme), 0.0)
        return next((s[1] for s in self._packed.get(slug, ()) if s[0] == theme), 0.0)
