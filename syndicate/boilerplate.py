"""Telling a page's furniture from its article, element by element.

Two jobs, both on lxml trees:

* :func:`strip_invisible` removes what a reader never sees (scripts, styles, hidden
  elements, form controls) and turns a read-only ``<textarea>`` (ASP.NET sites show record
  text in one) into the paragraph it reads as;
* :func:`strip_furniture` removes navigation, banners, cookie notices, skip links, share
  buttons, in-page contents lists and blocks the template repeats, from inside the region
  chosen as the article.

A rule based on a word in an element's class or id alone never removes a heading (GOV.UK
derives heading ids from their text: "Cookies we use" is content) nor an element holding
the region's headings or most of its text (an ASP.NET ``<form>`` or a ``site-content``
wrapper around the whole article).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import lxml.html
from lxml import etree

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Never text a reader sees.
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "button",
                             "dialog", "object", "embed", "svg", "select", "input", "option",
                             "datalist", "canvas", "map", "head", "link", "meta",
                             "label"})  # a label names a form control, dropped too
# Site furniture by its element or role; kept when it holds the article (see the guard).
_FURNITURE_TAGS = frozenset({"nav", "header", "footer"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary",
                              "search", "dialog", "alertdialog", "menu", "menubar",
                              "toolbar"})
# Class/id words that mark cookie notices, skip links, share buttons and page metadata.
# "social" only where it means the share buttons (not "social-care"), "hidden" not in the
# responsive "hidden-xs" (shown on other screens).
_FURNITURE_WORDS = re.compile(
    r"(?:^|[-_])social(?:[-_]?(?:media|links?|icons?|share|sharing|buttons?|networks?))?$|"
    r"(?:^|[-_])(?:cookies?|consent|gdpr|skip|skiplink|breadcrumbs?|share|sharing|"
    r"newsletter|sidebar|advert|adverts|promo|feedback|pagination|print|banner|masthead|"
    r"site-?header|site-?footer|related|metadata|meta|byline|js-hidden|visually-hidden|"
    r"sr-only|hidden(?!-(?:xs|sm|md|lg|xl)))(?:$|[-_])", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
# Notices about the reader's browser or a missing plugin (shown in place of a chart or a
# script's work) and the offer of a file in another format that UK public-sector sites put
# beside each attachment: never the article's text.
_BROWSER_NOTICE = re.compile(
    r"flash player|enable javascript|javascript (?:is )?(?:disabled|required|turned off)|"
    r"your browser does not support|upgrade your browser|"
    r"not be suitable for users of assistive technology|"
    r"request (?:an? )?(?:different|accessible|alternative) format", re.IGNORECASE)
_NOTICE_MAX_WORDS = 60
_DATELINE_MAX_WORDS = 8
# A block with a link, of at least this many words, that the page repeats this often is
# its template ("This file may not be suitable for users of assistive technology…").
_REPEAT_MIN_WORDS = 8
_REPEAT_MIN_COUNT = 3
_REPEAT_MAX_WORDS = 200
# A guarded element holding this share of the region's words is the article, not furniture.
_MOST_TEXT = 0.5
_LINK_DENSE = 0.5


def strip_invisible(root: lxml.html.HtmlElement) -> None:
    """Remove (in place) what is never shown, blocks the template repeats and browser
    notices, and unwrap read-only text areas."""
    doomed = []
    for element in root.iter(etree.Element):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "textarea":
            _textarea_as_paragraph(element)
        elif tag in _INVISIBLE_TAGS or _hidden(element):
            doomed.append(element)
    drop(doomed)
    drop(_repeated_blocks(root, Counts(root)))
    counts = Counts(root)
    drop(el for el in root.iter("div", "p", "span")
         if counts.words(el) <= _NOTICE_MAX_WORDS and _BROWSER_NOTICE.search(text(el)))


def strip_furniture(region: lxml.html.HtmlElement) -> None:
    """Remove (in place) the site furniture found inside ``region``."""
    total = max(1, words(region))
    headings = heading_count(region)
    doomed = [element for element in region.iter(etree.Element)
              if element is not region and _is_furniture(element, total, headings)]
    drop(doomed)
    drop(_contents_lists(region, Counts(region)))
    drop(_datelines(region, Counts(region)))


def drop(elements: Iterable[lxml.html.HtmlElement]) -> None:
    """Remove elements (keeping their tails), skipping those already removed with a parent."""
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


class Counts:
    """Words and link words of every element under a root, counted once bottom-up: the
    rules ask for them of every block, and asking the tree each time is quadratic on
    deeply nested pages. Stale once the tree changes; count again then."""

    def __init__(self, root: etree._Element) -> None:
        self._words: dict[etree._Element, int] = {}
        self._links: dict[etree._Element, int] = {}
        for element in reversed(list(root.iter(etree.Element))):
            own = len((element.text or "").split()) + sum(
                len((child.tail or "").split()) for child in element)
            total = own + sum(self._words.get(child, 0) for child in element)
            self._words[element] = total
            self._links[element] = total if element.tag == "a" else sum(
                self._links.get(child, 0) for child in element)

    def words(self, element: etree._Element) -> int:
        return self._words.get(element, 0)

    def link_words(self, element: etree._Element) -> int:
        return self._links.get(element, 0)


def words(element: etree._Element) -> int:
    return len(element.text_content().split())


def link_words(element: etree._Element) -> int:
    return sum(words(link) for link in element.iter("a"))


def heading_count(element: etree._Element) -> int:
    return sum(1 for _ in element.iter(*HEADINGS))


def _is_furniture(element: lxml.html.HtmlElement, total: int, headings: int) -> bool:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in HEADINGS:
        return False  # a heading is content whatever its id says
    if tag == "a" and element.get("href", "").startswith("#") and \
            text(element).lower().startswith("skip"):
        return True
    if tag == "aside" and _link_dense(element):
        # Inside the article an aside is a pull quote or key figures, unless it is links.
        return True
    role = element.get("role", "").strip().lower()
    names = " ".join((element.get("class", ""), element.get("id", ""))).split()
    marked = tag in _FURNITURE_TAGS or role in _FURNITURE_ROLES or any(
        _FURNITURE_WORDS.search(name) for name in names)
    return marked and not any(_holds_article(element, total, headings))


def _holds_article(element: etree._Element, total: int, headings: int) -> tuple[bool, bool]:
    """(holds most of the region's text, holds some of its section headings)."""
    mine = sum(1 for h in element.iter(*HEADINGS) if h.tag != "h1")
    most_text = words(element) >= _MOST_TEXT * total
    return most_text, mine > 0 and mine * 2 >= headings


def _link_dense(element: etree._Element) -> bool:
    return link_words(element) > _LINK_DENSE * max(1, words(element))


def _hidden(element: lxml.html.HtmlElement) -> bool:
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or bool(_HIDDEN_STYLE.search(element.get("style", ""))))


def _textarea_as_paragraph(element: lxml.html.HtmlElement) -> None:
    """A read-only text area is text the page shows; an editable one is a form field."""
    if element.get("readonly") is None and element.get("disabled") is None:
        element.text = ""
    element.tag = "p"
    for name in list(element.attrib):
        del element.attrib[name]


def _contents_lists(region: lxml.html.HtmlElement,
                    counts: Counts) -> list[lxml.html.HtmlElement]:
    """Lists (or paragraphs of links) that jump within the page: a table of contents, not
    content. Most of their links start with ``#`` and their text is mostly those links."""
    found = []
    for block in region.iter("ul", "ol", "p", "div"):
        if block is region:
            continue
        if counts.link_words(block) < 0.8 * counts.words(block):
            continue
        links = list(block.iter("a"))
        local = sum(1 for a in links if a.get("href", "").strip().startswith("#"))
        if len(links) >= 2 and local >= 0.8 * len(links):
            found.append(block)
    return found


def _datelines(region: lxml.html.HtmlElement,
               counts: Counts) -> list[lxml.html.HtmlElement]:
    """Short blocks that are mostly a ``<time>``: a listing's or a post's date line
    ("30 September 2016 · Guidance", "Posted <time>…</time>"), which is metadata the item
    carries separately, not the article's text."""
    found = []
    for block in region.iter("ul", "ol", "p", "div", "dl", "span"):
        size = counts.words(block)
        if block is region or not 0 < size <= _DATELINE_MAX_WORDS:
            continue
        stamps = sum(counts.words(stamp) for stamp in block.iter("time"))
        if stamps * 2 >= size and block.find(".//a") is None:
            found.append(block)
    return found


def _repeated_blocks(region: lxml.html.HtmlElement,
                     counts: Counts) -> list[lxml.html.HtmlElement]:
    """Blocks whose text the page repeats (the outermost of each repeated text)."""
    # A wrapper and the one block inside it are one occurrence, not two; a template's
    # notice is short.
    blocks = [el for el in region.iter("div", "p", "section", "aside", "span")
              if _REPEAT_MIN_WORDS <= counts.words(el) <= _REPEAT_MAX_WORDS
              and (el.getparent() is None
                   or counts.words(el.getparent()) != counts.words(el))]
    seen = Counter(text(el) for el in blocks)
    # With a link in it ("email us for another format"): the same description under
    # three headings is the author's, a repeated offer with a link is the template's.
    return [el for el in blocks if seen[text(el)] >= _REPEAT_MIN_COUNT
            and el.find(".//a") is not None]


def text(element: etree._Element | None) -> str:
    """An element's text with whitespace collapsed."""
    if element is None:
        return ""
    return _SPACE_RE.sub(" ", element.text_content()).strip()
