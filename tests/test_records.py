"""The record cache: what pass 1 found about each file comes back from .cache/ unchanged."""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefing import articles as per_article
from briefing import pipeline
from briefing.cache import SHARD_FORMAT, BuildCache
from briefing.classify import classify
from briefing.errors import Severity
from briefing.pipeline import Project
from briefing.scores import Scores
from tests.conftest import make_project
from tests.test_cache import clean_build, edit, tree

# Articles unlike the seeds' ones: no date, a bare day, odd offsets, text beyond ASCII,
# a body the record must keep (CRLF), and files refused with a diagnostic.
UNUSUAL = {
    "no-date.md": "---\ntitle: \"Über die Rechenzentren — ein Bericht\"\nslug: no-date\n"
                  "themes: [compute, nonexistent]\ntags: [énergie, 電力]\n---\n\n"
                  "Die **compute** Kapazität wächst: GPUs, chips, data centers.\n",
    "a-day.md": "---\ntitle: A day, then a time\nslug: a-day\ndate: 2025-03-04\n"
                "updated: 2025-03-05T09:30:15.250000+05:30\ndek: \"With a dek\"\n"
                "author: Zoë\n---\n\nEnterprise licensing and revenue from coding tools.\n",
    "utc.md": "---\ntitle: At UTC\nslug: at-utc\ndate: 2025-12-31T23:59:59Z\n"
              "updated: 2026-01-01T00:00:00-09:30\n---\n\nSafety and restructuring.\n",
    "crlf.md": "---\r\ntitle: Windows lines\r\nslug: crlf\r\ndate: 2024-02-29\r\n---\r\n\r\n"
               "A body with CRLF line ends about inference.\r\n",
    "broken.md": "---\ntitle: [unclosed\n---\n\nBody.\n",
    "unknown-key.md": "---\ntitle: T\nslug: unknown-key\nsurprise: yes\n---\n\nBody.\n",
}
NOT_UTF8 = b"---\ntitle: \xff\xfe\n---\n"


@pytest.fixture(scope="module")
def unusual(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The seeds' content and ``UNUSUAL``."""
    project = make_project(tmp_path_factory.mktemp("records"), with_content=True)
    for name, text in UNUSUAL.items():
        (project.content / name).write_bytes(text.encode("utf-8"))
    (project.content / "not-utf8.md").write_bytes(NOT_UTF8)
    return project


@pytest.fixture(scope="module")
def records(unusual: Project) -> dict[str, per_article.Record]:
    """Pass 1's records of ``unusual``'s files, by key."""
    project = unusual
    config, themes = pipeline.load_settings(project)
    per_article.start_worker(per_article.Inputs.of(config, themes, project.templates))
    found = {}
    for name, path in pipeline.content_files(project):
        processed = per_article.process(per_article.Source(name, path, ""))
        found[processed.source.key] = processed.record
    return found


def _by_slug(records: dict[str, per_article.Record]) -> dict[str, per_article.Record]:
    return {r.article.slug: r for r in records.values() if r.article}


def test_the_fixtures_are_as_unusual_as_they_claim(records: dict) -> None:
    by_slug = _by_slug(records)
    assert by_slug["no-date"].article.date is None and by_slug["no-date"].body_at >= 0
    assert type(by_slug["a-day"].article.date) is date
    assert by_slug["a-day"].article.updated.utcoffset() == timedelta(hours=5, minutes=30)
    assert by_slug["crlf"].body_at == -1 and by_slug["crlf"].article.body
    refused = [r for r in records.values() if r.article is None]
    assert len(refused) == 3 and all(r.diagnostics for r in refused)
    assert all(r.article.line_of for r in by_slug.values())


def assert_same(loaded: dict, records: dict) -> None:
    """Equal, and equal in what equality leaves out: line numbers, date types, offsets."""
    assert loaded == records
    for key, record in records.items():
        again = loaded[key]
        if record.article is None:
            continue
        assert again.article.line_of == record.article.line_of
        for field in ("date", "updated"):
            before, after = getattr(record.article, field), getattr(again.article, field)
            assert type(after) is type(before)
            if before is not None:
                assert after.isoformat() == before.isoformat()
            if isinstance(before, datetime):
                assert after.tzname() == before.tzname()


def test_records_come_back_from_the_cache_unchanged(records: dict, tmp_path: Path) -> None:
    BuildCache(tmp_path, "v").save_entries(per_article.RECORDS, records, {})
    assert_same(BuildCache(tmp_path, "v").load_entries(per_article.RECORDS), records)


def test_records_cross_a_pipe_unchanged(records: dict) -> None:
    assert_same(pickle.loads(pickle.dumps(records, pickle.HIGHEST_PROTOCOL)), records)


def test_what_pass_1_sends_crosses_a_pipe_unchanged(unusual: Project) -> None:
    config, themes = pipeline.load_settings(unusual)
    per_article.start_worker(per_article.Inputs.of(config, themes, unusual.templates))
    sent = [per_article.process(per_article.Source(name, path, ""))
            for name, path in pipeline.content_files(unusual)]
    back = pickle.loads(pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))
    assert [(p.source, p.identity) for p in back] == [(p.source, p.identity) for p in sent]
    assert all(p.source.hashed for p in back)  # keyed here, with when and how
    assert_same({p.source.key: p.record for p in back}, {p.source.key: p.record for p in sent})


def test_a_file_is_read_whole_even_when_it_grew_since_its_size_was_taken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 70_000 + b"end")
    assert per_article._read_whole(str(path))[1] == path.read_bytes()
    real_fstat = os.fstat

    def smaller(handle: int) -> os.stat_result:  # as if the file grew after fstat
        found = list(real_fstat(handle))
        found[6] = 10  # st_size
        return os.stat_result(found)

    monkeypatch.setattr(per_article.os, "fstat", smaller)
    assert per_article._read_whole(str(path))[1] == path.read_bytes()


@pytest.mark.parametrize("zone", [ZoneInfo("Europe/Paris"), timezone(timedelta(hours=1), "CET"),
                                  timezone(-timedelta(hours=3, seconds=7))])
def test_dates_iso_text_cannot_carry_are_kept_as_they_are(records: dict, zone: object) -> None:
    record = _by_slug(records)["at-utc"]
    when = datetime(2025, 6, 1, 12, 0, 0, 17, tzinfo=zone)  # type: ignore[arg-type]
    changed = {"k": replace(record, article=replace(record.article, date=when, updated=when))}
    again = pickle.loads(pickle.dumps(changed))["k"]
    assert again == changed["k"]
    assert again.article.date.tzname() == when.tzname()
    assert again.article.date.utcoffset() == when.utcoffset()


def test_one_record_changed_rewrites_one_shard(records: dict, tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v")
    cache.save_entries(per_article.RECORDS, records, {})
    shards = sorted((cache.folder / per_article.RECORDS).iterdir())
    assert len(shards) == len({key[:2] for key in records}) > 1
    mtimes = {p.name: p.stat().st_mtime_ns for p in shards}
    gone = next(iter(records))
    for path in shards:
        os.utime(path, ns=(0, 0))
    fewer = {k: v for k, v in records.items() if k != gone}
    cache.save_entries(per_article.RECORDS, fewer, records)
    touched = {p.name for p in cache.folder.joinpath(per_article.RECORDS).iterdir()
               if p.stat().st_mtime_ns != 0}
    assert touched <= {f"{gone[:2]}.pickle"} and set(mtimes) >= touched
    assert cache.load_entries(per_article.RECORDS) == fewer


class _OtherRow:
    def __reduce__(self) -> tuple:
        return per_article._record_of, ("a", "row", "of", "another", "shape")


def test_unreadable_or_old_shards_are_ignored(records: dict, tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v")
    cache.save_entries(per_article.RECORDS, records, {})
    folder = cache.folder / per_article.RECORDS
    shards = sorted(folder.iterdir())
    garbage, truncated, old, wrong, misshapen = shards[:5]
    garbage.write_bytes(b"not a pickle at all")
    truncated.write_bytes(truncated.read_bytes()[:40])
    # As the previous format stored a shard: the bare mapping, without the format tag.
    old_keys = [k for k in records if k[:2] == old.stem]
    old.write_bytes(pickle.dumps({k: records[k] for k in old_keys}))
    wrong.write_bytes(pickle.dumps((SHARD_FORMAT, ["not", "a", "mapping"])))
    # Rows of another shape (as another version of the code would write them).
    misshapen.write_bytes(pickle.dumps((SHARD_FORMAT, {misshapen.stem * 16: _OtherRow()})))
    damaged = {p.stem for p in (garbage, truncated, old, wrong, misshapen)}
    loaded = cache.load_entries(per_article.RECORDS)
    assert loaded == {k: v for k, v in records.items() if k[:2] not in damaged}
    assert len(loaded) < len(records)


def test_a_build_over_a_damaged_record_cache_equals_a_clean_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", with_content=True)
    edit(project.config_file, "search: true", "search: false")
    assert not pipeline.build(project).failed
    shards = sorted((project.root / ".cache").glob(f"*/{per_article.RECORDS}/*.pickle"))
    assert shards
    for path in shards[::2]:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    edit(project.content / "openai-is-sunsetting-sora.md", "\n---\n", "\n---\n\nEdited.\n")
    report = pipeline.build(Project.at(project.root))
    assert not report.failed
    assert tree(project.out) == clean_build(project, tmp_path)


def test_scores_are_decoded_only_when_shown(unusual: Project, records: dict) -> None:
    themes = pipeline.load_settings(unusual)[1]
    by_slug = _by_slug(records)
    table = Scores({slug: r.scores for slug, r in by_slug.items()})
    for slug, record in by_slug.items():
        article = record.restore((unusual.root / record.article.path).read_bytes())
        expected = classify(themes, article.title, f"{article.dek or ''}\n{article.body}")
        for score in expected:
            assert table.by_theme(slug)[score.theme] == score.score
        assert "no-such-theme" not in table.by_theme(slug)
    assert table._unpacked == {}  # values came from the packed scores alone
    first = next(iter(by_slug))
    assert table[first] == table[first] and len(table._unpacked) == 1
    assert [s.theme for s in table[first]] == [t.slug for t in themes]


def test_diagnostics_come_back_with_their_severity(records: dict, tmp_path: Path) -> None:
    record = next(r for r in records.values() if r.diagnostics)
    warned = replace(record, diagnostics=(replace(record.diagnostics[0],
                                                  severity=Severity.WARNING, line=7),))
    cache = BuildCache(tmp_path, "v")
    cache.save_entries(per_article.RECORDS, {"ab" * 16: warned}, {})
    again = cache.load_entries(per_article.RECORDS)["ab" * 16]
    assert again.diagnostics == warned.diagnostics
    assert again.diagnostics[0].severity is Severity.WARNING
