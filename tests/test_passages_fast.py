"""``passages()`` from the compiled parser's tree equals markdown-it-py's, passage by passage."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import markdown
from briefing.content import split_front_matter
from tests.conftest import FIXTURES
from tests.test_markdown_fast import PIECES, _bodies

# Generated articles (a sample of the benchmark corpus: links, emphasis, code, headings,
# lists and quotes in the proportions of a large archive).
CORPUS_SAMPLE = sorted((FIXTURES / "corpus-sample").glob("*.md"))
# Lines aimed at what only passages see: text inside and around inline markup, image alt
# text (left out), autolink text (normalised by markdown-it-py), tight list items (their
# paragraphs have no node in the tree), headings and code inside passages, NUL.
PASSAGE_PIECES = (
    "<http://a.b:>", "<https://ex.com/a%20b>", "<http://xn--ls8h.la>", "<HTTP://EX.COM/%41>",
    "<irc://x.y:80/p?q#f>", "<a.b+c@d-e.f>", "<x+y:z@w>", "<http://a.b/c d>", "<//@a>",
    "[![img *a*](a) text `c`](b)", "![](x)", "- ![](x)\n  ![](y)", "**[l](u)**", "*a **b** c*",
    "[l](http://ex.com/%41 \"t\")", "[l](http://\u00fc.example/)", "- a\n  ```\n  x\n  ```\n  b",
    "- a\n  > q\n  b", "- a\n  - b\n  c", "1. a\n   # h\n   b", "- a\n  # h\n  b", "- #",
    "- a\n  ***\n  b", "- [r]: /u\n  t", "-   \n  x", "a\\\nb", "`a\nb`", "`` ` ``",
    "  - x\n\n    y", "> - a\n>\n>   b",
    "- > a\n  >\n  > b", "> # q", "  # in", "&nbsp;x&nbsp;", "&#32;y", "- a  \n  b", "\t- t",
    "- a\n---", "- b\n===", "1) x\n2) y\n\n3) z", "> a\n\n> b", "\x00", "*\x00*", "a\x00b",
)


def _refuse(_: str) -> tuple[markdown.Passage, ...]:
    raise AssertionError("markdown-it-py was used")


def _corpus_bodies() -> list[tuple[str, str]]:
    return [(path.name, split_front_matter(path.read_text(encoding="utf-8"), path.name)[1])
            for path in CORPUS_SAMPLE]


def test_real_articles_give_the_same_passages():
    bodies = [*_bodies(), *_corpus_bodies()]
    assert len(CORPUS_SAMPLE) >= 6
    for name, body in bodies:
        assert markdown.passages(body) == markdown.reference_passages(body), name


def test_the_tree_does_the_work_for_ordinary_articles(monkeypatch: pytest.MonkeyPatch):
    """Not a fallback in disguise: real and generated articles need no markdown-it-py."""
    expected = {name: markdown.reference_passages(body)
                for name, body in [*_bodies(), *_corpus_bodies()]}
    monkeypatch.setattr(markdown, "reference_passages", _refuse)
    for name, body in _corpus_bodies():
        assert markdown.passages(body) == expected[name], name
    for name, body in _bodies():
        if not (markdown._ODD_SPACE.search(body) or markdown._quote_then_item(body)):
            assert markdown.passages(body) == expected[name], name


@pytest.mark.parametrize("text", [
    "Para *one* and `code`, [a link](u) and ![an image](i).\n\n- tight\n  # head\n  item\n",
    "> quote with **bold**\n> - not its own passage\n\n1. x\n\n   more of x\n",
    "Escapes \\* and &amp; entities &ouml; stay resolved;\nline two  \nline three\n",
    "<mailto:a@b.c> <http://x.y/z?q=1#f> <a@b.c>\n",
])
def test_the_tree_reads_inline_markup_like_markdown_it_py(text: str,
                                                          monkeypatch: pytest.MonkeyPatch):
    expected = markdown.reference_passages(text)
    monkeypatch.setattr(markdown, "reference_passages", _refuse)
    assert markdown.passages(text) == expected
    assert all(p.text for p in expected)


@pytest.mark.parametrize("text", [
    "<http://a.b:>\n",  # markdown-it-py drops the empty port from the link text
    "<HTTP://EX.COM/%41>\n",  # and decodes %-escapes
    "<http://xn--ls8h.la>\n",  # and punycode
    "[x](http://\u4f8b\u3048.jp)\n",  # _render falls back here
    "\u00a0nbsp starts the paragraph\n",
    "> quote\n2026. year\n",
])
def test_where_the_tree_may_differ_the_reference_decides(text: str):
    assert markdown.passages(text) == markdown.reference_passages(text)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES + PASSAGE_PIECES), min_size=1, max_size=14))
def test_random_documents_give_the_same_passages(lines: list[str]):
    text = "\n".join(lines) + "\n"
    assert markdown.passages(text) == markdown.reference_passages(text)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(markdown._PLAIN_AUTOLINK, fullmatch=True))
def test_plain_autolinks_are_what_markdown_it_py_shows(url: str):
    """The autolinks whose text is taken as written are left alone by normalizeLinkText."""
    from markdown_it.common.normalize_url import normalizeLinkText

    if "xn--" not in url.lower():
        assert normalizeLinkText(url) == url
