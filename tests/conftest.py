"""Shared fixtures: the real project files, copied into a temporary project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from briefing.pipeline import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_NAMES = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))

# Lines of site boilerplate that must never survive into a body.
BOILERPLATE = (
    "Share this article", "Sign Up to Access", "Full transcript available",
    "This article was AI-generated", "Learn more about our editorial standards",
    "covers AI for The Daily Vibe",
)


@pytest.fixture(scope="session")
def expected_seeds() -> dict:
    return yaml.safe_load((FIXTURES / "seeds_expected.yaml").read_text(encoding="utf-8"))


def make_project(tmp: Path, with_content: bool = False) -> Project:
    """A copy of this project's inputs (seeds, config, themes, templates) in ``tmp``."""
    for name in ("seeds", "templates"):
        shutil.copytree(ROOT / name, tmp / name)
    for name in ("briefing.yaml", "themes.yaml"):
        shutil.copy(ROOT / name, tmp / name)
    if with_content:
        shutil.copytree(ROOT / "content", tmp / "content")
    else:
        (tmp / "content").mkdir()
    return Project.at(tmp)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)
