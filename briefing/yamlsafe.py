"""Safe YAML loading that also rejects duplicate keys, with errors that carry a line number.

Simple front matter is read here by a fast path; everything else by PyYAML's loaders in
``yamlloaders``, imported on first use.
"""

from __future__ import annotations

import re
from typing import Any


class YamlProblem(Exception):
    """YAML that cannot be loaded; ``line`` is 1-based within the YAML text, when known."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(text: str, plain_text: bool = False) -> Any:
    """Load one YAML document safely; raise YamlProblem with a line number on any failure.

    With ``plain_text``, unquoted values stay strings (see ``yamlloaders._TextLoader``).
    """
    from briefing import yamlloaders  # here: PyYAML is loaded only when YAML is read

    return yamlloaders.load_yaml(text, plain_text)


def dump_yaml(data: dict[str, Any]) -> str:
    """Dump a mapping in the given key order, as block YAML, Unicode kept readable."""
    from briefing import yamlloaders

    return yamlloaders.dump_yaml(data)


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
