"""Site settings (``briefing.yaml``) and theme definitions (``themes.yaml``).

Both files are validated strictly: an unknown key is an error that names the key,
so a typo never silently falls back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefing.errors import ConfigError
from briefing.yamlsafe import YamlProblem, load_yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Site-wide settings; every field has a working default."""

    title: str = "Briefing"
    """Site title, shown in the header and in feeds."""
    base_url: str = "http://127.0.0.1:8000/"
    """Absolute URL the site is published at, ending in '/'; feeds need absolute links."""
    description: str = "A themed briefing on the articles that matter."
    """One line describing the site, for feeds and the front page."""
    language: str = "en"
    """BCP 47 language tag for pages and feeds."""
    timezone: str = "America/New_York"
    """IANA zone used for dates that carry only a day."""
    feed_size: int = 50
    """Number of items in each feed."""
    search: bool = False
    """Build a Pagefind full-text search index and a search page."""
    digest_window: int = 40
    """How many of a theme's newest articles its briefing reads (bounds the digest's cost)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_base_url(self, base_url: str | None) -> SiteConfig:
        if not base_url:
            return self
        return _validated_site({**_as_dict(self), "base_url": base_url}, "--base-url")


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase that counts towards a theme; a trailing '*' matches any ending."""

    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme an article can belong to, as the editor defined it in themes.yaml."""

    slug: str
    title: str
    description: str
    terms: tuple[Term, ...]
    exclude: tuple[str, ...] = ()
    """Phrases that veto the theme for an article that contains them."""
    threshold: float = 4.0
    """Minimum score for an article to get the theme."""


def _as_dict(config: SiteConfig) -> dict[str, Any]:
    return {f.name: getattr(config, f.name) for f in fields(config)}


def read_yaml_file(path: Path, name: str | None = None) -> Any:
    """Read and safely parse a YAML file, turning every failure into a ConfigError."""
    name = name or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("file not found", name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", name) from None
    try:
        return load_yaml(text)
    except YamlProblem as exc:
        raise ConfigError(exc.message, name, exc.line) from None


def load_site_config(path: Path, name: str | None = None) -> SiteConfig:
    """Load briefing.yaml; a missing file means all defaults."""
    if not path.exists():
        return SiteConfig()
    data = read_yaml_file(path, name)
    if data is None:
        return SiteConfig()
    return _validated_site(data, name or path)


def _validated_site(data: Any, source: Path | str) -> SiteConfig:
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings", source)
    known = {f.name for f in fields(SiteConfig)}
    for key in data:
        if key not in known:
            raise ConfigError(f"unknown key {key!r} (known: {', '.join(sorted(known))})", source)
    for key in ("title", "base_url", "description", "language", "timezone"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{key!r} must be a string", source)
    if not isinstance(data.get("search", False), bool):
        raise ConfigError("'search' must be true or false", source)
    defaults = SiteConfig()
    for key in ("feed_size", "digest_window"):
        size = data.get(key, getattr(defaults, key))
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ConfigError(f"{key!r} must be a positive whole number", source)
    base_url = data.get("base_url", defaults.base_url)
    if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", base_url):
        raise ConfigError(f"'base_url' must be an absolute http(s) URL, got {base_url!r}", source)
    if not base_url.endswith("/"):
        base_url += "/"
    timezone = data.get("timezone", defaults.timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {timezone!r}", source) from None
    return SiteConfig(**{**data, "base_url": base_url})


_THEME_KEYS = {"title", "description", "terms", "exclude", "threshold"}


def load_themes(path: Path, name: str | None = None) -> tuple[Theme, ...]:
    """Load themes.yaml: a mapping of theme slug to its definition, in the editor's order."""
    data = read_yaml_file(path, name)
    path = name or path  # type: ignore[assignment]  # errors below name the file as given
    if not isinstance(data, dict) or not isinstance(data.get("themes"), dict):
        raise ConfigError("expected a top-level 'themes:' mapping", path)
    extra = set(data) - {"themes"}
    if extra:
        raise ConfigError(f"unknown key {sorted(extra)[0]!r}", path)
    themes = tuple(_parse_theme(slug, spec, path) for slug, spec in data["themes"].items())
    if not themes:
        raise ConfigError("no themes defined", path)
    return themes


def _parse_theme(slug: Any, spec: Any, path: Path | str) -> Theme:
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise ConfigError(
            f"theme slug {slug!r} must be lowercase letters, digits and hyphens", path
        )
    if not isinstance(spec, dict):
        raise ConfigError(f"theme {slug!r}: expected a mapping", path)
    unknown = set(spec) - _THEME_KEYS
    if unknown:
        raise ConfigError(f"theme {slug!r}: unknown key {sorted(unknown)[0]!r}", path)
    title = spec.get("title", slug.replace("-", " ").capitalize())
    description = spec.get("description", "")
    if not isinstance(title, str) or not isinstance(description, str):
        raise ConfigError(f"theme {slug!r}: title and description must be strings", path)
    terms = spec.get("terms")
    if not isinstance(terms, dict) or not terms:
        raise ConfigError(f"theme {slug!r}: 'terms' must map words or phrases to weights", path)
    parsed: list[Term] = []
    for text, weight in terms.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"theme {slug!r}: term {text!r} must be a non-empty string", path)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise ConfigError(f"theme {slug!r}: weight of {text!r} must be a number", path)
        parsed.append(Term(text.strip().lower(), float(weight)))
    exclude = spec.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        raise ConfigError(f"theme {slug!r}: 'exclude' must be a list of phrases", path)
    threshold = spec.get("threshold", 4.0)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise ConfigError(f"theme {slug!r}: 'threshold' must be a number", path)
    return Theme(
        slug=slug,
        title=title,
        description=description,
        terms=tuple(parsed),
        exclude=tuple(x.lower() for x in exclude),
        threshold=float(threshold),
    )
