"""The one rule for text that leaves syndicate: nothing invisible in it.

Bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E/F) reorder what a reader sees
(``Trojan Source``, CVE-2021-42574), and the other invisible format characters (zero-width
space, word joiner, soft hyphen, U+FEFF…) let two different texts look the same. MediaWiki
silently drops bidi controls from titles, so a page would not be the one we named. Every
text field a source gives (titles, descriptions, creators, alt text, categories, content)
is cleaned here when it enters the pipeline (:mod:`syndicate.boundary`), so feeds, the
queue, wiki pages and attributions built from them are clean too; Commons file names use
the same rule.
"""

from __future__ import annotations

import unicodedata

#: Zero-width joiner and non-joiner spell words in Persian, Urdu and Indic scripts (and
#: join emoji): they are format characters a reader needs.
KEPT_FORMAT_CHARACTERS = frozenset("\u200c\u200d")
#: C0 and C1 controls except the whitespace a text may carry.
_KEPT_CONTROLS = frozenset("\t\n\r")
#: The replacement character a decoder puts where bytes were not text.
REPLACEMENT = "\ufffd"


def visible(text: str) -> str:
    """``text`` without bidi controls, other invisible format characters and control
    characters (tab, newline and ZWJ/ZWNJ kept)."""
    if text.isascii() and text.isprintable():
        return text  # the common case, at no cost
    return "".join(ch for ch in text if _shown(ch))


def _shown(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ch in KEPT_FORMAT_CHARACTERS
    if category == "Cc":
        return ch in _KEPT_CONTROLS
    return True
