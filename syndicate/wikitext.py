"""Making untrusted text inert in wikitext.

Anything a council's feed, page or sidecar says may contain ``|``, ``}}``,
``[[Category:…]]``, ``{{subst:…}}``, ``~~~~``, ``__NOTOC__`` or line-start markup, each of
which would change a wiki page (docs/security.md, "Wikitext";
https://www.mediawiki.org/wiki/Help:Formatting).

Two kinds of escaping:

* :func:`escape` for template parameters, titles and summaries: every character that could
  be markup there becomes its numeric character reference;
* :func:`escape_text`, :func:`guard_line` and :func:`escape_pre` for an article's running
  text, where an editor reads the wikitext: only what is markup *in its context* is
  neutralised, and a dangerous run is wrapped in one ``<nowiki>…</nowiki>`` rather than
  spelled in entities. ``=`` is markup only on a heading line (the converter's headings are
  spaced, so text cannot reach their edges) and ``|``/``!`` only in tables; ``:``, ``;``,
  ``*``, ``#``, ``----``, ``{|`` and a leading space only at the start of a line, which
  :func:`guard_line` handles where lines begin.
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


# Runs that are markup anywhere in running text. Free external links need a protocol from
# MediaWiki's $wgUrlProtocols; "//" alone links only inside brackets.
_RUN_RE = re.compile(
    r"\[\[+|\]\]+|\{\{+|\}\}+|''+|~{3,}|_{2,}|-\{|\}-|\[(?=\s*(?:[A-Za-z][\w+.-]*:|//))"
    r"|(?:ISBN|RFC|PMID)(?=\s)"
    r"|(?i:bitcoin|ftps?|geo|git|gopher|https?|ircs?|magnet|mailto|matrix|mms|news|nntp|redis"
    r"|sftp|sips?|sms|ssh|svn|tel|telnet|urn|worldwind|xmpp):")
_TABLE_RUN_RE = re.compile(r"\|+|!!+")
_ENTITY_LIKE_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Invisible characters that reorder or hide text (bidi embeddings, overrides and isolates,
# the byte-order mark): a reader would see something other than what the page said.
_HIDDEN_FORMAT_RE = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
_LINE_MARKUP_RE = re.compile(r"[*#:;= ]|----|\{\||\|\}|[|!]")


def escape_text(text: str, *, table: bool = False, term: bool = False,
                label: bool = False) -> str:
    """Running text (no line breaks) as wikitext that shows exactly that text.

    ``table``: the text is in a table cell (``|`` and ``!!`` are markup); ``term``: it is a
    ``;`` definition term (``:`` starts the definition); ``label``: it is an external
    link's label (``]`` ends it). The start of a line is :func:`guard_line`'s job.
    """
    text = _HIDDEN_FORMAT_RE.sub("", _CONTROL_RE.sub("", text))
    text = " ".join(text.replace("\r", " ").replace("\n", " ").split(" "))
    text = _ENTITY_LIKE_RE.sub("&amp;", text).replace("<", "&lt;")
    patterns = [_RUN_RE.pattern]
    if table:
        patterns.append(_TABLE_RUN_RE.pattern)
    if term:
        patterns.append(":")
    if label:
        patterns.append(r"\]")
    return re.sub("|".join(patterns), lambda m: f"<nowiki>{m.group()}</nowiki>", text)


def guard_line(line: str) -> str:
    """``line`` made safe at the start of a wikitext line: a ``<nowiki/>`` before any
    line-start markup (lists, indents, headings, rules, tables, preformatting)."""
    return f"<nowiki/>{line}" if _LINE_MARKUP_RE.match(line) else line


def escape_pre(text: str) -> str:
    """The content of a ``<pre>`` block: MediaWiki reads it as text except for entities
    and the closing tag, so only ``&`` before an entity-like run and ``<`` are escaped."""
    text = _HIDDEN_FORMAT_RE.sub("", _CONTROL_RE.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY_LIKE_RE.sub("&amp;", text).replace("<", "&lt;")


def external_link(url: str, label: str | None = None) -> str:
    """``[url label]`` with the URL made safe: characters that would end the link or open
    markup are percent-encoded, and only http(s) URLs become links at all."""
    safe_url = link_target(url)
    if safe_url is None:
        return escape(label or url)
    if label is None:
        return f"[{safe_url}]"
    return f"[{safe_url} {escape(label)}]"


def link_target(url: str) -> str | None:
    """An http(s) URL with what would end a bracketed link or open markup percent-encoded;
    None for any other scheme."""
    if not re.match(r"(?i)^https?://", url):
        return None
    return url_param(url)


def url_param(url: str) -> str:
    """A URL as a template parameter value or link target: whitespace, ``[ ] < > " { } |
    ~ '``, control characters and ``__`` percent-encoded (as UTF-8), so it can neither end
    the parameter or link nor open markup."""
    return _URL_UNSAFE_RE.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), url)


#: MediaWiki cuts edit summaries at 500 characters; syndicate stays under that.
SUMMARY_MAX = 480
# Edit summaries and upload comments render [[links]] and {{...}} is shown literally but
# reads as markup to a reviewer; "~" would sign; line breaks are not allowed.
_SUMMARY_UNSAFE_RE = re.compile(r"[\[\]{}|~\n\r]")


def edit_summary(text: str, limit: int = SUMMARY_MAX) -> str:
    """``text`` as an edit summary or upload comment: no characters that would add a link
    or markup (untrusted names and URLs go into summaries), at most ``limit`` characters
    (cut with an ellipsis)."""
    summary = _SUMMARY_UNSAFE_RE.sub("", text)
    return summary if len(summary) <= limit else summary[:limit - 1] + "…"
