"""In-page links in an article: which anchors name a section, which name a footnote.

A link to ``#anchor`` means something only inside the page. :func:`sections` maps the
anchors of headings to their text (the draft links the section instead), and
:func:`footnotes` finds notes that link back to their marker (the draft cites them as
``<ref>`` where they are marked).
"""

from __future__ import annotations

import re

from lxml import etree

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SPACE_RE = re.compile(r"\s+")


def sections(root: etree._Element) -> dict[str, str]:
    """Anchors naming a heading (its id, or an anchor inside it) -> the heading's text."""
    found: dict[str, str] = {}
    for heading in root.iter(*HEADINGS):
        text = _SPACE_RE.sub(" ", heading.text_content()).strip()
        for element in heading.iter():
            for name in ("id", "name"):
                if text and (anchor := element.get(name)):
                    found.setdefault(anchor, text)
    return found


def footnotes(root: etree._Element) -> dict[str, etree._Element]:
    """Footnotes: elements with an id that an in-page link points at and that link back
    to that link (or its ``<sup>``). They are taken out of the tree here and become
    ``<ref>`` where they are cited; their back links are dropped."""
    targets = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str)
               and el.get("id")}
    notes: dict[str, etree._Element] = {}
    for marker in root.iter("a"):
        anchor = marker.get("href", "").strip()[1:]
        note = targets.get(anchor) if marker.get("href", "").startswith("#") else None
        if note is None or note.tag in HEADINGS or note.tag == "a":
            continue
        own = {marker.get("id"), *(p.get("id") for p in marker.iterancestors("sup"))}
        backs = [a for a in note.iter("a")
                 if a.get("href", "").startswith("#") and a.get("href", "")[1:] in own - {None}]
        if backs:
            for back in backs:
                back.drop_tree()
            notes[anchor] = note
    for note in notes.values():
        container = note.getparent()
        note.drop_tree()
        while container is not None and container is not root and \
                not _SPACE_RE.sub("", container.text_content()):
            parent = container.getparent()
            container.drop_tree()  # the emptied footnotes list and its wrapper
            container = parent
    return notes
