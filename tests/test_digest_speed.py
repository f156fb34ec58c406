"""The digest's shortcuts (bounds that skip work, caches) change nothing it produces.

Each shortcut is checked against the plain computation it replaces, on an archive large
enough for the shortcuts to skip work: articles mixed from the seeds' paragraphs, each
under its own publisher, so sources state the same claims in the same words.
"""

from __future__ import annotations

import math
import random
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from briefing import conflicts, pipeline, similarity, timeline
from briefing import digest as digest_module
from briefing.config import SiteConfig, load_themes
from briefing.content import Article, parse_article
from briefing.digest import theme_digest
from briefing.markdown import passages
from briefing.similarity import Cosines, cosine, features, idf
from briefing.text import split_sentences
from tests.conftest import ROOT

THEMES = load_themes(ROOT / "themes.yaml")
WINDOW = 20


def _seed_articles() -> list[Article]:
    return [parse_article(p.read_text(encoding="utf-8"), p.name)
            for p in sorted((ROOT / "content").glob("*.md"))]


@pytest.fixture(scope="module")
def archive() -> list[Article]:
    """120 articles, newest first, each a seeded mix of the seeds' paragraphs."""
    seeds = _seed_articles()
    paragraphs = [p for a in seeds for p in a.body.split("\n\n") if len(p.split()) > 12]
    pick = random.Random(8)
    start = datetime(2026, 1, 1, 9, 0)
    articles = [replace(seeds[i % len(seeds)], slug=f"mix-{i:03d}", id=f"mix-{i:03d}",
                        path=f"content/mix-{i:03d}.md", themes=(),
                        publisher=f"Publisher {i % 17}", date=start + timedelta(hours=i),
                        body="\n\n".join(pick.sample(paragraphs, 6)))
                for i in range(120)]
    return list(pipeline.assemble(SiteConfig(), THEMES, articles).articles)


def _without_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fit and every link computed exactly: the bounds never rule a cluster out,
    and no decision rests on an estimated fit (any estimate is within infinite slack)."""
    monkeypatch.setattr(digest_module._Clusters, "BOUNDED", False)
    monkeypatch.setattr(digest_module._Clusters, "SLACK", math.inf)
    monkeypatch.setattr(digest_module._Clusters, "link_bound",
                        lambda self, a, b, means, sources: math.inf)


def _count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls = [0]
    original = getattr(digest_module._Clusters, name)

    def counted(self, *args):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(self, *args)

    monkeypatch.setattr(digest_module._Clusters, name, counted)
    return calls


def _recording_clusters(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every clustering's result, in order, as the digest computes them."""
    found: list[object] = []
    cluster = digest_module._cluster

    def recorded(*args):  # type: ignore[no-untyped-def]
        found.append(cluster(*args))
        return found[-1]

    monkeypatch.setattr(digest_module, "_cluster", recorded)
    return found


def test_clustering_bounds_skip_work_and_change_nothing(archive, monkeypatch):
    digests, clusters, work = {}, {}, {}
    for bounded in (True, False):
        with monkeypatch.context() as patch:
            if not bounded:
                _without_bounds(patch)
            fits, links = _count_calls(patch, "fit"), _count_calls(patch, "link")
            found = _recording_clusters(patch)
            digests[bounded] = [
                theme_digest(t, [a for a in archive if t.slug in a.themes], WINDOW)
                for t in THEMES]
            clusters[bounded], work[bounded] = found, (fits[0], links[0])
    assert sum(len(d.key_points) for d in digests[True]) > 4
    assert clusters[True] == clusters[False]  # every cluster, not only the points shown
    assert digests[True] == digests[False]
    # Not vacuous: the bounds and estimates did skip exact fits and links on this archive.
    assert work[True][0] < work[False][0] / 10 and work[True][1] < work[False][1]


def test_estimated_fits_are_within_a_thousandth_of_their_slack(archive, monkeypatch):
    clusters, seen = digest_module._Clusters, [0]
    estimate = clusters.estimate

    def checked(self, unit, source, cid, dot):  # type: ignore[no-untyped-def]
        value, exact = estimate(self, unit, source, cid, dot)
        assert abs(value - self.fit(unit, source, cid, dot)) <= clusters.SLACK / 1000
        seen[0] += not exact
        return value, exact

    monkeypatch.setattr(clusters, "estimate", checked)
    for t in THEMES:
        theme_digest(t, [a for a in archive if t.slug in a.themes], WINDOW)
    assert seen[0] > 100


@pytest.mark.parametrize("slack, seed", [(0.03, 2), (0.04, 3), (0.1, 5)])
def test_decisions_on_estimates_are_those_on_exact_fits(archive, monkeypatch, slack, seed):
    """With estimates anywhere within a large slack of the fits, clustering still makes
    every choice the exact fits make: where an estimate could mislead, it is settled.
    (Each slack and seed catches a different settling step left out.)"""
    settled, found = [0], {}
    for blur in (False, True):
        with monkeypatch.context() as patch:
            if blur:
                _blurred_estimates(patch, settled, slack, random.Random(seed))
            else:
                _without_bounds(patch)
            recorded = _recording_clusters(patch)
            found[blur] = ([theme_digest(t, [a for a in archive if t.slug in a.themes], WINDOW)
                            for t in THEMES], recorded)
    assert found[True] == found[False]
    assert settled[0] > 50  # not vacuous: blurred estimates had to be settled


def _blurred_estimates(monkeypatch: pytest.MonkeyPatch, settled: list[int], slack: float,
                       noise: random.Random) -> None:
    """Estimates as far from the fits as a (large) SLACK lets them, up or down at random."""
    clusters = digest_module._Clusters
    settle = clusters._settle

    def blurred(self, unit, source, cid, dot):  # type: ignore[no-untyped-def]
        return self.fit(unit, source, cid, dot) + noise.choice((-0.999, 0.999)) * self.SLACK, False

    def counted(self, found, exact, keep, fit):  # type: ignore[no-untyped-def]
        settle(self, found, exact, keep, fit)
        settled[0] += len(exact)

    monkeypatch.setattr(clusters, "SLACK", slack)
    monkeypatch.setattr(clusters, "estimate", blurred)
    monkeypatch.setattr(clusters, "_settle", counted)


def _sentences(articles: list[Article]) -> list[str]:
    return [s for a in articles for p in passages(a.body) for s in split_sentences(p.text)]


def test_kept_cosines_equal_plain_cosines():
    sets = [features(s) for s in _sentences(_seed_articles())]
    weights = idf(sets)
    pick = random.Random(3)
    pairs = [(pick.choice(sets), pick.choice(sets)) for _ in range(2000)]
    similar = Cosines(weights)
    for a, b in pairs + [(b, a) for a, b in pairs]:
        assert similar(a, b) == cosine(a, b, weights)
    assert any(similar(a, b) > 0.3 for a, b in pairs)
    rows = Cosines(weights)  # a row mixes kept cosines and new ones, in order
    for a, _ in pairs[:200]:
        others = [pick.choice(sets) for _ in range(30)] + [frozenset()]
        assert rows.row(a, others) == [cosine(a, b, weights) for b in others]


def _plain_features(text: str) -> frozenset[str]:
    """``similarity.features`` as first written: word by word, every concept tried."""
    phrases = {c: tuple(similarity._phrase(w) for w in ws) for c, ws in similarity.CONCEPTS.items()}
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept, wordings in phrases.items():
        for stems in wordings:
            by_first.setdefault(stems[0], []).append((stems, concept))
    found: set[str] = set()
    words: list[str] = []
    for raw in re.findall(r"[a-z0-9$]+(?:[-'’][a-z0-9]+)*", text.lower()):
        token = re.sub(r"['’]s$", "", raw).lstrip("$")
        parts = [p for p in re.split(r"[-'’]", token) if p]
        words.extend(parts)
        kept = {"".join(parts), *(p for p in parts if len(p) > 3)} if len(parts) > 1 else {
            "".join(parts)}
        found.update(similarity.stem(w) for w in kept
                     if len(w) > 2 and w not in similarity.STOPWORDS and not w.isdigit())
    stems = [similarity.stem(w) for w in words]
    for i, first in enumerate(stems):
        for wording, concept in (*by_first.get(first, ()), *by_first.get("=" + words[i], ())):
            span = range(i, i + len(wording))
            exact = wording[0].startswith("=")
            if tuple(("=" + words[j] if exact else stems[j]) if j < len(words) else ""
                     for j in span) == wording:
                negated = any(w in {"no", "not", "never", "without", "nor", "cannot", "n't"}
                              for w in words[max(0, i - 2):i])
                found.add(concept + ("-not" if negated and wording[0] not in {
                    "no", "not", "never", "without", "nor", "cannot", "n't"} else ""))
                found.difference_update(stems[j] for j in span)
    return frozenset(found)


def test_features_are_the_plain_word_by_word_reading():
    """Words analysed once each and concepts tried only where one may start: same features."""
    pick = random.Random(4)
    wordings = [w.lstrip("=") for ws in similarity.CONCEPTS.values() for w in ws]
    made = [" ".join(pick.choice(["no", "not", "never", "the", "Sora's", "$5", "billion-dollar",
                                  "pre-training", "o'clock", "2024", "it's", *wordings])
                     for _ in range(pick.randint(1, 12))) for _ in range(600)]
    texts = _sentences(_seed_articles()) + made + ["", "$", "Completed, completes; wrap up."]
    assert [similarity.features.__wrapped__(t) for t in texts] == [
        _plain_features(t) for t in texts]
    assert sum(1 for t in made if any(f.endswith("-not") for f in _plain_features(t))) > 20


def test_importing_similarity_loads_no_stemmer():
    """A rebuild whose digest comes from the cache stems nothing: it pays no stemmer import."""
    code = "import sys, briefing.similarity; print('snowballstemmer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_the_stance_prefilter_drops_no_denial_or_affirmation():
    """A sentence the quick word test turns down is one the patterns do not match."""
    pick = random.Random(6)
    phrases = ["never been released", "was not publicly released", "never made available",
               "launched publicly", "a public launch", "its consumer app", "developer API",
               "app and API", "has not been released", "never launched"]

    def variant(phrase: str) -> str:  # any case, and the odd letters re.I takes for ASCII
        odd = {"i": "\u0131", "s": "\u017f", "k": "\u212a"}
        return "".join(odd.get(c, c) if pick.random() < 0.2 else
                       c.upper() if pick.random() < 0.5 else c for c in phrase)

    made = [f"Sora {variant(pick.choice(phrases))} in 2024." for _ in range(400)]
    texts = _sentences(_seed_articles()) + made
    plain = [tuple((bool(conflicts._any_of(p.deny).search(t)),
                    bool(conflicts._any_of(p.affirm).search(t))) for p in conflicts.PREDICATES)
             for t in texts]
    assert [conflicts._stances.__wrapped__(t) for t in texts] == plain
    assert sum(1 for found in plain[-400:] if any(any(s) for s in found)) > 300
    assert all(p.needs[0] and p.needs[1] for p in conflicts.PREDICATES)  # not vacuous


def test_folding_maps_every_letter_ignorecase_matches():
    """Each character a case-insensitive [a-z] matches folds to a letter it matches."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for point in range(sys.maxunicode + 1):
        if letter.fullmatch(character := chr(point)):
            folded = conflicts._folded(character)
            assert len(folded) == 1 and "a" <= folded <= "z"
            assert re.fullmatch(folded, character, re.IGNORECASE)


def test_the_date_prefilter_drops_no_date(monkeypatch):
    texts = [*_sentences(_seed_articles()),
             "It ships in 2027.", "Due 16 Sept 2025, or Dec. 3.", "Sora arrived Feb 15, 2024."]
    anchor = datetime(2026, 3, 24).date()
    found = [timeline.find_dates(t, anchor) for t in texts]
    timeline.find_dates.cache_clear()
    monkeypatch.setattr(timeline, "_MAY_DATE", type("Any", (), {"search": staticmethod(
        lambda text: True)}))
    assert found == [timeline.find_dates.__wrapped__(t, anchor) for t in texts]
    assert sum(1 for f in found if f) >= 5
    timeline.find_dates.cache_clear()


def test_the_compiled_stemmer_is_in_use_and_stems_as_snowballs_own_python_one():
    """The digest stems with PyStemmer (through snowballstemmer); its stems must be the
    pure-Python English stemmer's, or a machine without it would brief differently."""
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    assert isinstance(similarity._stemmer(), Stemmer.Stemmer)
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").iterdir())]
    words = sorted(set(re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", " ".join(texts).lower())))
    words += ["generously", "skies", "dying", "news", "cosmos", "proceeding", "succeeded",
              "atlantic", "idly", "gently", "singly", "ugly", "early", "only", "howe"]
    python = EnglishStemmer()
    assert len(words) > 1000
    assert [similarity.stem(w) for w in words] == [python.stemWord(w) for w in words]
