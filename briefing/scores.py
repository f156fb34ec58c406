"""The theme scores of a whole archive, kept compact: unpacked on use.

A ``ThemeScore`` with its ``TermMatch``es is some forty objects per article. Packed, an
article's scores are the themes (one tuple the record cache shares between records), their
scores (what ordering needs) and the rest as one opaque ``marshal`` blob, decoded only for
the pages and lists that show a score.
Loading the record cache of a large archive thus builds no score object at all.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator, Mapping

from briefing.classify import TermMatch, ThemeScore

MARSHAL_VERSION = 4
"""The blob's format (fixed, not the running Python's default; see ``cache.code_version``)."""
PackedScores = tuple[tuple[str, ...], tuple[float, ...], bytes]
"""An article's scores: the themes, their scores in that order, and a blob of
((theme, score, threshold, excluded_by, ((term, count, points), ...)), ...)."""


def pack_scores(scores: tuple[ThemeScore, ...]) -> PackedScores:
    full = tuple((s.theme, s.score, s.threshold, s.excluded_by,
                  tuple((m.term, m.count, m.points) for m in s.matches)) for s in scores)
    return (tuple(s.theme for s in scores), tuple(s.score for s in scores),
            marshal.dumps(full, MARSHAL_VERSION))


NO_SCORES = pack_scores(())


def unpack_scores(packed: PackedScores) -> tuple[ThemeScore, ...]:
    return tuple(ThemeScore(theme, score, threshold,
                            tuple(TermMatch(*match) for match in matches), excluded)
                 for theme, score, threshold, excluded, matches in marshal.loads(packed[2]))


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

    def by_theme(self, slug: str) -> dict[str, float]:
        """Each theme's score of one article (none when unscored), without unpacking it."""
        found = self._unpacked.get(slug)
        if found is not None:
            return {s.theme: s.score for s in found}
        packed = self._packed.get(slug)
        return dict(zip(packed[0], packed[1], strict=True)) if packed is not None else {}
