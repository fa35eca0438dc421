"""Making untrusted text inert in wikitext.

Anything a council's feed, page or sidecar says may contain ``|``, ``}}``,
``[[Category:…]]``, ``{{subst:…}}``, ``~~~~``, ``__NOTOC__`` or line-start markup, each of
which would change a wiki page. We replace every such character by its numeric character
reference, which MediaWiki renders as the character but never parses as markup
(REFERENCE.md §8; https://www.mediawiki.org/wiki/Help:Formatting).
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


def escape(text: str, *, multiline: bool = False) -> str:
    """Return ``text`` as wikitext that renders as exactly that text.

    With ``multiline=False`` (the default, for template parameters and titles) line breaks
    become spaces; with ``multiline=True`` they are kept and each line's first character is
    neutralised too.
    """
    text = _CONTROL_RE.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    escaped = _INLINE_RE.sub(lambda m: _INLINE[m.group()], text)
    lines = escaped.split("\n")
    return "\n".join(_LINE_START.get(line[:1], line[:1]) + line[1:] for line in lines)


def external_link(url: str, label: str | None = None) -> str:
    """``[url label]`` with the URL made safe: characters that would end the link or open
    markup are percent-encoded, and only http(s) URLs become links at all."""
    if not re.match(r"(?i)^https?://", url):
        return escape(label or url)
    safe_url = re.sub(r"[\s\[\]<>\"{}|~']", lambda m: f"%{ord(m.group()):02X}", url)
    if label is None:
        return f"[{safe_url}]"
    return f"[{safe_url} {escape(label)}]"
