"""Strict YAML for files people write by hand (syndicate.yaml, queue.yaml, sidecars).

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, reads ``yes``/``no``/
``on``/``off`` as booleans and expands aliases (REFERENCE.md §8). In a file an editor saves,
each of those turns a slip into a wrong publication, so this loader refuses duplicates and
anchors, takes only ``true``/``false`` as booleans, and remembers the line of every key so
that errors can say where to look.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from syndicate.errors import InputError

KeyPath = tuple[Hashable, ...]


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML has it: queues are read on every run) with
    YAML 1.2 booleans; :func:`load` adds the refusals and the line numbers."""


# Only true/false are booleans (YAML 1.2); "no" stays the string "no".
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _StrictLoader.yaml_implicit_resolvers.setdefault(_first, []).append(
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")))


@dataclass
class Document:
    """A parsed YAML file and the line (1-based) of every key in it."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, *keys: Hashable) -> int | None:
        """Line of the deepest key of ``keys`` that exists (for "near line N" messages)."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return None

    def where(self, *keys: Hashable) -> str:
        """``path:line`` for messages."""
        line = self.line(*keys)
        return f"{self.path}:{line}" if line else str(self.path)


def load(path: Path, text: str | None = None) -> Document:
    """Parse ``path`` (or ``text`` read from it) strictly; raise InputError naming file:line."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot be read ({exc})") from None
    loader = _StrictLoader(text)
    try:
        _refuse_anchors(text)
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        data = _construct(loader, node, (), lines) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}{line}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    finally:
        loader.dispose()
    return Document(path, data, lines)


#: Explicit tags of YAML's core schema; any other (``!!python/object``…) is refused.
_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                       for name in ("str", "int", "float", "bool", "null", "map", "seq"))


def _refuse_anchors(text: str) -> None:
    """Anchors and aliases let one edit change many items, and aliases can be bombs;
    tags outside the core schema ask a loader to build objects."""
    loader = _StrictLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise yaml.MarkedYAMLError(
                    problem="anchors and aliases (& and *) are not allowed here; write the "
                            "value out in full", problem_mark=event.start_mark)
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _CORE_TAGS:
                raise yaml.MarkedYAMLError(
                    problem=f"the YAML tag {tag.replace('tag:yaml.org,2002:', '!!')} is not "
                            "allowed here; write a plain value", problem_mark=event.start_mark)
    finally:
        loader.dispose()


def _construct(loader: _StrictLoader, node: yaml.Node, at: KeyPath,
               lines: dict[KeyPath, int]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable) or isinstance(key, list | dict):
                raise yaml.MarkedYAMLError(problem="a key must be plain text",
                                           problem_mark=key_node.start_mark)
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r} (first at line {lines[(*at, key)]}); "
                            "keep one of them",
                    problem_mark=key_node.start_mark)
            lines[(*at, key)] = key_node.start_mark.line + 1
            result[key] = _construct(loader, value_node, (*at, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            lines[(*at, index)] = child.start_mark.line + 1
            items.append(_construct(loader, child, (*at, index), lines))
        return items
    return loader.construct_object(node, deep=True)


def dump(data: Mapping[str, Any] | list[Any]) -> str:
    """YAML for a person to read: block style, keys in the order given, Unicode as is."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Never writes anchors (the loader refuses them) and writes multi-line text as blocks.
    libyaml's emitter when PyYAML has it: the queue is rewritten on every run."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
