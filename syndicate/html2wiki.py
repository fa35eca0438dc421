"""HTML to wikitext for imported council pages.

The HTML is untrusted: every text node goes through :func:`syndicate.wikitext.escape_text`
for its context (paragraph, table cell, definition term, link label) and every line through
:func:`~syndicate.wikitext.guard_line`, so nothing a page says can open a template, link,
category, signature, magic word, table or list. The only markup in the output is what this
module writes itself: headings, bold and italic, lists, external and section links,
``<ref>`` footnotes, wikitables, ``<blockquote>``, ``<pre>``, ``<br />``, ``<sup>``/``<sub>``,
``----``, ``[[File:…]]`` for a figure already on the wiki and ``<nowiki>``
(https://www.mediawiki.org/wiki/Help:Formatting).

Links keep or drop their target as :mod:`syndicate.linkpolicy` says. A link to an anchor
in the page becomes a link to that heading's section, a footnote marker (a link to a note
that links back to it) becomes a ``<ref>`` holding the note (:mod:`syndicate.inpage`), and
any other in-page link becomes its text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping

import lxml.html
from lxml import etree

from syndicate.inpage import footnotes, sections
from syndicate.linkpolicy import LinkPolicy, bare_host, localise_anchors
from syndicate.wikitext import escape_pre, escape_text, guard_line, link_target

# Elements whose content is never article text.
_DROPPED = frozenset({
    "script", "style", "form", "iframe", "frame", "frameset", "noscript", "template", "svg",
    "math", "canvas", "object", "embed", "applet", "button", "input", "select", "textarea",
    "img", "picture", "video", "audio", "source", "track", "map", "head", "title", "meta",
    "link", "base", "dialog",
})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = {"ul": "*", "ol": "#", "menu": "*"}
_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "address",
    "details", "summary", "center", "figure", "figcaption", "li", "dl", "dt", "dd", "table",
    "blockquote", "pre", "hr", "body", "html", *_HEADINGS, *_LISTS,
})
_SCRIPTS = frozenset({"sup", "sub"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})
# A file title from our own Commons receipt, still checked: nothing that ends the link.
_FILE_NAME = re.compile(r"File:[^\[\]{}|<>\n#]+")
_IMAGE_OPTION = re.compile(r"[\w-]+")
# Characters that cannot stand in a link target (https://www.mediawiki.org/wiki/Manual:Page_title).
_TITLE_UNSAFE = re.compile(r"[#<>\[\]{}|&~]")
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em", "cite", "dfn", "var"})
_SPACE_RE = re.compile(r"\s+")
_SPAN_RE = re.compile(r"^\d{1,3}$")
_BREAK_RE = re.compile(r" ?<br /> ?")


def html_to_wikitext(html: str, *, base_url: str | None = None,
                     own_hosts: Collection[str] = (),
                     files: Mapping[str, str] | None = None) -> str:
    """Convert an HTML fragment (a page's cleaned main content) to inert wikitext.

    ``base_url`` resolves relative links; ``own_hosts`` are the council's host names whose
    links are kept (the host of ``base_url`` always is); ``files`` maps an image's
    absolute URL to the wiki file it was published as (``File:…``), so its figure shows
    it. Headings are renumbered so the highest level present becomes ``==``.
    """
    files = files or {}
    hosts = {bare_host(h) for h in own_hosts}
    if base_url and (base_host := LinkPolicy(base_url, frozenset()).host()):
        hosts.add(bare_host(base_host))
    root = _parse(html)
    if root is None:
        return ""
    localise_anchors(root, base_url)
    levels = [_HEADINGS[el.tag] for el in root.iter(*_HEADINGS)]
    converter = _Converter(LinkPolicy(base_url, frozenset(hosts)), min(levels, default=2),
                           sections(root), footnotes(root), dict(files))
    return "\n\n".join(converter.blocks(root)).strip()


def _parse(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True, huge_tree=False)
    # Parsing bytes sidesteps lxml's refusal of str input with an encoding declaration.
    fragment: lxml.html.HtmlElement = lxml.html.fragment_fromstring(
        html.encode("utf-8"), create_parent="div", parser=parser)
    return fragment


class _Converter:
    """Walks the tree; block methods return paragraphs, inline methods one line."""

    def __init__(self, links: LinkPolicy, top_level: int, sections: dict[str, str],
                 notes: dict[str, etree._Element], files: dict[str, str]) -> None:
        self.links = links
        self.top_level = top_level
        self.sections = sections  # anchor -> the text of the heading it names
        self.notes = notes        # anchor -> the footnote it names (already detached)
        self.files = files        # image URL -> its file on the wiki
        self.in_table = False      # converting a table cell: | and !! are markup
        self.in_term = False         # converting a ; term: a colon starts the definition

    # Blocks ---------------------------------------------------------------------------

    def blocks(self, element: etree._Element) -> list[str]:
        """The element's content as a list of wikitext blocks (paragraphs, lists, …)."""
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            line = _join_inline(run)
            if line:
                out.append(guard_line(line))
            run.clear()

        run.append(self.text(element.text))
        for child in element:
            tag = _tag(child)
            if tag in _BLOCKS:
                flush()
                out.extend(self.block(child, tag))
            elif tag not in _DROPPED:
                run.append(self.inline(child, frozenset()))
            run.append(self.text(child.tail))
        flush()
        return out

    def block(self, element: etree._Element, tag: str) -> list[str]:
        if tag in _HEADINGS:
            return self.heading(element, _HEADINGS[tag])
        if tag in _LISTS:
            lines = self.list_lines(element, _LISTS[tag])
            return ["\n".join(lines)] if lines else []
        if tag == "dl":
            lines = self.definition_lines(element)
            return ["\n".join(lines)] if lines else []
        if tag == "table":
            return self.table(element)
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(element))
            return [f"<blockquote>\n{inner}\n</blockquote>"] if inner else []
        if tag == "pre":
            text = element.text_content().strip("\n")
            return [f"<pre>{escape_pre(text)}</pre>"] if text.strip() else []
        if tag == "hr":
            return ["----"]
        if tag == "figure":
            return self.figure(element)
        return self.blocks(element)

    def figure(self, element: etree._Element) -> list[str]:
        """A figure becomes its image from the wiki when it was published there (a
        thumbnail with the caption), else its caption in italics: the image goes to
        Commons as its own item, its caption with it."""
        caption = element.find(".//figcaption")
        outer, self.in_table = self.in_table, True  # in [[File:…]] | starts a parameter
        text = self.inline_content(caption, frozenset()) if caption is not None else ""
        self.in_table = outer
        if "=" in text or _IMAGE_OPTION.fullmatch(text):
            text = f"<nowiki/>{text}"  # "left", "200px", "link=…" would be image options
        for image in element.iter("img"):
            name = self.files.get(str(image.get("src", "")).strip())
            if name and _FILE_NAME.fullmatch(name):
                return [f"[[{name}|thumb|{text}]]" if text else f"[[{name}|thumb]]"]
        if caption is None:
            images = any(True for _ in element.iter("img", "picture", "svg"))
            return [] if images else self.blocks(element)
        text = self.inline_content(caption, frozenset({"''"}))
        return [guard_line(f"''{text}''")] if text else []

    def heading(self, element: etree._Element, level: int) -> list[str]:
        text = self.inline_content(element, frozenset())
        if not text:
            return []
        marks = "=" * min(6, max(2, level - self.top_level + 2))
        return [f"{marks} {text} {marks}"]

    def list_lines(self, element: etree._Element, prefix: str) -> list[str]:
        lines: list[str] = []
        for item in element:
            if _tag(item) in _LISTS:  # a list directly inside a list, as some CMSs write
                lines.extend(self.list_lines(item, prefix + _LISTS[_tag(item)]))
            if _tag(item) != "li":
                continue
            run: list[str] = [self.text(item.text)]
            nested: list[str] = []
            for child in item:
                tag = _tag(child)
                if tag in _LISTS:
                    nested.extend(self.list_lines(child, prefix + _LISTS[tag]))
                elif tag not in _DROPPED:
                    run.append(self.inline(child, frozenset()))
                run.append(self.text(child.tail))
            line = _join_inline(run)
            if line:
                lines.append(f"{prefix} {guard_line(line)}")
            lines.extend(nested)
        return lines

    def definition_lines(self, element: etree._Element) -> list[str]:
        lines: list[str] = []
        for child in element:
            tag = _tag(child)
            if tag == "dt":
                self.in_term = True
                text = self.inline_content(child, frozenset())
                self.in_term = False
                if text:  # ": {|" starts a table: guard the text as a line of its own
                    lines.append(f"; {guard_line(text)}")
            elif tag == "dd":
                inner = [d for d in child if _tag(d) == "dl"]
                for nested in inner:  # a list in the definition goes one level deeper
                    child.remove(nested)
                text = self.inline_content(child, frozenset())
                if text:
                    lines.append(f": {guard_line(text)}")
                for nested in inner:
                    lines.extend(":" + line for line in self.definition_lines(nested))
        return lines

    def table(self, element: etree._Element) -> list[str]:
        rows = [row for row in _rows(element) if any(_tag(c) in ("td", "th") for c in row)]
        if not rows:
            return []
        lines = ['{| class="wikitable"']
        caption = element.find("caption")
        if caption is not None and (text := self.inline_content(caption, frozenset())):
            lines.append(f"|+ {text}")
        for row in rows:
            lines.append("|-")
            for cell in row:
                tag = _tag(cell)
                if tag not in ("td", "th"):
                    continue
                text = self.cell(cell)
                mark = "!" if tag == "th" else "|"
                lines.append(f"{mark} {_span_attributes(cell)}{text}".rstrip())
        lines.append("|}")
        return ["\n".join(lines)]

    def cell(self, element: etree._Element) -> str:
        # A cell holds one line here: its blocks are joined by line breaks.
        self.in_table = True
        try:
            return self.inline_content(element, frozenset(), blocks_as_breaks=True)
        finally:
            self.in_table = False

    # Inline ---------------------------------------------------------------------------

    def text(self, text: str | None) -> str:
        """A text node as escaped wikitext, keeping one space at either edge."""
        if not text:
            return ""
        collapsed = _SPACE_RE.sub(" ", text)
        core = collapsed.strip()
        if not core:
            return " "
        lead = " " if collapsed[0] == " " else ""
        trail = " " if collapsed[-1] == " " else ""
        return lead + escape_text(core, table=self.in_table, term=self.in_term) + trail

    def inline_content(self, element: etree._Element, formats: frozenset[str], *,
                       blocks_as_breaks: bool = False, strip: bool = True) -> str:
        """Everything inside ``element`` on one line (block children flattened); with
        ``strip=False`` the spaces at its edges stay for the caller to place."""
        parts = [self.text(element.text)]
        for child in element:
            tag = _tag(child)
            inner = self.inline(child, formats)
            if tag in _BLOCKS and inner:
                # Block children flattened onto the line: apart, or on their own lines.
                gap = "<br />" if blocks_as_breaks and _join_inline(parts) else " "
                inner = f"{gap}{inner} "
            parts.append(inner)
            parts.append(self.text(child.tail))
        return _join_inline(parts, strip=strip)

    def inline(self, element: etree._Element, formats: frozenset[str]) -> str:
        tag = _tag(element)
        if tag in _DROPPED:
            return ""
        if tag == "br":
            return "<br />"
        if tag == "a":
            return self.link(element, formats)
        for group, mark in ((_BOLD, "'''"), (_ITALIC, "''")):
            if tag in group and mark not in formats:
                return _wrap(mark, self.inline_content(element, formats | {mark},
                                                       strip=False))
        if tag in _CODE:
            return _wrap("<code>", self.inline_content(element, formats, strip=False),
                         "</code>")
        if tag in _SCRIPTS:
            inner = self.inline_content(element, formats, strip=False)
            if inner.strip().startswith("<ref>"):
                return inner  # a footnote marker: the <ref> is the superscript
            return _wrap(f"<{tag}>", inner, f"</{tag}>")
        return self.inline_content(element, formats, strip=False)

    def link(self, element: etree._Element, formats: frozenset[str]) -> str:
        label = _SPACE_RE.sub(" ", element.text_content()).strip()
        href = element.get("href", "").strip()
        anchor = href[1:] if href.startswith("#") else ""
        if anchor in self.notes:
            note = self.notes.pop(anchor)  # cited once; a second marker shows its text
            text = " ".join(self.blocks(note)).replace("\n", " ")
            return f"<ref>{text}</ref>" if text else ""
        section = self.sections.get(anchor, "")
        if label and section and not _TITLE_UNSAFE.search(section) and \
                escape_text(section) == section:
            # A heading that needs no escaping is a valid link target; another is text.
            inner = self.inline_content(element, formats, strip=False)
            return _wrap("[[", f"#{section}|{escape_text(label, table=self.in_table)}", "]]",
                         edges=inner)
        url = link_target(self.links.resolve(href) or "")
        inner = self.inline_content(element, formats, strip=False)
        if url is None or not label:
            return inner
        return _wrap("[", f"{url} {escape_text(label, table=self.in_table, label=True)}", "]",
                     edges=inner)


def _tag(element: etree._Element) -> str:
    # Comments and processing instructions have a function as their tag.
    return element.tag.lower() if isinstance(element.tag, str) else "#other"


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if _tag(row) == "tr")


def _span_attributes(cell: etree._Element) -> str:
    values = {name: cell.get(name, "").strip() for name in ("colspan", "rowspan")}
    attributes = [f'{name}="{value}"' for name, value in values.items()
                  if _SPAN_RE.match(value)]
    return " ".join(attributes) + " | " if attributes else ""


def _wrap(mark: str, inner: str, close: str | None = None, *,
          edges: str | None = None) -> str:
    """``mark + inner + close`` with the edge spaces of ``edges`` (default ``inner``) moved
    outside, so the marks hug the text: ``<b>Tel: </b>0151`` keeps its space."""
    edges = inner if edges is None else edges
    core = inner.strip()
    if not core:
        return inner
    lead = " " if edges[:1] == " " else ""
    trail = " " if edges[-1:] == " " else ""
    return f"{lead}{mark}{core}{mark if close is None else close}{trail}"


def _join_inline(parts: list[str], *, strip: bool = True) -> str:
    """Join inline pieces into one line: single spaces, no edge spaces, and never two
    runs of apostrophe markup touching (``'''a''''''b'''`` would be misread)."""
    line = ""
    for part in parts:
        if not part:
            continue
        if line.endswith("'") and part.startswith("'"):
            line += "<nowiki/>"
        line += part
    line = _BREAK_RE.sub("<br />", _SPACE_RE.sub(" ", line))
    return line.strip() if strip else line
