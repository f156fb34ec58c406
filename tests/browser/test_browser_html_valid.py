"""The Nu Html Checker (vnu-jar) on every built page: zero errors."""

from __future__ import annotations

import json
import subprocess

from tests.browser import support


def test_every_page_is_valid_html(www):
    support.require(support.java_available(), "Java")
    support.require(support.VNU.is_file(), f"vnu-jar ({support.VNU})")
    site = www / support.SUB_PATH.strip("/")
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) >= 10
    done = subprocess.run(["java", "-jar", str(support.VNU), "--errors-only", "--format", "json",
                           "--also-check-css", *pages, str(site / "assets" / "style.css")],
                          capture_output=True, text=True, timeout=180, check=False)
    messages = json.loads(done.stderr or "{}").get("messages", [])
    problems = [f"{m.get('url', '').rsplit('/briefing/', 1)[-1]}:{m.get('lastLine')}: "
                f"{m.get('message')}" for m in messages]
    assert problems == []
    assert done.returncode == 0, done.stderr
