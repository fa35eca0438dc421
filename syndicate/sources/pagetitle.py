"""A web page's own title: what the page calls itself, not its site's banner.

In order: ``og:title``; the headline the page marks up (schema.org ``headline`` in
microdata or JSON-LD, Dublin Core ``dc:title`` in RDFa); the ``<h1>`` that the ``<title>``
agrees with (sites put a banner or a section name in an ``<h1>`` too — "Welcome to Leisure
and Culture", "Blogs" — but the ``<title>`` names the page); the ``<title>`` without the
site's name; and only then the article's first ``<h1>``.
"""

from __future__ import annotations

import re

import lxml.html

from syndicate.boilerplate import text

_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|»)\s+")
_ORGANISATION_WORDS = re.compile(
    r"\b(?:council|borough|county|district|city of|authority|gov\.uk|parish)\b",
    re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
_HEADLINES = (".//*[@itemprop='headline']", ".//*[contains(concat(' ', @property, ' '), "
              "' dc:title ') or contains(concat(' ', @property, ' '), ' dcterms:title ')]")


def page_title(document: lxml.html.HtmlElement, region: lxml.html.HtmlElement,
               headline: str | None = None) -> str:
    """The title of ``document`` whose article is ``region``; ``headline`` is what its
    JSON-LD calls it, if anything."""
    site_name = meta(document, "og:site_name")
    if og_title := meta(document, "og:title"):
        return strip_site_name(og_title, site_name)
    if marked := headline or _marked_headline(document):
        return marked
    element = document.find(".//title")
    title = text(element) if element is not None else ""
    if title:
        for heading in document.iter("h1"):
            words = text(heading)
            if words and words.casefold() in title.casefold():
                return words
        return strip_site_name(title, site_name)
    return next((words for heading in (*region.iter("h1"), *document.iter("h1"))
                 if (words := text(heading))), "")


def strip_site_name(title: str, site_name: str | None) -> str:
    """``Bin collections | Example Council`` → ``Bin collections``."""
    parts = _SEPARATORS.split(title)
    while len(parts) > 1 and (
            (site_name and parts[-1].casefold() == site_name.casefold())
            or _ORGANISATION_WORDS.search(parts[-1])):
        parts.pop()
    return " | ".join(parts) if len(parts) > 1 else parts[0]


def meta(document: lxml.html.HtmlElement, *names: str) -> str | None:
    """The content of the first ``<meta name=…>`` / ``<meta property=…>`` found."""
    for name in names:
        for element in document.iter("meta"):
            keys = {element.get("name", "").lower(), element.get("property", "").lower()}
            if name in keys and (content := _SPACE_RE.sub(" ", element.get("content", ""))):
                return content.strip() or None
    return None


def _marked_headline(document: lxml.html.HtmlElement) -> str | None:
    for path in _HEADLINES:
        for element in document.xpath(path):
            if element.tag not in ("meta", "title") and (words := text(element)):
                return str(words)
    return None
