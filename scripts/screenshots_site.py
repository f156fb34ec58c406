"""Screenshots of the seeds' site at phone and desktop widths, light and dark, full-page
shots of the front page and every theme page, and a theme page printed to PDF, into
docs/screenshots/ (shown in the README).

    .venv/bin/python scripts/screenshots_site.py

Builds the seeds under a sub-path in a temporary folder, serves it on loopback and
drives Debian's Chromium (/usr/bin/chromium) with Playwright, as the browser tests do.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.config import load_themes  # noqa: E402  (needs the project root on sys.path)
from tests.browser import support  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PAGES = {"front": "", "article": "articles/openai-kills-sora-to-feed-spud-its-next-major-model/"}
VIEWPORTS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}
PRINTED_THEME = "themes/spud/"
FULL_PAGE_WIDTH = 1100


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        www = support.build_site(Path(tmp))
        with support.serve(www) as url, support.chromium() as browser:
            for name, path in PAGES.items():
                for width, viewport in VIEWPORTS.items():
                    for scheme in ("light", "dark"):
                        context = browser.new_context(viewport=viewport, color_scheme=scheme,
                                                      device_scale_factor=1)
                        page = context.new_page()
                        page.goto(url + path, wait_until="networkidle")
                        target = OUT / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(target))
                        context.close()
                        print(target.relative_to(ROOT))
            context = browser.new_context(viewport={"width": FULL_PAGE_WIDTH, "height": 900})
            page = context.new_page()
            full_pages = {"index": "", **{f"theme-{t.slug}": f"themes/{t.slug}/"
                                          for t in load_themes(ROOT / "themes.yaml")}}
            for name, path in full_pages.items():
                page.goto(url + path, wait_until="networkidle")
                target = OUT / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target.relative_to(ROOT))
            page.goto(url + PRINTED_THEME, wait_until="networkidle")
            target = OUT / "theme-print.pdf"
            page.pdf(path=str(target), format="A4", print_background=False)
            context.close()
            print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
