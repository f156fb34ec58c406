"""The fast front matter reader against the careful one, on generated documents.

``load_simple_mapping`` may decline any document (then ``load_yaml`` reads it), but when
it answers, the answer must be exactly ``load_yaml``'s, types included, and the key lines
what ``_key_lines`` finds; ``parse_article`` must give the same article or the same error
either way, and ``split_front_matter`` must split as splitting into lines does.
"""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import content
from briefing.content import parse_article, split_front_matter
from briefing.errors import ContentError
from briefing.yamlsafe import YamlProblem, load_simple_mapping, load_yaml

FIELDS = ["title", "slug", "date", "themes", "tags", "dek", "summary", "id", "url", "dropped"]
KEYS = st.one_of(st.sampled_from(FIELDS),
                 st.sampled_from(["true", "null", "x", "a_b", "Title", "k-1", "title_inferred"]))
SCALARS = st.sampled_from([
    "plain text", "A Senate subcommittee", "2026-03-24", "2024-03-07T23:12:18+05:30", "1.10",
    "007", "0x1F", "1e3", ".inf", "No", "yes", "true", "True", "FALSE", "null", "Null", "~", "",
    "urn:uuid:1", "a: b", "a:b", "a #b", "a#b", "x:", "it's", "O'Brien", "-x", "- x", "? x",
    "&a x", "*a", "!!str x", "|", ">", "%x", "@x", "`x", "[a, b]", "[a,b]", "[]", "[ ]",
    "[a, [b]]", "[a b, c]", "[\"a b\", 'c']", "[true, null]", "[a,]", "{a: b}", "\"q\"",
    "\"q \\\" e\"", "\"tab\\tx\"", "'it''s'", "'a' b", "\"a\" b", "\"\"", "''", "caf\u00e9",
    "\u2014 dash", "\U0001f600", "a\u00a0b", "a\u2028b", "a\x85b", "a\ufeffb", "a\tb",
    "a  b", "a ", "\"a\u2003b\"", "'\u202e'",
])
VALUES = st.one_of(SCALARS, SCALARS, st.text(max_size=12))
ITEMS = st.lists(st.sampled_from(["a", "a b", "true", "True", "null", "NULL", "1.10", "'q'",
                                  '"q r"', "x:y", "x: y", "[a]", "#c", "a  b", "—"]),
                 max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", KEYS, VALUES),
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(FIELDS), SCALARS),
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(FIELDS), ITEMS),
    st.builds(lambda k: f"{k}:", KEYS),
    st.builds(lambda k: f"{k}: ", KEYS),
    st.builds(lambda i, v: f"{i}- {v}", st.sampled_from(["", "  ", " ", "    "]), VALUES),
    st.sampled_from(["", "# comment", "  indented: x", "---", "...", "%YAML 1.1", "title : x",
                     "-", "- ", "key:value"]),
)
DOCUMENTS = st.lists(LINES, max_size=6).map(lambda lines: "\n".join(lines) + "\n")
CHECKED = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def typed(value: Any) -> Any:
    """A form where True and 1, or '1' and 1, differ (== alone would not tell)."""
    if isinstance(value, dict):
        return [(typed(k), typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return ["list", *map(typed, value)]
    return (type(value).__name__, value)


@CHECKED
@given(text=DOCUMENTS)
def test_the_fast_reader_answers_only_as_load_yaml_would(text):
    simple = load_simple_mapping(text)
    if simple is None:
        return
    data, lines = simple
    assert typed(data) == typed(load_yaml(text, plain_text=True))
    assert lines == {key: line - 2 for key, line in content._key_lines(text).items()}


@pytest.mark.parametrize("text", [
    "title: \"A b\"\nslug: x-y\ndate: 2024-03-07T23:12:18+05:30\nthemes: [compute, \"a b\"]\n",
    "title: x\nthemes:\n- compute\n- spud\ndropped:\n  - Share this\n  - 'it''s'\nchecksum: ab\n",
    "title: x\ndek:\nurl: https://x.org/a:b\ntitle_inferred: true\ntags: []\n",
])
def test_the_forms_the_normalizer_and_the_archives_write_are_read_fast(text):
    simple = load_simple_mapping(text)
    assert simple is not None
    assert typed(simple[0]) == typed(load_yaml(text, plain_text=True))


def _parsed(text: str) -> Any:
    try:
        article = parse_article(text, "content/a-b.md")
    except ContentError as error:
        return error.diagnostic
    return article, article.line_of


@CHECKED
@given(front=DOCUMENTS, body=st.sampled_from(["\nBody.\n", "", "x\x1by\n", "\u0085\n", "\u00a0"]))
def test_parse_article_is_the_same_with_or_without_the_fast_reader(front, body):
    text = f"---\n{front}---\n{body}"
    fast = _parsed(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(content, "load_simple_mapping", lambda _: None)
        careful = _parsed(text)
    assert fast == careful


def _split_by_lines(text: str, path: str) -> Any:
    """split_front_matter as it was: split into lines, find the closing one."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return "missing"
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1:]), index + 2
    return "not closed"


@CHECKED
@given(st.lists(st.sampled_from(["---", "...", "--- ", "---\u2003", "---\u2028", " ---", "----",
                                 "title: x", "", "\r", "\ufeff", "\x1c", "body"]),
                max_size=8).map("\n".join))
def test_split_front_matter_splits_as_lines_would(text):
    try:
        got: Any = split_front_matter(text, "content/x.md")
    except ContentError as error:
        got = "missing" if "missing" in error.diagnostic.message else "not closed"
    assert got == _split_by_lines(text, "content/x.md")


def test_a_problem_the_fast_reader_declines_still_names_its_line():
    with pytest.raises(YamlProblem) as problem:
        load_yaml("title: x\ntitle: y\n", plain_text=True)
    assert problem.value.line == 2 and load_simple_mapping("title: x\ntitle: y\n") is None
