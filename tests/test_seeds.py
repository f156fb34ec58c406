import pytest

from briefing.errors import SeedError, Severity
from briefing.seeds import decode_seed, read_seed, seed_paths
from tests.conftest import ROOT, SEED_NAMES


def test_the_five_seeds_are_found_in_name_order():
    assert [p.name for p in seed_paths(ROOT / "seeds")] == SEED_NAMES
    assert len(SEED_NAMES) == 5


def test_hidden_files_and_editor_backups_are_ignored(tmp_path):
    for name in ("a.txt", ".hidden.txt", "b.txt~", "#c.txt#", "notes.md", "~lock.txt"):
        (tmp_path / name).write_text("Headline\nBody text here.\n", encoding="utf-8")
    assert [p.name for p in seed_paths(tmp_path)] == ["a.txt"]


def test_read_seed_names_it_relative_to_the_root_and_hashes_the_bytes():
    seed, notes = read_seed(ROOT / "seeds" / SEED_NAMES[0], ROOT)
    assert seed.source == f"seeds/{SEED_NAMES[0]}"
    assert len(seed.sha256) == 64 and notes == []
    assert seed.text.startswith("OpenAI kills Sora")


def test_utf8_bom_is_removed():
    text, notes = decode_seed("\ufeffTitle\nBody".encode(), "s.txt")
    assert text == "Title\nBody" and notes == []


def test_windows_1252_decodes_with_a_warning_naming_the_file():
    text, notes = decode_seed("Caf\u00e9 \u2019quoted\u2019".encode("cp1252"), "seeds/w.txt")
    assert text == "Caf\u00e9 \u2019quoted\u2019"
    assert notes[0].severity is Severity.WARNING and notes[0].path == "seeds/w.txt"


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\u200b\u200d\ufeff\n".encode(),
                                  b"Title\x00\x01binary"])
def test_unreadable_seeds_are_refused_with_their_name(data):
    with pytest.raises(SeedError) as err:
        decode_seed(data, "seeds/bad.txt")
    assert "seeds/bad.txt" in str(err.value)
