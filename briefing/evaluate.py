"""Measure the normalizer on annotated articles: ``python -m briefing.evaluate FOLDER``.

FOLDER holds raw articles ``NAME.txt`` next to ``NAME.yaml`` files that say what a
careful reader takes from them (title, date, author, publisher, headings, the
boilerplate that must go, text that must stay, themes). The command prints per-field
accuracy, headings recall, boilerplate left and themes precision/recall, then every
miss, one line each.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from briefing.classify import assigned_themes, classify
from briefing.config import Theme, load_site_config, load_themes
from briefing.content import format_when
from briefing.normalize import Normalized, normalize_text
from briefing.seeds import read_seed
from briefing.yamlsafe import load_yaml

FIELDS = ("title", "title_inferred", "date", "updated", "author", "publisher", "dek")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class Case:
    """One annotated article, normalized."""

    name: str
    expected: dict[str, Any]
    normalized: Normalized
    warnings: int
    themes: tuple[str, ...]

    @property
    def plain_body(self) -> str:
        """The body with Markdown escapes removed, framed by newlines for whole-line checks."""
        return "\n" + _ESCAPE.sub(r"\1", self.normalized.body) + "\n"

    def field(self, name: str) -> Any:
        value = getattr(self.normalized, name)
        return format_when(value) if name in ("date", "updated") and value else value

    def blocks(self, prefix: str) -> list[str]:
        """Unescaped text of the body lines that start with ``prefix`` ('## ', '- ')."""
        return [_ESCAPE.sub(r"\1", line[len(prefix):]) for line in self.normalized.body.split("\n")
                if line.startswith(prefix)]

    def boilerplate_left(self) -> list[str]:
        return [text for text in self.expected.get("boilerplate") or [] if text in self.plain_body]

    def text_missing(self) -> list[str]:
        return [text for text in self.expected.get("keep") or [] if text not in self.plain_body]


def load_case(txt: Path, tz: ZoneInfo, themes: tuple[Theme, ...]) -> Case:
    """Read, decode and normalize one fixture, with its expectations."""
    expected = load_yaml(txt.with_suffix(".yaml").read_text(encoding="utf-8"))
    seed, notes = read_seed(txt, txt.parent)
    normalized = normalize_text(seed.text, tz)
    scores = classify(themes, normalized.title, f"{normalized.dek or ''}\n{normalized.body}")
    return Case(txt.stem, expected, normalized, len(notes), assigned_themes(scores))


def load_cases(folder: Path, tz: ZoneInfo, themes: tuple[Theme, ...]) -> list[Case]:
    return [load_case(txt, tz, themes) for txt in sorted(folder.glob("*.txt"))]


@dataclass(slots=True)
class _Tally:
    hits: int = 0
    total: int = 0

    def add(self, hits: int, total: int) -> None:
        self.hits += hits
        self.total += total

    def __str__(self) -> str:
        share = f"{100 * self.hits / self.total:5.1f}%" if self.total else "    -"
        return f"{self.hits:>4}/{self.total:<4} {share}"


def report(cases: list[Case]) -> list[str]:
    """Accuracy lines, then one line per miss."""
    fields = {name: _Tally() for name in FIELDS}
    headings, heading_precision, lists = _Tally(), _Tally(), _Tally()
    boilerplate, kept, precision, recall = _Tally(), _Tally(), _Tally(), _Tally()
    misses: list[str] = []
    for case in cases:
        for name in FIELDS:
            if name not in case.expected:
                continue
            want, got = case.expected[name], case.field(name)
            fields[name].add(want == got, 1)
            if want != got:
                misses.append(f"{case.name}: {name}: expected {want!r}, got {got!r}")
        want_headings = case.expected.get("headings") or []
        got_headings = case.blocks("## ")
        found = [h for h in want_headings if h in got_headings]
        headings.add(len(found), len(want_headings))
        heading_precision.add(sum(h in want_headings for h in got_headings), len(got_headings))
        if found != want_headings or len(got_headings) != len(want_headings):
            misses.append(f"{case.name}: headings: expected {want_headings}, got {got_headings}")
        for key, prefix in (("list_items", "- "), ("faq_questions", "### ")):
            want_count, got_count = case.expected.get(key, 0), len(case.blocks(prefix))
            lists.add(want_count == got_count, 1)
            if want_count != got_count:
                misses.append(f"{case.name}: {key}: expected {want_count}, got {got_count}")
        left = case.boilerplate_left()
        boilerplate.add(len(left), len(case.expected.get("boilerplate") or []))
        misses.extend(f"{case.name}: boilerplate left: {text!r}" for text in left)
        missing = case.text_missing()
        kept.add(len(case.expected.get("keep") or []) - len(missing),
                 len(case.expected.get("keep") or []))
        misses.extend(f"{case.name}: text lost or altered: {text!r}" for text in missing)
        want_themes, got_themes = set(case.expected.get("themes") or []), set(case.themes)
        precision.add(len(want_themes & got_themes), len(got_themes))
        recall.add(len(want_themes & got_themes), len(want_themes))
        if want_themes != got_themes:
            misses.append(f"{case.name}: themes: expected {sorted(want_themes)}, "
                          f"got {sorted(got_themes)}")
    lines = [f"{len(cases)} articles"]
    lines += [f"{name:<22}{tally}" for name, tally in fields.items()]
    lines += [
        f"{'headings recall':<22}{headings}",
        f"{'headings precision':<22}{heading_precision}",
        f"{'list/FAQ counts exact':<22}{lists}",
        f"{'boilerplate left':<22}{boilerplate}",
        f"{'body text kept':<22}{kept}",
        f"{'themes precision':<22}{precision}",
        f"{'themes recall':<22}{recall}",
    ]
    return [*lines, *(["", "misses:", *misses] if misses else [])]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefing.evaluate", description=__doc__)
    parser.add_argument("folder", type=Path, help="folder of NAME.txt + NAME.yaml fixtures")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="project whose briefing.yaml and themes.yaml to use (default: .)")
    args = parser.parse_args(argv)
    config = load_site_config(args.root / "briefing.yaml", "briefing.yaml")
    themes = load_themes(args.root / "themes.yaml", "themes.yaml")
    cases = load_cases(args.folder, config.tz, themes)
    if not cases:
        print(f"no *.txt fixtures in {args.folder}", file=sys.stderr)
        return 2
    print("\n".join(report(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
