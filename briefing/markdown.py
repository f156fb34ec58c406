"""Markdown to safe HTML: raw HTML off, unsafe link schemes refused, passage anchors.

A *passage* is a citable block: a top-level paragraph, a list item (at any depth) or a
top-level block quote. Passages are numbered in document order and get ids ``p-1``,
``p-2``, ... on the page. ``passages()`` gives the same numbering with each passage's
plain text, computed from the same token stream, so the digest's citations and the
page's anchors cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.core.ruler.push("passage_anchors", _passage_anchors)
    return parser


_PARSER = _make_parser()
_memo: Memo | None = None


def use_memo(memo: Memo | None) -> None:
    """Keep renders in ``memo`` (rendering is pure, so a stored result is the result)."""
    global _memo
    _memo = memo


def to_html(markdown: str) -> str:
    """Render article Markdown; the parser escapes all raw HTML from the text."""
    if _memo is None:
        return _PARSER.render(markdown)
    html = _memo.get(markdown)
    if html is None:
        html = _PARSER.render(markdown)
        _memo.put(markdown, html)
    return html


def passages(markdown: str) -> tuple[Passage, ...]:
    """The article's passages, numbered exactly as ``to_html`` anchors them."""
    spans = _passage_spans(_PARSER.parse(markdown))
    return tuple(Passage(number, " ".join(_plain(t) for t in inlines).strip())
                 for number, (_, inlines) in enumerate(spans, start=1))
