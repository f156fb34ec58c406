"""Markdown to safe HTML: raw HTML off, unsafe link schemes refused, passage anchors.

A *passage* is a citable block: a top-level paragraph, a list item (at any depth) or a
top-level block quote. Passages are numbered in document order and get ids ``p-1``,
``p-2``, ... on the page. ``passages()`` gives the same numbering with each passage's
plain text, by the same rules (``_passage_spans``), so the digest's citations and the
page's anchors cannot drift apart.

Pages are rendered by markdown-it-pyrs (the same markdown-it rules, compiled; about ten
times faster) wherever it is known to give markdown-it-py's HTML byte for byte, and by
markdown-it-py itself otherwise: the few constructs where the two differ are recognised
from the source (or, for international host names, from the output) and sent to the
reference parser. tests/test_markdown_fast.py holds the two to that on real and random
documents. Passages are read the same way: from markdown-it-pyrs's syntax tree, with the
same fallbacks (and a few of their own, where the tree's text may differ), held to
markdown-it-py's tokens by tests/test_passages_fast.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

import markdown_it_pyrs

if TYPE_CHECKING:  # markdown-it-py itself is loaded on first use (most builds never need it)
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

_CLOSERS = {"paragraph_open": "paragraph_close", "list_item_open": "list_item_close",
            "blockquote_open": "blockquote_close"}


class Memo(Protocol):
    """Somewhere to keep rendered HTML by Markdown source (the build cache provides one)."""

    def get(self, text: str) -> str | None: ...

    def put(self, text: str, value: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Passage:
    """One citable block of an article, as plain text."""

    number: int
    text: str

    @property
    def anchor(self) -> str:
        return f"p-{self.number}"


def _opens_passage(token: Token, inside: int) -> bool:
    """True for the tokens that start a passage; ``inside`` counts enclosing quotes."""
    if token.type == "list_item_open":
        return inside == 0
    return token.type in ("paragraph_open", "blockquote_open") and token.level == 0


def _passage_spans(tokens: list[Token]) -> list[tuple[int, list[Token]]]:
    """(opener index, inline tokens) per passage; inline text goes to the innermost one."""
    spans: list[tuple[int, list[Token]]] = []
    stack: list[tuple[str, int]] = []  # (closing type, index into spans)
    quotes = 0
    for index, token in enumerate(tokens):
        closing = stack and token.type == stack[-1][0]
        if closing and token.level == tokens[spans[stack[-1][1]][0]].level:
            if token.type == "blockquote_close":
                quotes -= 1
            stack.pop()
        elif _opens_passage(token, quotes):
            spans.append((index, []))
            stack.append((_CLOSERS[token.type], len(spans) - 1))
            if token.type == "blockquote_open":
                quotes += 1
        elif token.type == "inline" and stack:
            spans[stack[-1][1]][1].append(token)
    return spans


def _plain(inline: Token) -> str:
    """The visible text of an inline token: markup dropped, escapes resolved."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _passage_anchors(state: StateCore) -> None:
    for number, (index, _) in enumerate(_passage_spans(state.tokens), start=1):
        state.tokens[index].attrSet("id", f"p-{number}")


@cache
def _reference() -> MarkdownIt:
    """The reference parser: markdown-it-py, with the passage anchors."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.core.ruler.push("passage_anchors", _passage_anchors)
    return parser


# markdown-it-pyrs's "commonmark" preset includes raw HTML: start from none and enable
# everything else, so raw HTML in an article stays text (escaped), as with html=False.
_FAST_RULES = ("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
               "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image",
               "link", "newline")


def _make_fast_parser() -> markdown_it_pyrs.MarkdownIt:
    parser = markdown_it_pyrs.MarkdownIt("zero")
    parser.enable_many(list(_FAST_RULES))
    return parser


_FAST = _make_fast_parser()
# Where the two parsers part ways:
# - Python's str.strip() (markdown-it-py) also strips Unicode spaces such as U+00A0 from
#   paragraph ends; the Rust port strips only ASCII whitespace.
_ODD_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a"
                        "\u2028\u2029\u202f\u205f\u3000]")
_ODD_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200b))) \
    + "\u2028\u2029\u202f\u205f\u3000"
"""The characters ``_ODD_SPACE`` matches, one by one: ``in`` finds one faster than a scan."""
# - markdown-it-py ends a block quote at a list marker on a lazy continuation line (any
#   number, even an empty item); the Rust port continues the quote's paragraph there.
_QUOTE_LINE = re.compile(r"^[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*>", re.MULTILINE)
_BEFORE_QUOTE = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*")
"""What ``_QUOTE_LINE`` allows between a line's start and its ``>``."""
_ITEM_LINE = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# - markdown-it-py writes a non-ASCII host name in punycode, the Rust port percent-encodes it.
_ENCODED_HOST = re.compile(r'(?:href|src)="[a-zA-Z][a-zA-Z0-9+.\-]*://[^/"?#]*%')
# - an empty block quote: "<blockquote></blockquote>" in markdown-it-py, a newline between.
_EMPTY_QUOTE = ("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
# The tags that decide passages: each paragraph and list item opening, and each list or
# quote opening or closing (the levels of nesting). A paragraph holds only inline markup
# and a list item sits right inside its list, so their closing tags change nothing.
_PASSAGE_TAG = re.compile(r"(<(?:p|li)\b|</?(?:blockquote|ul|ol)\b)")
_memo: Memo | None = None


def use_memo(memo: Memo | None) -> None:
    """Keep renders in ``memo`` (rendering is pure, so a stored result is the result)."""
    global _memo
    _memo = memo


def to_html(markdown: str) -> str:
    """Render article Markdown; the parser escapes all raw HTML from the text."""
    if _memo is None:
        return _render(markdown)
    html = _memo.get(markdown)
    if html is None:
        html = _render(markdown)
        _memo.put(markdown, html)
    return html


def reference_html(markdown: str) -> str:
    """The HTML as markdown-it-py renders it (what ``to_html`` must always equal)."""
    return _reference().render(markdown)


def _render(markdown: str) -> str:
    if _odd_space(markdown) or _quote_then_item(markdown):
        return _reference().render(markdown)
    html = _FAST.render(markdown)
    if "%" in html and _ENCODED_HOST.search(html):
        return _reference().render(markdown)
    return _anchor(html.replace(*_EMPTY_QUOTE))


def _odd_space(markdown: str) -> bool:
    """True when ``_ODD_SPACE`` matches somewhere in ``markdown``."""
    return any(space in markdown for space in _ODD_SPACES)


def _quote_then_item(markdown: str) -> bool:
    """True when a line after a quote line, with no blank line between, starts a list item.

    A quote line is one where ``_QUOTE_LINE`` matches: its first ``>`` has only list
    markers and spaces before it, so only each line's first ``>`` is looked at.
    """
    at = 0
    while (mark := markdown.find(">", at)) >= 0:
        line = markdown.rfind("\n", 0, mark) + 1
        if not _BEFORE_QUOTE.fullmatch(markdown, line, mark):
            at = markdown.find("\n", mark) + 1
            if not at:
                return False
            continue
        blank = _BLANK_LINE.search(markdown, mark + 1)
        end = blank.start() if blank else len(markdown)
        if _ITEM_LINE.search(markdown, mark + 1, end):
            return True
        if not blank:
            return False
        at = blank.end()
    return False


def _anchor(html: str) -> str:
    """Add the passage ids to rendered HTML, by the rules of ``_passage_spans``.

    Raw HTML is escaped, so every ``<`` in the output opens a tag the renderer wrote. A
    passage is a paragraph or block quote outside every list and quote, or a list item
    outside the top-level quote, if any (quotes nest only inside it).
    """
    pieces = _PASSAGE_TAG.split(html)  # text, tag, text, ..., tag, text
    depth = number = 0  # depth: the lists and quotes open
    in_quote = False
    for at in range(1, len(pieces), 2):
        tag = pieces[at]
        if tag == "<li":
            passage = not in_quote
        elif tag == "<p":
            passage = depth == 0
        elif tag[1] == "/":
            depth -= 1
            in_quote = in_quote and depth > 0
            continue
        else:  # a list or a quote opens
            passage = depth == 0 and tag == "<blockquote"
            in_quote = in_quote or passage
            depth += 1
        if passage:
            number += 1
            pieces[at] = f'{tag} id="p-{number}"'
    return "".join(pieces)


def passages(markdown: str) -> tuple[Passage, ...]:
    """The article's passages, numbered exactly as ``to_html`` anchors them."""
    if not (_odd_space(markdown) or _quote_then_item(markdown)):
        try:
            # markdown-it-py replaces NUL before parsing; the Rust port's tree keeps it.
            tree = _FAST.tree(markdown.replace("\x00", "\ufffd"))
            return _texts_to_passages(_FastPassages().root(tree))
        except _Unsure:
            pass
    return reference_passages(markdown)


def reference_passages(markdown: str) -> tuple[Passage, ...]:
    """The passages as markdown-it-py's tokens give them (what ``passages`` must equal)."""
    spans = _passage_spans(_reference().parse(markdown))
    return _texts_to_passages([[_plain(t) for t in inlines] for _, inlines in spans])


def _texts_to_passages(texts: list[list[str]]) -> tuple[Passage, ...]:
    """Passages from each one's inline texts (one per paragraph or heading in it)."""
    return tuple(Passage(number, " ".join(parts).strip())
                 for number, parts in enumerate(texts, start=1))


class _Unsure(Exception):
    """The compiled parser's tree holds something not known to match markdown-it-py's."""


# Inline nodes of markdown-it-pyrs's tree whose text markdown-it-py's inline token holds
# as direct children (an image's alt text is nested, so ``_plain`` leaves it out).
_INLINE_WRAPPERS = frozenset(("em", "strong", "link"))
_INLINE = _INLINE_WRAPPERS | {"text", "text_special", "code_inline", "softbreak", "hardbreak",
                               "image", "autolink"}
_TEXTLESS_BLOCKS = frozenset(("fence", "code_block", "hr", "definition"))
_CONTAINERS = frozenset(("bullet_list", "ordered_list", "list_item", "blockquote"))
_WITH_INLINE = frozenset(("paragraph", "heading", "lheading"))
# An autolink's text is the link as written where markdown-it-py's normalizeLinkText leaves
# it alone: this pattern is a subset of those cases (plain host, no %-escapes; emails).
# mdurl drops a host name part longer than 63 characters, or a name longer than 255.
_HOST = r"(?![A-Za-z0-9.\-]{256})[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*"
_PLAIN_AUTOLINK = re.compile(
    rf"[A-Za-z][A-Za-z0-9+.\-]{{1,31}}://{_HOST}(?::[0-9]+)?"
    r"(?:[/?#][A-Za-z0-9\-._~/?#!$&'()*+,;=:@]*)?"
    rf"|(?:mailto:)?[A-Za-z0-9.!#$&'*+=?^_`{{|}}~\-]+@{_HOST}")
# ``_ENCODED_HOST`` on a link's URL rather than on the rendered attribute.
_URL_ENCODED_HOST = re.compile(r'[a-zA-Z][a-zA-Z0-9+.\-]*://[^/"?#]*%')


class _FastPassages:
    """``_passage_spans`` and ``_plain`` over markdown-it-pyrs's syntax tree."""

    def __init__(self) -> None:
        self.runs: list[list[list[str]]] = []  # per passage, the parts of each inline run

    def root(self, root: markdown_it_pyrs.Node) -> list[list[str]]:
        """Each passage's inline texts, as ``_passage_spans`` and ``_plain`` give them."""
        for node in root.children:
            if node.name in ("paragraph", "blockquote"):
                self.runs.append(passage := [])
                self.blocks(node.children, passage, in_quote=node.name == "blockquote")
            else:
                self.blocks([node], [], in_quote=False)  # outside passages: text unused
        return [["".join(run) for run in passage] for passage in self.runs]

    def blocks(self, nodes: list[markdown_it_pyrs.Node], passage: list[list[str]],
               in_quote: bool) -> None:
        """Block nodes inside ``passage``, the innermost open one."""
        run: list[str] | None = None  # a tight list item's paragraph has no node of its own
        for node in nodes:
            name = node.name
            if name in _INLINE:
                if run is None:
                    passage.append(run := [])
                self.inline(node, run)
                continue
            run = None
            if name in _WITH_INLINE:
                passage.append(run_parts := [])
                for child in node.children:
                    self.inline(child, run_parts)
            elif name == "list_item" and not in_quote:
                self.runs.append(item := [])
                self.blocks(node.children, item, in_quote)
            elif name in _CONTAINERS:
                self.blocks(node.children, passage, in_quote)
            elif name not in _TEXTLESS_BLOCKS:
                raise _Unsure(name)

    def inline(self, node: markdown_it_pyrs.Node, parts: list[str]) -> None:
        """Append what ``_plain`` would keep of ``node``."""
        name = node.name
        if name == "text" or name == "text_special":
            parts.append(node.meta["content"])
        elif name in _INLINE_WRAPPERS:
            if name == "link":
                _check_url(node)
            for child in node.children:
                self.inline(child, parts)
        elif name == "code_inline":
            parts += (child.meta["content"] for child in node.children)
        elif name == "softbreak" or name == "hardbreak":
            parts.append(" ")
        elif name == "autolink":
            _check_url(node)
            text = "".join(child.meta["content"] for child in node.children)
            if not _PLAIN_AUTOLINK.fullmatch(text) or "xn--" in text.lower():
                raise _Unsure(text)
            parts.append(text)
        elif name == "image":
            _check_url(node)
        else:
            raise _Unsure(name)


def _check_url(node: markdown_it_pyrs.Node) -> None:
    """Where ``_render`` would not trust the compiled parser's link, do not trust its text."""
    url = node.meta.get("url", "")
    if "%" in url and _URL_ENCODED_HOST.match(url):
        raise _Unsure(url)
