"""Reading one council web page: its main content and what it says about itself.

:func:`read_page` finds the main region (``<main>``, ``[role=main]``, ``<article>``, else
the block holding the most paragraph text), strips what is not the article (navigation,
banners, cookie notices, skip links, asides, forms, scripts), and collects the page's
metadata: title, description, creator, dates, images with alt text and declared licences
(``rel=license`` links, ccREL RDFa, schema.org JSON-LD; docs/metadata.md, "Pages").

The cleaned HTML is for conversion (wikitext, feeds), not a sanitiser for embedding pages
in other sites (docs/security.md, "HTML").
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from syndicate.errors import InputError

# Whole elements that are never the article.
_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style",
                     "noscript", "template", "iframe", "button", "dialog", "object",
                     "embed", "svg", "select", "textarea", "input")
_BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary",
                                "search", "dialog", "alertdialog", "menu", "menubar",
                                "toolbar"})
# Class/id words that mark cookie notices, skip links and site furniture.
_BOILERPLATE_WORDS = re.compile(
    r"(?:^|[-_])(?:cookies?|consent|gdpr|skip|skiplink|breadcrumbs?|share|sharing|social|"
    r"newsletter|sidebar|advert|adverts|promo|feedback|pagination|print|banner|masthead|"
    r"site-?header|site-?footer|related)(?:$|[-_])", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|»)\s+")
_ORGANISATION_WORDS = re.compile(
    r"\b(?:council|borough|county|district|city of|authority|gov\.uk|parish)\b",
    re.IGNORECASE)
_LICENCE_RELS = frozenset({"license", "cc:license", "dct:license", "dcterms:license",
                           "xhv:license"})
_SPACE_RE = re.compile(r"\s+")
_DESCRIPTION_LIMIT = 300


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


def read_page(content: bytes, url: str, *, encoding: str | None = None) -> Page:
    """Parse an HTML document fetched from (or standing for) ``url``.

    ``encoding`` is the charset from the Content-Type header, if any; otherwise the
    document's own ``<meta charset>`` decides. Raises :class:`InputError` naming ``url``
    when the bytes are not a usable HTML document.
    """
    document = _parse(content, url, encoding)
    metadata = _JsonLd.collect(document)
    region = _main_region(document)
    title = _title(document, region)
    main = _clean(copy.deepcopy(region))
    main.tail = None
    _drop_title_heading(main, title)
    main.make_links_absolute(_base_url(document, url), resolve_base_href=False,
                             handle_failures="discard")
    cc_name, cc_url = _cc_attribution(document, url)
    return Page(
        url=url, title=title,
        description=_meta(document, "description", "og:description") or _first_paragraph(main),
        content_html=lxml.html.tostring(main, encoding="unicode"),
        licences=_licences(document, url, metadata.licences),
        creator=_meta(document, "author") or metadata.author or cc_name,
        creator_url=metadata.author_url or cc_url,
        date=metadata.published or _meta(document, "article:published_time"),
        modified=metadata.modified or _meta(document, "article:modified_time"),
        canonical=_canonical(document, url),
        images=list(_images(main, url, metadata)),
    )


def _parse(content: bytes, url: str, encoding: str | None) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(encoding=encoding, remove_comments=True, remove_pis=True,
                                  no_network=True, huge_tree=False)
    try:
        document = lxml.html.document_fromstring(content, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError) as error:
        raise InputError(f"{url}: not a readable HTML page ({error}); check the URL "
                         "points at a web page") from None
    if document is None or document.find("body") is None:
        raise InputError(f"{url}: not a readable HTML page (no <body>); check the URL "
                         "points at a web page")
    return document


# The main region -------------------------------------------------------------------------

def _main_region(document: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for path in ("//main", "//*[@role='main']", "//article"):
        found = document.xpath(path)
        if found:
            return max(found, key=lambda el: len(_text(el)))
    return _densest_block(document)


def _densest_block(document: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the most paragraph text, outside the page's furniture: each
    paragraph scores its text length for its parent and half for its grandparent."""
    body = _clean(copy.deepcopy(document.find("body")))
    scores: dict[Any, float] = {}
    for paragraph in body.iter("p", "li", "td", "pre", "blockquote"):
        length = len(_text(paragraph))
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0) + length / 2
    if not scores:
        return body
    return max(scores, key=lambda el: scores[el])


def _clean(region: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Remove navigation, banners, cookie notices, skip links and scripts from a copy."""
    doomed = [el for el in region.iter() if el is not region and _is_boilerplate(el)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    for element in region.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            value = element.attrib[name].strip().lower()
            if name.lower().startswith("on") or name.lower() == "style" or (
                    name.lower() in ("href", "src") and value.startswith(
                        ("javascript:", "data:", "vbscript:"))):
                del element.attrib[name]
    return region


def _is_boilerplate(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return True
    if element.tag in _BOILERPLATE_TAGS:
        return True
    if element.get("role", "").strip().lower() in _BOILERPLATE_ROLES:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(element.get("style", "")):
        return True
    if element.tag == "a" and element.get("href", "").startswith("#") and \
            _text(element).lower().startswith("skip"):
        return True
    words = " ".join((element.get("class", ""), element.get("id", ""))).split()
    return any(_BOILERPLATE_WORDS.search(word) for word in words)


def _drop_title_heading(main: lxml.html.HtmlElement, title: str) -> None:
    """The page title becomes the draft's title; repeating it as a heading is noise."""
    for heading in main.iter("h1"):
        if _text(heading).casefold() == title.casefold():
            heading.drop_tree()
        return


# Metadata --------------------------------------------------------------------------------

def _title(document: lxml.html.HtmlElement, main: lxml.html.HtmlElement) -> str:
    site_name = _meta(document, "og:site_name")
    og_title = _meta(document, "og:title")
    if og_title:
        return _strip_site_name(og_title, site_name)
    for heading in (*main.iter("h1"), *document.iter("h1")):
        if text := _text(heading):
            return text
    title = document.find(".//title")
    return _strip_site_name(_text(title), site_name) if title is not None else ""


def _strip_site_name(title: str, site_name: str | None) -> str:
    """``Bin collections | Example Council`` → ``Bin collections``."""
    parts = _TITLE_SEPARATORS.split(title)
    while len(parts) > 1 and (
            (site_name and parts[-1].casefold() == site_name.casefold())
            or _ORGANISATION_WORDS.search(parts[-1])):
        parts.pop()
    return " | ".join(parts) if len(parts) > 1 else parts[0]


def _meta(document: lxml.html.HtmlElement, *names: str) -> str | None:
    """The content of the first ``<meta name=…>`` / ``<meta property=…>`` found."""
    for name in names:
        for meta in document.iter("meta"):
            keys = {meta.get("name", "").lower(), meta.get("property", "").lower()}
            if name in keys and (content := _SPACE_RE.sub(" ", meta.get("content", ""))):
                return content.strip() or None
    return None


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
    the figure's, not the page's."""
    for element in scope.iter():
        if not isinstance(element.tag, str):
            continue
        if not _inside_figure(element, scope):
            yield element


def _inside_figure(element: lxml.html.HtmlElement, scope: lxml.html.HtmlElement) -> bool:
    """Whether a ``<figure>`` lies between ``element`` and ``scope`` (inclusive of the
    element, exclusive of the scope)."""
    for node in (element, *element.iterancestors()):
        if node is scope:
            return False
        if node.tag == "figure":
            return True
    return False


@dataclass
class _JsonLd:
    """What a page's schema.org JSON-LD says: the page's own node, and image nodes."""

    licences: list[str] = field(default_factory=list)
    author: str | None = None
    author_url: str | None = None
    published: str | None = None
    modified: str | None = None
    image_licences: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def collect(cls, document: lxml.html.HtmlElement) -> _JsonLd:
        found = cls()
        for script in document.iter("script"):
            if script.get("type", "").strip().lower() != "application/ld+json":
                continue
            try:
                data = json.loads(script.text or "")
            except ValueError:
                continue  # broken JSON-LD is the page's problem; the HTML still counts
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


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, ``@graph`` members included."""
    if isinstance(data, list):
        for entry in data:
            yield from _nodes(entry)
    elif isinstance(data, dict):
        yield data
        yield from _nodes(data.get("@graph"))


def _urls(value: Any) -> list[str]:
    """URL strings from a JSON-LD value: a string, ``{"@id"|"url": …}`` or a list."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return _urls(value.get("@id") or value.get("url"))
    if isinstance(value, list):
        return [url for entry in value for url in _urls(entry)]
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


def _text(element: lxml.html.HtmlElement | None) -> str:
    if element is None:
        return ""
    return _SPACE_RE.sub(" ", element.text_content()).strip()
