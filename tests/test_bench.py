"""The benchmark scripts still run (the full benchmark itself is too long for the suite)."""

from __future__ import annotations

import importlib.util
import re

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
    assert re.search(r"^5 articles, rebuild after an edit: median \d+ ms \(\d+, \d+\)$", out,
                     re.MULTILINE)
    assert {p: p.read_bytes() for p in (ROOT / "content").glob("*.md")} == before
