"""The optional seed manifest ``seeds/sources.yaml``: facts an editor gives about a seed.

    000_444192bbf4941383.txt:
      url: https://example.org/openai-kills-sora
      date: 2026-03-24T19:00:00-04:00
      publisher: The Daily Vibe
      author: Kai Nakamura
      title: OpenAI kills Sora to feed 'Spud'

Keys are seed file names; every field is optional. Manifest values win over what the
normalizer reads from the text. A bad entry is reported with its line and left out;
the other entries still apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from briefing.content import When
from briefing.errors import Diagnostic, Severity
from briefing.yamlsafe import YamlProblem, load_yaml

if TYPE_CHECKING:  # the normalizer is loaded only by builds that normalize
    from briefing.normalize import Normalized

MANIFEST_NAME = "sources.yaml"


@dataclass(frozen=True, slots=True)
class Source:
    """What the manifest says about one seed; None means 'read it from the text'."""

    title: str | None = None
    date: When | None = None
    url: str | None = None
    publisher: str | None = None
    author: str | None = None


KNOWN = tuple(f.name for f in fields(Source))


class _Invalid(Exception):
    """One entry of the manifest is wrong (message only; the caller adds file and line)."""


def load_manifest(path: Path, name: str) -> tuple[dict[str, Source], list[Diagnostic]]:
    """Read the manifest; a missing file is an empty manifest, a broken one an error."""
    if not path.is_file():
        return {}, []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        data = load_yaml(text, plain_text=True)
    except YamlProblem as exc:
        return {}, [Diagnostic(f"invalid YAML: {exc.message}", name, exc.line)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic("must map seed file names to their facts", name, 1)]
    sources: dict[str, Source] = {}
    problems: list[Diagnostic] = []
    for seed, entry in data.items():
        try:
            sources[_seed_name(seed)] = _source(entry)
        except _Invalid as exc:
            problems.append(Diagnostic(f"{seed}: {exc}", name, _line_of(text, str(seed))))
    for seed in sorted(sources):
        if not (path.parent / seed).is_file():
            problems.append(Diagnostic(f"{seed}: no such seed in {path.parent.name}/", name,
                                       _line_of(text, seed), Severity.WARNING))
    return sources, problems


def _seed_name(key: Any) -> str:
    if not isinstance(key, str) or not key.endswith(".txt") or "/" in key or "\\" in key:
        raise _Invalid("keys must be seed file names such as 000_article.txt")
    return key


def _source(entry: Any) -> Source:
    if not isinstance(entry, dict):
        raise _Invalid(f"give a mapping of {', '.join(KNOWN)}")
    unknown = [k for k in entry if k not in KNOWN]
    if unknown:
        raise _Invalid(f"unknown key {unknown[0]!r} (known: {', '.join(KNOWN)})")
    values: dict[str, Any] = {}
    for key in ("title", "publisher", "author"):
        if key in entry:
            values[key] = _text(key, entry[key])
    if "url" in entry:
        values["url"] = _url(entry["url"])
    if "date" in entry:
        values["date"] = _date(entry["date"])
    return Source(**values)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        raise _Invalid(f"{key!r} must be one line of text (quote it if YAML reads it otherwise)")
    return value.strip()


def _url(value: Any) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Invalid(f"'url' must be an http(s) address, got {value!r}")
    return value.strip()


def _date(value: Any) -> When:
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value.strip()) == 10
                     else datetime.fromisoformat(value.strip()))
        except ValueError:
            raise _Invalid(f"'date' is not an ISO 8601 date: {value!r}") from None
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise _Invalid("'date' has a time but no time zone (add an offset such as -04:00)")
        return value
    if isinstance(value, date):
        return value
    raise _Invalid(f"'date' must be a date such as 2026-03-25, got {value!r}")


def _line_of(text: str, key: str) -> int | None:
    match = re.search(r"^['\"]?" + re.escape(key) + r"['\"]?\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def apply_source(normalized: Normalized, source: Source | None) -> Normalized:
    """The manifest's values win over what the text gave."""
    if source is None:
        return normalized
    given = {f: getattr(source, f) for f in KNOWN if getattr(source, f) is not None}
    if "title" in given:
        given["title_inferred"] = False
    return replace(normalized, **given)
