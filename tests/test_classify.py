from zoneinfo import ZoneInfo

import pytest

from briefing.classify import assigned_themes, classify, score_theme, term_pattern
from briefing.config import Term, Theme, load_themes
from briefing.normalize import normalize_text
from tests.conftest import ROOT, SEED_NAMES

THEMES = load_themes(ROOT / "themes.yaml")


@pytest.mark.parametrize("term, text, count", [
    ("gpu*", "GPUs and a gpu cluster, not gpuless? gpuless counts too", 4),
    ("compute", "compute, computer, recompute, compute-constrained", 2),
    ("data center*", "data centers, data-center, datacenter", 2),
    ("b2b", "B2B services", 1),
])
def test_terms_match_on_word_boundaries(term, text, count):
    assert len(term_pattern(term).findall(text.lower())) == count


def test_score_explains_itself_and_headline_counts_double():
    theme = Theme("t", "T", "", (Term("spud", 2.0), Term("gpu*", 1.0)), threshold=5)
    score = score_theme(theme, "Spud ships", "Spud runs on GPUs and more GPUs.")
    assert score.score == 2 * 3 + 1 * 2  # spud: once in text + twice for the headline
    assert [(m.term, m.count) for m in score.matches] == [("spud", 3), ("gpu*", 2)]
    assert score.assigned


def test_exclusion_vetoes_a_theme():
    theme = Theme("t", "T", "", (Term("spud", 5.0),), exclude=("potato salad",), threshold=1)
    score = score_theme(theme, "", "Spud in a potato salad recipe")
    assert not score.assigned and score.excluded_by == "potato salad"


def test_an_article_below_every_threshold_still_gets_its_best_theme():
    scores = classify(THEMES, "Notes", "One mention of GPUs.")
    assert assigned_themes(scores) == ("compute",)
    assert assigned_themes(classify(THEMES, "Cake", "A recipe for cake.")) == ()


@pytest.mark.parametrize("name", SEED_NAMES)
def test_each_seed_gets_the_themes_a_careful_reader_would(name, expected_seeds):
    seed = normalize_text((ROOT / "seeds" / name).read_text(encoding="utf-8"),
                          ZoneInfo("America/New_York"))
    scores = classify(THEMES, seed.title, f"{seed.dek or ''}\n{seed.body}")
    assert list(assigned_themes(scores)) == expected_seeds[f"seeds/{name}"]["themes"]
