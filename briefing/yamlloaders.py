"""PyYAML, made safe: loaders that reject duplicate keys and alias bombs, errors with lines.

Imported by ``yamlsafe`` on first use: a build whose front matter is simple and whose
settings are cached never loads PyYAML.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import islice
from typing import Any, ClassVar

import yaml

from briefing.yamlsafe import YamlProblem

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


def load_yaml(text: str, plain_text: bool = False) -> Any:
    """``yamlsafe.load_yaml``."""
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


def _raise(message: str, line: int | None) -> Any:
    raise YamlProblem(message, line)


def dump_yaml(data: dict[str, Any]) -> str:
    """Dump a mapping in the given key order, as block YAML, Unicode kept readable.

    By libyaml's emitter (several times faster) when every string in it is of characters
    on which the two emitters agree (tests check them against each other); PyYAML's own
    otherwise (or without libyaml), which is what the output is defined by.
    """
    dumper = _CSafeDumper if _agreed(data) else yaml.SafeDumper
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1_000_000)


_CSafeDumper = getattr(yaml, "CSafeDumper", None)
_AGREED_TEXT = re.compile(r"[\x20-\x7e\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""Printable characters without the ones libyaml's and PyYAML's emitters quote or escape
differently (line and paragraph separators, NEL, the BOM, characters beyond the BMP)."""


_AGREED_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _agreed(value: Any) -> bool:
    """True when libyaml's emitter writes ``value`` as PyYAML's does (see ``dump_yaml``)."""
    if _CSafeDumper is None:
        return False
    if isinstance(value, str):
        return _AGREED_TEXT.fullmatch(value) is not None
    if isinstance(value, dict):  # keys: names, as front matter's are
        return all(isinstance(k, str) and _AGREED_KEY.fullmatch(k) is not None and _agreed(v)
                   for k, v in value.items())
    if isinstance(value, list):
        return all(map(_agreed, value))
    return value is None or isinstance(value, bool | int | float | date)
