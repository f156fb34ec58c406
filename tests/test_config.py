from pathlib import Path

import pytest

from briefing.config import SiteConfig, load_site_config, load_themes
from briefing.errors import ConfigError
from tests.conftest import ROOT


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_loads_with_its_values():
    config = load_site_config(ROOT / "briefing.yaml")
    assert config.base_url.startswith("https://") and config.base_url.endswith("/")
    assert config.timezone == "America/New_York"
    assert config.feed_size == 50
    assert config.digest_window == 40


def test_missing_config_file_means_defaults(tmp_path):
    assert load_site_config(tmp_path / "briefing.yaml") == SiteConfig()


def test_unknown_key_is_an_error_naming_the_key(tmp_path):
    path = write(tmp_path, "briefing.yaml", "title: X\nfeed_sise: 10\n")
    with pytest.raises(ConfigError) as err:
        load_site_config(path)
    assert "feed_sise" in str(err.value)
    assert "briefing.yaml" in str(err.value)


@pytest.mark.parametrize("text, fragment", [
    ("timezone: Mars/Olympus\n", "time zone"),
    ("feed_size: 0\n", "feed_size"),
    ("feed_size: yes\n", "feed_size"),
    ("digest_window: 0\n", "digest_window"),
    ("digest_window: 2.5\n", "digest_window"),
    ("base_url: example.org\n", "base_url"),
    ("search: \"yes\"\n", "search"),
    ("title: [a, b]\n", "title"),
    ("- just\n- a list\n", "mapping"),
    ("title: a\ntitle: b\n", "duplicate key"),
])
def test_bad_settings_are_refused_clearly(tmp_path, text, fragment):
    with pytest.raises(ConfigError) as err:
        load_site_config(write(tmp_path, "briefing.yaml", text))
    assert fragment in str(err.value)


def test_base_url_gets_a_trailing_slash_and_can_be_overridden(tmp_path):
    config = load_site_config(write(tmp_path, "b.yaml", "base_url: https://x.org/sub\n"))
    assert config.base_url == "https://x.org/sub/"
    assert config.with_base_url("http://127.0.0.1:9/a").base_url == "http://127.0.0.1:9/a/"


def test_default_themes_are_the_four_of_the_design():
    themes = load_themes(ROOT / "themes.yaml")
    assert [t.slug for t in themes] == ["compute", "enterprise-pivot", "governance", "spud"]
    assert [t.title for t in themes] == ["Compute", "Enterprise pivot", "Governance", "Spud"]
    assert all(t.description and t.terms and t.threshold > 0 for t in themes)


@pytest.mark.parametrize("text, fragment", [
    ("themes:\n  Bad Slug:\n    terms: {a: 1}\n", "Bad Slug"),
    ("themes:\n  x:\n    terms: {a: 1}\n    colour: red\n", "colour"),
    ("themes:\n  x:\n    terms: {a: heavy}\n", "weight"),
    ("themes:\n  x:\n    title: X\n", "terms"),
    ("themes: {}\n", "no themes"),
    ("themez:\n  x: {terms: {a: 1}}\n", "themes"),
])
def test_bad_themes_are_refused_clearly(tmp_path, text, fragment):
    with pytest.raises(ConfigError) as err:
        load_themes(write(tmp_path, "themes.yaml", text))
    assert fragment in str(err.value)
