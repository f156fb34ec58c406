"""``briefing add``: save a pasted article into seeds/ under a readable name, then normalize.

The seed's file name comes from the article's headline (``seeds/openai-kills-sora.txt``),
made unique with a numbered suffix. Pasting the same text twice does not make a second
seed. The seed is saved as UTF-8 whatever encoding it came in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from briefing import pipeline
from briefing.errors import Diagnostic, SeedError
from briefing.normalize import normalize_text
from briefing.pipeline import Project, Report
from briefing.seeds import MAX_SEED_BYTES, decode_seed, seed_paths
from briefing.slugs import slug_for, unique_slug
from briefing.sync import Plan


@dataclass(frozen=True, slots=True)
class Added:
    """What ``add`` did: the seed it saved (or found), and what normalizing it wrote."""

    seed: str
    already_there: bool
    plan: Plan | None
    report: Report
    notes: tuple[Diagnostic, ...] = ()
    """How the pasted text was read (e.g. decoded as Windows-1252, saved as UTF-8)."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Problems about this article, and every error (other seeds are still normalized)."""
        mine = {self.seed, self.plan.path if self.plan else None}
        return self.notes + tuple(d for d in self.report.diagnostics
                                  if d.path in mine or d.is_error)


def read_input(file: str, stdin: bytes | None = None) -> tuple[bytes, str]:
    """The pasted bytes and how to name their origin in messages ('-' is standard input)."""
    if file == "-":
        return (stdin or b"")[: MAX_SEED_BYTES + 1], "<stdin>"
    path = Path(file)
    try:
        if path.stat().st_size > MAX_SEED_BYTES:
            raise SeedError(f"larger than {MAX_SEED_BYTES:,} bytes; not one article", file)
        return path.read_bytes(), file
    except OSError as exc:
        raise SeedError(f"cannot read: {exc.strerror or exc}", file) from None


def add_article(project: Project, data: bytes, origin: str) -> Added:
    """Save ``data`` as a new seed (unless the same text is one already) and normalize."""
    if len(data) > MAX_SEED_BYTES:
        raise SeedError(f"larger than {MAX_SEED_BYTES:,} bytes; not one article", origin)
    text, notes = decode_seed(data, origin)
    payload = text.encode("utf-8")
    seed_path = _existing_copy(project.seeds, payload)
    already_there = seed_path is not None
    if seed_path is None:
        config, _ = pipeline.load_settings(project)
        seed_path = _new_seed_path(project.seeds, normalize_text(text, config.tz).title)
        project.seeds.mkdir(parents=True, exist_ok=True)
        with seed_path.open("xb") as handle:  # never overwrite a seed
            handle.write(payload)
    report = pipeline.normalize(project)
    source = project.name(seed_path)
    step = next((p for p in report.plans if p.article.source == source), None)
    notes = [replace(n, message=f"{n.message}; saved as UTF-8") for n in notes]
    return Added(source, already_there, step, report, tuple(notes))


def _existing_copy(seeds: Path, payload: bytes) -> Path | None:
    digest = hashlib.sha256(payload).digest()
    return next((p for p in seed_paths(seeds) if hashlib.sha256(p.read_bytes()).digest() == digest),
                None)


def _new_seed_path(seeds: Path, title: str) -> Path:
    taken = {p.stem for p in seeds.iterdir()} if seeds.is_dir() else set()
    return seeds / f"{unique_slug(slug_for(title), taken)}.txt"
