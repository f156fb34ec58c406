"""axe-core in headless Chromium: every page type, light and dark, zero violations."""

from __future__ import annotations

import json

import pytest

from tests.browser import support

# One page of each type: front, theme, article, archive, a month of the archive and of a
# theme, 404 (a missing path), search.
PAGE_TYPES = {
    "front": "",
    "theme": "themes/spud/",
    "article": "articles/openai-kills-sora-to-feed-spud-its-next-major-model/",
    "archive": "archive/",
    "month": "archive/2026-03/",
    "theme month": "themes/spud/archive/2026-03/",
    "404": "no/such/page/",
    "search": "search/",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    support.require(support.AXE.is_file(), f"axe-core ({support.AXE})")
    return support.AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_violations(page, site_url, axe_source, kind, scheme):
    page.emulate_media(color_scheme=scheme)
    response = page.goto(site_url + PAGE_TYPES[kind], wait_until="networkidle")
    assert response is not None and response.status == (404 if kind == "404" else 200)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
        scheme == "dark")
    page.add_script_tag(content=axe_source)
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"],
            rules: {"target-size": {enabled: true}}});  // WCAG 2.2 AA, off by default
        return result.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary)}));
    }""")
    assert violations == [], json.dumps(violations, indent=1)


def test_dark_scheme_really_changes_the_colours(page, site_url):
    colours = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(site_url)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colours["light"] != colours["dark"]


def test_skip_link_is_first_and_shows_on_focus(page, site_url):
    page.goto(site_url + PAGE_TYPES["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, "
                            "document.activeElement.getBoundingClientRect().top]")
    assert focused[0] == "skip" and focused[1] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
