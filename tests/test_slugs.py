"""Slugs: short, readable, ASCII, unique, and never a way out of content/ or site/."""

import pytest

from briefing.content import SLUG_RE
from briefing.slugs import MAX_LENGTH, slug_for, stable_id, unique_slug


@pytest.mark.parametrize("title, slug", [
    ("OpenAI kills Sora to feed 'Spud,' its next major model",
     "openai-kills-sora-to-feed-spud-its-next-major-model"),
    ("Café Ünïcode: Zürich’s AI hub", "cafe-unicode-zurichs-ai-hub"),
    ("Codex is quietly becoming OpenAI's most important product",
     "codex-is-quietly-becoming-openais-most-important-product"),
    ("../../etc/passwd", "etc-passwd"),
    ("C:\\Windows\\system32 & /dev/null", "c-windows-system32-dev-null"),
    ("CON", "con-article"),
    ("🚀🚀🚀", "article"),
    ("", "article"),
])
def test_slugs_are_ascii_and_safe(title, slug):
    assert slug_for(title) == slug
    assert SLUG_RE.match(slug) and "/" not in slug and ".." not in slug


def test_long_titles_are_cut_at_a_word_without_a_dangling_word():
    slug = slug_for("The compute math behind Sora's exit and what it means for the rest of the "
                    "industry over the next decade")
    assert len(slug) <= MAX_LENGTH and not slug.endswith(("-the", "-of", "-for", "-"))


def test_collisions_get_deterministic_numbered_suffixes():
    taken: set[str] = set()
    slugs = []
    for _ in range(3):
        slugs.append(unique_slug("openai-just-killed-sora", taken))
        taken.add(slugs[-1])
    assert slugs == ["openai-just-killed-sora", "openai-just-killed-sora-2",
                     "openai-just-killed-sora-3"]
    long = "x" * MAX_LENGTH
    assert unique_slug(long, {long}) == "x" * (MAX_LENGTH - 2) + "-2"


def test_feed_ids_depend_only_on_the_seed_path():
    assert stable_id("seeds/a.txt") == stable_id("seeds/a.txt") != stable_id("seeds/b.txt")
