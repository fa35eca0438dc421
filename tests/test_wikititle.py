"""MediaWiki's title rules (syndicate.wikititle), shared by Wikipedia drafts and Commons."""

from __future__ import annotations

import pytest

from syndicate import wikititle
from syndicate.sinks.commons import filenames
from syndicate.sinks.drafttext import draft_title


@pytest.mark.parametrize(("text", "title"), [
    ("bins | recycling [2026] {new} #1 <b>", "bins recycling 2026 new 1 b"),
    ("a_b", "a b"),
    ("50%41 off", "50% 41 off"),
    ("Fish &amp; chips &#38; &#x26; peas", "Fish chips peas"),
    ("signed ~~~~", "signed ~"),
    (":Category:Bins", "Category:Bins"),
    ("tab\there\x7f", "tab here"),
    ("__NOTOC__ page", "NOTOC page"),
    ("empty () and []", "empty and"),
    ("&am\u200bp; joined", "joined"),
])
def test_legal_title(text: str, title: str) -> None:
    result = wikititle.legal_title(text)
    assert result == title
    assert wikititle.is_legal(result)


@pytest.mark.parametrize("text", ["a#b", "a|b", "a&amp;b", "a%41", "a~~~", "a\nb"])
def test_is_legal_refuses_what_mediawiki_refuses(text: str) -> None:
    assert not wikititle.is_legal(text)


def test_truncated_cuts_on_a_character_boundary() -> None:
    assert wikititle.truncated("é" * 200) == "é" * 127
    assert wikititle.truncated("short", 3) == "sho"
    assert wikititle.truncated("short") == "short"


def test_drafts_and_file_names_share_the_rule() -> None:
    text = "bins | recycling &amp; 50%41 ~~~~"
    assert draft_title(text) == "Draft:" + wikititle.capitalised(wikititle.legal_title(text))
    assert filenames.clean(text, ".jpg") == \
        wikititle.capitalised(wikititle.legal_title(text)) + ".jpg"
