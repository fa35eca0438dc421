"""An article's HTML as plain text, one block (paragraph, heading, list item, table row)
per line: what a web team reads to see what syndicate takes from a page."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2",
    "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
    "tfoot", "tr", "caption", "blockquote", "pre", "br", "hr", "form", "fieldset", "figure",
    "figcaption", "address", "details", "summary", "body", "html",
})
_CELLS = frozenset({"td", "th"})
_SPACE_RE = re.compile(r"[^\S\n]+")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: blocks on their own lines, cells joined by `` | ``."""
    if not html.strip():
        return ""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)
    root = lxml.html.fragment_fromstring(html.encode("utf-8"), create_parent="div",
                                         parser=parser)
    parts: list[str] = []
    _walk(root, parts)
    lines = (_SPACE_RE.sub(" ", line.replace("\xa0", " ")).strip(" |")
             for line in "".join(parts).split("\n"))
    return "\n".join(line.strip() for line in lines if line.strip())


def _walk(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in ("script", "style", "noscript", "template") or not tag:
        parts.append(element.tail or "")
        return
    block = tag in _BLOCKS
    parts.append("\n" if block else " | " if tag in _CELLS else "")
    parts.append(element.text or "")
    for child in element:
        _walk(child, parts)
    parts.append("\n" if block else "")
    parts.append(element.tail or "")
