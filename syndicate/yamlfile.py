"""Strict YAML for files people write by hand (syndicate.yaml, queue.yaml, sidecars).

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, reads ``yes``/``no``/
``on``/``off`` as booleans and expands aliases (docs/security.md). In a file an editor saves,
each of those turns a slip into a wrong publication, so this loader refuses duplicates and
anchors, takes only ``true``/``false`` as booleans, and remembers the line of every key so
that errors can say where to look.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from syndicate.errors import InputError


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


class YAMLSyntaxError(InputError):
    """The file is not valid YAML; ``line`` (1-based, or None) is where to look."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Document:
    """A parsed YAML file, and the parsed nodes to find the line (1-based) of any key in.

    Lines are looked up in the nodes when a message needs one, not recorded for every key
    as the file is read: a queue of thousands of items is read on every run.
    """

    path: Path
    data: Any
    root: yaml.Node | None = None

    def line(self, *keys: Hashable) -> int | None:
        """Line of the deepest key of ``keys`` that exists (for "near line N" messages)."""
        node, line = self.root, None
        for key in keys:
            found = _child(node, key)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        return line

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
        data = _construct(loader, node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line, message = plain_words(exc, text)
        raise YAMLSyntaxError(f"{path}{f':{line}' if line else ''}: {message}", line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    finally:
        loader.dispose()
    return Document(path, data, node)


#: Explicit tags of YAML's core schema; any other (``!!python/object``…) is refused.
_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                       for name in ("str", "int", "float", "bool", "null", "map", "seq"))


# Where an anchor (&a), an alias (*a) or a tag (!t) can begin: a token starts at the start
# of the text (or after its BOM), after a space, a flow indicator or (in flow context) ':'
# or '?', and an anchor or alias has a name (a bare '&' there is a syntax error the parser
# reports itself). Text with no such place holds none, which is the common case, so the
# event pass below is skipped; text with one ("Roads &Transport") gets the exact check.
_MAY_HAVE_PROPERTIES = re.compile(r"(?<![^\s\ufeff,\[\]{}:?])(?:[&*][^\s,\[\]{}]|!)")


def _refuse_anchors(text: str) -> None:
    """Anchors and aliases let one edit change many items, and aliases can be bombs;
    tags outside the core schema ask a loader to build objects."""
    if not ("&" in text or "*" in text or "!" in text) or \
            _MAY_HAVE_PROPERTIES.search(text) is None:
        return
    loader = _StrictLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise yaml.MarkedYAMLError(
                    problem="anchors and aliases (& and *) are not allowed here: write the "
                            "value out in full, and put text that starts with & or * in "
                            "quotes", problem_mark=event.start_mark)
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _CORE_TAGS:
                # A local tag (``!important``) is an editor's text that starts with '!';
                # a global one (``!!python/object``) asks the loader to build an object.
                problem = (f"could not determine a constructor for the tag {tag}"
                           if tag.startswith("!") else
                           f"the YAML tag {tag.replace('tag:yaml.org,2002:', '!!')} is not "
                           "allowed here; write a plain value")
                raise yaml.MarkedYAMLError(problem=problem, problem_mark=event.start_mark)
    finally:
        loader.dispose()


def _construct(loader: _StrictLoader, node: yaml.Node) -> Any:
    # Scalars are most of a file: they are built here, without a call of their own.
    scalar = yaml.ScalarNode
    if isinstance(node, yaml.MappingNode):
        result: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, scalar):
                raise yaml.MarkedYAMLError(problem="a key must be plain text",
                                           problem_mark=key_node.start_mark)
            key = loader.construct_object(key_node)
            if key in result:
                first = next(k for k, _ in node.value if loader.construct_object(k) == key)
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r} (first at line "
                            f"{first.start_mark.line + 1}); keep one of them",
                    problem_mark=key_node.start_mark)
            result[key] = loader.construct_object(value_node) \
                if isinstance(value_node, scalar) else _construct(loader, value_node)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [loader.construct_object(child) if isinstance(child, scalar)
                else _construct(loader, child) for child in node.value]
    return loader.construct_object(node, deep=True)


def _child(node: yaml.Node | None, key: Hashable) -> tuple[yaml.Node, yaml.Node] | None:
    """The node that names ``key`` in ``node`` (a mapping's key, a list's item) and the
    node of its value."""
    if isinstance(node, yaml.SequenceNode):
        if isinstance(key, int) and 0 <= key < len(node.value):
            return node.value[key], node.value[key]
        return None
    if isinstance(node, yaml.MappingNode):
        # Keys are plain scalars (see _construct); a non-text key (1, true) is matched by
        # its spelling, which is all a line number needs.
        spelled = key if isinstance(key, str) else str(key).lower()
        for key_node, value_node in node.value:
            value = key_node.value
            if value == spelled or (not isinstance(key, str) and value.lower() == spelled):
                return key_node, value_node
    return None


# Long text stays on one line: an editor who deletes "the notice: line" deletes all of it,
# and their editor's soft wrap shows it whole.
_NEVER_FOLD = 1 << 30


def dump(data: Mapping[str, Any] | list[Any]) -> str:
    """YAML for a person to read: block style, keys in the order given, Unicode as is."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=_NEVER_FOLD)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Never writes anchors (the loader refuses them) and writes multi-line text as blocks.
    libyaml's emitter when PyYAML has it: the queue is rewritten on every run."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


# PyYAML's own words ("mapping values are not allowed in this context") mean nothing to the
# people who edit these files. Each entry: a fragment of the parser's problem, whether the
# place to point at is where the construct started (the context mark) rather than where the
# parser gave up, and what went wrong and how to fix it in plain words. {key} and {value}
# are the key and the text on the line pointed at, so the fix can show the line rewritten.
_PLAIN: tuple[tuple[str, bool, str], ...] = (
    ("duplicate key", False, "{problem}"),         # our own refusals say it already
    ("anchors and aliases", False, "{problem}"),
    ("a key must be plain text", False, "{problem}"),
    ("tab character", False,                       # [3]: also used for any tab-indented line
     "a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces so "
     "the line starts like the lines around it"),
    ("mapping values are not allowed", False,
     "{colon}"),
    ("block sequence entries are not allowed", False,
     "text that starts with '- ' reads as a list. Put the text in quotes: "
     "{key}: \"{value}\""),
    ("mapping keys are not allowed", False,
     "text that starts with '? ' reads as a key. Put the text in quotes: {key}: \"{value}\""),
    ("cannot start any token", False,
     "text cannot start with {first} unless it is in quotes. Put the text in quotes: "
     "{key}: \"{value}\""),
    ("expected alphabetic or numeric character", True,
     "text that starts with * or & must be in quotes. Put the text in quotes: "
     "{key}: \"{value}\""),
    ("could not find expected ':'", True,
     "this line is not 'key: value'. If it is text that went on to a new line, put the "
     "whole text in quotes on one line, or write | after the key and the text on the lines "
     "below, indented; if it is a key, put a space after the colon (status: approved)"),
    ("end of stream", True,
     "a quote opened on this line is never closed. Add the closing quote at the end of the "
     "text"),
    ("expected ',' or '}'", True,
     "text that starts with {{ reads as a mapping. Put the text in quotes: "
     "{key}: \"{value}\""),
    ("expected ',' or ']'", True,
     "text that starts with [ reads as a list. Put the text in quotes: {key}: \"{value}\""),
    ("expected comment or line break", False,
     "{after}"),
    ("did not find expected key", False,
     "{quote}"),
    ("expected <block end>", False,
     "this line does not line up with the lines above it. Indent it like the other keys "
     "of the same item (two spaces, or '- ' before id)"),
    ("could not determine a constructor for the tag", False,
     "text that starts with ! must be in quotes. Put the text in quotes: {key}: \"{value}\""),
    ("unknown escape character", False,
     "a backslash inside double quotes starts an escape. Use single quotes instead: "
     "{key}: '{value}'"),
    ("special characters are not allowed", False,
     "the line holds an invisible control character. Delete it (retype the line)"),
    ("is not allowed here; write a plain value", False, "{problem}"),
)
_KEY_LINE = re.compile(
    r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[^\s:#'\"][^:#]*?):(?:\s+(?P<value>.*))?$")


def plain_words(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to look at and what is wrong there, in words an editor understands."""
    problem = str(exc.problem or exc.context or "")
    for fragment, at_start, template in _PLAIN:
        if fragment not in problem:
            continue
        mark = (exc.context_mark if at_start else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column if mark is not None else 0
        return line, _fill(template, text.splitlines(), line, column, problem)
    mark = exc.problem_mark or exc.context_mark
    return (mark.line + 1 if mark is not None else None), (
        f"{problem} (the YAML parser's words; check the quotes and the indentation on "
        "this line and the one above)")


def _fill(template: str, lines: list[str], line: int | None, column: int,
          problem: str) -> str:
    raw = lines[line - 1] if line and line <= len(lines) else ""
    indent = len(raw) - len(raw.lstrip())
    if "\t" in raw[:indent]:                   # the parser's words vary with the context
        template = _PLAIN[3][2]
    match = _KEY_LINE.match(raw)
    key = match["key"].strip() if match else "note"
    value = (match["value"] or "").strip() if match else raw.strip()
    quoted = value[:1] in ("'", '"')
    inner = value[1:-1] if quoted and len(value) > 1 and value[-1] == value[0] else value
    shown = inner.replace("\\", "\\\\").replace('"', '\\"')
    in_quotes = f"{key}: '{inner}'" if '"' in inner and "'" not in inner else \
        f'{key}: "{shown}"'
    realign = (f"'{key}:' is indented differently from the keys around it. Line it up "
               "with the other keys of the same item or section (the same number of spaces "
               "before each key)")
    in_value = match is not None and column > indent + len(key)   # not at the key itself
    fields = {
        "key": key, "value": shown, "problem": problem,
        "first": repr(value[:1]) if value else "this character",
        "colon": (
            "the text has a colon followed by a space, which YAML reads as a new key. Put "
            f"the text in quotes: {in_quotes}") if ": " in value else realign,
        "after": (
            f"text goes on after the closing quote. Put the whole text in quotes: {in_quotes}"
            if quoted else
            "| and > start a block of text on the lines below. To start the text with | or "
            f">, put it in quotes: {in_quotes}"),
        "quote": (
            "the text starts with a quote, so it ends at the next matching quote (an "
            "apostrophe inside '…' ends it) and the rest is left over. Put the whole text in "
            f"quotes: {in_quotes} (inside single quotes, write an apostrophe twice: "
            "'it''s')") if quoted and in_value else realign,
    }
    return template.format(**fields)
