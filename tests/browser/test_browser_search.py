"""Pagefind search in the browser, on the sub-path deploy of the seeds."""

from __future__ import annotations

from urllib.parse import urlsplit

from briefing.content import parse_article
from tests.conftest import ROOT


def articles_mentioning(word: str) -> set[str]:
    found = set()
    for path in sorted((ROOT / "content").glob("*.md")):
        article = parse_article(path.read_text(encoding="utf-8"), path.name)
        if word.lower() in f"{article.title}\n{article.dek or ''}\n{article.body}".lower():
            found.add(article.slug)
    return found


def test_typing_disney_in_the_search_box_finds_the_articles_that_mention_it(page, site_url):
    expected = articles_mentioning("Disney")
    assert expected  # the seeds do mention Disney
    page.goto(site_url)
    page.get_by_label("Search articles").fill("Disney")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Disney")
    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for()
    page.wait_for_function(
        "n => document.querySelectorAll('.pagefind-ui__result-link').length >= n",
        arg=len(expected))
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    found = {urlsplit(h).path.strip("/").split("/")[-1] for h in hrefs}
    assert found == expected
    assert all(urlsplit(h).path.startswith("/briefing/articles/") for h in hrefs)
    results.first.click()
    page.wait_for_load_state()
    assert "Disney" in page.locator("article.story").inner_text()


def test_a_word_in_no_article_finds_nothing(page, site_url):
    page.goto(site_url + "search/?q=zyxwvutsrq")
    page.locator(".pagefind-ui__message").filter(has_text="No results").wait_for()
    assert page.locator(".pagefind-ui__result").count() == 0
