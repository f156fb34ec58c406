"""Safe YAML loading that also rejects duplicate keys, with errors that carry a line number."""

from __future__ import annotations

import re
from itertools import islice
from typing import Any, ClassVar

import yaml

_MAX_ALIASES = 20


class _UniqueKeys:
    """Refuse duplicate keys (PyYAML keeps the last) and keys that are lists or mappings."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if isinstance(key, (list, dict)):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_UniqueKeys, yaml.SafeLoader):
    """SafeLoader with unique keys and a cap on aliases (no alias bombs)."""

    aliases_seen = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > _MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None, None, "too many YAML aliases", self.peek_event().start_mark
                )
        return super().compose_node(parent, index)


_CSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastStrictLoader(_UniqueKeys, _CSafeLoader):  # type: ignore[misc,valid-type]
    """The C parser with the same key checks, for documents that cannot hold an alias."""


_Resolvers = dict[str | None, list[tuple[str, re.Pattern[str]]]]


class _TextLoader(_StrictLoader):
    """Plain scalars stay text; only ``null``/``~`` and ``true``/``false`` keep a type.

    YAML 1.1 would turn a title ``No`` into False, ``1.10`` into 1.1 and ``2026-03-24``
    into a date: front matter written by hand must read back exactly as typed.
    """

    yaml_implicit_resolvers: ClassVar[_Resolvers] = {}


class _FastTextLoader(_UniqueKeys, _CSafeLoader):  # type: ignore[misc,valid-type]
    """``_TextLoader`` on the C parser (which calls these Python resolvers)."""

    yaml_implicit_resolvers: ClassVar[_Resolvers] = {}


for _loader in (_TextLoader, _FastTextLoader):
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"))
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class YamlProblem(Exception):
    """YAML that cannot be loaded; ``line`` is 1-based within the YAML text, when known."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(text: str, plain_text: bool = False) -> Any:
    """Load one YAML document safely; raise YamlProblem with a line number on any failure.

    With ``plain_text``, unquoted values stay strings (see ``_TextLoader``).
    """
    if _few_aliases(text):
        # The alias guard is met, so the C parser can load it: about ten times faster.
        # Any failure is re-run below for the exact message.
        try:
            return yaml.load(text, Loader=_FastTextLoader if plain_text else _FastStrictLoader)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            pass
    try:
        return yaml.load(text, Loader=_TextLoader if plain_text else _StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        return _raise(reason, mark.line + 1 if mark else None)
    except RecursionError:
        return _raise("too deeply nested", None)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        # PyYAML raises plain ValueError for impossible dates such as 2026-02-30.
        return _raise(str(exc).splitlines()[0] if str(exc) else "invalid YAML", None)


def _few_aliases(text: str) -> bool:
    """True when the text holds at most ``_MAX_ALIASES`` aliases, counted as the strict
    loader counts them (one per alias node), by the C parser's event stream."""
    if "&" not in text and "*" not in text:
        return True  # no anchor or alias can occur ("gpu*" in a term is not one, though)
    try:
        aliases = (e for e in yaml.parse(text, Loader=_CSafeLoader)
                   if isinstance(e, yaml.AliasEvent))
        return next(islice(aliases, _MAX_ALIASES, None), None) is None
    except yaml.YAMLError:
        return False


# A fast path for the front matter people and the normalizer write: one ``key: value`` a
# line, each value plain, quoted without escapes, a flow list, or a block list of such
# items. Anything else (comments, escapes, anchors, tags, nesting, unusual characters)
# goes to ``load_yaml``: this answers only where YAML itself gives the same answer, which
# tests/test_yamlsafe_simple.py checks against load_yaml on generated documents.
_TEXT = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"
"""Characters left to the full loader: controls, YAML's extra line breaks, BOM, surrogates."""
_DOUBLE = rf'"(?P<double>[^"\\{_TEXT}]*)"'
_SINGLE = rf"'(?P<single>(?:[^'{_TEXT}]|'')*)'"
_CHAR = rf"[^\s#:{_TEXT}]"
_PLAIN = rf"(?P<plain>[A-Za-z0-9](?:{_CHAR}| +(?={_CHAR})|:(?={_CHAR}))*)"
_FLOW_ITEM = rf'(?:[A-Za-z0-9][A-Za-z0-9_.-]*|"[^"\\{_TEXT}]*")'
_FLOW = rf"\[(?P<flow> *(?:{_FLOW_ITEM} *(?:, *{_FLOW_ITEM} *)*)?)\]"
_VALUE = rf"(?:{_DOUBLE}|{_SINGLE}|{_FLOW}|{_PLAIN})"
_KEY_LINE = re.compile(rf"(?P<key>[a-z][a-z0-9_]*):(?: +{_VALUE})? *")
_ITEM_LINE = re.compile(rf"(?P<indent> *)- +{_VALUE} *")
_FLOW_ITEMS = re.compile(_FLOW_ITEM)
_RESOLVED = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
             "FALSE": False, "null": None, "Null": None, "NULL": None}
"""What ``_TextLoader`` makes of these plain scalars; any other plain scalar stays text."""


def load_simple_mapping(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """``load_yaml(text, plain_text=True)`` and each key's 0-based line, for simple front
    matter (see above); None for anything else, which ``load_yaml`` must then read."""
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    alone: list[str] = []  # keys with nothing after the colon
    items: list[Any] | None = None  # the block list the last "key:" may have
    indent: str | None = None
    last = text.count("\n")
    for number, line in enumerate(text.split("\n")):
        if not line:
            if number != last:
                return None  # a blank line inside: rare, and YAML's rules for it are subtle
            continue
        if items is not None and (item := _ITEM_LINE.fullmatch(line)):
            if indent is None:
                indent = item["indent"]
            if item["indent"] != indent:
                return None
            items.append(_value(item))
            continue
        found = _KEY_LINE.fullmatch(line)
        if found is None or found["key"] in _RESOLVED or found["key"] in data:
            return None
        key = found["key"]
        lines[key], items, indent = number, None, None
        if found.group().rstrip(" ") == key + ":":  # "key:" alone: null, or a block list
            data[key] = items = []
            alone.append(key)
        else:
            data[key] = _value(found)
    for key in alone:
        data[key] = data[key] or None  # no list under it: null, as YAML reads "key:"
    return data, lines


def _value(found: re.Match[str]) -> Any:
    if found["double"] is not None:
        return found["double"]
    if found["single"] is not None:
        return found["single"].replace("''", "'")
    if found["flow"] is not None:
        return [_flow_item(item) for item in _FLOW_ITEMS.findall(found["flow"])]
    return _RESOLVED.get(found["plain"], found["plain"])


def _flow_item(text: str) -> Any:
    return text[1:-1] if text.startswith('"') else _RESOLVED.get(text, text)


def _raise(message: str, line: int | None) -> Any:
    raise YamlProblem(message, line)


def dump_yaml(data: dict[str, Any]) -> str:
    """Dump a mapping in the given key order, as block YAML, Unicode kept readable."""
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000
    )
