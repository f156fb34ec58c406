"""Deciding what ``normalize`` writes into content/, so hand edits are never lost (pure).

A content file the normalizer wrote carries a checksum of itself. If the file no
longer matches it, an editor changed it: it is left alone (``--force`` overwrites),
and when its seed changed since, the editor is told the file is stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from briefing.content import Article, dump_article, is_pristine
from briefing.seeds import Seed
from briefing.slugs import slug_for, stable_id, unique_slug

if TYPE_CHECKING:  # the normalizer is loaded only by builds that normalize
    from briefing.normalize import Normalized


class Action(StrEnum):
    CREATE = "created"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    KEEP_EDITS = "kept hand edits"
    STALE = "stale"
    FORCE = "overwrote hand edits"

    @property
    def writes(self) -> bool:
        return self in (Action.CREATE, Action.UPDATE, Action.FORCE)


@dataclass(frozen=True, slots=True)
class Existing:
    """A content file already on disk for a seed."""

    path: str
    text: str
    article: Article | None
    """None when the file cannot be parsed (it is then treated as hand-edited)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with one seed's content file."""

    path: str
    text: str
    action: Action
    article: Article


def draft_article(seed: Seed, normalized: Normalized, themes: tuple[str, ...],
                  existing: Existing | None, taken: set[str], content_dir: str) -> Article:
    """The content a seed should have; slug and id are kept from an existing file."""
    if existing and existing.article:
        slug, ident = existing.article.slug, existing.article.id
        path = existing.path
    else:
        slug = unique_slug(slug_for(normalized.title), taken)
        ident = stable_id(seed.source)
        path = existing.path if existing else f"{content_dir}/{slug}.md"
    taken.add(slug)
    return Article(
        title=normalized.title, slug=slug, id=ident, body=normalized.body, path=path,
        date=normalized.date, updated=normalized.updated, dek=normalized.dek,
        author=normalized.author, publisher=normalized.publisher, url=normalized.url,
        themes=themes,
        summary=normalized.summary, source=seed.source,
        title_inferred=normalized.title_inferred, dropped=normalized.dropped,
        seed_sha256=seed.sha256,
    )


def plan(article: Article, existing: Existing | None, force: bool) -> Plan:
    """Decide whether to write the drafted article over what is on disk."""
    text = dump_article(article)
    if existing is None:
        action = Action.CREATE
    elif existing.text == text:
        action = Action.UNCHANGED
    elif is_pristine(existing.text):
        action = Action.UPDATE
    elif force:
        action = Action.FORCE
    elif existing.article is not None and existing.article.seed_sha256 == article.seed_sha256:
        action = Action.KEEP_EDITS
    else:
        action = Action.STALE
    return Plan(article.path, text, action, article)
