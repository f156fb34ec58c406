"""Explainable sentence similarity: content-word stems, a small concept thesaurus, TF-IDF cosine.

Two sentences are near-duplicates when they share rare content words or concepts. Words
are lowercased, hyphens dropped ("pre-training" = "pretraining"), suffixes trimmed by a
few rules ("completed", "completion", "complete" -> "complet"). The thesaurus maps
different wordings of the same idea ("shut down", "discontinue", "scrap") to one
concept token, so paraphrases across publishers meet. Nothing is learned or downloaded.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from briefing.classify import term_pattern

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
report reports company
""".split())  # noqa: SIM905 (a word list reads better as text)

CONCEPTS: Mapping[str, tuple[str, ...]] = {
    "~end": ("shut down", "shutting down", "shutdown", "discontinu*", "kill*", "cancel*",
             "sunset*", "wind down", "winding down", "scrap*", "exit*", "abandon*",
             "goodbye", "not proceeding", "retreat"),
    "~compute": ("compute", "computing", "computational", "gpu*", "chips", "datacenter*",
                 "data center*", "capacity"),
    "~complete": ("complet*", "finish*", "milestone"),
    "~release": ("launch*", "release*", "ship*", "arrive", "unveil*", "rollout"),
    "~redirect": ("redirect*", "realloca*", "free up", "freed", "channel*", "feed*",
                  "allocat*", "pointed at", "free*"),
    "~reduce": ("step* back", "stepping back", "reduc*", "pull* back", "scal* back",
                "deprioriti*"),
    "~model": ("model", "llm", "flagship"),
    "~money": ("billion*", "million*", "trillion*", "investment*", "capital"),
    "~enterprise": ("enterprise*", "business*", "b2b", "corporate", "professional*"),
}
CONCEPT_BOOST = 2.0
"""Concept tokens stand for a whole family of wordings: they weigh more than one word."""
_SUFFIXES = ("ational", "ations", "ation", "ings", "ing", "ions", "ion", "ments", "ment",
             "edly", "ed", "ies", "es", "ly", "s", "e")
_WORD = re.compile(r"[a-z0-9$]+(?:[-'’][a-z0-9]+)*")


def stem(word: str) -> str:
    """Trim one common suffix when at least four letters remain."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] if suffix != "ies" else word[:-3] + "y"
    return word


def features(text: str) -> frozenset[str]:
    """The content stems and concept tokens of a piece of text."""
    lower = text.lower()
    found = set()
    for raw in _WORD.findall(lower):
        word = re.sub(r"['’]s$", "", raw).replace("-", "").replace("'", "").replace("’", "")
        word = word.lstrip("$")
        if word and word not in STOPWORDS and not (word.isdigit() and len(word) < 2):
            found.add(stem(word))
    for concept, phrases in CONCEPTS.items():
        if any(term_pattern(p).search(lower) for p in phrases):
            found.add(concept)
    return frozenset(found)


def idf(documents: Iterable[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency over a set of feature sets (smoothed, always > 0)."""
    counts: Counter[str] = Counter()
    total = 0
    for doc in documents:
        counts.update(doc)
        total += 1
    return {term: (math.log((1 + total) / (1 + n)) + 1.0) * (CONCEPT_BOOST if term[0] == "~" else 1)
            for term, n in counts.items()}


def cosine(a: frozenset[str], b: frozenset[str], weights: Mapping[str, float]) -> float:
    """Cosine of two binary feature sets weighted by IDF squared (0 when either is empty)."""
    if not a or not b:
        return 0.0
    shared = sum(weights.get(t, 1.0) ** 2 for t in a & b)
    norm_a = math.sqrt(sum(weights.get(t, 1.0) ** 2 for t in a))
    norm_b = math.sqrt(sum(weights.get(t, 1.0) ** 2 for t in b))
    return shared / (norm_a * norm_b)
