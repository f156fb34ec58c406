"""The briefing itself: per theme a bottom line, key points, disagreements, a timeline, names.

Between classification and rendering; plain data in (themes, articles, scores), plain
data out. Everything is extractive: every line shown is a real sentence of an article,
cited by the passage anchor (``articles/<slug>/#p-N``) the page renders for it.

How (all explainable, no model):
- Sentences come from article passages (``markdown.passages``), so anchors agree.
- A sentence's *relevance* to a theme is the theme's term score (themes.yaml weights)
  of the sentence, plus a third of its passage's: a claim belongs to the theme its
  paragraph is about.
- Key points: relevant, declarative sentences are clustered greedily by TF-IDF cosine
  of content stems and concepts (``similarity``); a cluster is one point, its sources
  the distinct publishers (or articles, when unknown) of its sentences. Points are ranked
  by number of sources, then relevance.
- Bottom line: the sentences most similar to other articles' sentences (agreement across
  sources) weighted by relevance, without repeating one another.
- Disagreements: only a sentence that denies what another source's sentence affirms,
  from a small list of predicates, about a name both passages mention.
- Timeline: date mentions (``timeline``), year-less ones resolved by the article's date.

Complexity: each theme looks only at its ``window`` newest articles (default 40), so a
theme costs O((window x sentences per article)^2) for clustering, independent of the
archive size; the whole digest is O(themes x window^2) plus O(articles) to pick windows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from briefing.cache import digest as fingerprint
from briefing.cache import memoized
from briefing.classify import score_theme
from briefing.config import Theme
from briefing.content import Article
from briefing.entities import Mention, count_names
from briefing.markdown import passages
from briefing.similarity import cosine, features, idf
from briefing.text import shorten, split_sentences
from briefing.timeline import Precision, find_dates

WINDOW = 40
"""How many of a theme's newest articles its briefing reads."""
MERGE_THRESHOLD = 0.3
"""Cosine above which two sentences state the same point."""
KEY_POINTS = 8
BOTTOM_LINE = 3
TOP_POINTS = 5
PASSAGE_SHARE = 1 / 3
_MIN_WORDS, _MAX_WORDS = 7, 70
_LABEL = re.compile(r"^[A-Z][\w’'-]*(?:\s+(?:&|[A-Z][\w’'-]*)){0,3}:\s+(?=[A-Z“\"])")
"""A list item's run-in label ("Team Shift: The team ..."): not part of the claim."""
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I'd|I’d|I've|I’ve|my|My)\b")
_DANGLING_START = re.compile(
    r"^(?:He|She|It|It's|It’s|They|That|This|These|Those|But|And|Or|So|Still|Yes|No|Also|"
    r"Then|Conversely|Ultimately|Furthermore|However)\b")


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of one article, and where it is on the site."""

    text: str
    slug: str
    anchor: str
    title: str
    publisher: str | None = None

    @property
    def href(self) -> str:
        """The link target, relative to the site root."""
        return f"articles/{self.slug}/#{self.anchor}"

    @property
    def source(self) -> str:
        """Short name of the source: the publisher, else the headline, shortened."""
        return self.publisher or shorten(self.title, 40)


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A claim, stated by its most representative sentence, with every supporting one."""

    text: str
    statements: tuple[Statement, ...]
    """The representative first, then the others, newest article first."""
    sources: int
    """Independent sources: distinct publishers (articles when no publisher is known)."""
    relevance: float
    themes: tuple[str, ...] = ()

    @property
    def lead(self) -> Statement:
        return self.statements[0]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Two sides that cannot both be true, each with its sources."""

    topic: str
    question: str
    affirmed: tuple[Statement, ...]
    denied: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated event (or a publication), with the sentences that mention it."""

    when: date
    precision: Precision
    label: str
    statements: tuple[Statement, ...]
    inferred_year: bool = False
    published: bool = False


@dataclass(frozen=True, slots=True)
class ThemeDigest:
    """One theme's briefing."""

    theme: str
    articles: int
    window: int
    """How many articles the briefing read (the theme's newest)."""
    bottom_line: tuple[Statement, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    names: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Digest:
    """The briefing of every theme, and the edition's top points across themes."""

    themes: tuple[ThemeDigest, ...] = ()
    top_points: tuple[KeyPoint, ...] = ()
    edition: date | None = None

    def theme(self, slug: str) -> ThemeDigest | None:
        return next((t for t in self.themes if t.theme == slug), None)


@dataclass(frozen=True, slots=True)
class _Sentence:
    statement: Statement
    article: int
    """Position of the article in the window (0 = newest)."""
    source: str
    passage: str
    features: frozenset[str]
    words: int


def _article_sentences(article: Article, order: int) -> list[_Sentence]:
    return [_Sentence(s.statement, order, s.source, s.passage, s.features, s.words)
            for s in _sentences_of(article)]


@memoized("digest-sentences",
          lambda a: fingerprint(a.slug, a.title, a.publisher or "", a.body))
def _sentences_of(article: Article) -> tuple[_Sentence, ...]:
    """An article's sentences, analysed once per version of it (kept in the build cache)."""
    out = []
    for passage in passages(article.body):
        for text in split_sentences(_LABEL.sub("", passage.text)):
            statement = Statement(text, article.slug, passage.anchor, article.title,
                                  article.publisher)
            out.append(_Sentence(statement, 0, article.publisher or article.slug,
                                 passage.text, features(text), len(text.split())))
    return tuple(out)


def _relevance(theme: Theme, sentence: _Sentence, cache: dict[str, float]) -> float:
    if sentence.passage not in cache:
        cache[sentence.passage] = score_theme(theme, "", sentence.passage).score
    own = score_theme(theme, "", sentence.statement.text).score
    return own + PASSAGE_SHARE * (cache[sentence.passage] - own)


def _claim_like(sentence: _Sentence) -> bool:
    """A declarative, third-person sentence of reasonable length: a candidate claim."""
    text = sentence.statement.text
    return (_MIN_WORDS <= sentence.words <= _MAX_WORDS and not text.rstrip("”\"' ").endswith("?")
            and not _FIRST_PERSON.search(text) and not text.startswith(("“", '"')))


def _standalone(sentence: _Sentence) -> bool:
    """Readable out of context: does not open with a pronoun or a connective."""
    return not _DANGLING_START.match(sentence.statement.text)


class _Clusters:
    """Greedy average-link clusters of sentences, without comparing all pairs.

    The average cosine of a sentence with a cluster's members is the dot product of its
    unit vector with the sum of theirs, divided by their number; an inverted index from
    feature to clusters visits only clusters sharing a feature.
    """

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = weights
        self.sums: list[dict[str, float]] = []
        self.members: list[list[int]] = []
        self.index: dict[str, set[int]] = {}

    def unit(self, sentence: _Sentence) -> dict[str, float]:
        raw = {f: self.weights.get(f, 1.0) for f in sentence.features}
        norm = math.sqrt(sum(x * x for x in raw.values())) or 1.0
        return {f: x / norm for f, x in raw.items()}

    def closest(self, unit: Mapping[str, float]) -> int | None:
        dots: dict[int, float] = {}
        for feature, x in unit.items():
            for cid in self.index.get(feature, ()):
                dots[cid] = dots.get(cid, 0.0) + x * self.sums[cid][feature]
        best = [(dot / len(self.members[cid]), -cid) for cid, dot in dots.items()
                if self.members[cid] and dot / len(self.members[cid]) >= MERGE_THRESHOLD]
        return -max(best)[1] if best else None

    def add(self, item: int, unit: Mapping[str, float], cid: int | None) -> None:
        if cid is None:
            cid = len(self.members)
            self.members.append([])
            self.sums.append({})
        self.members[cid].append(item)
        for feature, x in unit.items():
            self.sums[cid][feature] = self.sums[cid].get(feature, 0.0) + x
            self.index.setdefault(feature, set()).add(cid)

    def remove(self, item: int, unit: Mapping[str, float], cid: int) -> None:
        self.members[cid].remove(item)
        for feature, x in unit.items():
            self.sums[cid][feature] -= x


def _cluster(candidates: list[tuple[_Sentence, float]], weights: Mapping[str, float]
             ) -> list[list[tuple[_Sentence, float]]]:
    """Most relevant first, each sentence joins the closest cluster on average (at least
    MERGE_THRESHOLD) or starts one; a second pass lets a sentence move to a cluster that
    formed after it, so arrival order matters less. O(n x clusters sharing a feature).
    """
    order = sorted(candidates, key=lambda c: (-c[1], c[0].statement.slug, c[0].statement.anchor))
    clusters = _Clusters(weights)
    units = [clusters.unit(s) for s, _ in order]
    home: list[int] = []
    for item, unit in enumerate(units):
        cid = clusters.closest(unit)
        clusters.add(item, unit, cid)
        home.append(len(clusters.members) - 1 if cid is None else cid)
    for item, unit in enumerate(units):
        if len(clusters.members[home[item]]) == 1:
            continue
        clusters.remove(item, unit, home[item])
        cid = clusters.closest(unit)
        home[item] = home[item] if cid is None else cid
        clusters.add(item, unit, home[item])
    return [[order[i] for i in members] for members in clusters.members if members]


def _key_point(members: list[tuple[_Sentence, float]], weights: Mapping[str, float],
               theme: str) -> KeyPoint:
    centroid = frozenset(f for s, _ in members for f in s.features)

    def rep_key(pair: tuple[_Sentence, float]) -> tuple[bool, float, int]:
        sentence, relevance = pair
        return (not _standalone(sentence), -(cosine(sentence.features, centroid, weights)
                                             + relevance / 10), sentence.words)

    lead = min(members, key=rep_key)[0]
    others = sorted((m for m, _ in members if m is not lead),
                    key=lambda m: (m.article, m.statement.anchor))
    statements = tuple(dict.fromkeys([lead.statement, *(m.statement for m in others)]))
    return KeyPoint(lead.statement.text, statements, len({m.source for m, _ in members}),
                    round(max(r for _, r in members), 2), (theme,))


def _key_points(theme: Theme, sentences: list[_Sentence], weights: Mapping[str, float],
                cache: dict[str, float]) -> tuple[list[tuple[_Sentence, float]], ...]:
    """Clusters of relevant claims, best first: most sources, then most relevant."""
    candidates = [(s, r) for s in sentences if _claim_like(s)
                  for r in [_relevance(theme, s, cache)] if r > 0]

    def rank(members: list[tuple[_Sentence, float]]) -> tuple[int, float, str, str]:
        lead = max(members, key=lambda m: m[1])[0].statement
        return (-len({s.source for s, _ in members}), -max(r for _, r in members),
                lead.slug, lead.anchor)

    return tuple(sorted(_cluster(candidates, weights), key=rank)[:KEY_POINTS])


def _bottom_line(clusters: Sequence[list[tuple[_Sentence, float]]],
                 weights: Mapping[str, float]) -> tuple[Statement, ...]:
    """From the best-corroborated points, the sentence that agrees most with other sources.

    Each sentence is scored by its average similarity to the point's sentences from other
    sources; it must read on its own (no leading pronoun) and say enough (12+ words).
    """
    chosen = []
    for members in clusters:
        if len(chosen) == BOTTOM_LINE:
            break
        options = []
        for s, relevance in members:
            if not (_standalone(s) and s.words >= 12):
                continue
            others = [o for o, _ in members if o.source != s.source]
            agreement = sum(cosine(s.features, o.features, weights) for o in others) / max(
                1, len(others))
            options.append((-agreement, -relevance, s.statement.slug, s.statement.anchor, s))
        if options:
            chosen.append(min(options)[-1].statement)
    return tuple(chosen)


def _timeline(window: Sequence[Article], sentences: list[_Sentence]) -> tuple[TimelineEntry, ...]:
    anchors = {a.slug: _day(a.date) for a in window}
    grouped: dict[tuple[date, Precision], list[tuple[_Sentence, bool]]] = {}
    for s in sentences:
        for mention in find_dates(s.statement.text, anchors[s.statement.slug]):
            grouped.setdefault((mention.when, mention.precision), []).append(
                (s, mention.inferred_year))
    entries = []
    for (when, precision), found in grouped.items():
        statements = tuple(dict.fromkeys(s.statement for s, _ in found))
        label = find_dates(found[0][0].statement.text, anchors[found[0][0].statement.slug])
        text = next(m.label for m in label if (m.when, m.precision) == (when, precision))
        entries.append(TimelineEntry(when, precision, text, statements,
                                     all(inferred for _, inferred in found)))
    for article in window:
        if article.date is not None:
            day = _day(article.date)
            assert day is not None
            entries.append(TimelineEntry(day, Precision.DAY, "", (Statement(
                article.title, article.slug, "", article.title, article.publisher),),
                published=True))
    rank = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}
    entries.sort(key=lambda e: (e.when, rank[e.precision], e.published, e.statements[0].slug))
    return tuple(entries)


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


@dataclass(frozen=True, slots=True)
class Predicate:
    """A yes/no fact sources can state or deny, recognized by phrases."""

    question: str
    affirm: tuple[str, ...]
    deny: tuple[str, ...]


PREDICATES = (
    Predicate("Was it released to the public?",
              affirm=(r"launched publicly", r"public launch", r"released publicly",
                      r"publicly released", r"consumer app", r"developer api",
                      r"\bapp and api\b"),
              deny=(r"never (?:been )?released", r"never (?:been )?(?:publicly )?launched",
                    r"(?:was|has) not (?:been )?(?:publicly )?released",
                    r"never (?:made )?(?:publicly )?available")),
)


def _names(text: str) -> set[str]:
    return {m.group() for m in re.finditer(r"\b[A-Z][a-zA-Z]+\b", text)}


def _disagreements(sentences: list[_Sentence]) -> tuple[Disagreement, ...]:
    """Pairs where one source denies what another affirms, about a name both passages use."""
    found = []
    for predicate in PREDICATES:
        denied = [s for s in sentences if any(re.search(p, s.statement.text, re.I)
                                              for p in predicate.deny)]
        affirmed = [s for s in sentences if any(re.search(p, s.statement.text, re.I)
                                                for p in predicate.affirm)
                    and s not in denied]
        for topic in _shared_topics(denied, affirmed):
            no = [s for s in denied if topic in _names(s.passage)]
            yes = [s for s in affirmed if topic in _names(s.passage)
                   and any(s.source != d.source for d in no)]
            if no and yes:
                found.append(Disagreement(topic, predicate.question,
                                          tuple(dict.fromkeys(s.statement for s in yes)),
                                          tuple(dict.fromkeys(s.statement for s in no))))
    return tuple(found)


def _shared_topics(denied: list[_Sentence], affirmed: list[_Sentence]) -> list[str]:
    """Names mentioned in a denying passage and in an affirming one of another source."""
    topics: dict[str, int] = {}
    for d in denied:
        for a in affirmed:
            if a.source == d.source:
                continue
            for name in _names(d.passage) & _names(a.passage) - {"OpenAI", "The", "It"}:
                topics[name] = topics.get(name, 0) + 1
    best = max(topics.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return [best[0]] if best else []


def _digest_inputs(theme: Theme, articles: Sequence[Article], window: int = WINDOW) -> str:
    """Everything ``theme_digest`` reads: the theme, the count, the window's articles whole."""
    return fingerprint(repr(theme), str(window), str(len(articles)),
                       *(repr(a) for a in articles[:window]))


@memoized("theme-digest", _digest_inputs)
def theme_digest(theme: Theme, articles: Sequence[Article], window: int = WINDOW) -> ThemeDigest:
    """One theme's briefing from its articles (newest first); reads the newest ``window``."""
    recent = list(articles[:window])
    sentences = [s for order, a in enumerate(recent) for s in _article_sentences(a, order)]
    weights = idf(s.features for s in sentences)
    cache: dict[str, float] = {}
    names = count_names([(a.slug, [s.statement.text for s in sentences
                                   if s.statement.slug == a.slug]) for a in recent])
    clusters = _key_points(theme, sentences, weights, cache)
    return ThemeDigest(
        theme.slug, len(articles), len(recent),
        bottom_line=_bottom_line(clusters, weights),
        key_points=tuple(_key_point(c, weights, theme.slug) for c in clusters),
        disagreements=_disagreements(sentences),
        timeline=_timeline(recent, sentences),
        names=names,
    )


def _top_points(digests: Sequence[ThemeDigest]) -> tuple[KeyPoint, ...]:
    """The best points across themes; a point several themes share is shown once."""
    merged: list[KeyPoint] = []
    for point in sorted((p for d in digests for p in d.key_points),
                        key=lambda p: (-p.sources, -p.relevance, p.lead.slug, p.lead.anchor)):
        cited = set(point.statements)
        same = next((m for m in merged if len(cited & set(m.statements))
                     >= 0.5 * min(len(cited), len(m.statements))), None)
        if same is None:
            merged.append(point)
        else:
            index = merged.index(same)
            merged[index] = KeyPoint(same.text, same.statements, same.sources, same.relevance,
                                     tuple(dict.fromkeys(same.themes + point.themes)))
    return tuple(merged[:TOP_POINTS])


def build_digest(themes: Sequence[Theme], articles: Sequence[Article],
                 window: int = WINDOW) -> Digest:
    """The whole edition's briefing; ``articles`` newest first, each with its final themes."""
    digests = tuple(theme_digest(t, [a for a in articles if t.slug in a.themes], window)
                    for t in themes)
    dates = [_day(a.date) for a in articles if a.date is not None]
    return Digest(digests, _top_points(digests), max((d for d in dates if d), default=None))
