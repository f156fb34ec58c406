import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from briefing import render
from briefing.classify import TermMatch, classify
from briefing.config import SiteConfig, load_themes
from briefing.content import Article
from briefing.markdown import to_html
from briefing.pipeline import assemble
from briefing.render import human_date, render_pages
from tests.conftest import ROOT

THEMES = load_themes(ROOT / "themes.yaml")
HOSTILE = Article(
    title='<script>alert("t")</script> & "Quotes"', slug="hostile", id="urn:x",
    body="Text <img src=x onerror=alert(1)> and [link](javascript:alert(1)).\n\nSecond.\n",
    path="content/hostile.md", dek="<b>dek</b>", author="A & B", themes=("compute",),
    summary="<i>sum</i>",
)
OWN_SCRIPT = re.compile(r'<script src="((\.\./)*|/([\w-]+/)*)(assets|pagefind)/[a-z-]+\.js" defer>')


def pages(*articles: Article) -> dict[str, str]:
    site = assemble(SiteConfig(), THEMES, list(articles))
    return {p.path: p.data.decode() for p in render_pages(site, ROOT / "templates")}


def test_every_page_exists_for_articles_and_themes():
    out = pages(HOSTILE)
    assert {"index.html", "articles/hostile/index.html", "assets/style.css"} <= set(out)
    assert {f"themes/{t.slug}/index.html" for t in THEMES} <= set(out)


def test_text_from_articles_is_escaped_exactly_once_everywhere():
    for path, html in pages(HOSTILE).items():
        if not path.endswith(".html"):
            continue
        # The only scripts are the site's own files, loaded by address: none inline.
        scripts = re.findall(r"<script[^>]*>", html, re.IGNORECASE)
        assert all(OWN_SCRIPT.fullmatch(tag) for tag in scripts), scripts
        assert "<img" not in html
        assert 'href="javascript:' not in html
        assert "&amp;amp;" not in html and "&amp;lt;" not in html
    article = pages(HOSTILE)["articles/hostile/index.html"]
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; &#34;Quotes&#34;" in article
    assert "&lt;img src=x onerror=alert(1)&gt;" in article


class _Html:
    def __html__(self) -> str:
        return "<b>ok</b>"


@pytest.mark.parametrize("value", [
    "plain", "<a href='x'>&\"</a>", Markup("<i>safe</i>"), 3, 2.5, None, _Html(),
    type("Sub", (str,), {})("<sub>"), "\u00e9\u2028<",
])
def test_template_escaping_is_markupsafes_as_plain_text(value):
    from markupsafe import escape

    assert render.escape_text(value) == str(escape(value))
    assert type(render.escape_text(value)) is str or hasattr(value, "__html__")


def test_templates_escape_outputs_once_and_keep_captured_markup_safe(tmp_path):
    (tmp_path / "t.html").write_text(
        "{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}"
        "{% set captured %}<b>{{ v }}</b>{% endset %}"
        "{{ v }}|{{ captured }}|{{ m(v) }}|{{ v | upper }}|{{ safe | safe }}|{{ v ~ '!' }}")
    env = render.make_environment(tmp_path)
    template = env.get_template("t.html")
    assert template.root_render_func.__globals__["escape"] is render.escape_text
    out = template.render(v="<&>", safe="<u>")
    assert out == ("&lt;&amp;&gt;|<b>&lt;&amp;&gt;</b>|<i>&lt;&amp;&gt;</i>|&lt;&amp;&gt;|<u>|"
                   "&lt;&amp;&gt;!")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.setdefault(tag, dict(attrs))
        if tag == "link":
            self.tags.setdefault(f"link:{dict(attrs).get('rel')}", dict(attrs))
        if tag == "meta":
            self.tags.setdefault(f"meta:{dict(attrs).get('name')}", dict(attrs))


def test_pages_have_the_head_a_phone_and_a_feed_reader_need():
    for path, html in pages(HOSTILE).items():
        if not path.endswith(".html"):
            continue
        assert html.startswith("<!doctype html>")
        checker = _Checker()
        checker.feed(html)
        assert checker.tags["html"]["lang"] == "en"
        assert "width=device-width" in checker.tags["meta:viewport"]["content"]
        assert "title" in checker.tags
        assert checker.tags["link:alternate"]["type"] == "application/rss+xml"


def test_links_are_relative_so_the_site_works_under_any_base_path():
    article = pages(HOSTILE)["articles/hostile/index.html"]
    assert 'href="../../assets/style.css"' in article
    assert 'href="../../themes/compute/"' in article


def test_theme_pages_list_their_articles_newest_first():
    older = replace(HOSTILE, slug="older", title="Older", date=date(2026, 3, 1))
    newer = replace(HOSTILE, slug="newer", title="Newer",
                    date=datetime(2026, 3, 2, 9, tzinfo=UTC))
    undated = replace(HOSTILE, slug="undated", title="Undated")
    html = pages(undated, older, newer)["themes/compute/index.html"]
    listing = html[html.index('id="articles"'):]  # the timeline above runs oldest first
    assert listing.index("Newer") < listing.index("Older") < listing.index("Undated")


def test_article_page_explains_its_themes():
    html = pages(HOSTILE)["articles/hostile/index.html"]
    assert "Why these themes" in html


def test_paragraphs_get_stable_anchors():
    html = to_html("One.\n\n## Head\n\nTwo.\n\n- item\n")
    assert '<p id="p-1">One.</p>' in html and '<p id="p-2">Two.</p>' in html
    assert '<li id="p-3">item</li>' in html


def test_human_dates_do_not_depend_on_locale():
    assert human_date(date(2026, 3, 25)) == "March 25, 2026"
    eastern = timezone(timedelta(hours=-4))
    evening = datetime(2026, 3, 24, 19, tzinfo=eastern)
    assert human_date(evening) == "March 24, 2026, 7:00 PM UTC-04:00"


def test_an_article_page_explains_each_theme_score_term_by_term():
    body = ("The GPU cluster added compute. More compute, and a data center.\n\n"
            "Nothing here about the other themes.\n")
    article = Article(title="Compute news", slug="why", id="urn:why", body=body,
                      path="content/why.md", themes=())
    html = pages(article)["articles/why/index.html"]
    aside = html[html.index('<aside class="why"'):html.index("</aside>")]
    weights = {t.text: t.weight for theme in THEMES for t in theme.terms}
    explained = re.findall(r"([\w*][\w* -]*?) ×(\d+) \(\+([\d.]+)\)", aside)
    # "compute": twice in the text, once in the headline (which counts double).
    assert ("compute", "4", f"{round(4 * weights['compute'], 1)}") in explained
    for term, count, points in explained:
        assert float(points) == round(int(count) * weights[term], 1)
    scores = classify(THEMES, article.title, f"\n{body}")
    assert len(explained) == sum(len(s.matches) for s in scores)
    assert aside.count("no matching terms") == sum(1 for s in scores if not s.matches) > 0


def test_term_counts_show_each_match_as_its_points_are_typed():
    """Matches are formatted once each and reused: equal matches of int and float points
    still show as each would alone ("+2" and "+2.0")."""
    as_float = (TermMatch("gpu*", 1, 2.0), TermMatch("chips", 3, 7.25))
    as_int = (TermMatch("gpu*", 1, 2), TermMatch("chips", 3, 7.25))
    assert render.term_counts(as_float) == "gpu* ×1 (+2.0), chips ×3 (+7.2)"
    assert render.term_counts(as_int) == "gpu* ×1 (+2), chips ×3 (+7.2)"
    assert render.term_counts(as_float) == "gpu* ×1 (+2.0), chips ×3 (+7.2)"
    assert render.term_counts(()) == ""


def test_theme_title_filters_name_themes_as_the_site_does():
    site = assemble(SiteConfig(), THEMES, [HOSTILE])
    slugs = tuple(t.slug for t in reversed(THEMES))
    assert render.theme_titles(slugs, THEMES) == [site.theme(s).title for s in slugs]
    with pytest.raises(KeyError):
        render.theme_title("no-such-theme", THEMES)


def test_theme_titles_on_an_article_page_are_escaped_once():
    hostile = tuple(replace(t, title=f"<b>{t.title}</b> & co") for t in THEMES)
    pinned = replace(HOSTILE, themes=tuple(t.slug for t in THEMES))
    site = assemble(SiteConfig(), hostile, [pinned])
    page = next(p for p in render_pages(site, ROOT / "templates")
                if p.path == "articles/hostile/index.html").data.decode()
    listed = ", ".join(f"&lt;b&gt;{t.title}&lt;/b&gt; &amp; co" for t in THEMES)
    assert f"the front matter sets {listed};" in page
    assert "<b>" not in page and "&amp;lt;" not in page


def test_shared_fragments_are_what_each_page_would_render_alone(monkeypatch):
    """A fragment reused across pages equals the one rendered for the page itself."""
    others = [replace(HOSTILE, slug=f"other-{n}", id=f"urn:{n}", themes=(THEMES[n % 2].slug,),
                      date=date(2026, 3 - n % 2, n + 1)) for n in range(6)]
    site = assemble(SiteConfig(search=True), THEMES, [HOSTILE, *others])
    env = render.make_environment(ROOT / "templates")
    reused = render_pages(site, ROOT / "templates", env)
    fragments = render._CHROMES[env]._done
    assert {key[0] for key in fragments} == {"head_links", "site_nav", "colophon"}
    asked = 3 * sum(1 for p in reused if p.path.endswith(".html"))  # every page asks 3
    assert len(fragments) < asked / 2

    def alone(self: render.Chrome, name: str, *args: object) -> Markup:
        macros = self.env.get_template(render.CHROME).make_module(
            {"config": self.config, "themes": self.themes})
        return getattr(macros, name)(*args)

    monkeypatch.setattr(render.Chrome, "__call__", alone)
    assert render_pages(site, ROOT / "templates", env) == reused


def test_shared_fragments_follow_new_settings_and_themes_in_the_same_environment():
    env = render.make_environment(ROOT / "templates")
    first = assemble(SiteConfig(description="First & only"), THEMES, [HOSTILE])
    renamed = tuple(replace(t, title=f"{t.title} renamed") for t in THEMES)
    second = assemble(SiteConfig(description="Second <edition>"), renamed, [HOSTILE])
    before = {p.path: p.data.decode() for p in render_pages(first, ROOT / "templates", env)}
    after = {p.path: p.data.decode() for p in render_pages(second, ROOT / "templates", env)}
    assert "<p>First &amp; only</p>" in before["articles/hostile/index.html"]
    page = after["articles/hostile/index.html"]
    assert "<p>Second &lt;edition&gt;</p>" in page and "First" not in page
    assert all(f">{t.title}</a></li>" in page for t in renamed)


def test_months_of_a_list_grouped_again_are_the_same_and_a_list_of_ones_own() -> None:
    site = assemble(SiteConfig(), THEMES, [
        replace(HOSTILE, slug=f"a-{n}", date=date(2026, 1 + n % 3, 1 + n)) for n in range(7)])
    first = render.by_month(site.articles)
    first.append(first[0])  # a caller's change to its own list
    again = render.by_month(site.articles)
    assert again == first[:-1] and again is not first
    assert render.by_month(tuple(site.articles)) == again  # an equal list, another object
    assert [len(m.articles) for m in again] == [2, 2, 3]


def test_a_month_met_again_further_down_a_list_is_one_month_in_first_seen_order() -> None:
    """A list newest first by instant can come back to a month (dates in other time zones):
    its articles still make one month, in the list's order, where the month first appears."""
    def dated(slug: str, when: date | datetime | None) -> Article:
        return replace(HOSTILE, slug=slug, date=when)

    east, west = timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))
    articles = (dated("a", datetime(2026, 3, 1, 1, tzinfo=east)),     # Feb 28, 11:00 UTC
                dated("b", datetime(2026, 2, 28, 10, tzinfo=west)),   # Feb 28, 22:00 UTC
                dated("c", datetime(2026, 3, 1, 0, 30, tzinfo=east)),
                dated("d", date(2026, 2, 1)), dated("e", date(2025, 12, 31)),
                dated("f", None), dated("g", None))
    months = render.by_month(articles)
    assert [(m.slug, m.label, [a.slug for a in m.articles]) for m in months] == [
        ("2026-03", "March 2026", ["a", "c"]), ("2026-02", "February 2026", ["b", "d"]),
        ("2025-12", "December 2025", ["e"]), ("undated", "Undated", ["f", "g"])]


def test_a_site_with_articles_changed_in_place_keeps_its_theme_lists_in_step():
    from briefing.content import with_theme

    one = replace(HOSTILE, slug="one", themes=("compute", "governance"))
    two = replace(HOSTILE, slug="two", themes=("compute",))
    site = assemble(SiteConfig(), THEMES, [one, two])
    before = {t.slug: site.articles_in(t.slug) for t in THEMES}  # listed: kept by the change
    read = replace(site.articles[0], body="Read again.\n")
    changed = site.with_articles({read.slug: read})
    assert read in changed.articles and changed.articles[0] is read
    for theme in THEMES:
        found, fresh = changed.articles_in(theme.slug), with_theme(changed.articles, theme.slug)
        assert len(found) == len(fresh) and all(a is b for a, b in zip(found, fresh, strict=True))
        assert site.articles_in(theme.slug) == before[theme.slug]  # the site itself unchanged
