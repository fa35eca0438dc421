"""Finding the article on a web page.

What the page says about itself comes first, then the shape of its text, then a library:

1. a CSS selector the council configured for its CMS (``content_selector:``);
2. schema.org ``articleBody`` (microdata);
3. the page's ``<main>`` / ``role=main`` and, inside it, the one ``<article>`` holding most
   of its text. A region made of several teasers of which none dominates (an organisation's
   home page, a news index) is no article: the page's own description is looked for in it,
   and the section holding that is the article;
4. from there down, the block holding nearly all of the region's prose: text outside links
   counts, link text does not, so a navigation list never outweighs an article
   written in bare ``<div>``s and ``<br>``s, and an ASP.NET ``<form>`` or a table layout
   around the whole page is descended through, not thrown away;
5. when nothing dominates (the page's prose is split between blocks), trafilatura's
   extraction — the strongest open-source extractor in published benchmarks — is located
   in the page and the block holding it is the article.

When no region can be chosen with confidence — a content_selector that matches nothing, a
page of teasers without its description, a region that is mostly linked headlines with
summaries (an index), almost no text — the :class:`Choice` says so (and why), so the pages
source can report ``pages.no-article`` instead of offering the wrong text as a draft.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass

import lxml.html
from lxml import etree

from syndicate.boilerplate import (
    HEADINGS,
    link_words,
    strip_furniture,
    strip_invisible,
    text,
    words,
)

# The tags a region may narrow into: containers, never a paragraph or a list.
_CONTAINERS = frozenset({"div", "section", "article", "main", "form", "table", "tbody",
                         "thead", "tr", "td", "th", "center", "font", "span", "body"})
# Link text is not prose: menus, related links and teaser lists weigh nothing.
_LINK_WEIGHT = 0.0
# A child holding this share of its parent's prose is where the article is.
_DOMINANT = 0.7
# An <article> holding this share of the main region is the article; with this many
# <article>s and none dominant, the region is a page of teasers.
_ARTICLE_SHARE = 0.5
_TEASERS = 3
# An article this short is no article (a title and a date, an empty template).
_MIN_WORDS = 5
# Narrowing that kept this share of the page's prose, split between at least two blocks
# of this share each, has not found the article.
_WHOLE_PAGE = 0.95
_SPLIT = 0.2
# The share of trafilatura's words a block must hold to stand for its extraction.
_LIBRARY_COVER = 0.8
_DESCRIPTION_MIN_WORDS = 6
# Choices the page or the council made explicitly: never second-guessed as a teaser list.
_TRUSTED = frozenset({"content_selector", "articleBody", "description"})
# A teaser's summary has at least this many words; teasers holding this share of a region
# make it an index, not an article.
_SUMMARY_MIN_WORDS = 5
_TEASER_SHARE = 0.6
_TOKEN_RE = re.compile(r"[^\W_]+")


@dataclass
class Choice:
    """The article region of a page (a cleaned copy) and how it was chosen."""

    region: lxml.html.HtmlElement
    #: content_selector, articleBody, article, main, description, density or library
    how: str
    confident: bool = True
    reason: str = ""


def choose_article(document: lxml.html.HtmlElement, *, selector: str | None = None,
                   description: str | None = None) -> Choice:
    """The article of ``document`` (left untouched), cleaned of site furniture."""
    body = copy.deepcopy(document.find("body"))
    strip_invisible(body)
    choice = _choose(body, selector, description)
    strip_furniture(choice.region)
    if choice.confident and words(choice.region) < _MIN_WORDS:
        choice.confident = False
        choice.reason = f"the chosen region ({choice.how}) holds almost no text"
    elif choice.confident and choice.how not in _TRUSTED and _teaser_list(choice.region):
        choice.confident = False
        choice.reason = ("the page is a list of teasers (linked headlines, each with a "
                         "summary), an index of other pages rather than an article")
    return choice


def _teaser_list(region: lxml.html.HtmlElement) -> bool:
    """Whether most of the region is teasers: blocks whose headline is one link to another
    page, followed by a summary."""
    teasers = []
    for heading in region.iter(*HEADINGS):
        links = [a for a in heading.iter("a")
                 if a.get("href", "").strip() and not a.get("href", "").startswith("#")]
        if len(links) != 1 or text(links[0]) != text(heading):
            continue
        block = heading.getparent()
        if block is None or block is region:
            continue
        summary = words(block) - words(heading) - link_words(block) + words(links[0])
        if summary >= _SUMMARY_MIN_WORDS:
            teasers.append(block)
    share = sum(words(block) for block in _outermost(teasers)) / max(1, words(region))
    return len(teasers) >= _TEASERS + 1 and share >= _TEASER_SHARE


def _choose(body: lxml.html.HtmlElement, selector: str | None,
            description: str | None) -> Choice:
    if selector:
        found = _selected(body, selector)
        if found is None:
            return Choice(body, "content_selector", False,
                          f"content_selector {selector!r} matches nothing on this page; "
                          "the site's template may have changed")
        return Choice(found, "content_selector")
    marked = body.xpath(".//*[@itemprop='articleBody']")
    if marked:
        return Choice(_largest(marked), "articleBody")
    scope, how = _scope(body)
    articles = _outermost(scope.xpath(".//article"))
    if articles:
        largest = _largest(articles)
        if _weight(largest) >= _ARTICLE_SHARE * _weight(scope):
            return Choice(_narrow(largest), "article")
        if len(articles) >= _TEASERS:
            return _teasers(scope, description)
    region = _narrow(scope)
    if how == "main" or not _undecided(region, body):
        return Choice(region, how)
    return _library(body)


def _undecided(region: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> bool:
    """Whether narrowing left (a wrapper of) the whole page, its prose split between
    blocks of which none dominates: the page's structure does not say where the article
    is."""
    weights = _weights(body)
    total = weights.get(body, 0.0)
    if weights.get(region, 0.0) < _WHOLE_PAGE * total:
        return False
    shares = [weights.get(child, 0.0) for child in region if isinstance(child.tag, str)]
    return sum(share >= _SPLIT * weights.get(region, 0.0) for share in shares) >= 2


def _selected(body: lxml.html.HtmlElement, selector: str) -> lxml.html.HtmlElement | None:
    """The selector's matches: one element, or several gathered in page order."""
    matches = _outermost(body.cssselect(selector))
    if not matches:
        return None
    if len(matches) == 1:
        return matches[0]
    gathered = lxml.html.Element("div")
    gathered.extend(copy.deepcopy(match) for match in matches)
    for match in gathered:
        match.tail = None
    return gathered


def _scope(body: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement, str]:
    mains = [el for el in body.xpath(".//main|.//*[@role='main']") if words(el) >= _MIN_WORDS]
    if mains:
        return _largest(mains), "main"
    return body, "density"


def _teasers(scope: lxml.html.HtmlElement, description: str | None) -> Choice:
    """A page of teasers: the section holding the page's description of itself."""
    found = _holding(scope, description) if description else None
    if found is None:
        return Choice(scope, "description", False,
                      "the page is a set of teasers (several <article>s, none holding most "
                      "of the text) and none of them is its own description")
    while (parent := found.getparent()) is not None and parent is not scope and \
            words(parent) <= max(2 * words(found), words(found) + 20):
        found = parent
    return Choice(found, "description")


def _holding(scope: lxml.html.HtmlElement, sentence: str) -> lxml.html.HtmlElement | None:
    """The innermost element whose text contains ``sentence``."""
    wanted = " ".join(_TOKEN_RE.findall(sentence.lower()))
    if len(wanted.split()) < _DESCRIPTION_MIN_WORDS:
        return None
    def holds(element: etree._Element) -> bool:
        return wanted in " ".join(_TOKEN_RE.findall(text(element).lower()))

    if not holds(scope):
        return None
    found = scope
    while (inner := next((c for c in found.iterchildren(etree.Element) if holds(c)),
                         None)) is not None:
        found = inner
    return found


def _library(body: lxml.html.HtmlElement) -> Choice:
    """trafilatura's extraction, located in the page: the innermost block holding it."""
    import trafilatura

    html = lxml.html.tostring(body, encoding="unicode")
    extracted = trafilatura.extract(html, include_tables=True,
                                    include_comments=False) or ""
    wanted = Counter(_TOKEN_RE.findall(extracted.lower()))
    if sum(wanted.values()) < _MIN_WORDS:
        return Choice(body, "library", False, "no block of the page holds most of its "
                      "text and trafilatura finds no article in it either")
    need = _LIBRARY_COVER * sum(wanted.values())
    region = body
    while True:
        inner = [child for child in region if _covered(child, wanted) >= need]
        if not inner:
            return Choice(region, "library")
        region = inner[0]


def _covered(element: etree._Element, wanted: Counter[str]) -> int:
    return sum((Counter(_TOKEN_RE.findall(text(element).lower())) & wanted).values())


def _narrow(region: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The innermost container holding nearly all of ``region``'s prose."""
    weights = _weights(region)
    current = region
    while True:
        children = [c for c in current if isinstance(c.tag, str) and c.tag in _CONTAINERS]
        if not children:
            return current
        best = max(children, key=lambda c: weights.get(c, 0.0))
        if weights.get(best, 0.0) < _DOMINANT * weights.get(current, 0.0) or \
                weights.get(best, 0.0) == 0:
            return current
        current = best


def _weights(root: etree._Element) -> dict[etree._Element, float]:
    """Each element's prose: its words outside links."""
    in_link = {el for a in root.iter("a") for el in a.iter()}
    weights: dict[etree._Element, float] = {}
    for element in reversed(list(root.iter(etree.Element))):
        own = len((element.text or "").split()) + sum(len((c.tail or "").split())
                                                    for c in element)
        factor = _LINK_WEIGHT if element in in_link else 1.0
        weights[element] = own * factor + sum(weights.get(c, 0.0) for c in element)
    return weights


def _weight(element: etree._Element) -> float:
    return _weights(element).get(element, 0.0)


def _largest(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    return max(elements, key=words)


def _outermost(elements: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """Drop the elements that lie inside another of the list."""
    ids = {id(el) for el in elements}
    return [el for el in elements if not any(id(a) in ids for a in el.iterancestors())]
