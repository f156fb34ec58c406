"""Printing a theme page in Chromium gives a handout: at most two A4 pages, no navigation."""

from __future__ import annotations

import re

import pytest

THEMES = ("compute", "enterprise-pivot", "governance", "spud")


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF (Chromium writes one '/Type /Page' object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("theme", THEMES)
def test_a_theme_page_prints_on_at_most_two_a4_pages(page, site_url, theme):
    page.goto(f"{site_url}themes/{theme}/")
    page.emulate_media(media="print")
    assert not page.locator("nav.site-nav").is_visible()
    assert page.get_by_role("heading", name="Key points").is_visible()
    pages = pdf_pages(page.pdf(format="A4", print_background=False))
    assert 1 <= pages <= 2, f"{theme} prints on {pages} pages"
