"""The one-pass classifier against the definition: each term's pattern counted on its own.

``classify`` folds the text to ASCII, counts words in one scan and asks the patterns only
where needed; ``reference_scores`` below is the plain definition (lowercase, then
``term_pattern(term).findall`` per term and theme). Texts are built from the terms and
their near misses, so every shortcut in the fast path is exercised.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.classify import (
    TITLE_FACTOR,
    TermMatch,
    ThemeScore,
    classify,
    score_theme,
    term_pattern,
)
from briefing.config import Term, Theme, load_themes
from briefing.content import parse_article
from tests.conftest import ROOT

THEMES = load_themes(ROOT / "themes.yaml")
PROJECT_TERMS = sorted({term.text for theme in THEMES for term in theme.terms})
ODD_TERMS = [
    "a a", "a-b a", "u.s.", "c++", "*", "-x", "x-", "café", "ai_x", "5g", "b2b", "red  teaming",
    "über*", "k", "ai", "ai*", "gpu", "data", "data*", "center", "x\ty", "what?", "σ", "i",
    "non-profit*", "pre-training run*", "super app*", "a\x00b", "data center", "_x",
]
NEIGHBOURS = [
    "ai-driven", "AI_x", "AI", "gpus", "GPU-rich", "gpu-gpu", "x-gpu-gpu", "data-center",
    "data  center", "data\tcenter", "data\u00a0center", "data\u2003center", "datacenters",
    "data.center", "data-", "-data", "red--teaming", "red teamers", "Non-Profit", "pre-training",
    "pre - training", "b2b2b", "B2B", "5G", "u.s.", "U.S.", "c++", "café", "CAFÉ", "cafe\u0301",
    "über", "Über-GPU", "İ", "ß", "\u212a", "Σ", "σς", "ǅ", "中文", "٣", "²", "_", "__init__",
    "\x00", "\x1c", "\x1f", "\u2028", "\x85", "\xa0", "\u200b", "—", "–", "\U0001f600", "\u0307",
    "a a a", "super app", "superapp", "Side-Quests", "what?", "what", "what\u2014", "k", "i",
]
PIECES = st.one_of(
    st.sampled_from(PROJECT_TERMS + ODD_TERMS + NEIGHBOURS),
    st.sampled_from(PROJECT_TERMS).map(str.upper),
    st.sampled_from(PROJECT_TERMS).map(str.title),
    st.sampled_from([" ", "  ", "-", "--", " - ", "", "\n", ". ", ", ", "(", ")", "[", "]",
                     "'", '"', "?", "!", "/", ":", "*", "#", "\t"]),
    st.text(max_size=6),
)
TEXTS = st.lists(PIECES, max_size=40).map("".join)
TERMS = st.lists(st.sampled_from(PROJECT_TERMS + ODD_TERMS), min_size=1, max_size=12)
CHECKED = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_scores(themes: tuple[Theme, ...], title: str, text: str) -> tuple[ThemeScore, ...]:
    """The definition, as briefing.classify computed it before the one-pass reading."""
    scores = []
    for theme in themes:
        lowered_title, lowered = title.lower(), text.lower()
        matches = []
        for term in theme.terms:
            pattern = term_pattern(term.text)
            count = (len(pattern.findall(lowered))
                     + TITLE_FACTOR * len(pattern.findall(lowered_title)))
            if count:
                matches.append(TermMatch(term.text, count, round(count * term.weight, 2)))
        matches.sort(key=lambda m: (-m.points, m.term))
        excluded = next((phrase for phrase in theme.exclude if phrase in lowered), None)
        score = round(sum(m.points for m in matches), 2)
        scores.append(ThemeScore(theme.slug, score, theme.threshold, tuple(matches), excluded))
    return tuple(scores)


def _themes(term_lists: list[list[str]], weights: list[float]) -> tuple[Theme, ...]:
    return tuple(
        Theme(f"t{i}", "T", "", tuple(Term(text, weights[(i + j) % len(weights)])
                                      for j, text in enumerate(texts)),
              exclude=("data center", "über")[: i % 3], threshold=3.0)
        for i, texts in enumerate(term_lists)
    )


@CHECKED
@given(title=TEXTS, text=TEXTS)
def test_the_project_themes_score_as_the_patterns_define(title, text):
    assert classify(THEMES, title, text) == reference_scores(THEMES, title, text)


EDGES = [  # (terms, text): each once broke, or would break, a shortcut of the fast path
    (["what?"], "what\u2014 what?"), (["café", "caf"], "CAFÉ caf"), (["k"], "\u212a k"),
    (["gpu*"], "x-gpu-gpu gpus"), (["a a"], "a a a a"), (["data center*"], "data\u00a0center"),
    (["i"], "\u0130 i"), (["*", "-x"], ""), (["a\x00b"], "a\u2014b a\x00b"),
    (["ai_x", "ai"], "AI_x ai\u00e9"), (["σ"], "ΑΣ σ"), (["x\ty"], "x\ty x y"),
    (["non-profit*"], "non--profits non-profit-non-profit"), (["gpu"], "gpu\u2028gpu\x1cgpu"),
]


@pytest.mark.parametrize("terms, text", EDGES)
def test_edge_cases_score_as_the_patterns_define(terms, text):
    themes = _themes([terms], [1.0])
    for title in ("", text):
        assert classify(themes, title, text) == reference_scores(themes, title, text)


@CHECKED
@given(term_lists=st.lists(TERMS, min_size=1, max_size=3),
       weights=st.lists(st.sampled_from([1.0, 0.5, 2.25, 3.0, 0.1]), min_size=1, max_size=4),
       title=TEXTS, text=TEXTS)
def test_any_terms_score_as_the_patterns_define(term_lists, weights, title, text):
    themes = _themes(term_lists, weights)
    assert classify(themes, title, text) == reference_scores(themes, title, text)
    assert score_theme(themes[0], title, text) == reference_scores(themes[:1], title, text)[0]


def test_a_term_listed_twice_counts_twice_in_any_order():
    theme = Theme("t", "T", "", (Term("gpu*", 1.0), Term("spud", 2.0), Term("gpu*", 1.0)))
    text = "GPUs, a gpu-gpu rig and Spud."
    assert score_theme(theme, "GPU", text) == reference_scores((theme,), "GPU", text)[0]
    assert [m.term for m in score_theme(theme, "GPU", text).matches] == ["gpu*", "gpu*", "spud"]


def test_the_committed_content_scores_as_the_patterns_define():
    for path in sorted(Path(ROOT / "content").glob("*.md")):
        article = parse_article(path.read_text(encoding="utf-8"), f"content/{path.name}")
        text = f"{article.dek or ''}\n{article.body}"
        assert classify(THEMES, article.title, text) == reference_scores(THEMES, article.title,
                                                                         text), path.name
