"""What one feed element means: namespaces, text, links, dates, people, licences and media
of RSS 0.9x/1.0/2.0 and Atom. :mod:`syndicate.sources.feed` walks the document and asks
this module about each element.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from syndicate import dates, sanitise
from syndicate.model import Kind

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
CC_RSS2 = "http://backend.userland.com/creativeCommonsRssModule"
CC_RDF = ("http://web.resource.org/cc/", "http://creativecommons.org/ns#")
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RDF_RESOURCE = f"{{{RDF}}}resource"
RDF_ABOUT = f"{{{RDF}}}about"

FEED_ROOTS = frozenset({"rss", "RDF", "feed"})
DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/rtf",
                  "application/vnd.openxmlformats-officedocument.",
                  "application/vnd.oasis.opendocument.", "application/vnd.ms-excel",
                  "application/vnd.ms-powerpoint")
HTML_TYPES = frozenset({"html", "text/html"})
XHTML_TYPES = frozenset({"xhtml", "application/xhtml+xml"})


@dataclass(frozen=True)
class Core:
    """The namespace an entry's core elements are in: none (RSS 0.9x/2.0), RSS 1.0/0.90's
    or Atom's. Looking names up in it lets one code path read every format."""

    namespace: str

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name

    def first(self, parent: etree._Element, *names: str) -> etree._Element | None:
        for name in names:
            found = next(parent.iterchildren(self.tag(name)), None)
            if found is not None:
                return found
        return None


class Entry:
    """One entry (or ``media:group``) with its child elements indexed by tag once: the
    reader asks an entry a dozen questions, and scanning its children for each one was a
    fifth of the time spent reading a big feed. Lookups are by exact tag, as lxml's
    ``find`` of a plain name is: direct children only, in document order."""

    __slots__ = ("_children", "core", "element")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.core = core_of(element)
        children: dict[str, list[etree._Element]] = {}
        for child in element:
            if isinstance(child.tag, str):   # not a comment or processing instruction
                children.setdefault(child.tag, []).append(child)
        self._children = children

    def first(self, *names: str) -> etree._Element | None:
        """The first child with any of ``names`` (tried in turn) in the core namespace."""
        for name in names:
            found = self._children.get(self.core.tag(name))
            if found:
                return found[0]
        return None

    def all(self, name: str) -> list[etree._Element]:
        """The children called ``name`` in the core namespace."""
        return self._children.get(self.core.tag(name), [])

    def find(self, namespaces: str | Iterable[str], local: str) -> etree._Element | None:
        found = self.findall(namespaces, local)
        return found[0] if found else None

    def findall(self, namespaces: str | Iterable[str], local: str) -> list[etree._Element]:
        if isinstance(namespaces, str):
            return self._children.get(f"{{{namespaces}}}{local}", [])
        found: list[etree._Element] = []
        for namespace in namespaces:
            found += self._children.get(f"{{{namespace}}}{local}", [])
        return found

    def has_any(self, tags: Iterable[str]) -> bool:
        return any(tag in self._children for tag in tags)

    def plain(self, local: str) -> list[etree._Element]:
        """Children named ``local`` in no namespace (RSS 2.0's own elements)."""
        return self._children.get(local, [])


def core_of(element: etree._Element) -> Core:
    return Core(_namespace(element))


def is_atom(element: etree._Element) -> bool:
    return _namespace(element) in (ATOM, ATOM03)


def _namespace(element: etree._Element) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def local_name(element: etree._Element) -> str:
    """The local name; "" for comments and processing instructions. (Recover mode can
    leave prefixed names such as ``itunes:subtitle``, which QName() refuses.)"""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def either(*elements: etree._Element | None) -> etree._Element | None:
    """The first element found. (``a or b`` is wrong for elements: a childless one is
    false.)"""
    return next((element for element in elements if element is not None), None)


def is_entry(element: etree._Element) -> bool:
    local = local_name(element)
    if local not in ("entry", "item"):
        return False    # most elements: the children of entries, asked first
    parent = element.getparent()
    if parent is None:
        return False
    if local == "entry":
        return is_atom(element) and local_name(parent) == "feed"
    return local_name(parent) in ("channel", "RDF", "rss")


def is_feed_level(element: etree._Element) -> bool:
    parent = element.getparent()
    if parent is None:
        return False
    parent_local = local_name(parent)
    return parent_local == "channel" or (parent_local == "feed" and parent.getparent() is None)


def find(parent: etree._Element, namespaces: str | Iterable[str],
          local: str) -> etree._Element | None:
    for namespace in (namespaces,) if isinstance(namespaces, str) else namespaces:
        found = next(parent.iterchildren(f"{{{namespace}}}{local}"), None)
        if found is not None:
            return found
    return None


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    text = "".join(element.itertext()) if len(element) else (element.text or "")
    return " ".join(text.split())


def plain_text(element: etree._Element | None, *, is_html: bool = False) -> str:
    """An element's text as plain text, markup removed. Atom says what its text is; RSS
    descriptions are HTML, and RSS titles are when they contain markup or entities."""
    if element is None:
        return ""
    kind = (element.get("type") or "").lower()
    if kind in XHTML_TYPES:
        return text_of(element)
    text = "".join(element.itertext())
    if is_atom(element):
        is_html = kind in HTML_TYPES or element.get("mode") == "escaped"
    else:
        is_html = is_html or kind in HTML_TYPES or "<" in text or "&" in text
    markup = is_html and ("<" in text or "&" in text)
    return html_to_text(text) if markup else " ".join(text.split())


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (never script or style text)."""
    return sanitise.plain_text(markup)


def content_element(entry: Entry) -> etree._Element | None:
    """The element holding the entry's full content, if it has one."""
    return either(entry.find(CONTENT, "encoded"),
                  entry.first("content") if is_atom(entry.element) else None)


def language_of(entry: Entry) -> str | None:
    """The language an entry declares: ``xml:lang`` on it or above it, or ``dc:language``."""
    for element in (entry.element, *entry.element.iterancestors()):
        if element.get(XML_LANG):
            return str(element.get(XML_LANG)).strip() or None
    return text_of(entry.find(DC, "language")) or None


def is_language_element(element: etree._Element) -> bool:
    """RSS ``<language>`` or Dublin Core ``dc:language`` at the feed level."""
    return _namespace(element) in ("", DC)


def content_html_of(entry: Entry) -> str:
    """``content:encoded`` or Atom ``content`` as HTML (inline content only)."""
    encoded = entry.find(CONTENT, "encoded")
    if encoded is not None:
        return "".join(encoded.itertext()).strip()
    content = entry.first("content") if is_atom(entry.element) else None
    if content is None or content.get("src"):
        return ""
    kind = (content.get("type") or "text").lower()
    if kind in XHTML_TYPES or content.get("mode") == "xml":
        return _xhtml_to_html(content)
    text = "".join(content.itertext()).strip()
    if kind in HTML_TYPES or content.get("mode") == "escaped":
        return text
    return html.escape(text) if kind in ("text", "text/plain") else ""


def _xhtml_to_html(content: etree._Element) -> str:
    """Inline XHTML (inside Atom's wrapper ``div``) as plain HTML without namespaces."""
    inner = content[0] if len(content) == 1 and not (content.text or "").strip() else content
    fragment = copy.deepcopy(inner)
    for element in fragment.iter():
        if isinstance(element.tag, str):
            element.tag = local_name(element)
    etree.cleanup_namespaces(fragment)
    parts = [html.escape(fragment.text or "")]
    parts += [etree.tostring(child, encoding="unicode", method="html", with_tail=True)
              for child in fragment]
    return "".join(parts).strip()


def entry_link(entry: Entry) -> str:
    """The entry's web page: Atom ``link rel=alternate``, RSS ``link`` or a permalink guid."""
    atom = is_atom(entry.element)
    for link in entry.all("link"):
        if atom:
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                return str(link.get("href")).strip()
        elif text_of(link):
            return text_of(link)
    guid = next(iter(entry.plain("guid")), None)
    if guid is not None and guid.get("isPermaLink", "true").lower() == "true":
        value = text_of(guid)
        if value.startswith(("http://", "https://")):
            return value
    return ""


def creator_of(element: etree._Element) -> str | None:
    """A person's name from ``dc:creator``, an Atom ``author`` or an RSS ``author``."""
    if is_atom(element):
        return text_of(core_of(element).first(element, "name")) or None
    value = text_of(element)
    if "@" in value:
        # RSS author is "email (Name)"; a bare address is personal data, not a credit.
        named = re.search(r"\(([^)]+)\)", value)
        return named.group(1).strip() if named else None
    return value or None


def entry_creator(entry: Entry) -> str | None:
    for candidate in [*entry.findall(DC, "creator"), entry.first("author")]:
        if candidate is not None and (name := creator_of(candidate)):
            return name
    return None


def author_uri(entry: Entry) -> str | None:
    author = entry.first("author") if is_atom(entry.element) else None
    uri = text_of(entry.core.first(author, "uri", "url")) if author is not None else ""
    return uri if uri.startswith(("http://", "https://")) else None


def categories_of(entry: Entry) -> list[str]:
    names = [category.get("label") or category.get("term") or text_of(category)
             for category in entry.all("category")]
    names += [text_of(subject) for subject in entry.findall(DC, "subject")]
    return list(dict.fromkeys(name for name in names if name))


# The elements :func:`licences_of` reads (an Atom link only with rel="license").
_LICENCE_TAGS = frozenset({f"{{{ATOM}}}link", f"{{{ATOM03}}}link", f"{{{CC_RSS2}}}license",
                           *(f"{{{ns}}}license" for ns in (*CC_RDF, DCTERMS, *MEDIA))})


def licences_in(parent: etree._Element | Entry) -> list[str]:
    """Licence URLs an entry or feed declares in its child elements, in document order."""
    if isinstance(parent, Entry):
        if not parent.has_any(_LICENCE_TAGS):
            return []
        parent = parent.element
    found: list[str] = []
    for child in parent:
        for licence in licences_of(child):
            if licence not in found:
                found.append(licence)
    return found


def licences_of(element: etree._Element) -> list[str]:
    """The licence URL(s) one element declares, if it is a licence declaration."""
    local, namespace = local_name(element), _namespace(element)
    value = ""
    if local == "link" and is_atom(element):
        if element.get("rel") == "license":
            value = element.get("href", "")
    elif local == "license" and namespace == CC_RSS2:
        value = text_of(element)
    elif local == "license" and namespace in (*CC_RDF, DCTERMS):
        value = element.get(RDF_RESOURCE) or text_of(element)
    elif local == "license" and namespace in MEDIA:
        value = element.get("href") or text_of(element)
    return [value.strip()] if value.strip() else []


@dataclass(frozen=True)
class Media:
    url: str
    type: str | None
    size: int | None
    medium: str | None = None
    title: str = ""
    description: str = ""
    licences: list[str] = field(default_factory=list)
    credit: str | None = None


def media_of(entry: Entry) -> Iterator[Media]:
    """Enclosures, Atom ``rel=enclosure`` links and ``media:content`` (also inside
    ``media:group``). Thumbnails are previews of these, not works of their own."""
    for enclosure in entry.plain("enclosure"):
        if enclosure.get("url"):
            yield Media(enclosure.get("url", "").strip(), enclosure.get("type"),
                         _size(enclosure.get("length")))
    for link in entry.findall((ATOM, ATOM03), "link"):
        if link.get("rel") == "enclosure" and link.get("href"):
            yield Media(link.get("href", "").strip(), link.get("type"),
                         _size(link.get("length")))
    groups = [entry, *(Entry(group) for group in entry.findall(MEDIA, "group"))]
    for group in groups:
        for content in group.findall(MEDIA, "content"):
            if content.get("url"):
                yield Media(content.get("url", "").strip(), content.get("type"),
                             _size(content.get("fileSize")), content.get("medium"),
                             plain_text(either(find(content, MEDIA, "title"),
                                            group.find(MEDIA, "title"))),
                             plain_text(either(find(content, MEDIA, "description"),
                                            group.find(MEDIA, "description"))),
                             licences_in(content) or (licences_in(group.element)
                                                       if group is not entry else []),
                             text_of(either(find(content, MEDIA, "credit"),
                                            group.find(MEDIA, "credit"))) or None)


def media_kind(media_type: str | None, medium: str | None) -> Kind | None:
    media_type = (media_type or "").split(";")[0].strip().lower()
    if media_type.startswith("image/") or (not media_type and medium == "image"):
        return "image"
    if media_type.startswith(DOCUMENT_TYPES) or (not media_type and medium == "document"):
        return "document"
    return None


def _size(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def iso_date(element: etree._Element | None) -> str | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, Dublin Core) as ``YYYY-MM-DDTHH:MM:SSZ``; None
    for a date nobody can read (the caller reports it: see :func:`date_text`)."""
    return dates.rfc3339(text_of(element)) if element is not None else None


def date_text(element: etree._Element | None) -> str:
    """The date as the feed wrote it, for a message about a date that cannot be read."""
    return text_of(element)
