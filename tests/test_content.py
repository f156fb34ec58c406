from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from briefing.content import Article, dump_article, is_pristine, parse_article
from briefing.errors import ContentError

ARTICLE = Article(
    title="No", slug="no-title", id="urn:uuid:1", body="Body *text*.\n",
    path="content/no-title.md",
    date=datetime(2026, 3, 24, 19, tzinfo=timezone(timedelta(hours=-4))),
    themes=("compute",), summary="1.10", source="seeds/a.txt", dropped=("Share this",),
    seed_sha256="ab" * 32,
)


def test_dump_then_parse_round_trips_and_keeps_strings_strings():
    text = dump_article(ARTICLE)
    back = parse_article(text, ARTICLE.path)
    assert replace(back, checksum=None) == ARTICLE and back.checksum
    assert isinstance(back.title, str) and back.summary == "1.10"  # not False, not 1.1


def test_front_matter_keys_come_in_the_contract_order():
    text = dump_article(ARTICLE)
    keys = [line.split(":")[0] for line in text.split("---\n")[1].splitlines()
            if line and not line.startswith(("-", " "))]
    assert keys == ["title", "slug", "date", "themes", "summary", "source", "id", "dropped",
                    "seed_sha256", "checksum"]
    assert "date: '2026-03-24T19:00:00-04:00'" in text


def test_tags_from_other_generators_are_kept_and_round_trip():
    text = "---\ntitle: T\ndate: 2026-03-25\ntags: [pricing, regulation, pricing]\n---\nB\n"
    article = parse_article(text, "content/t.md")
    assert article.tags == ("pricing", "regulation")
    back = parse_article(dump_article(article), "content/t.md")
    assert back.tags == ("pricing", "regulation")
    assert "tags" not in dump_article(replace(article, tags=()))


def test_day_only_dates_stay_day_only():
    text = dump_article(Article("T", "t", "i", "B\n", date=date(2026, 3, 25)))
    assert "date: '2026-03-25'" in text
    assert parse_article(text, "content/t.md").date == date(2026, 3, 25)


def test_checksum_tells_a_hand_edit():
    text = dump_article(ARTICLE)
    assert is_pristine(text)
    assert not is_pristine(text.replace("Body", "Edited body"))
    assert not is_pristine(text.replace("title: 'No'", "title: 'Yes'"))


@pytest.mark.parametrize("text, line, fragment", [
    ("no front matter\n", 1, "missing front matter"),
    ("---\ntitle: x\n", 1, "not closed"),
    ("---\ntitle: a\ntitle: b\n---\n", 3, "duplicate key"),
    ("---\n- a\n- b\n---\n", 2, "mapping"),
    ("---\nslug: x\n---\n", None, "title"),
    ("---\ntitle: x\ndate: 2026-03-24T10:00:00\n---\n", 3, "time zone"),
    ("---\ntitle: x\ndate: soon\n---\n", 3, "ISO 8601"),
    ("---\ntitle: x\nthemes: compute\n---\n", 3, "list"),
    ("---\ntitle: x\ntags: pricing\n---\n", 3, "list of text labels"),
    ("---\ntitle: x\nslug: ../../etc\n---\n", 3, "slug"),
    ("---\ntitle: x\ncolour: red\n---\n", 3, "colour"),
    ("---\ntitle: !!python/object:os.system {}\n---\n", 2, "constructor"),
    ("---\ntitle: x\ndate: 2026-02-30\n---\n", 3, "day is out of range"),
])
def test_bad_front_matter_is_an_error_with_file_and_line(text, line, fragment):
    with pytest.raises(ContentError) as err:
        parse_article(text, "content/bad.md")
    assert err.value.diagnostic.path == "content/bad.md"
    assert err.value.diagnostic.line == line
    assert fragment in str(err.value)


def test_a_checksum_of_digits_only_stays_text(monkeypatch):
    from briefing import content
    from briefing.content import Article, dump_article, is_pristine, parse_article

    monkeypatch.setattr(content, "_digest", lambda text: "0123456789012345")
    text = dump_article(Article(title="T", slug="t", id="urn:x", body="Body.\n"))
    assert "checksum: '0123456789012345'" in text
    assert parse_article(text, "content/t.md").checksum == "0123456789012345"
    assert is_pristine(text)
