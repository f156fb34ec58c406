"""The briefing's substance on the five real seeds: merged points, dates, disagreements."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from briefing import pipeline
from briefing.classify import score_theme
from briefing.config import SiteConfig, load_themes
from briefing.content import Article, parse_article
from briefing.digest import Digest, KeyPoint, ThemeDigest, build_digest, theme_digest
from briefing.markdown import passages, to_html
from briefing.render import render_pages
from briefing.timeline import Precision, find_dates
from tests.conftest import ROOT, make_project

THEMES = load_themes(ROOT / "themes.yaml")
SORA_000 = "openai-kills-sora-to-feed-spud-its-next-major-model"  # dated March 24, 2026
SPUD_001 = "openai-completes-flagship-spud-model-and-scraps-sora"
KILLED_002 = "openai-just-killed-sora"
SUNSET_003 = "openai-is-sunsetting-sora"
PIVOT_004 = "openai-reportedly-pivots-sora-team-to-world-model-research"


@pytest.fixture(scope="module")
def site():
    articles = [parse_article(p.read_text(encoding="utf-8"), p.name)
                for p in sorted((ROOT / "content").glob("*.md"))]
    return pipeline.assemble(SiteConfig(), THEMES, articles)


@pytest.fixture(scope="module")
def digest(site) -> Digest:
    return site.digest


def brief(digest: Digest, theme: str) -> ThemeDigest:
    found = digest.theme(theme)
    assert found is not None
    return found


def point_citing(points: tuple[KeyPoint, ...], slug: str, words: str) -> KeyPoint:
    """The one key point with a supporting sentence from ``slug`` containing ``words``."""
    found = [p for p in points if any(s.slug == slug and words in s.text for s in p.statements)]
    assert len(found) == 1, [p.text for p in points]
    return found[0]


def test_passage_anchors_on_pages_are_the_ones_the_digest_cites(site):
    for article in site.articles:
        html = to_html(article.body)
        numbered = passages(article.body)
        assert re.findall(r' id="(p-\d+)"', html) == [p.anchor for p in numbered]
    body = next(a for a in site.articles if a.slug == KILLED_002).body
    insight = next(p for p in passages(body) if p.text.startswith("The company is compute-"))
    assert f'<li id="{insight.anchor}">The company is compute-constrained' in to_html(body)


def test_sora_shutdown_freeing_compute_for_spud_is_one_point_with_its_sources(digest):
    point = point_citing(brief(digest, "compute").key_points, SORA_000,
                         "compute freed from Sora's shutdown")
    assert {s.slug for s in point.statements} >= {SORA_000, PIVOT_004, SUNSET_003}
    assert point.sources >= 3
    assert any("free up the substantial computational resources" in s.text
               for s in point.statements)


def test_spud_finished_pretraining_is_the_top_spud_point_merged_across_sources(digest):
    points = brief(digest, "spud").key_points
    point = point_citing(points, SUNSET_003, "has finished pre-training")
    assert points[0] == point
    assert {SPUD_001, KILLED_002, SUNSET_003} <= {s.slug for s in point.statements}
    assert any("launch within weeks" in s.text for s in point.statements)
    assert point.sources >= 3


def test_altman_stepping_back_from_safety_oversight_is_a_governance_point(digest):
    points = brief(digest, "governance").key_points
    point = point_citing(points, SPUD_001, "stepped back from direct oversight of safety")
    assert point.sources >= 2 and points.index(point) == 0


def test_no_key_point_is_off_theme_and_no_sentence_is_in_two_points(digest, site):
    for theme in THEMES:
        points = brief(digest, theme.slug).key_points
        assert points, theme.slug
        cited = [(s.slug, s.anchor, s.text) for p in points for s in p.statements]
        assert len(cited) == len(set(cited)), theme.slug
        for point in points:
            article = next(a for a in site.articles if a.slug == point.lead.slug)
            assert theme.slug in article.themes
            passage = next(p for p in passages(article.body) if p.anchor == point.lead.anchor)
            assert point.text in passage.text
            assert score_theme(theme, "", passage.text).score > 0, (theme.slug, point.text)
        ranks = [(-p.sources, -p.relevance) for p in points]
        assert ranks == sorted(ranks)


def test_timeline_resolves_dates_from_the_text_and_the_article_date(digest):
    entries = {(e.when, e.precision): e for e in brief(digest, "spud").timeline
               if not e.published}
    all_hands = entries[(date(2026, 3, 16), Precision.DAY)]
    assert all_hands.inferred_year and all_hands.statements[0].slug == SORA_000
    assert "all-hands" in all_hands.statements[0].text
    launch = entries[(date(2025, 9, 1), Precision.MONTH)]
    assert "launched publicly" in launch.statements[0].text
    assert "CODA" in entries[(date(2025, 11, 1), Precision.MONTH)].statements[0].text
    unveiled = entries[(date(2024, 2, 1), Precision.MONTH)]
    assert {s.slug for s in unveiled.statements} == {PIVOT_004}  # undated, but has a year
    assert len(unveiled.statements) == 2  # "first unveiled in" and the FAQ, merged
    whens = [e.when for e in brief(digest, "spud").timeline]
    assert whens == sorted(whens)


def test_year_less_dates_need_an_article_date():
    assert find_dates("At a March 16 all-hands meeting", None) == ()
    (mention,) = find_dates("At a March 16 all-hands meeting", date(2026, 3, 24))
    assert mention.when == date(2026, 3, 16) and mention.inferred_year
    (december,) = find_dates("a December 30 memo", date(2026, 1, 5))
    assert december.when == date(2025, 12, 30)
    assert [m.label for m in find_dates("from May 2025 to June 3, 2026, in 2024", None)] == [
        "May 2025", "June 3, 2026", "2024"]


def test_only_the_real_contradiction_is_flagged(digest):
    (flag,) = brief(digest, "spud").disagreements
    assert flag.topic == "Sora"
    assert [s.slug for s in flag.denied] == [PIVOT_004]
    assert "never released as a public product" in flag.denied[0].text
    assert {SORA_000, KILLED_002} <= {s.slug for s in flag.affirmed}
    assert brief(digest, "enterprise-pivot").disagreements == ()  # seed 004 is not in it


def test_who_and_what_counts_people_and_organizations(digest):
    names = {m.name: m for m in brief(digest, "governance").names}
    assert "Sam Altman" in names and "Altman" not in names
    assert names["Sam Altman"].count >= 10 and names["Sam Altman"].articles == 3
    assert {"OpenAI", "Anthropic", "Fidji Simo"} <= set(names)
    assert not {"The", "March", "CEO", "AI"} & set(names)


def test_bottom_line_is_two_to_four_cited_sentences(digest):
    for theme in THEMES:
        lines = brief(digest, theme.slug).bottom_line
        assert 2 <= len(lines) <= 4
        assert all(s.anchor.startswith("p-") for s in lines)
        assert not any(s.text.startswith(("It ", "This ", "That ", "He ")) for s in lines)


def test_each_theme_reads_only_its_newest_window(site):
    members = site.articles_in("spud")
    small = theme_digest(THEMES[-1], members, window=2)
    assert (small.articles, small.window) == (5, 2)
    read = {s.slug for p in small.key_points for s in p.statements}
    assert read <= {a.slug for a in members[:2]}


def test_digest_is_deterministic(site):
    assert build_digest(THEMES, site.articles) == build_digest(THEMES, site.articles)


def test_pages_show_the_briefing_and_a_fifth_theme_needs_no_code(tmp_path):
    project = make_project(tmp_path)
    themes_file = project.themes_file
    themes_file.write_text(themes_file.read_text(encoding="utf-8") + (
        "\n  video:\n    title: Video\n    description: Video generation.\n    threshold: 6\n"
        "    terms:\n      sora: 2\n      video: 2\n"), encoding="utf-8")
    report = pipeline.build(project)
    assert not report.failed, report.diagnostics
    page = (project.out / "themes/video/index.html").read_text(encoding="utf-8")
    for heading in ("Bottom line", "Key points", "Timeline", "Who and what", "Articles"):
        assert f">{heading}" in page
    assert re.search(r'href="\.\./\.\./articles/[a-z0-9-]+/#p-\d+"', page)
    assert list((project.out / "themes/video").glob("*.xml"))  # its own feeds too
    front = (project.out / "index.html").read_text(encoding="utf-8")
    assert 'href="themes/video/"' in front and "Edition of" in front
    assert "March 25, 2026" in front and "Top points" in front


def test_article_page_says_when_an_editor_pinned_its_themes(site):
    article: Article = next(a for a in site.articles if a.slug == SUNSET_003)
    pinned = replace(article, themes=("governance",))
    others = [a for a in site.articles if a.slug != SUNSET_003]
    rebuilt = pipeline.assemble(SiteConfig(), THEMES, [*others, pinned])
    assert rebuilt.pinned(pinned) and not site.pinned(article)
    html = {p.path: p.data.decode() for p in render_pages(rebuilt, ROOT / "templates")}
    page = html[f"articles/{SUNSET_003}/index.html"]
    assert "pinned by editor" in page.lower()
    assert SUNSET_003 in html["themes/governance/index.html"]
