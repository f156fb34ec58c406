"""Markdown to safe HTML: raw HTML off, unsafe link schemes refused, paragraph anchors."""

from __future__ import annotations

from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore


class Memo(Protocol):
    """Somewhere to keep rendered HTML by Markdown source (the build cache provides one)."""

    def get(self, text: str) -> str | None: ...

    def put(self, text: str, value: str) -> None: ...


def _paragraph_anchors(state: StateCore) -> None:
    """Give each top-level paragraph a stable id (p-1, p-2, ...) so points can cite it."""
    number = 0
    for token in state.tokens:
        if token.type == "paragraph_open" and token.level == 0:
            number += 1
            token.attrSet("id", f"p-{number}")


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.core.ruler.push("paragraph_anchors", _paragraph_anchors)
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
