"""`briefing add`: a pasted article becomes a named seed and a content file in one step."""

import io
import sys

import pytest

from briefing.adding import add_article
from briefing.cli import main
from briefing.errors import SeedError
from tests.conftest import FIXTURES

ARTICLE = (FIXTURES / "normalize" / "13-glued-byline.txt").read_bytes()


def test_add_saves_a_readable_seed_normalizes_it_and_names_its_themes(project, capsys):
    source = FIXTURES / "normalize" / "13-glued-byline.txt"
    assert main(["--root", str(project.root), "add", str(source)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "saved: seeds/codex-is-quietly-becoming-openais-most-important-product.txt",
        "created: content/codex-is-quietly-becoming-openais-most-important-product.md",
        "themes: enterprise-pivot",
    ]
    seed = project.seeds / "codex-is-quietly-becoming-openais-most-important-product.txt"
    assert seed.read_bytes() == ARTICLE


def test_add_reads_standard_input(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE)))
    assert main(["--root", str(project.root), "add", "-"]) == 0
    assert "saved: seeds/codex-is-quietly" in capsys.readouterr().out


def test_the_same_text_twice_is_one_seed_and_a_new_text_with_the_same_headline_gets_a_suffix(
        project):
    first = add_article(project, ARTICLE, "<stdin>")
    again = add_article(project, ARTICLE, "<stdin>")
    assert again.already_there and again.seed == first.seed
    other = add_article(project, ARTICLE.replace(b"tenfold", b"fivefold"), "<stdin>")
    assert other.seed == first.seed.replace(".txt", "-2.txt")
    assert other.plan is not None and other.plan.path.endswith("-2.md")


def test_windows_1252_is_saved_as_utf8_with_a_note(project):
    added = add_article(project, (FIXTURES / "normalize" / "09-cp1252-words-by.txt").read_bytes(),
                        "pasted.txt")
    assert [d.path for d in added.diagnostics] == ["pasted.txt"]
    assert "Windows-1252" in added.diagnostics[0].message
    (project.root / added.seed).read_text(encoding="utf-8")  # valid UTF-8 now


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", "\u200b\n".encode()])
def test_unreadable_input_is_refused_and_nothing_is_saved(project, data):
    with pytest.raises(SeedError):
        add_article(project, data, "<stdin>")
    assert len(list(project.seeds.glob("*.txt"))) == 5
