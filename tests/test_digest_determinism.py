"""The digest of a realistic archive does not depend on PYTHONHASHSEED (set iteration order)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
DIGEST_HASH = """
import hashlib, sys
from pathlib import Path
from briefing.pipeline import Collector, Project, assemble, load_articles, load_settings
project = Project.at(Path(sys.argv[1]), content=Path(sys.argv[2]))
config, themes = load_settings(project)
site = assemble(config, themes, load_articles(project, themes, Collector()))
print(hashlib.sha256(repr(site.digest).encode()).hexdigest())
"""


@pytest.mark.skipif(not MAKE_CORPUS.exists() and os.environ.get("CI") != "true",
                    reason="needs ../shared/bench/make_corpus.py beside the repository")
def test_digest_is_identical_under_different_hash_seeds(tmp_path: Path):
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(content), "--n", "300"],
                   check=True, capture_output=True)
    digests = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, "-c", DIGEST_HASH, str(ROOT), str(content)],
            capture_output=True, text=True, check=True, cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
        digests.add(result.stdout.strip())
    assert len(digests) == 1
