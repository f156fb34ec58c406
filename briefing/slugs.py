"""Readable, portable, unique slugs for content files and page folders (pure)."""

from __future__ import annotations

import re

MAX_LENGTH = 60
_DANGLING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "its", "of", "on", "or",
             "the", "to", "with"}
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$", re.IGNORECASE)
_ID_NAMESPACE = "6f1c1f57-64e5-4d6e-9f3a-0b9f7a2c5e11"


def slug_for(title: str) -> str:
    """ASCII, lowercase, hyphenated, at most 60 characters, cut at a word."""
    from slugify import slugify  # here: its tables take longer to load than a build of no seeds

    # "OpenAI's" reads as "openais", not "openai-s".
    slug = slugify(title, max_length=MAX_LENGTH, word_boundary=True, save_order=True,
                   replacements=[["'", ""], ["’", ""]])
    if len(slug) > MAX_LENGTH - 10:
        # A cut title reads better without a dangling "to", "and", "the".
        parts = slug.split("-")
        while len(parts) > 3 and parts[-1] in _DANGLING:
            parts.pop()
        slug = "-".join(parts)
    if is_reserved(slug):
        slug += "-article"  # 'con' or 'nul' cannot name a file or folder on Windows
    return slug or "article"


def is_reserved(name: str) -> bool:
    """Device names Windows refuses as a file or folder name, with or without an extension."""
    return bool(_RESERVED.match(name))


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
    import uuid  # here: only the normalizer makes ids, and uuid loads platform with it

    return f"urn:uuid:{uuid.uuid5(uuid.UUID(_ID_NAMESPACE), source)}"
