"""Hostile input: each case asserts the guarantee it threatens, not just that nothing crashed.

The seeds in tests/fixtures/hostile/seeds/ are built together with the real seeds; the
front-matter cases are content files written inline below.
"""

from __future__ import annotations

import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import markupsafe
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import pipeline
from briefing.check import check_site
from briefing.cli import main
from briefing.content import dump_article, is_portable_slug, parse_article
from briefing.errors import BriefingError, ContentError, SeedError
from briefing.normalize import normalize_text
from briefing.pipeline import Project
from briefing.seeds import MAX_SEED_BYTES, decode_seed, read_seed
from briefing.slugs import slug_for
from briefing.sync import draft_article
from briefing.write import name_problem
from tests.conftest import FIXTURES, make_project

HOSTILE_SEEDS = FIXTURES / "hostile" / "seeds"
TZ = ZoneInfo("America/New_York")
CONTROL_OR_BIDI = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): (b"/" if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Project, pipeline.Report, dict[str, bytes], float]:
    """The real seeds plus every hostile seed, built once; what lay outside content/ and site/."""
    folder = tmp_path_factory.mktemp("hostile")
    project = make_project(folder / "p")
    for path in HOSTILE_SEEDS.iterdir():
        shutil.copyfile(path, project.seeds / path.name)
    outside = {k: v for k, v in snapshot(folder).items()
               if not k.startswith(("p/content", "p/site"))}
    started = time.perf_counter()
    report = pipeline.build(project)
    return project, report, outside, time.perf_counter() - started


def article_by_source(project: Project, seed: str):
    for path in sorted(project.content.glob("*.md")):
        article = parse_article(path.read_text(encoding="utf-8"), f"content/{path.name}")
        if article.source == f"seeds/{seed}":
            return article
    raise AssertionError(f"no content for {seed}")


class _TextOf(HTMLParser):
    """Text inside the first element with the given tag, as a browser would show it."""

    def __init__(self, tag: str):
        super().__init__(convert_charrefs=True)
        self.tag, self.depth, self.text, self.done = tag, 0, "", False

    def handle_starttag(self, tag, attrs):
        if tag == self.tag and not self.done:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == self.tag and self.depth:
            self.depth, self.done = 0, True

    def handle_data(self, data):
        if self.depth:
            self.text += data


def shown(page: str, tag: str) -> str:
    parser = _TextOf(tag)
    parser.feed(page)
    return parser.text


# The whole hostile build -----------------------------------------------------------------

def test_only_the_unusable_seeds_fail_and_everything_else_is_published(hostile):
    project, report, _, seconds = hostile
    errors = sorted(str(d) for d in report.diagnostics if d.is_error)
    assert errors == [
        "seeds/bad-binary.txt: error: binary file (contains NUL bytes), not a pasted article",
        "seeds/bad-empty.txt: error: no visible text (empty or only invisible characters)",
        "seeds/bad-invisible.txt: error: no visible text (empty or only invisible characters)",
        "seeds/bad-whitespace.txt: error: no visible text (empty or only invisible characters)",
    ]
    usable = [p for p in HOSTILE_SEEDS.iterdir()
              if p.name.endswith(".txt") and not p.name.startswith((".", "#", "bad-"))]
    assert report.articles == 5 + len(usable)
    assert len(list((project.out / "articles").iterdir())) == report.articles
    assert seconds < 10


def test_hidden_files_and_editor_backups_are_ignored_silently(hostile):
    project, report, _, _ = hostile
    ignored = (".hidden.txt", "draft.txt~", "#autosave.txt#", ".#lock.txt", "notes.txt.swp")
    assert not any(d.path and d.path.endswith(ignored) for d in report.diagnostics)
    sources = "".join(p.read_text(encoding="utf-8") for p in project.content.glob("*.md"))
    assert not any(name in sources for name in ignored)
    assert "Hidden File Headline" not in sources and "Editor Backup" not in sources


def test_the_hostile_site_passes_check(hostile):
    project, _, _, _ = hostile
    result = check_site(project.out, "https://example.org/briefing/", project.templates)
    assert result.problems == ()


class _Markup(HTMLParser):
    """Start tags with their attributes, and the text of script elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def executable_markup(document: str) -> list[str]:
    parser = _Markup()
    parser.feed(document)
    found = [f"<{t}>" for t, _ in parser.tags if t in ("iframe", "object", "embed")]
    found += [f"{t} {k}=" for t, a in parser.tags for k in a if k.startswith("on")]
    found += [f"{t} {k}={v}" for t, a in parser.tags for k, v in a.items()
              if k in ("href", "src") and re.sub(r"[\x00-\x20]", "", v).lower().startswith(
                  ("javascript:", "vbscript:", "data:"))]
    return found + [s for s in parser.scripts if "alert" in s]


def test_no_executable_markup_from_input_reaches_any_page_or_feed(hostile):
    project, _, _, _ = hostile
    for path in sorted(project.out.rglob("*.html")):
        assert executable_markup(path.read_text(encoding="utf-8")) == [], path
    feed = feedparser.parse((project.out / "feed.xml").read_bytes(), sanitize_html=False)
    for entry in feed.entries:
        for part in [entry.get("summary", ""), *(c.value for c in entry.get("content", []))]:
            assert executable_markup(part) == [], (entry.title, part)


def test_nothing_is_written_outside_content_and_site(hostile):
    """Besides content/ and site/, only the build cache in .cache/ (issue 8) is written."""
    project, _, outside, _ = hostile
    now = {k: v for k, v in snapshot(project.root.parent).items()
           if not k.startswith(("p/content", "p/site", "p/.cache/")) and k != "p/.cache"}
    assert now == outside
    cached = [p for p in (project.root / ".cache").rglob("*") if p.is_file()]
    assert cached and all(p.suffix == ".pickle" or p.parent.parent.name == "html"
                          or (p.parent.name == "templates" and p.suffix == ".cache")
                          for p in cached)
    assert not (project.root.parent / "etc").exists()


TITLES = {
    "title-script.txt": '<script>alert("x")</script> & "Quotes" \'single\' AT&T',
    "title-bidi.txt": "Invoice gnp.exe for March isolated",
    "title-controls.txt": "Bell and escape[31m red title here",
    "title-emoji.txt": "🔥🚀🎉",
    "title-cjk.txt": "人工智能的未来：OpenAI 关闭 Sora 视频应用",
    "title-passwd.txt": "../../etc/passwd",
    "title-backslash.txt": "..\\..\\Windows\\System32\\config",
    "title-urlencoded.txt": "%2e%2e%2f%2e%2e%2fetc%2fpasswd and ..%5c..%5cboot.ini",
    "title-reserved.txt": "CON",
    "enc-bom.txt": "Byte Order Mark Headline",
    "enc-crlf.txt": "Windows Line Endings Headline",
    "enc-cr.txt": "Old Mac Line Endings Headline",
    "enc-cp1252.txt": "Café “quoted” Windows-1252 Headline",
    "enc-mixed.txt": "Mixed Encodings Headline — UTF-8",
}


@pytest.mark.parametrize("seed, title", TITLES.items())
def test_titles_stay_titles_escaped_exactly_once_in_page_and_feed(hostile, seed, title):
    project, _, _, _ = hostile
    article = article_by_source(project, seed)
    assert article.title == title
    assert not CONTROL_OR_BIDI.search(article.title)
    page = (project.out / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
    assert shown(page, "h1") == title
    assert str(markupsafe.escape(title)) in page  # escaped once (shown() proves not twice)
    feed = feedparser.parse((project.out / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries if e.id == article.id] == [title]


@pytest.mark.parametrize("seed, slug", [
    ("title-passwd.txt", "etc-passwd"),
    ("title-backslash.txt", "windows-system32-config"),
    ("title-urlencoded.txt", "2e-2e-2f-2e-2e-2fetc-2fpasswd-and-5c-5cboot-ini"),
    ("title-reserved.txt", "con-article"),
    ("title-emoji.txt", "article"),
    ("title-cjk.txt", "ren-gong-zhi-neng-de-wei-lai-openai-guan-bi-sora-shi-pin"),
    ("title-long.txt", "extraordinarily-extraordinarily-extraordinarily"),
    ("same-slug-1.txt", "cafe-society"),
    ("same-slug-2.txt", "cafe-society-2"),  # case and punctuation variant
    ("same-slug-3.txt", "cafe-society-3"),  # NFD variant of the first
])
def test_slugs_are_portable_unique_and_stay_inside_the_site(hostile, seed, slug):
    project, _, _, _ = hostile
    article = article_by_source(project, seed)
    assert article.slug == slug and is_portable_slug(slug)
    assert (project.content / f"{slug}.md").is_file()
    page = project.out / "articles" / slug / "index.html"
    assert page.resolve().is_relative_to(project.out.resolve()) and page.is_file()


def test_every_output_name_is_portable_and_unique_ignoring_case(hostile):
    project, _, _, _ = hostile
    names = [p.relative_to(project.out).as_posix() for p in project.out.rglob("*")]
    assert [n for n in names if name_problem(n)] == []
    assert len({n.casefold() for n in names}) == len(names)
    content = [p.name for p in project.content.iterdir()]
    assert [n for n in content if name_problem(n)] == []


def test_a_500_character_title_becomes_a_bounded_title_and_slug(hostile):
    project, _, _, _ = hostile
    article = article_by_source(project, "title-long.txt")
    assert len(article.title) <= 80 and article.title_inferred
    assert len(article.slug) <= 60


def test_raw_html_and_javascript_links_in_text_are_shown_as_text(hostile):
    project, _, _, _ = hostile
    article = article_by_source(project, "title-script.txt")
    page = (project.out / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
    body = shown(page, "article")
    assert "<img src=x onerror=alert(1)>" in body
    assert '<a href="javascript:alert(2)">a link</a>' in body
    assert "[click me](javascript:alert(3))" in body
    assert "Entities &amp; &lt;b&gt; stay literal." in body  # the pasted text, escaped once
    assert "[x]: javascript:alert(5)" in body  # not swallowed as a link definition


def test_line_endings_and_bom_do_not_change_the_text():
    text = (HOSTILE_SEEDS / "enc-crlf.txt").read_bytes().decode().replace("\r\n", "\n")
    variants = [text.encode(), text.replace("\n", "\r\n").encode(),
                text.replace("\n", "\r").encode(), b"\xef\xbb\xbf" + text.encode()]
    normalized = {normalize_text(decode_seed(v, "s.txt")[0], TZ) for v in variants}
    assert len(normalized) == 1
    assert "\r" not in next(iter(normalized)).body and "\ufeff" not in next(iter(normalized)).title


def test_windows_1252_and_mixed_encodings_decode_each_line_correctly():
    text, notes = decode_seed((HOSTILE_SEEDS / "enc-mixed.txt").read_bytes(), "seeds/m.txt")
    assert "Headline — UTF-8" in text and "naïve café ‘quote’" in text
    assert "Ã" not in text and "â€" not in text  # no mojibake in either part
    assert [(n.severity.value, n.line) for n in notes] == [("warning", 6)]
    text, _ = decode_seed((HOSTILE_SEEDS / "enc-cp1252.txt").read_bytes(), "seeds/w.txt")
    assert "Café “quoted”" in text and "5€" in text


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_with_the_line():
    with pytest.raises(SeedError) as err:
        decode_seed(b"Fine headline\nbad \x81\x8d bytes\n", "seeds/x.txt")
    assert str(err.value) == "seeds/x.txt:2: error: not UTF-8 or Windows-1252 text"


def test_a_200000_character_line_normalizes_quickly_and_whole():
    line = " ".join(f"word{i}" for i in range(30000))[:200_000]
    started = time.perf_counter()
    normalized = normalize_text(f"Headline\n\n{line}\n", TZ)
    assert time.perf_counter() - started < 2
    assert line[:1000] in normalized.body and len(normalized.body) >= 200_000


def test_a_20_mb_seed_is_refused_at_once_above_the_documented_limit(tmp_path):
    big = tmp_path / "seeds" / "big.txt"
    big.parent.mkdir()
    with open(big, "wb") as handle:
        handle.write(b"Headline\n\n" + b"All work and no play. " * (20_000_000 // 22))
    assert big.stat().st_size > MAX_SEED_BYTES
    started = time.perf_counter()
    with pytest.raises(SeedError) as err:
        read_seed(big, tmp_path)
    assert time.perf_counter() - started < 0.5
    assert f"limit for one article is {MAX_SEED_BYTES:,}" in str(err.value)
    assert str(err.value).startswith("seeds/big.txt: error:")


def test_a_seed_just_under_the_limit_builds_in_bounded_time(tmp_path):
    project = make_project(tmp_path)
    paragraph = b"The company said the change would take effect next month, a statement said.\n\n"
    (project.seeds / "zz_large.txt").write_bytes(
        b"A Very Long Article\n\n" + paragraph * ((MAX_SEED_BYTES - 100) // len(paragraph)))
    started = time.perf_counter()
    report = pipeline.build(project)
    assert time.perf_counter() - started < 15
    assert not report.failed and report.articles == 6


def test_an_oversized_content_file_is_refused_and_the_rest_builds(tmp_path):
    project = make_project(tmp_path)
    big = project.content / "huge.md"
    big.write_text("---\ntitle: Huge\n---\n\n" + "Words and words.\n" * 200_000, encoding="utf-8")
    report = pipeline.build(project)
    assert [str(d).split(";")[0] for d in report.diagnostics if d.is_error] == [
        f"content/huge.md: error: file is {big.stat().st_size:,} bytes"]
    assert report.articles == 5


# Front matter written by hand --------------------------------------------------------------

@pytest.mark.parametrize("front, line, fragment", [
    ("title: [unclosed\n", 3, "invalid front matter"),
    ("- a list\n- not a mapping\n", 2, "must be a mapping"),
    ("title: a\ntitle: b\n", 3, "duplicate key 'title'"),
    ("title: !!python/object/apply:os.system ['touch /tmp/briefing-pwned']\n", 2, "constructor"),
    ("title: !!python/name:os.system\n", 2, "constructor"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     5, "too many YAML aliases"),
    ("title: x\ndate: next Tuesday\n", 3, "ISO 8601"),
    ("title: x\ndate: 20260324\n", 3, "ISO 8601"),
    ("title: x\ndate: 2026-03-24T10:00:00\n", 3, "no time zone"),
    ("title: x\ndate: 2026-03-24 10:00\n", 3, "no time zone"),
    ("title: x\ndate: 2026-02-30\n", 3, "day is out of range"),
    ("title: x\nthemes: compute\n", 3, "must be a list"),
    ("title: x\nthemes: [../../etc]\n", 3, "must be a list of theme slugs"),
    ("title: x\nslug: ../../etc/passwd\n", 3, "'slug' must be"),
    ("title: x\nslug: ..\\\\windows\n", 3, "'slug' must be"),
    ("title: x\nslug: con\n", 3, "reserved device name"),
    ("title: x\nslug: Upper-Case\n", 3, "'slug' must be"),
    ("title: x\nslug: 'trailing.'\n", 3, "'slug' must be"),
    ("title: true\n", 2, "must be text, got bool"),
    ("title: ~\n", 2, "'title' is required"),
    ("title: '   '\n", 2, "'title' is required"),
    ('title: "bell \\a here"\n', 2, "control character U+0007"),
    ('title: "evil \\u202Etxt.exe"\n', 2, "control character U+202E"),
    ("title: x\nauthor: [a, b]\n", 3, "'author' must be text"),
    ("title: x\ntitle_inferred: yes\n", 3, "true or false"),
])
def test_hostile_front_matter_is_refused_with_file_line_and_reason(front, line, fragment):
    with pytest.raises(ContentError) as err:
        parse_article(f"---\n{front}---\n\nBody.\n", "content/bad.md")
    assert err.value.diagnostic.path == "content/bad.md"
    assert err.value.diagnostic.line == line
    assert fragment in str(err.value)
    assert not Path("/tmp/briefing-pwned").exists()


def test_an_unclosed_front_matter_block_is_refused():
    with pytest.raises(ContentError, match="not closed"):
        parse_article("---\ntitle: x\n\nBody with no closing line.\n", "content/bad.md")


def test_a_control_character_in_the_text_is_refused_at_its_line():
    with pytest.raises(ContentError) as err:
        parse_article("---\ntitle: x\n---\n\nFine.\n\nNot \x1b[2J fine.\n", "content/bad.md")
    assert err.value.diagnostic.line == 7 and "U+001B" in str(err.value)


@pytest.mark.parametrize("typed, title", [
    ("No", "No"), ("yes", "yes"), ("off", "off"), ("1.10", "1.10"), ("0x1F", "0x1F"),
    ("2026-03-24", "2026-03-24"), ("1e3", "1e3"), (".inf", ".inf"), ("007", "007"),
    ("'quoted'", "quoted"), ("Two  spaced\n  lines", "Two spaced lines"),
])
def test_unquoted_titles_read_back_exactly_as_typed(typed, title):
    article = parse_article(f"---\ntitle: {typed}\n---\n\nBody.\n", "content/t.md")
    assert article.title == title


def test_an_unknown_theme_is_a_warning_and_strict_makes_it_an_error(tmp_path, capsys):
    project = make_project(tmp_path)
    (project.content / "hand.md").write_text(
        "---\ntitle: Hand written\nthemes: [compute, no-such-theme]\n---\n\nBody.\n",
        encoding="utf-8")
    assert main(["--root", str(project.root), "build"]) == 0
    err = capsys.readouterr().err
    assert "content/hand.md:3: warning: unknown theme 'no-such-theme'" in err
    page = (project.out / "articles/hand/index.html").read_text(encoding="utf-8")
    assert "themes/compute/" in page and "no-such-theme" not in page
    assert main(["--root", str(project.root), "build", "--strict"]) == 1
    assert "content/hand.md:3: error: unknown theme 'no-such-theme'" in capsys.readouterr().err


def test_broken_content_files_are_reported_one_line_each_and_the_rest_publishes(tmp_path, capsys):
    project = make_project(tmp_path)
    bad = {
        "a-yaml.md": "---\ntitle: [oops\n---\n\nBody.\n",
        "b-list.md": "---\n- x\n---\n\nBody.\n",
        "c-escape.md": "---\ntitle: \"\\e[31mred\"\n---\n\nBody.\n",
        "d-latin1.md": "---\ntitle: Caf\xe9\n---\n\nBody.\n",
    }
    for name, text in bad.items():
        (project.content / name).write_bytes(text.encode("latin-1"))
    assert main(["--root", str(project.root), "build"]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert [line.split(": error: ")[0] for line in lines] == [
        "content/a-yaml.md:3", "content/b-list.md:2", "content/c-escape.md:2",
        "content/d-latin1.md"]
    assert all(line.isprintable() for line in lines)
    assert len(list((project.out / "articles").iterdir())) == 5


def test_a_cp1252_seed_is_a_warning_that_strict_turns_into_a_failure(tmp_path, capsys):
    project = make_project(tmp_path)
    shutil.copyfile(HOSTILE_SEEDS / "enc-cp1252.txt", project.seeds / "w.txt")
    assert main(["--root", str(project.root), "build"]) == 0
    assert "seeds/w.txt:1: warning: not UTF-8" in capsys.readouterr().err
    assert main(["--root", str(project.root), "build", "--strict"]) == 1
    assert "seeds/w.txt:1: error: not UTF-8" in capsys.readouterr().err
    assert (project.out / "articles/cafe-quoted-windows-1252-headline/index.html").is_file()


def test_control_characters_in_a_seed_name_are_escaped_in_the_report(tmp_path, capsys):
    project = make_project(tmp_path)
    (project.seeds / "evil\x1b[2Jname.txt").write_bytes(b"")
    assert main(["--root", str(project.root), "build"]) == 1
    err = capsys.readouterr().err
    assert "seeds/evil\\x1b[2Jname.txt: error: no visible text" in err and "\x1b" not in err


# Fuzzing -----------------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pasted_text = st.text(st.characters(codec="utf-8"), max_size=400) | st.lists(
    st.sampled_from(["Headline", "By Jane Doe", "March 24, 2026 at 7:00 PM ET", "- item", "",
                     "## x", "1. one", "---", "[1]: http://x", "<b>x</b>", "&amp;", "\u202e",
                     "Q: why?", "A: because.", "Share this article", "\r", "\x00", "\ufeff"]),
    max_size=12).map("\n".join)


@FUZZ
@given(data=st.binary(max_size=300) | pasted_text.map(lambda t: t.encode("utf-8", "replace")))
def test_fuzz_any_seed_either_normalizes_to_valid_content_or_is_refused(data):
    try:
        text, _ = decode_seed(data, "seeds/f.txt")
    except SeedError:
        return
    normalized = normalize_text(text, TZ)
    assert normalized.title.strip() and not CONTROL_OR_BIDI.search(normalized.title)
    assert slug_for(normalized.title) and is_portable_slug(slug_for(normalized.title))
    seed = type("Seed", (), {"source": "seeds/f.txt", "sha256": "0" * 64})()
    article = draft_article(seed, normalized, (), None, set(), "content")  # type: ignore[arg-type]
    back = parse_article(dump_article(article), article.path)  # what it writes, it reads back
    assert back.title == normalized.title and back.body.strip() == normalized.body.strip()


front_matter = st.lists(st.sampled_from([
    "title: x", "title: No", "title: [a", "title: !!python/object:os.system {}", "slug: ../x",
    "date: 2026-02-30", "date: 2026-03-24T10:00:00", "themes: compute", "themes: [a, 1]",
    "a: &a [1]", "b: *a", "title: *a", "? [k]\n: v", "title: |\n  multi", "- x", "{", "}",
    "title: \"\\x07\"", "dropped: [1, 2]", "updated: 1.5", "id: ~", "title_inferred: 3",
    "\t", "...", "%YAML 1.1", "!!binary aGk=", "checksum: 0123456789abcdef",
]), max_size=8).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\nBody\n")


@FUZZ
@given(text=st.text(max_size=300) | front_matter)
def test_fuzz_the_front_matter_loader_only_ever_raises_content_errors(text):
    try:
        article = parse_article(text, "content/f.md")
    except ContentError as exc:
        assert exc.diagnostic.path == "content/f.md"
        return
    assert isinstance(article.title, str) and article.title.strip()
    assert is_portable_slug(article.slug)


def test_a_bad_file_never_stops_the_build_with_an_unexpected_error(tmp_path):
    project = make_project(tmp_path)
    (project.content / "weird.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    try:
        report = pipeline.build(project)
    except BriefingError as exc:  # pragma: no cover - would be a regression
        pytest.fail(f"build stopped: {exc}")
    assert [d.path for d in report.diagnostics if d.is_error] == ["content/weird.md"]
