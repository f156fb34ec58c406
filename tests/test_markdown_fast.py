"""The compiled renderer (markdown-it-pyrs) gives markdown-it-py's HTML byte for byte."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import markdown
from briefing.content import split_front_matter
from briefing.errors import BriefingError
from briefing.normalize import normalize_text
from tests.conftest import FIXTURES, ROOT

UTC = ZoneInfo("UTC")
# Lines that exercise every block and inline rule, the constructs where the two parsers
# are known to part ways, and the hostile ones (raw HTML, script links).
PIECES = (
    "# h", "## h2", "Title\n===", "Setext\n---", "text", "more *em* **strong** ***both***",
    "_u_ __uu__ a_b_c", "*(x)*", "\u201c*q*\u201d", "> quote", "> > nested", ">>> deep",
    "   > indented quote", "> - q item", "- > item quote", "- item", "  - sub", "    - deep",
    "- - nested", "1. one", "2) two", "10. ten", "2026. year", "* star", "+ plus", "- ", "1.",
    ">", "- [x] task", "1. a\n   - b\n     > c", "-\n  foo", "- a\n\n  b", "", "", "",
    "    code <b>", "\tcode tab", "```", "```js", "~~~", "> ```\n> code", "---", "***", "* * *",
    "===", "<div>x</div>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "x <span>y</span> z", "<!-- c -->", "<?php ?>", "a<br>b", "[a](javascript:alert(1))",
    "[q](JaVaScRiPt:x)", "[q](&#106;avascript:x)", "[q](<javascript:x>)", "[a](vbscript:x)",
    "[a](file:///etc/passwd)", "[a](data:text/html;base64,xx)", "<javascript:alert(1)>",
    "![img](data:image/png;base64,AA)", "![i](data:image/svg+xml,<svg>)", "<DATA:x>",
    "[b](http://\u00fc.example/x y)", "[\u00e9](http://\u4f8b\u3048.jp)", "<http://x.y/z>",
    "<mailto:a@b.c>", "a@b.c", "https://auto.link/x", "[r]: http://x.y 'T'", "[r]", "[R]",
    "[r2]:\n  /url\n  'multi\nline'", "[r2]", "[a][r]", "[l](#frag)", "[l](/rel?q=1&x=2)",
    "[a](b(c)d)", "[a](<b)c>)", "[link](<a b> \"t\")", "![a [b] c](x.png \"t\")",
    "[*emph*](u)", "[x](http://a.b/%zz)", "[a](HTTP://EX.COM/%41)", "`co<de>`", "``a`b``",
    "` `", "&amp; &#x41; &bogus; &#0; &ouml; &#1234567;", "\\*esc\\*", "\\\\", "line  ",
    "line\\", "\u00a0nbsp", "x\u2028y", "a\tb", "\r", "a\r\nb", "\x00nul", "~~strike~~",
    "| a | b |", "|---|---|", "#no space", "####### seven", "# h #", "#", "<", "&", "\"", "'",
)


def _bodies() -> list[tuple[str, str]]:
    """Article bodies as the build sees them: content/, and seeds and fixtures normalized."""
    found = []
    for path in sorted((ROOT / "content").glob("*.md")):
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path.name)
        found.append((path.name, body))
    raw = [*(ROOT / "seeds").glob("*.txt"), *FIXTURES.glob("**/*.txt")]
    for path in sorted(raw):
        text = path.read_text(encoding="utf-8", errors="replace")
        found.append((path.name, text))
        try:
            found.append((f"{path.name} (normalized)", normalize_text(text, UTC).body))
        except BriefingError:  # a fixture the normalizer refuses still renders as it stands
            continue
    return found


def test_real_articles_render_the_same():
    bodies = _bodies()
    assert sum(name.endswith("(normalized)") for name, _ in bodies) > 40
    for name, body in bodies:
        assert markdown.to_html(body) == markdown.reference_html(body), name


def test_the_compiled_renderer_does_the_work_for_ordinary_articles(
        monkeypatch: pytest.MonkeyPatch):
    """Not a fallback in disguise: content/ renders without markdown-it-py."""
    def refuse(_: str) -> str:
        raise AssertionError("markdown-it-py was used")

    monkeypatch.setattr(markdown._reference(), "render", refuse)
    for path in sorted((ROOT / "content").glob("*.md")):
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path.name)
        assert 'id="p-1"' in markdown.to_html(body)


@pytest.mark.parametrize("text", [
    "> quote\n2026. year\n",  # a list marker after a quote, lazily
    "> quote\nlazy\n- item\n",
    "- > item quote\n10. ten\n",
    "\u00a0nbsp starts the paragraph\n",
    "[x](http://\u4f8b\u3048.jp)\n",  # punycode host
    "text\n>\n",  # empty quote
])
def test_where_the_parsers_differ_the_reference_wins(text: str):
    assert markdown.to_html(text) == markdown.reference_html(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
def test_random_documents_render_the_same(lines: list[str]):
    text = "\n".join(lines) + "\n"
    assert markdown.to_html(text) == markdown.reference_html(text)


def test_passage_anchors_match_passages_on_nested_structures():
    text = ("Para one.\n\n- a\n  - b\n    > inner quote\n    - c\n\n> top quote\n> - not a passage"
            "\n\n1. x\n\n   more of x\n")
    html = markdown.to_html(text)
    numbers = [p.number for p in markdown.passages(text)]
    assert [f'id="p-{n}"' in html for n in numbers] == [True] * len(numbers)
    assert f'id="p-{len(numbers) + 1}"' not in html
    assert html == markdown.reference_html(text)


def _quote_then_item_by_chunks(text: str) -> bool:
    """The plain statement of the rule (split into blank-line chunks, then look in each)."""
    for chunk in re.split(r"\n[ \t]*\n", text):
        quote = markdown._QUOTE_LINE.search(chunk)
        if quote and markdown._ITEM_LINE.search(chunk, quote.end()):
            return True
    return False


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from((*PIECES, " ", " \t", "\n", "> a", "- b", "3. c")),
                min_size=1, max_size=12))
def test_the_quote_then_item_scan_keeps_the_rule(lines: list[str]):
    text = "\n".join(lines) + "\n"
    assert markdown._quote_then_item(text) == _quote_then_item_by_chunks(text)


def test_the_odd_space_check_finds_what_the_pattern_matches():
    """``_odd_space`` looks for each character ``_ODD_SPACE`` names: no more, no fewer."""
    for code in range(0x3100):
        text = f"plain \u2014 text{chr(code)}end"
        assert markdown._odd_space(text) == bool(markdown._ODD_SPACE.search(text)), hex(code)
    assert not markdown._odd_space("ASCII only, with tabs\tand\nnewlines\r\n")
