"""Explainable sentence similarity: content-word stems, a small concept thesaurus, TF-IDF cosine.

Two sentences are near-duplicates when they share rare content words or concepts. Words
are lowercased and stemmed with the Snowball (Porter 2) English stemmer ("completed",
"completion" -> "complet"); a hyphenated word counts joined and by its parts
("pre-training" = "pretraining"; "billion-dollar" also gives "billion"). The thesaurus maps
different wordings of one idea ("shut down", "discontinue", "scrap") to one concept token,
so paraphrases across publishers meet; its phrases are matched on stems, so every
inflection counts ("stepped back", "steps back"). A negated concept ("no release date",
"never released") is a different token from the concept itself. Nothing is learned or downloaded.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from itertools import chain, repeat
from typing import Any

STOPWORDS = frozenset("""
a about above after again against all almost also although am among an and any are as at
be because been before being below between both but by can could did do does doing down
during each either else even ever every few for from further had has have having he her
here hers him his how however i if in into is it its itself just least less like made
make many may me might more most much must my near neither no nor not now of off often on
once only or other our ours out over own per perhaps quite rather really same says said
say she should since so some still such than that the their theirs them then there these
they this those though through thus to too toward towards under until up upon us very was
we were what whatever when where whether which while who whom whose why will with within
without would yet you your yours new one two three according also reportedly reported
report reports company never
""".split())  # noqa: SIM905 (a word list reads better as text)

CONCEPTS: Mapping[str, tuple[str, ...]] = {
    "~end": ("shut down", "shutdown", "discontinue", "kill", "cancel", "sunset", "wind down",
             "scrap", "exit", "abandon", "goodbye", "not proceeding", "retreat", "dead"),
    "~compute": ("compute", "computing", "computational", "gpu", "chip", "datacenter",
                 "data center", "capacity", "processing power"),
    "~complete": ("=completed", "=completes", "=completing", "=completion", "finish",
                  "wrap up"),
    "~release": ("launch", "release", "ship", "arrive", "roll out", "rollout", "go live"),
    "~redirect": ("redirect", "reallocate", "free up", "freed", "divert", "repurpose",
                  "channel compute", "shift resources", "to feed"),
    "~reduce": ("step back", "stepped back", "pull back", "scale back", "cut back", "reduce",
                "deprioritize", "relinquish", "hand off"),
    "~model": ("model", "llm", "flagship"),
    "~money": ("billion", "million", "trillion", "investment", "capital", "dollar"),
    "~enterprise": ("enterprise", "business", "b2b", "corporate", "professional"),
    "~deal": ("deal", "partnership", "licensing", "agreement", "contract", "pact", "tie-up"),
    "~constraint": ("constrained", "constraint", "scarce", "scarcity", "shortage", "limited"),
}
"""Concept -> wordings. A wording is matched as a run of stems, so inflections count;
one starting with "=" only as written ("=completed" is not the adjective "complete")."""
_NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "cannot", "n't"})
"""A concept just after one of these is its opposite ("no release date" is not a release)."""
CONCEPT_BOOST = 2.0
"""Concept tokens stand for a whole family of wordings: they weigh more than one word."""
_WORD = re.compile(r"[a-z0-9$]+(?:[-'’][a-z0-9]+)*")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lowercase word."""
    return str(_stemmer().stemWord(word))


@cache
def _stemmer() -> Any:
    """Loaded on first use (a rebuild whose digest comes from the cache stems nothing).
    snowballstemmer hands out PyStemmer's compiled stemmer, installed with briefing: the
    same Snowball algorithm, twenty times faster than its own Python one."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


_POSSESSIVE = re.compile(r"['’]s$")
_JOINS = re.compile(r"[-'’]")
"""What joins the parts of a word ("pre-training", "o'clock")."""


def _phrase(wording: str) -> tuple[str, ...]:
    if wording.startswith("="):
        return tuple("=" + w for w in re.split(r"[\s-]+", wording[1:].lower()))
    return tuple(stem(w) for w in re.split(r"[\s-]+", wording.lower()))


@cache
def _concepts_by_first() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Each concept wording (as stems, or "="-words), under its first: built on first use,
    as it stems (importing the stemmer takes a while, and a cached digest needs none)."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept, wordings in CONCEPTS.items():
        for wording in wordings:
            stems = _phrase(wording)
            by_first.setdefault(stems[0], []).append((stems, concept))
    return by_first


@cache
def _exact_firsts() -> frozenset[str]:
    """The words (as written) that start a "=" wording: looked up without adding the "="."""
    return frozenset(first[1:] for first in _concepts_by_first() if first.startswith("="))


@lru_cache(maxsize=65536)
def _word(raw: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A word as ``features`` reads it: its parts, their stems, and its content stems.

    Possessives are cut ("Sora's" -> "sora"), dollar signs dropped.
    """
    token = _POSSESSIVE.sub("", raw).lstrip("$")
    parts = [p for p in _JOINS.split(token) if p]
    joined = "".join(parts)
    # A part must be a word of its own ("billion" of "billion-dollar", not "pre").
    kept = {joined, *(p for p in parts if len(p) > 3)} if len(parts) > 1 else {joined}
    return (tuple(parts), tuple(stem(w) for w in parts),
            tuple(stem(w) for w in kept if len(w) > 2 and w not in STOPWORDS and not w.isdigit()))


@lru_cache(maxsize=65536)
def features(text: str) -> frozenset[str]:
    """The content stems and concept tokens of a piece of text.

    A word that is part of a concept's wording counts as the concept only, so two
    sentences using the same word ("release") do not score it twice (stem and concept).
    Cached: the digest reads a sentence again for each theme and for bottom lines.
    """
    found: set[str] = set()
    words: list[str] = []  # every word, stopwords too: concept wordings use them
    stems: list[str] = []
    for raw in _WORD.findall(text.lower()):
        parts, part_stems, content = _word(raw)
        words += parts
        stems += part_stems
        found.update(content)
    by_first, exact_firsts = _concepts_by_first(), _exact_firsts()
    for i in [i for i, (first, word) in enumerate(zip(stems, words, strict=True))
              if first in by_first or word in exact_firsts]:  # most words start no wording
        first = stems[i]
        starting = (*by_first.get(first, ()), *by_first.get("=" + words[i], ()))
        for wording, concept in starting:
            span = range(i, i + len(wording))
            exact = wording[0].startswith("=")
            if tuple(("=" + words[j] if exact else stems[j]) if j < len(words) else ""
                     for j in span) == wording:
                negated = any(w in _NEGATIONS for w in words[max(0, i - 2):i])
                found.add(concept + ("-not" if negated and wording[0] not in _NEGATIONS
                                     else ""))
                found.difference_update(stems[j] for j in span)
    return frozenset(found)


def idf(documents: Iterable[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency over a set of feature sets (smoothed, always > 0)."""
    docs = list(documents)
    counts = Counter(chain.from_iterable(docs))  # terms in first-met order, as doc by doc
    total = len(docs)
    return {term: (math.log((1 + total) / (1 + n)) + 1.0) * (CONCEPT_BOOST if term[0] == "~" else 1)
            for term, n in counts.items()}


def cosine(a: frozenset[str], b: frozenset[str], weights: Mapping[str, float]) -> float:
    """Cosine of two binary feature sets weighted by IDF squared (0 when either is empty)."""
    if not a or not b:
        return 0.0
    # fsum: sets iterate in hash order, which PYTHONHASHSEED changes; a plain sum would
    # round differently per run and flip threshold decisions on larger corpora.
    shared = math.fsum(weights.get(t, 1.0) ** 2 for t in a & b)
    norm_a = math.sqrt(math.fsum(weights.get(t, 1.0) ** 2 for t in a))
    norm_b = math.sqrt(math.fsum(weights.get(t, 1.0) ** 2 for t in b))
    return shared / (norm_a * norm_b)


class Cosines:
    """``cosine`` under one weighting, for many pairs: the same numbers, each set's norm
    and each pair's cosine computed once."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.squares = {term: weight ** 2 for term, weight in weights.items()}
        self.norms: dict[frozenset[str], float] = {}
        self.known: dict[tuple[frozenset[str], frozenset[str]], float] = {}
        """Cosines computed, under both orders of the pair."""

    def __call__(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        known = self.known.get((a, b))
        if known is None:
            # Either order is the very same number (fsum is exact, and so is the product
            # in either order): kept under both.
            known = self._mass(a & b) / (self.norm(a) * self.norm(b))
            self.known[(a, b)] = self.known[(b, a)] = known
        return known

    def row(self, a: frozenset[str], others: Sequence[frozenset[str]]) -> list[float]:
        """The cosines of ``a`` with each of ``others``, in order (kept ones looked up at
        once: the digest asks for every pair of a point's sentences)."""
        known = self.known
        found = [known.get((a, b)) for b in others]
        if None in found:
            if a:  # what __call__ does, with a's norm found once for the row
                squares, norm_a = self.squares, self.norm(a)
                for i, b in enumerate(others):
                    if found[i] is None and b:
                        found[i] = known[(a, b)] = known[(b, a)] = math.fsum(
                            map(squares.get, a & b, repeat(1.0))) / (norm_a * self.norm(b))
            found = [0.0 if value is None else value for value in found]  # an empty set's
        return found

    def norm(self, a: frozenset[str]) -> float:
        if a not in self.norms:
            self.norms[a] = math.sqrt(self._mass(a))
        return self.norms[a]

    def _mass(self, terms: frozenset[str]) -> float:
        # fsum: sets iterate in hash order, which PYTHONHASHSEED changes; a plain sum would
        # round differently per run and flip threshold decisions on larger corpora. fsum
        # is correctly rounded whatever the order, so a kept norm is the same number.
        return math.fsum(map(self.squares.get, terms, repeat(1.0)))
