"""Reading one council web page: its main content and what it says about itself.

:func:`read_page` takes the article as :mod:`syndicate.article` finds it (navigation,
banners, cookie notices, skip links and scripts left out), and collects the page's metadata:
its own title (:mod:`~syndicate.sources.pagetitle`), description, creator, dates, images
with alt text and declared licences (``rel=license`` links, ccREL RDFa, schema.org
JSON-LD; docs/metadata.md, "Pages"). A page declaring a Latin-1 charset (or none) while
sending UTF-8 is read as UTF-8, as browsers' sniffing would; bytes that are not text in the
page's encoding become U+FFFD, which the pipeline reports, never a silent guess at another
encoding or a page cut short.

The cleaned HTML is for conversion (wikitext, feeds), not a sanitiser for embedding pages
in other sites (docs/security.md, "HTML").
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from syndicate.article import choose_article
from syndicate.boilerplate import text as _text
from syndicate.errors import InputError
from syndicate.sources.pagetitle import meta, page_title

_LICENCE_RELS = frozenset({"license", "cc:license", "dct:license", "dcterms:license",
                           "xhv:license"})
_SPACE_RE = re.compile(r"\s+")
_DESCRIPTION_LIMIT = 300
_JSON_LD_MAX_DEPTH = 20
# Charsets pages declare while sending UTF-8 (a CMS upgraded, the template not), by their
# codecs names. WHATWG's Encoding Standard reads all of them as windows-1252.
_LEGACY_CHARSETS = frozenset({"iso8859-1", "cp1252", "ascii"})
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)
# One well-formed UTF-8 sequence of two to four bytes (RFC 3629 §4).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]"
                            rb"|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
                            rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                            rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass
class PageImage:
    """An image in the main content that has alt text (decorative images have none)."""

    src: str
    alt: str
    caption: str = ""
    licences: list[str] = field(default_factory=list)
    creator: str | None = None


@dataclass
class Page:
    """What :func:`read_page` found on one page."""

    url: str
    title: str
    description: str
    content_html: str
    licences: list[str] = field(default_factory=list)
    creator: str | None = None
    creator_url: str | None = None
    date: str | None = None
    modified: str | None = None
    canonical: str | None = None
    images: list[PageImage] = field(default_factory=list)
    #: Why no region could be chosen as the article with confidence (None: it was).
    no_article: str | None = None


def read_page(content: bytes, url: str, *, encoding: str | None = None,
              content_selector: str | None = None) -> Page:
    """Parse an HTML document fetched from (or standing for) ``url``.

    ``encoding`` is the charset from the Content-Type header, if any; otherwise the
    document's own ``<meta charset>`` decides. ``content_selector`` is a CSS selector for
    the article, when the council knows its CMS. Raises :class:`InputError` naming ``url``
    when the bytes are not a usable HTML document.
    """
    document = _parse(content, url, encoding)
    metadata = _JsonLd.collect(document)
    description = meta(document, "description", "og:description")
    choice = choose_article(document, selector=content_selector, description=description)
    main = choice.region
    title = page_title(document, main, metadata.headline)
    _clean_attributes(main)
    main.tail = None
    _drop_title_heading(main, title)
    main.make_links_absolute(_base_url(document, url), resolve_base_href=False,
                             handle_failures="discard")
    cc_name, cc_url = _cc_attribution(document, url)
    return Page(
        url=url, title=title,
        description=description or _first_paragraph(main),
        content_html=lxml.html.tostring(main, encoding="unicode"),
        licences=_licences(document, url, metadata.licences),
        creator=meta(document, "author") or metadata.author or cc_name,
        creator_url=metadata.author_url or cc_url,
        date=metadata.published or meta(document, "article:published_time"),
        modified=metadata.modified or meta(document, "article:modified_time"),
        canonical=_canonical(document, url),
        images=list(_images(main, url, metadata)),
        no_article=None if choice.confident else choice.reason,
    )


def _parse(content: bytes, url: str, encoding: str | None) -> lxml.html.HtmlElement:
    # Decoded here, not by libxml2: it reads an undeclared page that is not all UTF-8 as
    # Latin-1 (mojibake) and stops at a byte a multi-byte charset cannot read (the rest of
    # the page lost). Here such bytes become U+FFFD and the rest is kept.
    text = content.decode(_encoding(content, encoding), errors="replace").lstrip("\ufeff")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True, huge_tree=False)
    try:
        document = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError) as error:
        raise InputError(f"{url}: not a readable HTML page ({error}); check the URL "
                         "points at a web page") from None
    if document is None or document.find("body") is None:
        raise InputError(f"{url}: not a readable HTML page (no <body>); check the URL "
                         "points at a web page")
    return document


def _encoding(content: bytes, header: str | None) -> str:
    """The codec a page is read with: a byte order mark, else the Content-Type header's
    charset, else the page's ``<meta charset>`` (a label Python does not know is ignored,
    as browsers ignore it). No declaration, or a legacy single-byte one, gives UTF-8 when
    the bytes are mostly well-formed UTF-8 (Latin-1 text almost never is by accident),
    else the declared charset or windows-1252 (the Encoding Standard's default)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            return name
    by_header = _codec(header)
    if by_header is not None:  # the server's word goes, as in browsers
        return "cp1252" if by_header in _LEGACY_CHARSETS else by_header
    meta = _DECLARED_CHARSET.search(content[:4096])
    by_meta = _codec(meta.group(1).decode("ascii")) if meta else None
    if by_meta is not None and by_meta not in _LEGACY_CHARSETS:
        return by_meta
    sequences = _UTF8_SEQUENCE.findall(content)
    if sequences and sum(map(len, sequences)) * 2 > len(_HIGH_BYTE.findall(content)):
        return "utf-8"
    return "cp1252"


def _codec(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None if there is no such codec."""
    try:
        return codecs.lookup(label.strip()).name if label and label.strip() else None
    except LookupError:
        return None


# The article ----------------------------------------------------------------------------

def _clean_attributes(region: lxml.html.HtmlElement) -> None:
    """Remove event handlers, inline styles and script URLs from the chosen region."""
    for element in region.iter(etree.Element):
        for name in list(element.attrib):
            value = element.attrib[name].strip().lower()
            if name.lower().startswith("on") or name.lower() == "style" or (
                    name.lower() in ("href", "src") and value.startswith(
                        ("javascript:", "data:", "vbscript:"))):
                del element.attrib[name]


def _drop_title_heading(main: lxml.html.HtmlElement, title: str) -> None:
    """The page title becomes the draft's title; repeating it as a heading is noise."""
    for heading in main.iter("h1", "h2", "h3"):  # the first heading, if it is the title
        if _text(heading).casefold() == title.casefold():
            heading.drop_tree()
        return


# Metadata --------------------------------------------------------------------------------

def _base_url(document: lxml.html.HtmlElement, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if the page sets one."""
    base = document.find(".//base[@href]")
    return urljoin(url, str(base.get("href")).strip()) if base is not None else url


def _canonical(document: lxml.html.HtmlElement, url: str) -> str | None:
    for link in document.iter("link"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            canonical = urljoin(url, str(link.get("href")).strip())
            if urlsplit(canonical).scheme in ("http", "https"):
                return canonical
    return None


def _first_paragraph(main: lxml.html.HtmlElement) -> str:
    for paragraph in main.iter("p"):
        if text := _text(paragraph):
            return text if len(text) <= _DESCRIPTION_LIMIT else \
                text[:_DESCRIPTION_LIMIT].rsplit(" ", 1)[0] + "…"
    return ""


def _licences(scope: lxml.html.HtmlElement, url: str, extra: list[str]) -> list[str]:
    """Declared licence URLs in ``scope``: ``rel=license`` links (plain HTML and ccREL
    RDFa, whose ``rel`` may say ``cc:license``), then JSON-LD ``license`` values."""
    found: list[str] = []
    for element in _own_elements(scope):
        rels = {token.lower() for token in
                (element.get("rel", "") + " " + element.get("property", "")).split()}
        if not rels & _LICENCE_RELS:
            continue
        target = element.get("href") or element.get("resource") or element.get("content")
        if target and target.strip():
            found.append(urljoin(url, target.strip()))
    found.extend(urljoin(url, value) for value in extra)
    return list(dict.fromkeys(found))


def _cc_attribution(scope: lxml.html.HtmlElement,
                    url: str) -> tuple[str | None, str | None]:
    """ccREL ``cc:attributionName`` (and the creator link carrying it), if any."""
    for element in _own_elements(scope):
        properties = element.get("property", "").split()
        if any(p.endswith("attributionName") for p in properties) and (name := _text(element)):
            href = element.get("href")
            return name, urljoin(url, href) if href else None
    return None, None


def _own_elements(scope: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements whose statements are about ``scope``: a figure's licence and credit are
    the figure's, not the page's (a ``<figure>`` inside ``scope``, and all it holds)."""
    figures = {node for figure in scope.iter("figure") if figure is not scope
               for node in figure.iter()}
    for element in scope.iter(etree.Element):
        if element not in figures:
            yield element


@dataclass
class _JsonLd:
    """What a page's schema.org JSON-LD says: the page's own node, and image nodes."""

    licences: list[str] = field(default_factory=list)
    author: str | None = None
    author_url: str | None = None
    published: str | None = None
    modified: str | None = None
    headline: str | None = None
    image_licences: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def collect(cls, document: lxml.html.HtmlElement) -> _JsonLd:
        found = cls()
        for script in document.iter("script"):
            if script.get("type", "").strip().lower() != "application/ld+json":
                continue
            try:
                data = json.loads(script.text or "")
            except (ValueError, RecursionError):
                # Broken or absurdly nested JSON-LD is the page's problem; the HTML counts.
                continue
            for node in _nodes(data):
                found._add(node)
        return found

    def _add(self, node: dict[str, Any]) -> None:
        types = node.get("@type")
        types = {types} if isinstance(types, str) else set(types or [])
        licences = _urls(node.get("license"))
        if types & {"ImageObject", "Photograph"}:
            for content_url in _urls(node.get("contentUrl") or node.get("url")):
                self.image_licences.setdefault(content_url, []).extend(licences)
            return
        self.licences.extend(licences)
        author = node.get("author") or node.get("creator")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, str) and not self.author:
            self.author = author.strip() or None
        elif isinstance(author, dict) and not self.author:
            self.author = str(author.get("name") or "").strip() or None
            self.author_url = next(iter(_urls(author.get("url"))), None)
        self.published = self.published or _string(node.get("datePublished"))
        self.modified = self.modified or _string(node.get("dateModified"))
        self.headline = self.headline or _string(node.get("headline"))


def _nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, ``@graph`` members included, to a sane depth
    (real pages nest a few levels; a hostile one must not exhaust the stack)."""
    if depth > _JSON_LD_MAX_DEPTH:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _nodes(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _nodes(data.get("@graph"), depth + 1)


def _urls(value: Any, depth: int = 0) -> list[str]:
    """URL strings from a JSON-LD value: a string, ``{"@id"|"url": …}`` or a list (to the
    same sane depth as :func:`_nodes`)."""
    if depth > _JSON_LD_MAX_DEPTH:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return _urls(value.get("@id") or value.get("url"), depth + 1)
    if isinstance(value, list):
        return [url for entry in value for url in _urls(entry, depth + 1)]
    return []


def _string(value: Any) -> str | None:
    return str(value).strip() or None if isinstance(value, str) else None


# Images ----------------------------------------------------------------------------------

def _images(main: lxml.html.HtmlElement, url: str, metadata: _JsonLd) -> Iterator[PageImage]:
    seen: set[str] = set()
    json_ld = {urljoin(url, key): value for key, value in metadata.image_licences.items()}
    for image in main.iter("img"):
        src = (image.get("src") or image.get("data-src") or "").strip()
        alt = _SPACE_RE.sub(" ", image.get("alt", "")).strip()
        if not src or not alt:
            continue  # no alt text: decorative, or nothing to describe it with
        src = urljoin(url, src)
        if urlsplit(src).scheme not in ("http", "https", "file") or src in seen:
            continue
        seen.add(src)
        figure = next((a for a in image.iterancestors("figure")), None)
        caption = ""
        licences: list[str] = list(json_ld.get(src, []))
        creator = None
        if figure is not None:
            figcaption = figure.find(".//figcaption")
            caption = _text(figcaption) if figcaption is not None else ""
            licences = _licences(figure, url, licences)
            creator = _cc_attribution(figure, url)[0]
        yield PageImage(src=src, alt=alt, caption=caption or image.get("title", "").strip(),
                        licences=licences, creator=creator)
