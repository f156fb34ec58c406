"""Lighthouse scores for the seeds' site (sub-path build, served on loopback).

    npm install --prefix /tmp/lighthouse lighthouse
    .venv/bin/python scripts/lighthouse_site.py /tmp/lighthouse/node_modules/.bin/lighthouse

Prints the four category scores (performance, accessibility, best practices, SEO) for a
front, theme, article and archive page, in Debian's Chromium (CHROME_PATH).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import support  # noqa: E402  (needs the project root on sys.path)

PAGES = ("", "themes/spud/", "articles/openai-kills-sora-to-feed-spud-its-next-major-model/",
         "archive/")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def scores(lighthouse: str, url: str, preset: str) -> dict[str, int]:
    command = [lighthouse, url, "--quiet", "--output=json", "--output-path=stdout",
               "--chrome-flags=--headless --no-sandbox",
               f"--only-categories={','.join(CATEGORIES)}"]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": str(support.CHROMIUM)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300,
                          check=True)
    report = json.loads(done.stdout)
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main(lighthouse: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        www = support.build_site(Path(tmp))
        with support.serve(www) as url:
            for preset in ("mobile", "desktop"):
                for path in PAGES:
                    print(preset, "/briefing/" + path, scores(lighthouse, url + path, preset),
                          flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "lighthouse"))
