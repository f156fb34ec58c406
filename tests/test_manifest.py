"""seeds/sources.yaml: editor-given facts about seeds win over the text, and are validated."""

from datetime import date, datetime, timedelta, timezone

from briefing import pipeline
from briefing.content import parse_article
from briefing.errors import Severity
from briefing.manifest import Source, load_manifest

SORA = "000_444192bbf4941383.txt"
SUNSET = "003_00bcecc26ad79886.txt"


def write_manifest(project, text: str):
    (project.seeds / "sources.yaml").write_text(text, encoding="utf-8")
    return load_manifest(project.seeds / "sources.yaml", "seeds/sources.yaml")


def articles(project) -> dict:
    return {a.source: a for a in (parse_article(p.read_text(encoding="utf-8"), f"content/{p.name}")
                                  for p in project.content.glob("*.md"))}


def test_manifest_values_win_and_reach_the_content_file(project):
    write_manifest(project, f"""
{SORA}:
  url: https://example.org/sora
  publisher: The Daily Vibe (print)
  date: 2026-03-24T18:00:00-04:00
{SUNSET}:
  title: Why OpenAI is right to sunset Sora
  author: Guest Author
  date: 2026-03-26
""")
    report = pipeline.normalize(project)
    assert not report.diagnostics
    got = articles(project)
    sora, sunset = got[f"seeds/{SORA}"], got[f"seeds/{SUNSET}"]
    assert sora.url == "https://example.org/sora"
    assert sora.publisher == "The Daily Vibe (print)"
    assert sora.date == datetime(2026, 3, 24, 18, tzinfo=timezone(timedelta(hours=-4)))
    assert sora.author == "Kai Nakamura"  # not given: read from the text
    assert (sunset.title, sunset.author, sunset.date) == (
        "Why OpenAI is right to sunset Sora", "Guest Author", date(2026, 3, 26))
    assert sunset.title_inferred is False


def test_bad_entries_are_reported_with_their_line_and_the_rest_apply(project):
    sources, problems = write_manifest(project, f"""{SORA}:
  url: javascript:alert(1)
{SUNSET}:
  publisher: Fine Publisher
missing.txt:
  author: Nobody
002_7c52015d21591a0e.txt:
  date: 2026-13-01
004_e23a0ad9e4126070.txt:
  colour: blue
../escape.txt:
  title: x
""")
    assert sources[SUNSET] == Source(publisher="Fine Publisher")
    messages = [(d.line, d.severity, d.message.split(":")[0]) for d in problems]
    assert messages == [
        (1, Severity.ERROR, SORA), (7, Severity.ERROR, "002_7c52015d21591a0e.txt"),
        (9, Severity.ERROR, "004_e23a0ad9e4126070.txt"), (11, Severity.ERROR, "../escape.txt"),
        (5, Severity.WARNING, "missing.txt")]
    report = pipeline.normalize(project)
    assert report.failed and len(report.plans) == 5
    assert articles(project)[f"seeds/{SUNSET}"].publisher == "Fine Publisher"


def test_a_broken_manifest_is_one_error_and_the_seeds_still_normalize(project):
    _, problems = write_manifest(project, "a: [unclosed\n")
    assert len(problems) == 1 and problems[0].path == "seeds/sources.yaml"
    assert len(pipeline.normalize(project).plans) == 5


def test_no_manifest_is_fine(project):
    assert load_manifest(project.seeds / "sources.yaml", "seeds/sources.yaml") == ({}, [])
