"""Parsing XML from strangers: hardened lxml settings and a streaming reader.

Feeds come from the internet, so every parse here uses ``resolve_entities=False,
no_network=True, load_dtd=False, huge_tree=False`` (lxml's defaults moved across 5.x-6.1 and
iterparse was unsafe until 6.1.0, CVE-2026-41066). On top of that, a document that declares
entities is refused outright (docs/security.md, "XML"): feeds have no use for them, and even
unexpanded, libxml2 substitutes internal entities inside attribute values, which is how a
"billion laughs" bomb gets in. External DTDs are never loaded; the document is read without.
"""

from __future__ import annotations

import codecs
import html.entities
import io
import re
from collections.abc import Iterator
from typing import IO, Final

from lxml import etree

from syndicate.errors import InputError

#: The parser options every parse of untrusted XML must use.
SAFE_OPTIONS: Final = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                       "huge_tree": False}

# The prolog (declaration, comments, DOCTYPE) must fit in this many bytes. Real feeds need
# a few hundred; a longer one is either a bomb or not a feed.
PROLOG_LIMIT = 64 * 1024

_UTF16_32 = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
             (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
             (b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
             (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"))
_ELEMENT_START = re.compile(r"<[^!?/\s]")
_PROLOG_PART = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE\b(?:[^\[>]|\[.*?\])*>", re.S)


def parser(*, recover: bool = False) -> etree.XMLParser:
    """An lxml parser with :data:`SAFE_OPTIONS`; ``recover`` reads past errors."""
    return etree.XMLParser(recover=recover, **SAFE_OPTIONS)


def fromstring(data: bytes, name: str, *, recover: bool = False) -> etree._Element:
    """Parse a small document whole (a sitemap, an API answer) after the entity check.
    Raises :class:`InputError` naming ``name`` when it is refused or not well-formed."""
    refuse_entity_declarations(data[:PROLOG_LIMIT], name)
    try:
        root = etree.fromstring(data, parser(recover=recover))
    except etree.XMLSyntaxError as error:
        raise _syntax_error(name, error) from None
    if root is None:
        raise InputError(f"{name}: no XML element found; is this really an XML document?")
    _check_declared_entities(root, name)
    return root


class XMLStream:
    """``(event, element)`` pairs from a document read in chunks, never as a whole tree.

    Events are ``"start"`` and ``"end"``. The caller calls :func:`release` on each element
    it has finished with, so that memory stays flat however long the document is. With
    ``recover=True`` parsing goes on past errors; :attr:`first_error` then tells what lxml
    had to skip (``"line 12: ..."``), for callers that found nothing usable.
    """

    def __init__(self, source: IO[bytes], name: str, *, recover: bool = False) -> None:
        self.name = name
        self._source = source
        self._recover = recover
        self._context: etree.iterparse | None = None

    def __iter__(self) -> Iterator[tuple[str, etree._Element]]:
        head = self._source.read(PROLOG_LIMIT)
        refuse_entity_declarations(head, self.name)
        source: io.RawIOBase = _Rejoined(head, self._source)
        if not head.startswith(tuple(bom for bom, _ in _UTF16_32)):
            source = _NumericEntityRefs(source)
        self._context = etree.iterparse(source,
                                        events=("start", "end"), recover=self._recover,
                                        **SAFE_OPTIONS)
        checked = False
        try:
            for event, element in self._context:
                if not checked:
                    _check_declared_entities(element, self.name)
                    checked = True
                yield event, element
        except etree.XMLSyntaxError as error:
            raise _syntax_error(self.name, error) from None

    @property
    def first_error(self) -> str | None:
        if self._context is None:
            return None
        for entry in self._context.error_log:
            if entry.level >= etree.ErrorLevels.ERROR:
                return f"line {entry.line}: {entry.message}"
        return None


def release(element: etree._Element) -> None:
    """Free a finished element and the siblings before it (they were released already
    or were of no interest), keeping memory flat while streaming."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def refuse_entity_declarations(head: bytes, name: str) -> None:
    """Raise :class:`InputError` if the prolog in ``head`` (the document's first
    :data:`PROLOG_LIMIT` bytes) declares entities, or cannot be checked within it."""
    text = _decode_prolog(head)
    position = 0
    while (part := _PROLOG_PART.match(text, position)) and part.end() > position:
        if "<!ENTITY" in part.group(0):
            raise _entities_refused(name)
        position = part.end()
    rest = text[position:]
    if _ELEMENT_START.match(rest) or not rest.startswith("<!"):
        return  # the root element, or not XML at all: the parser will say so
    if "<!ENTITY" in rest:
        raise _entities_refused(name)
    raise InputError(f"{name}: refused: the DOCTYPE is unclosed or longer than "
                     f"{PROLOG_LIMIT} bytes, so it cannot be checked for entity declarations")


def _decode_prolog(head: bytes) -> str:
    """The head as text, enough to find markup: UTF-16/32 by BOM or layout, anything
    else as Latin-1 (every ASCII-compatible encoding spells ``<!ENTITY`` the same)."""
    for signature, encoding in _UTF16_32:
        if head.startswith(signature):
            return head.decode(encoding, errors="replace").lstrip("\ufeff")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def _check_declared_entities(element: etree._Element, name: str) -> None:
    """Second line of defence, on the parser's own view of the internal subset."""
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entities_refused(name)


def _entities_refused(name: str) -> InputError:
    return InputError(f"{name}: refused: the document declares XML entities (<!ENTITY>), "
                      "which feeds never need and attackers use to read files or exhaust "
                      "memory; ask the publisher to remove the DOCTYPE")


def _syntax_error(name: str, error: etree.XMLSyntaxError) -> InputError:
    line = error.lineno or (error.position[0] if error.position else 0)
    where = f"{name}: line {line}" if line else name
    return InputError(f"{where}: not well-formed XML ({error.msg or error}); "
                      "check the file or tell its publisher")


class _Rejoined(io.RawIOBase):
    """The bytes already read for the prolog check, then the rest of the source."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            chunk = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(chunk):]
            return chunk
        return self._rest.read(size)


_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_ENTITY_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_LONGEST_REF = 34


def _numeric(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
    if name in _XML_ENTITIES or codepoint is None:
        return match.group()
    return b"&#%d;" % codepoint


class _NumericEntityRefs(io.RawIOBase):
    """HTML's named entities (``&nbsp;`` ``&eacute;``) rewritten as numeric references.

    XML defines only five names, but feeds written by HTML tools use the rest, and
    feedparser, which partners use, accepts them; without this lxml drops the text around
    each one. Only for ASCII-compatible encodings (the caller checks), and streaming: a
    reference cut by a chunk boundary is held back until the next read.
    """

    def __init__(self, source: io.RawIOBase) -> None:
        super().__init__()
        self._source = source
        self._carry = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self._source.read(size) or b""
            data, self._carry = self._carry + chunk, b""
            if chunk:
                cut = data.rfind(b"&", max(0, len(data) - _LONGEST_REF))
                if cut != -1 and b";" not in data[cut:]:
                    data, self._carry = data[:cut], data[cut:]
            if data or not chunk:
                return _ENTITY_REF.sub(_numeric, data)
