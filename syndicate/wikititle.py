"""MediaWiki's title rules: the one place that makes text a legal page or file title.

Used for Wikipedia draft titles (:mod:`syndicate.sinks.drafttext`), Commons file names
(:mod:`syndicate.sinks.commons.filenames`) and the file page's caption. MediaWiki refuses a
title with ``# < > [ ] | { }``, control characters, an HTML entity, a percent-escape
(``%41`` would be read as ``A``) or a signature (``~~~``), and reads underscores as
spaces (https://www.mediawiki.org/wiki/Manual:Page_title). Titles are limited to 255
bytes of UTF-8 (Commons file names, with their ``File:`` dropped, to 240).
"""

from __future__ import annotations

import re

from syndicate.visible import visible

#: Characters MediaWiki forbids anywhere in a title.
ILLEGAL = re.compile(r"[#<>\[\]|{}\x00-\x1f\x7f]")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_TILDES = re.compile(r"~{3,}")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
MAX_BYTES = 255


def is_legal(text: str) -> bool:
    """Whether ``text`` has nothing MediaWiki forbids in a title (characters, entities,
    percent-escapes, signatures)."""
    return not any(rule.search(text) for rule in (ILLEGAL, _ENTITY, _PERCENT, _TILDES))


def legal_title(text: str) -> str:
    """``text`` as a page title that cannot carry markup: no characters that are illegal in
    titles, no entities or percent escapes, no signatures, and no ``__MAGIC__`` words
    (underscores are spaces in titles anyway); whitespace collapsed, no leading ``:``."""
    # Invisible characters first (syndicate.visible says why), so that removing them
    # cannot join an entity or a signature together.
    text = visible(text)
    text = _ENTITY.sub(" ", text)
    text = _PERCENT.sub(r"% \1", text)  # "%41" would be read as an escaped "A"
    text = ILLEGAL.sub(" ", text)
    text = _TILDES.sub("~", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    return " ".join(text.replace("_", " ").split()).lstrip(":").strip()


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-cased, as MediaWiki stores titles."""
    return text[:1].upper() + text[1:]


def truncated(text: str, max_bytes: int = MAX_BYTES) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8, on a character boundary."""
    encoded = text.encode("utf-8")
    return text if len(encoded) <= max_bytes else \
        encoded[:max_bytes].decode("utf-8", "ignore")
