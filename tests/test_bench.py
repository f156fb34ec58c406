"""The benchmark scripts still run (the full benchmark itself is too long for the suite)."""

from __future__ import annotations

import importlib.util
import re

from briefing import articles as per_article
from briefing import pipeline
from tests.conftest import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_preview_benchmark_edits_a_copy_and_reports_each_rebuild(capsys):
    before = {p: p.read_bytes() for p in (ROOT / "content").glob("*.md")}
    assert _load("preview").main([str(ROOT), "--edits", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"first build: [\d.]+ s, \d+ files", out)
    assert re.search(r"^5 articles, after an edit: its page shown in median \d+ ms \(\d+, \d+\), "
                     r"the whole site rebuilt in median \d+ ms \(\d+, \d+\)$", out, re.MULTILINE)
    assert {p: p.read_bytes() for p in (ROOT / "content").glob("*.md")} == before


def test_the_page_benchmark_times_each_step_and_leaves_the_project_as_it_was(project, capsys,
                                                                             monkeypatch):
    assert not pipeline.build(project).failed
    # Files this fresh are hashed again (racy); the benchmark wants bodies left unread.
    monkeypatch.setattr(per_article, "SETTLED_NS", -(1 << 62))
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    assert _load("pages").main([str(project.root), "--pages", "3", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 article pages of ")
    for step in ("render_page", "pool (all cores)", "Bodies.fill", "page_of", "stage"):
        assert re.search(rf"^ *{re.escape(step)}[^\n]* \d+\.\d{{4}} \(\d+\.\d{{4}}\)$", out,
                         re.MULTILINE), step
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before
