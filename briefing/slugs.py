"""Readable, portable, unique slugs for content files and page folders (pure)."""

from __future__ import annotations

import uuid

from slugify import slugify

MAX_LENGTH = 60
_DANGLING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "its", "of", "on", "or",
             "the", "to", "with"}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
             *(f"lpt{n}" for n in range(10))}
"""Names Windows cannot use for a file, whatever the extension."""
_ID_NAMESPACE = uuid.UUID("6f1c1f57-64e5-4d6e-9f3a-0b9f7a2c5e11")


def slug_for(title: str) -> str:
    """ASCII, lowercase, hyphenated, at most 60 characters, cut at a word."""
    # "OpenAI's" reads as "openais", not "openai-s".
    slug = slugify(title, max_length=MAX_LENGTH, word_boundary=True, save_order=True,
                   replacements=[["'", ""], ["’", ""]])
    if len(slug) > MAX_LENGTH - 10:
        # A cut title reads better without a dangling "to", "and", "the".
        parts = slug.split("-")
        while len(parts) > 3 and parts[-1] in _DANGLING:
            parts.pop()
        slug = "-".join(parts)
    if slug in _RESERVED:
        slug += "-article"
    return slug or "article"


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken yet."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate


def stable_id(source: str) -> str:
    """A feed identity derived from the seed's path: the same seed always gets the same id."""
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, source)}"
