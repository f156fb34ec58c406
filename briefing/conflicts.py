"""Where sources disagree: statements from different sources that cannot both be true.

Flagged only when it can be done honestly (a wrong flag is worse than none), two ways:
- *denials*: one source denies what another affirms, for a short list of yes/no facts
  recognized by phrases (``PREDICATES``), about a name both passages mention;
- *dates*: two sources give different dates for the same once-only event of the same
  thing (``EVENTS``: first unveiled, released to the public, founded). The event is the
  wording nearest the date in the sentence, the thing the nearest name before that
  wording; a sentence without one is never used. "Unveiled in February 2024" and
  "launched publicly in September 2025" are different events, so never a conflict.
Linear in the number of sentences, plus pairs of sentences that share a topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from briefing.similarity import STOPWORDS
from briefing.statement import Statement
from briefing.timeline import DateMention, Precision, find_dates


@dataclass(frozen=True, slots=True)
class Said:
    """A sentence as the conflict finders read it."""

    statement: Statement
    source: str
    """The independent source (publisher, else article) that said it."""
    passage: str
    published: date | None
    """The article's date, for year-less date mentions."""


@dataclass(frozen=True, slots=True)
class Side:
    """One answer to the disputed question, with the sentences that give it."""

    label: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Answers to one question about one thing that cannot all be true, each with sources."""

    topic: str
    question: str
    sides: tuple[Side, ...]


@dataclass(frozen=True, slots=True)
class Predicate:
    """A yes/no fact sources can state or deny, recognized by phrases."""

    question: str
    affirm: tuple[str, ...]
    deny: tuple[str, ...]
    needs: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """Lowercase words a denial (first), an affirmation (second) cannot match without one
    of (``_folded``): a quick test that most sentences fail; () to always search."""


PREDICATES = (
    Predicate("Was it released to the public?", needs=(("never ", "not "), (
                  "public", "consumer app", "developer api", "app and api")),
              affirm=(r"launched publicly", r"public launch", r"released publicly",
                      r"publicly released", r"consumer app", r"developer api",
                      r"\bapp and api\b"),
              deny=(r"never (?:been )?released", r"never (?:been )?(?:publicly )?launched",
                    r"(?:was|has) not (?:been )?(?:publicly )?released",
                    r"never (?:made )?(?:publicly )?available")),
)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happens to a thing once: two different dates for it conflict."""

    question: str
    wordings: tuple[str, ...]


EVENTS = (
    Event("When was it first unveiled?",
          (r"\b(?:first )?unveil(?:ed|ing)\b", r"\bfirst (?:announced|demonstrated|shown)\b",
           r"\bdebut(?:ed)?\b")),
    Event("When was it released to the public?",
          (r"\blaunched publicly\b", r"\bpublicly (?:launched|released)\b",
           r"\breleased (?:publicly|to the public)\b", r"\bpublic (?:launch|release)\b",
           r"\b(?:became|made) (?:publicly|generally) available\b")),
    Event("When was it founded?", (r"\b(?:was )?founded\b",)),
)
_EVENT_WORDINGS = tuple((re.compile(wording, re.I), index) for index, event in enumerate(EVENTS)
                       for wording in event.wordings)
"""Every event wording, compiled once, with its event's index (in EVENTS' order)."""
_NAME = re.compile(r"\b[A-Z][\w.&-]*[\w](?:\s+(?:[A-Z][\w.&-]*[\w]|\d+(?:\.\d+)?)\b)*")
_IGNORED_TOPICS = frozenset({"OpenAI", "The", "It"})


def disagreements(said: Sequence[Said]) -> tuple[Disagreement, ...]:
    """Every honest disagreement among the sentences: denials first, then dates."""
    return (*_denials(said), *_date_conflicts(said))


def _names(text: str) -> set[str]:
    return {m.group() for m in _CAPITALIZED.finditer(text)}


_CAPITALIZED = re.compile(r"\b[A-Z][a-zA-Z]+\b")


@cache
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern that matches where any of ``patterns`` does."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


@lru_cache(maxsize=65536)
def _stances(text: str) -> tuple[tuple[bool, bool], ...]:
    """Per predicate, whether the sentence denies it and whether it affirms it.

    Cached: an article's sentences are read again for each theme it belongs to.
    """
    folded = _folded(text)
    return tuple((_says(deny, deny_needs, text, folded), _says(affirm, affirm_needs, text, folded))
                 for deny, deny_needs, affirm, affirm_needs in _compiled())


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], tuple[str, ...], re.Pattern[str], tuple[str, ...]],
                         ...]:
    """Per predicate, its denial's pattern and needed words, then its affirmation's: found
    once (looking each pattern up by its phrases hashed them for every sentence)."""
    return tuple((_any_of(p.deny), p.needs[0], _any_of(p.affirm), p.needs[1])
                 for p in PREDICATES)


def _says(pattern: re.Pattern[str], needs: tuple[str, ...], text: str, folded: str) -> bool:
    return (not needs or any(word in folded for word in needs)) and bool(pattern.search(text))


_IGNORECASE_LETTERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s",
                                     "\u212a": "k"})
"""The characters besides A-Z that a case-insensitive pattern takes for an ASCII letter."""


def _folded(text: str) -> str:
    """The text lowercased so that each character a case-insensitive pattern matches to
    an ASCII letter becomes that letter (what ``Predicate.needs`` looks for)."""
    return text.translate(_IGNORECASE_LETTERS).lower()


def _denials(said: Sequence[Said]) -> list[Disagreement]:
    """Pairs where one source denies what another affirms, about a name both passages use."""
    found = []
    stances = [_stances(s.statement.text) for s in said]
    for index, predicate in enumerate(PREDICATES):
        denied = [s for s, stance in zip(said, stances, strict=True) if stance[index][0]]
        affirmed = [s for s, stance in zip(said, stances, strict=True)
                    if stance[index][1] and s not in denied]
        for topic in _shared_topics(denied, affirmed):
            no = [s for s in denied if topic in _names(s.passage)]
            yes = [s for s in affirmed if topic in _names(s.passage)
                   and any(s.source != d.source for d in no)]
            if no and yes:
                found.append(Disagreement(topic, predicate.question, (
                    Side("Yes", tuple(dict.fromkeys(s.statement for s in yes))),
                    Side("No", tuple(dict.fromkeys(s.statement for s in no))))))
    return found


def _shared_topics(denied: list[Said], affirmed: list[Said]) -> list[str]:
    """Names mentioned in a denying passage and in an affirming one of another source."""
    topics: dict[str, int] = {}
    for d in denied:
        for a in affirmed:
            if a.source == d.source:
                continue
            for name in _names(d.passage) & _names(a.passage) - _IGNORED_TOPICS:
                topics[name] = topics.get(name, 0) + 1
    best = max(topics.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return [best[0]] if best else []


@dataclass(frozen=True, slots=True)
class _Dated:
    said: Said
    topic: str
    event: int
    mention: DateMention


def _dated_events(said: Said) -> list[_Dated]:
    """Each date in the sentence with its nearest event wording and that event's subject."""
    text = said.statement.text
    mentions = find_dates(text, said.published)
    if not mentions:
        return []  # most sentences: no need to look for event wordings
    events = [(m.start(), m.end(), i) for wording, i in _EVENT_WORDINGS
              for m in wording.finditer(text)]
    found = []
    for mention in mentions:
        at = text.find(mention.text)
        if not events or at < 0:
            continue
        start, _, index = min(events, key=lambda e: (min(abs(at - e[1]), abs(e[0] - at)), e[0]))
        names = [name for m in _NAME.finditer(text[:start]) for name in [_name(m.group())]
                 if name]
        if names and names[-1] not in _IGNORED_TOPICS:
            found.append(_Dated(said, names[-1], index, mention))
    return found


def _name(span: str) -> str:
    """A capitalized run without the function words that open it ("The Sora" -> "Sora")."""
    words = span.split()
    while words and words[0].lower() in STOPWORDS:
        words.pop(0)
    return " ".join(words)


def _compatible(a: DateMention, b: DateMention) -> bool:
    """Same date as far as the vaguer of the two says ("2025" fits "September 2025")."""
    coarse = {Precision.YEAR: 1, Precision.MONTH: 2, Precision.DAY: 3}
    depth = min(coarse[a.precision], coarse[b.precision])
    return (a.when.year, a.when.month, a.when.day)[:depth] == (
        b.when.year, b.when.month, b.when.day)[:depth]


def _date_conflicts(said: Sequence[Said]) -> list[Disagreement]:
    """Different sources, the same event of the same thing, dates that cannot both be right."""
    by_event: dict[tuple[str, int], list[_Dated]] = {}
    for s in said:
        for dated in _dated_events(s):
            by_event.setdefault((dated.topic, dated.event), []).append(dated)
    found = []
    for (topic, event), items in sorted(by_event.items()):
        clash = any(a.said.source != b.said.source and not _compatible(a.mention, b.mention)
                    for a in items for b in items)
        if clash:
            sides: dict[str, list[Statement]] = {}
            for item in sorted(items, key=lambda d: (d.mention.when, d.mention.precision.value)):
                sides.setdefault(item.mention.label, []).append(item.said.statement)
            found.append(Disagreement(topic, EVENTS[event].question, tuple(
                Side(label, tuple(dict.fromkeys(group))) for label, group in sides.items())))
    return found
