"""One sentence of one article, and where it is on the site: what the briefing cites."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.cache import pickle_by_fields
from briefing.text import shorten


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of one article (or a few consecutive ones), and its passage anchor."""

    text: str
    slug: str
    anchor: str
    title: str
    publisher: str | None = None

    @property
    def href(self) -> str:
        """The link target, relative to the site root."""
        return f"articles/{self.slug}/#{self.anchor}"

    @property
    def source(self) -> str:
        """Short name of the source: the publisher, else the headline, shortened."""
        return self.publisher or shorten(self.title, 40)


pickle_by_fields(Statement)  # the digest's memos in the build cache hold thousands
