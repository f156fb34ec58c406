"""The compact score table: packing loses nothing, and lookups agree with the objects."""

from __future__ import annotations

import pickle
from pathlib import Path

from briefing.classify import classify
from briefing.config import load_themes
from briefing.content import parse_article
from briefing.scores import Scores, pack_scores, unpack_scores

ROOT = Path(__file__).resolve().parent.parent


def _seed_scores() -> dict[str, tuple]:
    themes = load_themes(ROOT / "themes.yaml", "themes.yaml")
    found = {}
    for path in sorted((ROOT / "content").glob("*.md")):
        article = parse_article(path.read_text(encoding="utf-8"), path.name)
        text = f"{article.dek or ''}\n{article.body}"
        found[article.slug] = classify(themes, article.title, text)
    return found


def test_packing_the_seeds_scores_round_trips_exactly() -> None:
    scores = _seed_scores()
    assert any(s.matches for found in scores.values() for s in found)  # real matches
    for found in scores.values():
        assert unpack_scores(pickle.loads(pickle.dumps(pack_scores(found)))) == found


def test_a_packed_table_reads_like_the_objects() -> None:
    scores = _seed_scores()
    packed = Scores({slug: pack_scores(found) for slug, found in scores.items()})
    plain = Scores.of(scores)
    for table in (packed, plain):
        assert list(table) == list(scores) and len(table) == len(scores)
        assert list(table.values()) == list(scores.values())  # a Mapping still
        for slug, found in scores.items():
            for score in found:
                assert table.by_theme(slug)[score.theme] == score.score
            assert table.by_theme(slug) == {score.theme: score.score for score in found}
            assert table[slug] == found
        assert table.by_theme("no-such-article") == {}
        assert table.get("no-such-article") is None
