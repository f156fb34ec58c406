"""Screenshots of the front page and every theme page from headless Chromium (a dev tool).

    .venv/bin/pip install playwright      # the Python package only; no browser download
    .venv/bin/python scripts/screenshots.py [--chromium /usr/bin/chromium] [--out docs/screenshots]

Builds the site into a temporary folder, opens each page from disk and saves a full-page
PNG. Tests do not depend on this script.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing import pipeline  # noqa: E402
from briefing.config import load_themes  # noqa: E402

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1100)
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        report = pipeline.build(pipeline.Project.at(ROOT, out=site))
        if report.failed:
            print(*report.diagnostics, sep="\n", file=sys.stderr)
            return 1
        pages = {"index": site / "index.html"}
        for theme in load_themes(ROOT / "themes.yaml"):
            pages[f"theme-{theme.slug}"] = site / "themes" / theme.slug / "index.html"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=options.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": options.width, "height": 900})
            page.set_default_timeout(20_000)
            for name, path in pages.items():
                page.goto(path.as_uri())
                target = options.out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target.relative_to(ROOT))
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
