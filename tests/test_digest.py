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
    points = brief(digest, "compute").key_points
    point = point_citing(points, SORA_000, "compute freed from Sora's shutdown")
    # 001 says "GPU resources ... redirected", 004 "free up ... computational resources".
    assert point is point_citing(points, SPUD_001, "redirecting the vast GPU resources")
    assert point is point_citing(points, PIVOT_004, "free up the substantial computational")
    assert {s.slug for s in point.statements} >= {SORA_000, SPUD_001, PIVOT_004, SUNSET_003}
    assert point.sources >= 4 and points[0] == point
    # The lead is a reported fact, not 000's "likely" nor 004's "underscores that".
    assert "likely" not in point.text and "underscores" not in point.text


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
    assert point is point_citing(points, SORA_000, "reducing his day-to-day oversight of safety")
    assert point.sources >= 2 and points.index(point) == 0


def test_the_end_of_the_disney_deal_is_an_enterprise_pivot_point_from_three_sources(digest):
    # Dropping the consumer-media partnership is the other side of the enterprise turn.
    points = brief(digest, "enterprise-pivot").key_points
    point = point_citing(points, SORA_000, "licensing deal with Disney")
    assert point is point_citing(points, SPUD_001, "billion-dollar partnership with Disney")
    assert point is point_citing(points, KILLED_002, "$1 billion Disney deal")
    assert point.sources == 3 and points.index(point) < 3
    assert "Disney" in point.text
    for theme in ("compute", "governance", "spud"):  # not their claim, though in their articles
        assert not any("Disney" in s.text for p in brief(digest, theme).key_points
                       for s in p.statements), theme


def test_distinct_claims_stay_apart(digest):
    spud = brief(digest, "spud").key_points
    # "no release date" (000) and "Its release is anticipated in a few weeks" (004) are
    # different claims that share a word.
    no_date = [p for p in spud if any("no release date" in s.text for s in p.statements)]
    assert not any("anticipated" in s.text for p in no_date for s in p.statements)
    enterprise = brief(digest, "enterprise-pivot").key_points
    super_app = point_citing(enterprise, KILLED_002, "into a single 'super app'")
    disney = point_citing(enterprise, KILLED_002, "$1 billion Disney deal")
    assert super_app is not disney
    compute = brief(digest, "compute").key_points
    constrained = point_citing(compute, KILLED_002, "struggling with compute constraints")
    assert constrained is not point_citing(compute, SORA_000, "compute freed from Sora's")


def test_a_point_is_on_theme_only_if_most_of_its_sources_say_it_in_theme_terms(digest):
    # 004's "The new LLM is internally codenamed Spud" sits next to a reorg, and 000's
    # sentence about the codename says "restructuring": still not a governance claim.
    governance = brief(digest, "governance").key_points
    assert not any("codenamed" in s.text for p in governance for s in p.statements)
    for theme in THEMES:
        for point in brief(digest, theme.slug).key_points:
            sources = {s.source for s in point.statements}
            stating = {s.source for s in point.statements
                       if score_theme(theme, "", s.text).score > 0}
            assert 2 * len(stating) > len(sources) or point.sources > len(sources), point.text


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
    # Not flagged: "first unveiled in February 2024" (004) and "launched publicly in
    # September 2025" (000) are different events, not two dates for one.
    (flag,) = brief(digest, "spud").disagreements
    assert flag.topic == "Sora"
    yes, no = flag.sides
    assert (yes.label, no.label) == ("Yes", "No")
    assert [s.slug for s in no.statements] == [PIVOT_004]
    assert "never released as a public product" in no.statements[0].text
    assert {SORA_000, KILLED_002} <= {s.slug for s in yes.statements}
    assert brief(digest, "enterprise-pivot").disagreements == ()  # seed 004 is not in it


def test_who_and_what_counts_people_and_organizations(digest):
    names = {m.name: m for m in brief(digest, "governance").names}
    assert "Sam Altman" in names and "Altman" not in names
    assert names["Sam Altman"].count >= 10 and names["Sam Altman"].articles == 3
    assert {"OpenAI", "Anthropic", "Fidji Simo"} <= set(names)
    assert not {"The", "March", "CEO", "AI"} & set(names)


DANGLING = re.compile(r"^(?:It|Its|It’s|He|His|She|Her|They|Their|This|That|These|Those|"
                      r"But|And|So|However|Ultimately|Conversely)\b")


def test_bottom_line_is_two_to_four_cited_sentences(digest):
    for theme in THEMES:
        lines = brief(digest, theme.slug).bottom_line
        assert 2 <= len(lines) <= 4
        assert all(s.anchor.startswith("p-") for s in lines)
        assert not any(DANGLING.match(s.text) for s in lines)
        cited = {s for p in brief(digest, theme.slug).key_points for s in p.statements}
        assert set(lines) <= cited


def test_front_page_cards_do_not_repeat_one_another(digest):
    lines = [(t.slug, s) for t in THEMES for s in brief(digest, t.slug).bottom_line]
    assert len({s for _, s in lines}) == len(lines)
    # Nor the same claim in other words: each line's point is its own theme's.
    claims = {}
    for theme, statement in lines:
        point = next(p for p in brief(digest, theme).key_points if statement in p.statements)
        for other, seen in claims.items():
            shared = set(point.statements) & set(seen.statements)
            assert len(shared) < 0.5 * min(len(point.statements), len(seen.statements)), (
                theme, other, statement.text)
        claims[(theme, statement)] = point
    # The compute card states the compute story (freed GPUs or the constraint on them).
    assert any("compute" in s.text.lower() or "gpu" in s.text.lower()
               for s in brief(digest, "compute").bottom_line)


def test_no_lead_leans_on_a_sentence_it_does_not_show(digest):
    for theme in THEMES:
        for point in brief(digest, theme.slug).key_points:
            assert not DANGLING.match(point.text), (theme.slug, point.text)
            assert not re.match(r"^(?:When|If|While) (?:it|they|he|she)\b", point.text)


def test_a_point_whose_sentences_all_lean_back_is_quoted_with_the_sentence_before(tmp_path):
    theme = THEMES[-1]  # spud
    body = ("Staff were told the new model is codenamed Spud and has finished pretraining. "
            "Its release is anticipated within a few weeks, according to two people briefed.")
    article = parse_article(f"---\ntitle: Spud news\nslug: spud-news\ndate: 2026-03-20\n"
                            f"publisher: Wire\n---\n\n{body}\n", "spud-news.md")
    digest = theme_digest(theme, [article])
    texts = [p.text for p in digest.key_points]
    assert texts and all(not DANGLING.match(t) for t in texts)
    assert all(t in body for t in texts)  # the article's own words, in order


def test_each_theme_reads_only_its_newest_window(site):
    members = site.articles_in("spud")
    small = theme_digest(THEMES[-1], members, window=2)
    assert (small.articles, small.window) == (5, 2)
    read = {s.slug for p in small.key_points for s in p.statements}
    assert read <= {a.slug for a in members[:2]}


def test_digest_is_deterministic(site):
    assert build_digest(THEMES, site.articles) == build_digest(THEMES, site.articles)


def test_the_window_is_a_site_setting(site):
    small = pipeline.assemble(SiteConfig(digest_window=2), THEMES, list(site.articles))
    assert {t.window for t in small.digest.themes} == {2}
    assert {t.window for t in site.digest.themes} == {5, 4, 3}  # the default reads them all


def dated(slug: str, publisher: str, text: str) -> Article:
    return parse_article(f"---\ntitle: {slug}\nslug: {slug}\ndate: 2026-03-20\n"
                         f"publisher: {publisher}\n---\n\n{text}\n", f"{slug}.md")


def test_two_dates_for_one_event_are_a_disagreement_but_two_events_are_not():
    theme = THEMES[-1]
    a = dated("a", "Wire", "Codenamed Spud, the model follows Sora. Sora launched publicly in "
                           "September 2025 after months of tests.")
    b = dated("b", "Daily", "Spud is the new model. Back then, Sora was released to the public "
                            "in December 2024, to long queues.")
    c = dated("c", "Post", "Spud is the new model, people said. The Sora model, first unveiled "
                           "in February 2024, impressed researchers.")
    (flag,) = theme_digest(theme, [a, b]).disagreements
    assert flag.topic == "Sora" and flag.question == "When was it released to the public?"
    assert [(side.label, [s.slug for s in side.statements]) for side in flag.sides] == [
        ("December 2024", ["b"]), ("September 2025", ["a"])]
    assert theme_digest(theme, [a, c]).disagreements == ()  # unveiled, then launched
    same = dated("d", "Wire", "Spud is the new model. Sora was released publicly in "
                              "December 2024.")
    assert theme_digest(theme, [a, same]).disagreements == ()  # one source, not two


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


def test_by_article_groups_citations_as_jinja_groupby_and_unique_would(site):
    """The ``by_article`` filter stands in for ``groupby("slug")`` and ``unique("anchor")``
    in ``cite_all``: on every point's and event's statements (and with slugs and anchors
    differing only in case), it must give the groups those filters give, in their order."""
    from dataclasses import replace

    import jinja2

    from briefing.render import by_article

    template = jinja2.Environment().from_string(
        '{% for slug, group in statements | groupby("slug") %}{{ group[0].title }}|'
        '{{ group[0].source }}:{% for s in group | unique(attribute="anchor") %}'
        '{{ s.href }}#{{ s.anchor[2:] }},{% endfor %};{% endfor %}')
    lists = [p.statements for d in site.digest.themes for p in d.key_points]
    lists += [e.statements for d in site.digest.themes for e in d.timeline]
    mixed = [replace(s, slug=s.slug.upper(), anchor=s.anchor.upper()) if i % 3 == 0 else s
             for i, s in enumerate(s for statements in lists for s in statements)]
    lists.append(tuple(mixed))
    assert sum(len(x) for x in lists) > 50
    for statements in lists:
        ours = "".join(f"{c.lead.title}|{c.source}:" + "".join(f"{href}#{n}," for href, n in
                                                                c.passages) + ";"
                       for c in by_article(statements))
        assert ours == template.render(statements=statements)
