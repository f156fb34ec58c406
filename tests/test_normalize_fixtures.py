"""The normalizer on the annotated corpus in tests/fixtures/normalize/ (NAME.txt + NAME.yaml).

Each YAML file says what a careful reader takes from the article: header fields, the
headings, list and FAQ counts, boilerplate that must go and text that must stay.
"""

from zoneinfo import ZoneInfo

import pytest

from briefing.dates import find_date
from briefing.evaluate import FIELDS, Case, load_case
from briefing.seeds import read_seed
from briefing.text import split_lines
from tests.conftest import FIXTURES

CORPUS = FIXTURES / "normalize"
NAMES = sorted(p.stem for p in CORPUS.glob("*.txt"))
TZ = ZoneInfo("America/New_York")


@pytest.fixture(scope="module", params=NAMES)
def case(request) -> Case:
    return load_case(CORPUS / f"{request.param}.txt", TZ, ())


def test_the_corpus_has_at_least_twenty_annotated_articles():
    assert len(NAMES) >= 20
    assert all((CORPUS / f"{name}.yaml").exists() for name in NAMES)


def test_header_fields_are_read_as_a_careful_reader_would(case):
    got = {name: case.field(name) for name in FIELDS if name in case.expected}
    want = {name: case.expected[name] for name in FIELDS if name in case.expected}
    assert got == want


def test_headings_lists_and_faq_questions(case):
    assert case.blocks("## ") == (case.expected.get("headings") or [])
    assert len(case.blocks("- ")) == case.expected.get("list_items", 0)
    assert len(case.blocks("### ")) == case.expected.get("faq_questions", 0)


def test_boilerplate_is_dropped_and_recorded_and_article_text_stays(case):
    assert case.boilerplate_left() == []
    assert case.text_missing() == []
    dropped = "\n".join(case.normalized.dropped)
    raw_lines = split_lines(read_seed(CORPUS / f"{case.name}.txt", CORPUS)[0].text)
    for text in case.expected.get("boilerplate") or []:
        line = next(raw for raw in raw_lines if text.strip("\n") in raw)
        # Date lines, bylines and labels ('Authors:') become front matter fields; citation
        # markers are removed in place.
        is_field = (line.endswith(":") and len(line.split()) <= 3) or line.startswith("By ")
        if find_date(line, TZ) is None and not is_field and not text.startswith("["):
            assert text.strip("\n") in dropped, text


def test_windows_1252_seeds_warn_and_others_do_not(case):
    assert case.warnings == case.expected.get("warnings", 0)
