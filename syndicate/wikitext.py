"""Making untrusted text inert in wikitext.

Anything a council's feed, page or sidecar says may contain ``|``, ``}}``,
``[[Category:…]]``, ``{{subst:…}}``, ``~~~~``, ``__NOTOC__`` or line-start markup, each of
which would change a wiki page. We replace every such character by its numeric character
reference, which MediaWiki renders as the character but never parses as markup
(docs/security.md, "Wikitext"; https://www.mediawiki.org/wiki/Help:Formatting).
"""

from __future__ import annotations

import re

# Characters that open or close markup anywhere in a line.
_INLINE = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "=": "&#61;",
    "{": "&#123;",
    "}": "&#125;",
    "[": "&#91;",
    "]": "&#93;",
    "~": "&#126;",
    "'": "&#39;",
    "_": "&#95;",
    ":": "&#58;",  # "https://…" in plain text would become a free external link
}
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")
# Characters that are markup only at the start of a line (lists, headings, tables, pre).
_LINE_START = {"*": "&#42;", "#": "&#35;", ";": "&#59;", " ": "&#32;", "-": "&#45;",
               "!": "&#33;"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "ISBN 978…", "RFC 1234" and "PMID 1234" are links (and tracking categories) on wikis with
# magic links on, whatever the surrounding text; an entity for the first letter stops that.
# Matched without a word boundary: MediaWiki's \b is ASCII-only, Python's is not.
_MAGIC_LINK_RE = re.compile(r"(?:ISBN|RFC|PMID)")
# In a URL: what ends the link or opens markup, and "__" (the parser removes __NOINDEX__
# and other behaviour switches from anywhere in the text, URLs included).
_URL_UNSAFE_RE = re.compile(r"[\s\[\]<>\"{}|~'\x00-\x1f\x7f\ufffd]|_(?=_)|(?<=_)_")


def escape(text: str, *, multiline: bool = False) -> str:
    """Return ``text`` as wikitext that renders as exactly that text.

    With ``multiline=False`` (the default, for template parameters and titles) line breaks
    become spaces; with ``multiline=True`` they are kept and each line's first character is
    neutralised too.
    """
    text = _CONTROL_RE.sub("", text)
    # MediaWiki saves a bare CR as a line break, so it must count as one here (else the
    # line after it could start a list or heading).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    escaped = _INLINE_RE.sub(lambda m: _INLINE[m.group()], text)
    escaped = _MAGIC_LINK_RE.sub(lambda m: f"&#{ord(m.group()[0])};{m.group()[1:]}", escaped)
    lines = escaped.split("\n")
    return "\n".join(_LINE_START.get(line[:1], line[:1]) + line[1:] for line in lines)


def external_link(url: str, label: str | None = None) -> str:
    """``[url label]`` with the URL made safe: characters that would end the link or open
    markup are percent-encoded, and only http(s) URLs become links at all."""
    if not re.match(r"(?i)^https?://", url):
        return escape(label or url)
    safe_url = _URL_UNSAFE_RE.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), url)
    if label is None:
        return f"[{safe_url}]"
    return f"[{safe_url} {escape(label)}]"
