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
  A point needs at least one sentence that itself matches a theme term. Its lead is a
  standalone reported fact when there is one (not commentary, no leading pronoun).
- Bottom line: from the best-ranked points, the reported-fact sentence that agrees most
  with the point's other sources; across the edition, each theme's card uses the points
  that are most its own (highest relevance for the theme's threshold), so no two themes
  state the same claim when they have others to state.
- Disagreements (``conflicts``): a source denying what another affirms, or two sources
  dating the same once-only event differently.
- Timeline: date mentions (``timeline``), year-less ones resolved by the article's date.

Complexity: each theme looks only at its ``window`` newest articles (default 40), so a
theme costs O((window x sentences per article)^2) for clustering, independent of the
archive size; the whole digest is O(themes x window^2) plus O(articles) to pick windows.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache, partial
from itertools import repeat

from briefing.cache import digest as fingerprint
from briefing.cache import memoized, pickle_by_fields
from briefing.classify import score_theme
from briefing.config import Theme
from briefing.conflicts import Disagreement, Said, disagreements
from briefing.content import Article, article_digest, with_theme
from briefing.edition import Digest, KeyPoint, ThemeDigest, TimelineEntry, edition_of
from briefing.entities import count_names
from briefing.markdown import passages
from briefing.similarity import Cosines, cosine, features, idf
from briefing.statement import Statement
from briefing.text import split_sentences
from briefing.timeline import Precision, find_dates

__all__ = ["Digest", "Disagreement", "KeyPoint", "Statement", "ThemeDigest", "TimelineEntry",
           "build_digest", "theme_digest"]

WINDOW = 40
"""How many of a theme's newest articles its briefing reads."""
_EPSILON = 1e-9
"""Slack for float rounding when a bound is compared with a threshold."""
MERGE_THRESHOLD = 0.3
"""Cosine above which two sentences state the same point."""
RESTATES = 0.25
"""Plain cosine (no IDF) at which a bottom-line sentence restates another one."""
MOVE_MARGIN = 0.1
"""In the second clustering pass a sentence leaves its cluster only for a clearly better one."""
KEY_POINTS = 8
BOTTOM_LINE = 3
TOP_POINTS = 5
PASSAGE_SHARE = 1 / 3
_MIN_WORDS, _MAX_WORDS = 7, 70
_LABEL = re.compile(r"^[A-Z][\w’'-]*(?:\s+(?:&|[A-Z][\w’'-]*)){0,3}:\s+(?=[A-Z“\"])")
"""A list item's run-in label ("Team Shift: The team ..."): not part of the claim."""
_NAME = re.compile(r"(?<=[\w,;:]\s)[A-Z][\w’'-]*|(?<=[\w,;:]\s[\"“‘'])[A-Z][\w’'-]*")
"""A capitalized word that does not open a sentence (a name, "Spud" in quotes too)."""
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I'd|I’d|I've|I’ve|my|My)\b")
_DANGLING_START = re.compile(
    r"^(?:He|She|It|It's|It’s|Its|His|Her|They|Their|Them|That|This|These|Those|Such|"
    r"Both|Another|But|And|Or|So|Still|Yes|No|Also|Then|Conversely|Ultimately|Furthermore|"
    r"However|Moreover|Instead|Thus|Therefore|Hence|Meanwhile|Nevertheless|Nonetheless|"
    r"Yet|Besides|Additionally|Otherwise|"
    r"(?:When|While|Once|If|As|Because|Since|Until|Although|After|Before)\s+"
    r"(?:it|its|he|his|she|her|they|their|this|that|these|those)|"
    r"\w+ing\s+(?:it|them|this|that)(?:\s|,))\b")
"""A sentence opening so leans on the one before it: it cannot stand alone."""
_COMMENTARY = re.compile(
    r"\b(?:suggests?|suggesting|underscores?|signals?|highlights?|likely|plausible|"
    r"makes? sense|seems?|appears?|arguably|perhaps|probably|may|might|could|would|should|"
    r"whether|if|question is|fits? a|in other words|is a (?:genuine|stark|clear|"
    r"notable|calculated))\b", re.IGNORECASE)
"""Words of analysis or speculation: a lead prefers a reported fact without them."""


@dataclass(frozen=True, slots=True)
class _Sentence:
    statement: Statement
    source: str
    passage: str
    features: frozenset[str]
    words: int
    context: str = ""
    """The sentence before it in the same passage ("" for a passage's first)."""


pickle_by_fields(_Sentence)  # the memo of every article's sentences loads twice as fast


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A claim-like sentence and how much it is about the theme."""

    sentence: _Sentence
    relevance: float
    """Theme score of the sentence plus a share of the rest of its passage's."""
    own: float
    """Theme score of the sentence alone: the evidence that the claim itself is on theme."""


@memoized("digest-sentences",
          lambda a: fingerprint(a.slug, a.title, a.publisher or "", a.body))
def _sentences_of(article: Article) -> tuple[_Sentence, ...]:
    """An article's sentences, analysed once per version of it (kept in the build cache)."""
    out = []
    for passage in passages(article.body):
        before = ""
        for text in split_sentences(_LABEL.sub("", passage.text)):
            statement = Statement(text, article.slug, passage.anchor, article.title,
                                  article.publisher)
            found = features(text)
            if before and not _standalone(text):
                # "Its release..." is about what the sentence before names: count its names.
                found |= features(" ".join(_NAME.findall(before)))
            out.append(_Sentence(statement, article.publisher or article.slug,
                                 passage.text, found, len(text.split()), before))
            before = text
    return tuple(out)


def _candidate(theme: Theme, sentence: _Sentence, cache: dict[str, float]) -> _Candidate | None:
    """The sentence as a candidate, if it is relevant (None if not). ``cache``: the theme's
    score of a text (passage or sentence), for texts met again."""
    for text in (sentence.passage, sentence.statement.text):
        if text not in cache:
            cache[text] = score_theme(theme, "", text).score
    own = cache[sentence.statement.text]
    relevance = own + PASSAGE_SHARE * (cache[sentence.passage] - own)
    return _Candidate(sentence, relevance, own) if relevance > 0 else None


def _claim_like(sentence: _Sentence) -> bool:
    """A declarative, third-person sentence of reasonable length: a candidate claim."""
    return _MIN_WORDS <= sentence.words <= _MAX_WORDS and _declarative(sentence.statement.text)


@lru_cache(maxsize=65536)
def _declarative(text: str) -> bool:
    """Not a question, not in the first person, not a quotation (cached: an article's
    sentences are read again for each theme it belongs to)."""
    return (not text.rstrip("”\"' ").endswith("?") and not _FIRST_PERSON.search(text)
            and not text.startswith(("“", '"')))


def _standalone(text: str) -> bool:
    """Readable out of context: does not open with a pronoun or a connective."""
    return not _DANGLING_START.match(text)


@lru_cache(maxsize=65536)
def _commentary(text: str) -> bool:
    """Analysis or speculation rather than a reported fact ("underscores", "likely", "if")."""
    return bool(_COMMENTARY.search(text))


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Sum of a[f] * b.get(f, 0.0) in a's order (each term and the order as written; the
    loop runs in C, which is what makes clustering affordable)."""
    return sum(map(operator.mul, a.values(), map(b.get, a.keys(), repeat(0.0))))


class _Clusters:
    """Greedy average-link clusters of sentences, without comparing all pairs.

    A sentence's fit to a cluster is its average cosine with the members from *other*
    sources (with all members when there are none): a point is what sources say in
    common, and a source that states one claim in two sentences (or two claims in one)
    must not make its own sentences look unlike the point. The average is the dot
    product of the sentence's unit vector with the sum of those members' vectors,
    divided by their number; an inverted index from feature to clusters visits only
    clusters sharing a feature.
    """

    SLACK = 1e-6
    """How far an estimated fit (``estimate``) may be from the exact one (``fit``), with
    orders to spare: decisions that close to a threshold or to a rival use exact fits.
    The two differ by rounding only: the excess's entries are at most the cluster's size,
    and each of at most REFRESH updates rounds them by a few units of 2**-53 of that, so
    even a 10,000-sentence cluster stays under 1e-8 (the tests check SLACK / 1000)."""
    BOUNDED = True
    """Whether ``fits`` skips the clusters its bound rules out (tests turn it off)."""
    REFRESH = 256
    """Updates of a cluster's ``excess`` after which it is summed afresh (bounds drift)."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = weights
        self.sums: list[dict[str, float]] = []
        self.members: list[list[int]] = []
        self.by_source: list[dict[str, tuple[dict[str, float], int]]] = []
        self.index: dict[str, dict[int, float]] = {}
        """Per feature, the clusters whose sum has it, with their sum's value for it."""
        self.live: list[int] = []
        """Per cluster, how many sources have members in it (non-empty by_source groups)."""
        self.excess: list[dict[str, float]] = []
        """Per cluster, its sum less the sum over its sources of their members' mean vector
        (sum x (n - 1) / n over sources of n >= 2 members; most have one): kept up to date
        by each add and remove, so within rounding of the exact one."""
        self.updates: list[int] = []
        self.gate: list[float] = []
        """Per cluster, the dot product under which its fit is under MERGE_THRESHOLD -
        _EPSILON: with k live sources, the bound is at most dot / (k - 1) (at most dot
        with one); an empty cluster fits nothing."""

    def unit(self, sentence: _Sentence) -> dict[str, float]:
        # Sorted: the vectors' sums accumulate in this order, which must not follow hashing.
        keys = sorted(sentence.features)
        raw = list(map(self.weights.get, keys, repeat(1.0)))
        norm = math.sqrt(sum(map(operator.mul, raw, raw))) or 1.0
        return dict(zip(keys, map(operator.truediv, raw, repeat(norm)), strict=True))

    def fit(self, unit: Mapping[str, float], source: str, cid: int, dot: float) -> float:
        groups = self.by_source[cid]
        others = [(sums, n) for src, (sums, n) in groups.items() if src != source and n]
        if not others:
            return dot / len(self.members[cid])
        return sum(_dot(unit, sums) / n for sums, n in others) / len(others)

    def estimate(self, unit: Mapping[str, float], source: str, cid: int, dot: float
                 ) -> tuple[float, bool]:
        """``fit`` within SLACK, and whether it is exact: at most two dot products instead of
        one per source. The other sources' means sum to the cluster's sum (``dot``) less
        its ``excess``, less the sentence's own source's mean."""
        own_sum, own_count = self.by_source[cid].get(source, (None, 0))
        others = self.live[cid] - (1 if own_count else 0)
        if not others:
            return dot / len(self.members[cid]), True
        excess = self.excess[cid]
        total = dot - _dot(unit, excess) if excess else dot
        if own_sum is not None and own_count:
            total -= _dot(unit, own_sum) / own_count
        return total / others, False

    def fits(self, unit: Mapping[str, float], source: str, keep: int | None = None
             ) -> dict[int, float]:
        """The fit to the clusters that may be the sentence's best (``best``), and to
        ``keep`` (its own), when they can reach MERGE_THRESHOLD: the others cannot matter.

        Fits are looked at in decreasing order of an upper bound, and not at all where
        the bound is under the best fit found. The bound comes from the sentence's dot
        product with the cluster's sum: cosines are non-negative, so the other sources'
        groups take at most ``dot`` between them (each group's average is at most its
        sum), and their mean over the k groups is at most dot / k; without other sources,
        the fit is dot over the members. Rounding in the running sums is orders below
        _EPSILON. Where even the bound is under MERGE_THRESHOLD (the dot is under the
        cluster's ``gate``), the cluster is left out at once: a fit under the threshold
        decides nothing (``best`` ignores it; for ``keep`` it reads as no fit). The fits
        are estimates (``estimate``) except where a decision could differ from the exact
        fits' (``_settle``).
        """
        dots: dict[int, float] = {}
        index = self.index
        for feature, x in unit.items():
            for cid, total in index.get(feature, {}).items():
                dots[cid] = dots.get(cid, 0.0) + x * total
        low = MERGE_THRESHOLD - _EPSILON
        live, members, by_source = self.live, self.members, self.by_source
        gate = self.gate if self.BOUNDED else [low if m else math.inf for m in members]
        bounds = []
        for cid, dot in dots.items():
            if dot >= gate[cid]:  # most are out here
                own = by_source[cid].get(source)
                others = live[cid] - (1 if own is not None and own[1] else 0)
                bound = dot / (others or len(members[cid])) if self.BOUNDED else math.inf
                bounds.append((-bound, cid, dot))
        bounds.sort()
        found: dict[int, float] = {}
        exact: set[int] = set()
        top = MERGE_THRESHOLD  # at most the best exact fit found
        for negative, cid, dot in bounds:
            if -negative < low:
                break  # neither joined nor kept, nor any after it
            if -negative >= top - _EPSILON or cid == keep:
                found[cid], is_exact = self.estimate(unit, source, cid, dot)
                if is_exact:
                    exact.add(cid)
                top = max(top, found[cid] - (0.0 if is_exact else self.SLACK))
        if found:
            self._settle(found, exact, keep, lambda cid: self.fit(unit, source, cid, dots[cid]))
        return found

    def _settle(self, found: dict[int, float], exact: set[int], keep: int | None,
                fit: Callable[[int], float]) -> None:
        """Make exact every fit whose estimate could change a decision: which fits reach
        MERGE_THRESHOLD, which is the highest (``best``), and whether the best beats
        ``keep`` by MOVE_MARGIN (the second pass's choice to move). An estimate is within
        SLACK of its fit: one further than twice that from a threshold or a rival decides
        as the fit would."""
        def settle(cids: Iterable[int]) -> None:
            for cid in cids:
                if cid not in exact:
                    found[cid] = fit(cid)
                    exact.add(cid)

        margin = 2 * self.SLACK
        settle([cid for cid, value in found.items() if abs(value - MERGE_THRESHOLD) <= margin])
        passing = [value for value in found.values() if value >= MERGE_THRESHOLD]
        if len(found) < 2 or not passing:
            return  # one fit has no rival, and beats no keep but itself
        # Others' estimates are this far under the leader's: their fits are under its fit.
        leader = max(passing)
        rivals = [cid for cid, value in found.items() if value >= leader - margin]
        if len(rivals) > 1:
            settle(rivals)
        best = self.best(found)
        if (keep in found and best is not None and best != keep
                and abs(found[best] - (found[keep] + MOVE_MARGIN)) <= margin):
            settle((best, keep))

    @staticmethod
    def best(fits: Mapping[int, float]) -> int | None:
        """The best-fitting cluster at MERGE_THRESHOLD or above (the oldest on ties)."""
        found = [(fit, -cid) for cid, fit in fits.items() if fit >= MERGE_THRESHOLD]
        return -max(found)[1] if found else None

    def add(self, item: int, unit: Mapping[str, float], source: str, cid: int | None) -> int:
        if cid is None:
            cid = len(self.members)
            self.members.append([])
            self.sums.append({})
            self.by_source.append({})
            self.live.append(0)
            self.excess.append({})
            self.updates.append(0)
            self.gate.append(math.inf)
        self.members[cid].append(item)
        own_sum, own_count = self.by_source[cid].get(source, ({}, 0))
        self.live[cid] += own_count == 0
        self._unexcess(cid, own_sum, own_count)
        sums, index = self.sums[cid], self.index
        for feature, x in unit.items():
            sums[feature] = total = sums.get(feature, 0.0) + x
            own_sum[feature] = own_sum.get(feature, 0.0) + x
            if feature in index:
                index[feature][cid] = total
            else:
                index[feature] = {cid: total}
        self.by_source[cid][source] = (own_sum, own_count + 1)
        self._excess(cid, own_sum, own_count + 1)
        self._gate(cid)
        return cid

    def remove(self, item: int, unit: Mapping[str, float], source: str, cid: int) -> None:
        self.members[cid].remove(item)
        own_sum, own_count = self.by_source[cid][source]
        self._unexcess(cid, own_sum, own_count)
        sums, index = self.sums[cid], self.index
        for feature, x in unit.items():
            sums[feature] = index[feature][cid] = sums[feature] - x
            own_sum[feature] -= x
        self.by_source[cid][source] = (own_sum, own_count - 1)
        self.live[cid] -= own_count == 1
        self._excess(cid, own_sum, own_count - 1)
        self._gate(cid)

    def _gate(self, cid: int) -> None:
        live = self.live[cid]
        self.gate[cid] = ((MERGE_THRESHOLD - _EPSILON) * max(1, live - 1) if self.members[cid]
                          else math.inf)

    def _unexcess(self, cid: int, group: Mapping[str, float], count: int) -> None:
        """Take a source's share out of the cluster's excess (before the source changes)."""
        if count > 1:
            excess, share = self.excess[cid], (count - 1) / count
            for feature, x in group.items():
                excess[feature] -= x * share

    def _excess(self, cid: int, group: Mapping[str, float], count: int) -> None:
        """Put a source's share (back) into the cluster's excess."""
        self.updates[cid] += 1
        if self.updates[cid] % self.REFRESH == 0:
            self.excess[cid] = self.excess_of(cid)
        elif count > 1:
            excess, share = self.excess[cid], (count - 1) / count
            for feature, x in group.items():
                excess[feature] = excess.get(feature, 0.0) + x * share

    def excess_of(self, cid: int) -> dict[str, float]:
        """The cluster's excess, summed afresh."""
        excess: dict[str, float] = {}
        for group, count in self.by_source[cid].values():
            share = (count - 1) / count if count > 1 else 0.0
            for feature, x in group.items() if share else ():
                excess[feature] = excess.get(feature, 0.0) + x * share
        return excess

    def link(self, a: int, b: int) -> float:
        """How well two clusters fit together: the average cosine between members of
        different sources (of all members when they share a single source)."""
        pairs = [(sa, na, sb, nb) for src_a, (sa, na) in self.by_source[a].items() if na
                 for src_b, (sb, nb) in self.by_source[b].items() if nb and src_a != src_b]
        if not pairs:
            pairs = [(self.sums[a], len(self.members[a]), self.sums[b], len(self.members[b]))]
        return sum(_dot(sa, sb) / (na * nb) for sa, na, sb, nb in pairs) / len(pairs)

    def near(self, a: int) -> set[int]:
        """The clusters sharing a feature with cluster a (a too, and emptied ones)."""
        return set().union(*(self.index[feature] for feature in self.sums[a]))

    def link_bound(self, a: int, b: int, means: Callable[[int], dict[str, float]],
                   sources: Callable[[int], frozenset[str]]) -> float:
        """An upper bound of ``link``, from the clusters' sums of per-source mean vectors.

        link() averages, over the pairs of groups of different sources, the dot products
        of their mean vectors; cosines are non-negative, so adding the same-source pairs
        only raises the total, which then is the dot product of the two sums of means.
        With a single source between them, link() is the dot of the sums over the sizes.
        Rounding is orders below _EPSILON. ``means`` and ``sources`` (those with members)
        are the clusters' own, kept while they do not change.
        """
        sources_a, sources_b = sources(a), sources(b)
        pairs = len(sources_a) * len(sources_b) - len(sources_a & sources_b)
        if not pairs:
            small, large = sorted((self.sums[a], self.sums[b]), key=len)
            return _dot(small, large) / (len(self.members[a]) * len(self.members[b]))
        small, large = sorted((means(a), means(b)), key=len)
        return _dot(small, large) / pairs

    def means(self, cid: int) -> dict[str, float]:
        """The sum, over the cluster's sources, of the mean vector of their members."""
        total: dict[str, float] = {}
        for sums, n in self.by_source[cid].values():
            for feature, x in sums.items() if n else ():
                total[feature] = total.get(feature, 0.0) + x / n
        return total

    def merge(self, into: int, other: int, units: Sequence[Mapping[str, float]],
              sources: Sequence[str]) -> None:
        for item in list(self.members[other]):
            self.remove(item, units[item], sources[item], other)
            self.add(item, units[item], sources[item], into)


def _cluster(candidates: list[_Candidate], weights: Mapping[str, float]
             ) -> list[list[_Candidate]]:
    """Most relevant first, each sentence joins the best-fitting cluster (at least
    MERGE_THRESHOLD) or starts one; a second pass lets a sentence move to a cluster that
    formed after it and fits it clearly better (or when its own no longer fits), so arrival
    order matters less. O(n x clusters sharing a feature).
    """
    order = sorted(candidates, key=lambda c: (-c.relevance, c.sentence.statement.slug,
                                              c.sentence.statement.anchor))
    clusters = _Clusters(weights)
    units = [clusters.unit(c.sentence) for c in order]
    sources = [c.sentence.source for c in order]
    home = [clusters.add(item, unit, sources[item],
                         clusters.best(clusters.fits(unit, sources[item])))
            for item, unit in enumerate(units)]
    for item, unit in enumerate(units):
        clusters.remove(item, unit, sources[item], home[item])
        fits = clusters.fits(unit, sources[item], keep=home[item])
        best, stay = clusters.best(fits), fits.get(home[item])
        if best is not None and (stay is None or stay < MERGE_THRESHOLD
                                 or fits[best] > stay + MOVE_MARGIN):
            home[item] = best
        clusters.add(item, unit, sources[item], home[item])
    _merge_clusters(clusters, units, sources)
    return [[order[i] for i in members] for members in clusters.members if members]


def _merge_clusters(clusters: _Clusters, units: Sequence[Mapping[str, float]],
                    sources: Sequence[str]) -> None:
    """Join clusters of several sentences that state one point between them (their link
    is at least MERGE_THRESHOLD): a claim that greedy assignment split in two.

    Only clusters of two or more members take part, larger first; a cluster is compared
    with those sharing a feature with it.
    """
    # Each merge restarts the scan; whether two clusters a merge did not touch join is
    # remembered (keyed by both clusters' versions) instead of decided again. The link
    # (costly: every pair of their sources) is computed only where its bound allows.
    version = [0] * len(clusters.members)
    joins: dict[tuple[int, int, int, int], bool] = {}
    bounds: dict[tuple[int, int, int, int], float] = {}
    kept_means: dict[tuple[int, int], dict[str, float]] = {}
    kept_sources: dict[tuple[int, int], frozenset[str]] = {}

    def means(cid: int) -> dict[str, float]:
        key = (cid, version[cid])
        if key not in kept_means:
            kept_means[key] = clusters.means(cid)
        return kept_means[key]

    def live_sources(cid: int) -> frozenset[str]:
        key = (cid, version[cid])
        if key not in kept_sources:
            kept_sources[key] = frozenset(
                src for src, (_, n) in clusters.by_source[cid].items() if n)
        return kept_sources[key]

    def join(a: int, b: int) -> bool:
        key = (a, b, version[a], version[b])
        if key not in joins:
            joins[key] = (bound(min(a, b), max(a, b)) >= MERGE_THRESHOLD - _EPSILON
                          and clusters.link(a, b) >= MERGE_THRESHOLD)
        return joins[key]

    def bound(a: int, b: int) -> float:  # a < b: one bound for the pair in either order
        key = (a, b, version[a], version[b])
        if key not in bounds:
            bounds[key] = clusters.link_bound(a, b, means, live_sources)
        return bounds[key]

    merged = True
    while merged:
        merged = False
        big = sorted((cid for cid, m in enumerate(clusters.members) if len(m) > 1),
                     key=lambda cid: (-len(clusters.members[cid]), cid))
        for a in big:
            for b in sorted(clusters.near(a)):
                if b != a and len(clusters.members[b]) > 1 and join(a, b):
                    clusters.merge(a, b, units, sources)
                    version[a] += 1
                    version[b] += 1
                    merged = True
            if merged:
                break


def _key(sentence: _Sentence) -> tuple[str, str, str]:
    return sentence.statement.slug, sentence.statement.anchor, sentence.statement.text


def _lead(members: list[_Candidate], similar: Cosines,
          elsewhere: Callable[[tuple[str, str, str]], bool]) -> Statement | None:
    """The point's wording: a standalone reported fact, most central, else most relevant.

    When every member opens with a pronoun ("Its release is anticipated..."), the lead is
    the member with the sentence before it in its passage, quoted together (still the
    article's own words, in order), unless that sentence belongs to another point
    (``elsewhere``); with no such sentence, the point has no lead.
    """
    centroid = frozenset(f for c in members for f in c.sentence.features)

    def key(c: _Candidate) -> tuple[bool, bool, float, int]:
        text = c.sentence.statement.text
        return (not _standalone(text), _commentary(text),
                -(similar(c.sentence.features, centroid) + c.relevance / 10),
                c.sentence.words)

    ranked = sorted(members, key=key)  # stable: its first is min()'s
    best = ranked[0].sentence
    if _standalone(best.statement.text):
        return best.statement
    for c in ranked:
        context = c.sentence.context
        key_of = (c.sentence.statement.slug, c.sentence.statement.anchor, context)
        if (context and _standalone(context) and not context.rstrip().endswith("?")
                and not elsewhere(key_of)):
            passage = c.sentence.passage
            start = passage.find(context)
            end = passage.find(c.sentence.statement.text, start)
            if start >= 0 and end >= 0:
                excerpt = passage[start:end + len(c.sentence.statement.text)]
                return replace(c.sentence.statement, text=excerpt)
    return None


def _key_point(members: list[_Candidate], similar: Cosines, theme: str,
               elsewhere: Callable[[tuple[str, str, str]], bool],
               order: Mapping[str, int]) -> KeyPoint | None:
    """``order``: each article's position in the window (0 = newest), by slug."""
    lead = _lead(members, similar, elsewhere)
    if lead is None:
        return None
    others = sorted((c.sentence for c in members if c.sentence.statement is not lead
                     and (c.sentence.statement.slug, c.sentence.statement.anchor,
                          c.sentence.statement.text) != (lead.slug, lead.anchor, lead.text)),
                    key=lambda m: (order[m.statement.slug], m.statement.anchor))
    statements = tuple(dict.fromkeys([lead, *(m.statement for m in others)]))
    return KeyPoint(lead.text, statements, len({c.sentence.source for c in members}),
                    round(max(c.relevance for c in members), 2), (theme,))


def _key_points(theme: Theme, sentences: list[_Sentence], weights: Mapping[str, float],
                cache: dict[str, float]) -> list[list[_Candidate]]:
    """Clusters of relevant claims, best first: most sources, then most relevant.

    A candidate is relevant through its sentence or its passage (a claim belongs to the
    theme its paragraph is about). A point is on the theme only when most of its sources
    (more than half) state it in a sentence with the theme's own terms: a claim one
    source happens to mention next to a theme term is not the theme's claim.
    """
    candidates = [c for s in sentences if _claim_like(s)
                  for c in [_candidate(theme, s, cache)] if c is not None]

    def rank(members: list[_Candidate]) -> tuple[int, float, str, str]:
        lead = max(members, key=lambda c: c.relevance).sentence.statement
        return (-len({c.sentence.source for c in members}),
                -max(c.relevance for c in members), lead.slug, lead.anchor)

    clusters = [c for c in _cluster(candidates, weights) if _on_theme(c)]
    return sorted(clusters, key=rank)


def _on_theme(members: list[_Candidate]) -> bool:
    sources = {c.sentence.source for c in members}
    stating = {c.sentence.source for c in members if c.own > 0}
    return 2 * len(stating) > len(sources)


def _bottom_options(members: list[_Candidate], similar: Cosines) -> tuple[Statement, ...]:
    """A point's sentences fit for a bottom line, best first.

    They must read on their own (no leading pronoun) and say enough (12+ words); reported
    facts come before commentary, then the sentences that agree most with the point's
    other sources (average similarity), then the most relevant.
    """
    options = []
    said = [(c.sentence.source, c.sentence.features) for c in members]
    for c in members:
        s = c.sentence
        if not (_standalone(s.statement.text) and s.words >= 12):
            continue
        others = [features for source, features in said if source != s.source]
        agreement = sum(similar.row(s.features, others)) / max(1, len(others))
        options.append((_commentary(s.statement.text), -agreement, -c.relevance,
                        s.statement.slug, s.statement.anchor, s.statement))
    # Ties on every key (one sentence met twice) keep their order: Statements don't compare.
    return tuple(option[-1] for option in sorted(options, key=lambda option: option[:-1]))


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


def _digest_inputs(theme: Theme, articles: Sequence[Article], window: int = WINDOW) -> str:
    """Everything ``theme_digest`` reads: the theme, the count, the window's articles whole."""
    return fingerprint(repr(theme), str(window), str(len(articles)),
                       *map(article_digest, articles[:window]))


@memoized("theme-digest", _digest_inputs)
def theme_digest(theme: Theme, articles: Sequence[Article], window: int = WINDOW) -> ThemeDigest:
    """One theme's briefing from its articles (newest first); reads the newest ``window``."""
    recent = list(articles[:window])
    sentences = [s for a in recent for s in _sentences_of(a)]
    weights = idf(s.features for s in sentences)
    texts: dict[str, list[str]] = {a.slug: [] for a in recent}
    for s in sentences:
        texts[s.statement.slug].append(s.statement.text)
    names = count_names([(a.slug, texts[a.slug]) for a in recent])
    clusters = _key_points(theme, sentences, weights, {})
    home = {_key(c.sentence): i for i, members in enumerate(clusters) for c in members}
    similar = Cosines(weights)  # one weighting for the theme: norms and cosines kept
    order = {a.slug: i for i, a in enumerate(recent)}
    points: list[tuple[KeyPoint, tuple[Statement, ...]]] = []
    for i, members in enumerate(clusters):
        if len(points) == KEY_POINTS:
            break  # the rest are not shown: their leads and options are not needed
        point = _key_point(members, similar, theme.slug,
                           lambda key, i=i: home.get(key, i) != i, order)
        if point:
            points.append((point, _bottom_options(members, similar)))
    published = {a.slug: _day(a.date) for a in recent}
    said = [Said(s.statement, s.source, s.passage, published[s.statement.slug])
            for s in sentences]
    options = tuple(o for _, o in points)
    return ThemeDigest(
        theme.slug, len(articles), len(recent),
        bottom_line=tuple(o[0] for o in options if o)[:BOTTOM_LINE],
        key_points=tuple(p for p, _ in points),
        bottom_line_options=options,
        disagreements=disagreements(said),
        timeline=_timeline(recent, sentences),
        names=names,
    )


_Cited = frozenset[tuple[str, str, str]]


class _SameClaim:
    """Whether two points (of different themes) state one claim: they cite mostly the
    same sentences. Each point's sentences are gathered into a set once, by its
    ``statements`` (which ``replace`` keeps), since the edition compares every pair of
    key points, several times over."""

    def __init__(self) -> None:
        self._cited: dict[int, tuple[tuple[Statement, ...], _Cited]] = {}
        """By id of a point's statements, which the entry holds: an id is not reused."""

    def cited(self, point: KeyPoint) -> _Cited:
        found = self._cited.get(id(point.statements))
        if found is None:
            found = self._cited[id(point.statements)] = (point.statements, frozenset(
                (s.slug, s.anchor, s.text) for s in point.statements))
        return found[1]

    def __call__(self, a: KeyPoint, b: KeyPoint) -> bool:
        shared = self.cited(a) & self.cited(b)
        return len(shared) >= 0.5 * min(len(a.statements), len(b.statements))


def _top_points(digests: Sequence[ThemeDigest], same: _SameClaim) -> tuple[KeyPoint, ...]:
    """The best points across themes; a point several themes share is shown once."""
    merged: list[KeyPoint] = []
    for point in sorted((p for d in digests for p in d.key_points),
                        key=lambda p: (-p.sources, -p.relevance, p.lead.slug, p.lead.anchor)):
        index = next((i for i, m in enumerate(merged) if same(point, m)), None)
        if index is None:
            merged.append(point)
        else:
            first = merged[index]
            merged[index] = replace(first, themes=tuple(dict.fromkeys(first.themes + point.themes)))
    return tuple(merged[:TOP_POINTS])


def _owners(themes: Sequence[Theme], digests: Sequence[ThemeDigest], same: _SameClaim
            ) -> dict[tuple[str, int], str]:
    """For each key point (theme, rank), the theme whose claim it most is: among the themes
    stating the same claim, the one that ranks it highest, then the one it is most relevant
    to for the theme's threshold, then the first. Quadratic in the number of key points,
    which is at most themes x KEY_POINTS."""
    threshold = {t.slug: t.threshold or 1.0 for t in themes}
    order = {t.slug: i for i, t in enumerate(themes)}
    points = [(d.theme, rank, p) for d in digests for rank, p in enumerate(d.key_points)]
    owners = {}
    for theme, rank, point in points:
        rivals = [(theme, rank, point)] + [(t, r, q) for t, r, q in points
                                           if t != theme and same(point, q)]
        owners[(theme, rank)] = min(rivals, key=lambda r: (
            r[1], -r[2].relevance / threshold[r[0]], order.get(r[0], 0)))[0]
    return owners


@memoized("bottom-line-features", lambda text: text)
def _option_features(text: str) -> frozenset[str]:
    """``features`` of a bottom-line option, kept between builds: a rebuild whose theme
    digests come from the cache then needs no stemmer at all."""
    return features(text)


_STAGES = (("own", True, BOTTOM_LINE), ("free", True, BOTTOM_LINE),
           ("own", False, BOTTOM_LINE), ("free", False, BOTTOM_LINE), ("any", False, 2))
"""Bottom-line passes: which points (owned, not stated by another card, any), reported
facts only or commentary too, and how many lines a theme may reach in the pass."""


def _bottom_lines(themes: Sequence[Theme], digests: Sequence[ThemeDigest], same: _SameClaim
                  ) -> tuple[ThemeDigest, ...]:
    """Bottom lines that do not repeat one another across themes, where the themes allow.

    Passes over the themes (``_STAGES``), each taking points in rank order: the claims a
    theme owns (``_owners``), then claims no other theme's bottom line states, first as
    reported facts, then with commentary, up to BOTTOM_LINE; last, a theme still under two
    lines takes any sentence not yet used. A line that restates one already in the same
    bottom line (cosine of their words and concepts at RESTATES or more) is skipped.
    """
    owners = _owners(themes, digests, same)
    chosen: dict[str, list[tuple[int, KeyPoint, Statement]]] = {d.theme: [] for d in digests}
    used: set[Statement] = set()

    def elsewhere(theme: str, point: KeyPoint) -> bool:
        return any(same(point, q) for t, picks in chosen.items() if t != theme
                   for _, q, _ in picks)

    def fresh(option: Statement, picks: list[tuple[int, KeyPoint, Statement]]) -> bool:
        mine = _option_features(option.text)
        return option not in used and all(
            cosine(mine, _option_features(s.text), {}) < RESTATES for _, _, s in picks)

    for stage, facts_only, limit in _STAGES:
        for d in digests:
            for rank, (point, options) in enumerate(zip(d.key_points, d.bottom_line_options,
                                                        strict=True)):
                picks = chosen[d.theme]
                if len(picks) >= limit or any(p is point for _, p, _ in picks):
                    continue
                if stage == "own" and owners[(d.theme, rank)] != d.theme:
                    continue
                if stage != "any" and elsewhere(d.theme, point):
                    continue
                statement = next((o for o in options if fresh(o, picks)
                                  and not (facts_only and _commentary(o.text))), None)
                if statement is not None:
                    picks.append((rank, point, statement))
                    used.add(statement)
    return tuple(replace(d, bottom_line=tuple(s for _, _, s in sorted(
        chosen[d.theme], key=lambda pick: pick[0]))) for d in digests)


def build_digest(themes: Sequence[Theme], articles: Sequence[Article], window: int = WINDOW,
                 articles_in: Callable[[str], Sequence[Article]] | None = None) -> Digest:
    """The whole edition's briefing; ``articles`` newest first, each with its final themes
    (``articles_in``: each theme's, when known already)."""
    same = _SameClaim()
    members = articles_in or partial(with_theme, articles)
    digests = _bottom_lines(themes, [theme_digest(t, members(t.slug), window)
                                     for t in themes], same)
    return Digest(digests, _top_points(digests, same), edition_of(articles))
