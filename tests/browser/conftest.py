"""Fixtures for the browser tests: one sub-path build, one server, one Chromium per session."""

from __future__ import annotations

import pytest

from tests.browser import support


@pytest.fixture(scope="session")
def www(tmp_path_factory) -> object:
    return support.build_site(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def site_url(www) -> object:
    with support.serve(www) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> object:
    support.require(support.CHROMIUM.exists(), f"Chromium ({support.CHROMIUM})")
    with support.chromium() as running:
        yield running


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(support.TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()
