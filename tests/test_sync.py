"""normalize as an editor lives with it: idempotent, hand edits kept, bad seeds named."""

from briefing import pipeline
from briefing.cli import main
from briefing.content import parse_article
from briefing.sync import Action

ARTICLE = "Same headline for two seeds\nMarch 3, 2026\nA first paragraph of real text here.\n"


def test_normalizing_again_changes_nothing(project):
    first = pipeline.normalize(project)
    assert {p.action for p in first.plans} == {Action.CREATE}
    before = {p.name: p.read_bytes() for p in project.content.iterdir()}
    second = pipeline.normalize(project)
    assert {p.action for p in second.plans} == {Action.UNCHANGED}
    assert {p.name: p.read_bytes() for p in project.content.iterdir()} == before


def test_same_headline_seeds_get_numbered_slugs_that_stay_put(project):
    (project.seeds / "zz_a.txt").write_text(ARTICLE, encoding="utf-8")
    (project.seeds / "zz_b.txt").write_text(ARTICLE, encoding="utf-8")
    pipeline.normalize(project)
    by_source = {a.source: a.slug for a in (parse_article(p.read_text(encoding="utf-8"), p.name)
                                            for p in project.content.glob("*.md"))}
    assert by_source["seeds/zz_a.txt"] == "same-headline-for-two-seeds"
    assert by_source["seeds/zz_b.txt"] == "same-headline-for-two-seeds-2"
    (project.seeds / "zz_a.txt").write_text(ARTICLE.replace("Same", "A new"), encoding="utf-8")
    pipeline.normalize(project)
    again = {a.source: a.slug for a in (parse_article(p.read_text(encoding="utf-8"), p.name)
                                        for p in project.content.glob("*.md"))}
    assert again == by_source  # a retitled seed keeps its slug: links do not break


def test_an_edit_to_front_matter_only_is_kept_too(project):
    pipeline.normalize(project)
    path = next(project.content.glob("openai-is-sunsetting*.md"))
    text = path.read_text(encoding="utf-8").replace("title: OpenAI is sunsetting Sora",
                                                    "title: Sora is gone")
    path.write_text(text, encoding="utf-8")
    report = pipeline.normalize(project)
    assert path.read_text(encoding="utf-8") == text
    step = next(p for p in report.plans if p.path.endswith(path.name))
    assert step.action is Action.KEEP_EDITS


def test_unreadable_seeds_are_named_once_and_the_rest_still_normalize(project, capsys):
    (project.seeds / "zz_empty.txt").write_bytes(b"")
    (project.seeds / "zz_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (project.seeds / "zz_invisible.txt").write_text("\u200b\u2060\n\u00ad\n", encoding="utf-8")
    status = main(["--root", str(project.root), "normalize"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert sorted(line.split(":")[0] for line in err) == [
        "seeds/zz_binary.txt", "seeds/zz_empty.txt", "seeds/zz_invisible.txt"]
    assert len(list(project.content.glob("*.md"))) == 5


def test_line_endings_and_encodings_do_not_change_the_result(project):
    text = "Headline about compute\r\nBy Jane Doe\r\nMarch 3, 2026\r\nThe café’s GPUs.\r\n"
    (project.seeds / "zz_crlf.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (project.seeds / "zz_cr.txt").write_bytes(text.replace("\r\n", "\r").encode("cp1252"))
    report = pipeline.normalize(project)
    assert [d.path for d in report.diagnostics] == ["seeds/zz_cr.txt"]
    assert "Windows-1252" in report.diagnostics[0].message
    bodies = [p.article.body for p in report.plans if p.article.source.startswith("seeds/zz_")]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
