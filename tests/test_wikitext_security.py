"""Hostile text through wikitext.escape, external_link and the Commons file page, rendered
by a real MediaWiki (action=parse with pre-save transform, as an edit would save it).

Claims about what wikitext does are checked on the wiki, not reasoned about: each case
asserts the page shows exactly the text and gains no template, link, category, magic word,
list, heading or table.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from typing import Any

import lxml.html
import pytest
import requests

from syndicate.licences import registry
from syndicate.model import Item
from syndicate.sinks.base import Organisation
from syndicate.sinks.commons import filenames, filepage
from syndicate.wikitext import edit_summary, escape, external_link, url_param
from tests.mediawiki import LocalWiki, jpeg_bytes

# Wikimedia wikis differ in whether ISBN/RFC/PMID magic links are on; the test wiki turns
# them on so that escaped text is proven inert where they are.
MAGIC_LINKS = '$wgEnableMagicLinks = ["ISBN" => true, "PMID" => true, "RFC" => true];'
_METADATA = ("templates", "links", "categories", "externallinks", "iwlinks", "langlinks",
             "properties", "images", "sections")
_STRUCTURE = ("ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "hr",
              "a", "ref", "sup", "gallery", "div")

HOSTILE = [
    "{{PAGENAME}}", "{{subst:PAGENAME}}", "{{#if:1|yes|no}}", "{{{1}}}", "__NOTOC__",
    "__NOINDEX__ and __HIDDENCAT__", "[[Category:Spam]]", "[[:en:Interwiki]]", "[[fr:Page]]",
    "[[File:X.jpg]]", "[http://evil.example/ click]", "http://evil.example/free",
    "mailto:someone@evil.example", "//evil.example/protocol-relative", "~~~", "~~~~",
    "~~~~~", "<nowiki>", "</nowiki>{{PAGENAME}}", "<ref>x</ref>", "<gallery>X.jpg</gallery>",
    "<!-- swallows the rest", "<span onmouseover=x>hi</span>", "-{zh-hans:a;zh-hant:b}-",
    "RFC 1234", "ISBN 978-3-16-148410-0", "PMID 12345", "RFC\u00a01234", "ISBN\t9783161484100",
    "''italic'' '''bold'''", "a | b = c }} d", "&lt;b&gt; &amp; &#123;&#123;PAGENAME}}",
    "=Heading=", "* list", "# list", "; term", ": indent", " pre", "----", "{| table",
    "! header", "|- row", "A\u202eB\u200bC", "magic\x7f'\"`UNIQ--nowiki-00000000-QINU`\"'\x7f",
]
MULTILINE = [
    "first\n* list\n# list\n== Heading ==\n{|\n|cell\n|}\n pre\n----\n; term\n: indent",
    "first\r* list after a bare CR\r== Heading ==\r{|\r|x\r|}",
    "first\r\n* list after CRLF",
    "para\n\n\n{{PAGENAME}}\n__NOTOC__\n~~~~",
]


def parse(wiki: LocalWiki, wikitext: str) -> dict[str, Any]:
    """What the wiki makes of ``wikitext`` saved as a page (pre-save transform on)."""
    answer = requests.post(wiki.api_url, timeout=30, data={
        "action": "parse", "format": "json", "formatversion": "2", "title": "Sandbox",
        "contentmodel": "wikitext", "pst": "1", "text": wikitext, "disablelimitreport": "1",
        "prop": "text|" + "|".join(_METADATA)}).json()
    parsed: dict[str, Any] = answer["parse"]
    return parsed


def shown_text(parsed: dict[str, Any]) -> str:
    """The page's visible text with whitespace collapsed."""
    root = lxml.html.fragment_fromstring(parsed["text"])
    return " ".join(root.text_content().split())


def problems(parsed: dict[str, Any], expected_text: str) -> list[str]:
    found = [f"{key}: {parsed[key]}" for key in _METADATA if parsed.get(key)]
    root = lxml.html.fragment_fromstring(parsed["text"])
    found += [f"<{el.tag}>" for el in root.iter(*_STRUCTURE) if el is not root]
    if shown_text(parsed) != " ".join(expected_text.split()):
        found.append(f"shows {shown_text(parsed)!r}")
    return found


def visible(text: str) -> str:
    """``text`` as escape() promises to show it: control characters gone."""
    return "".join(ch for ch in text if (ch >= " " and ch != "\x7f") or ch in "\t\n\r")


def test_escaped_text_renders_as_itself_and_nothing_else(wiki: LocalWiki) -> None:
    wiki.configure(MAGIC_LINKS)
    failures = {}
    for text in HOSTILE:
        found = problems(parse(wiki, escape(text)), visible(text))
        if found:
            failures[text] = found
    assert failures == {}


def test_escaped_multiline_text_renders_as_itself_and_nothing_else(wiki: LocalWiki) -> None:
    # A bare CR is a line break once MediaWiki normalises line endings on save, so it must
    # not let the next line start with list, heading or table markup.
    wiki.configure(MAGIC_LINKS)
    failures = {}
    for text in MULTILINE:
        found = problems(parse(wiki, escape(text, multiline=True)), visible(text))
        if found:
            failures[text] = found
    assert failures == {}


# Where an article's text lands in a draft: each context has its own markup.
CONTEXTS = {
    "paragraph": "<p>{}</p>", "list item": "<ul><li>{}</li></ul>",
    "heading": "<h2>{}</h2>", "table cell": "<table><tr><td>{}</td><td>x</td></tr></table>",
    "header cell": "<table><tr><th>{}</th><th>x</th></tr></table>",
    "definition": "<dl><dt>{}</dt><dd>{}</dd></dl>", "bold": "<p><b>{} </b>after</p>",
    "link label": '<p><a href="https://www.example.gov.uk/x">{}</a></p>',
    "preformatted": "<pre>{}</pre>",
}
# Unicode controls and invisible formatting, closing tags and protocols, on top of the
# wikitext attacks.
EXTRA_ATTACKS = [
    "left\u202eright override", "\u202aembed\u202c and \u202bembed\u202c",
    "\u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069", "\ufeffbyte order mark",
    "zero\u200bwidth\u200c\u200djoiners", "marks\u200e\u200f", "C1\u0085next line",
    "{{\u200bPAGENAME}}", "[\u200b[Category:Spam]]", "~\u200b~~~", "__\u200bNOTOC__",
    "'\u200b'italic'\u200b'", "\x7f'\"`UNIQ--ref-00000001-QINU`\"'\x7f",
    "</pre>{{PAGENAME}}", "<pre>x</pre>", "#REDIRECT [[Main Page]]", "__TOC__ __FORCETOC__",
    "{{!}} {{=}}", "[[#anchor]] [[/sub]] [[../up]]", "<ref name=x/>", "''''' five",
    "http://x.example/[[y]]", "[//x.example/ protocol-relative]", "ftp://x.example/f",
    "news:comp.lang", "tel:+441514433333", "ISBN 978-0-306-40615-7", "PMID: 12345",
]
# Bidi overrides and isolates are removed: they would make a reader see other text.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@pytest.mark.slow
def test_article_text_in_every_context_renders_as_itself(wiki: LocalWiki) -> None:
    """Hostile text through html2wiki in every context, rendered by the real wiki: no
    template, link, category, magic word or structure beyond the context's own, and the
    text shown as written. Also counts the numeric entities the escaping needed."""
    from syndicate.html2wiki import html_to_wikitext

    wiki.configure(MAGIC_LINKS)
    expected_tags = {"heading": {"h2"}, "list item": {"ul"}, "definition": {"dl"},
                     "table cell": {"table"}, "header cell": {"table"},
                     "link label": {"a"}, "preformatted": {"pre"}}
    failures = {}
    entities = 0
    for text in HOSTILE + EXTRA_ATTACKS:
        shown = visible(text).translate(_BIDI).replace("\ufeff", "")
        for context, template in CONTEXTS.items():
            page = template.format(*[html.escape(text)] * template.count("{}"))
            wikitext = html_to_wikitext(page, base_url="https://www.example.gov.uk/")
            entities += len(re.findall(r"&#\w+;", wikitext))
            parsed = parse(wiki, wikitext)
            found = [f"{key}" for key in _METADATA if parsed.get(key) and not (
                key == "externallinks" and context == "link label") and not (
                key == "sections" and context == "heading")]
            root = lxml.html.fragment_fromstring(parsed["text"])
            allowed = expected_tags.get(context, set()) | {"b", "tr", "td", "th", "tbody",
                                                          "dt", "dd", "li", "span"}
            found += [f"<{el.tag}>" for el in root.iter(*_STRUCTURE)
                      if el is not root and el.tag not in allowed and not (
                          el.tag == "div" and "mw-heading" in el.get("class", "")) and not (
                          el.tag == "a" and context == "heading" and any(
                              "mw-editsection" in p.get("class", "")
                              for p in el.iterancestors()))]
            if " ".join(shown.split()) not in shown_text(parsed) and context not in (
                    "preformatted", "heading"):
                found.append(f"shows {shown_text(parsed)!r}")
            if found:
                failures[(text, context)] = (wikitext, found)
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert entities == 0


@pytest.mark.parametrize("url", [
    "http://x.example/__NOTOC__", "https://x.example/a__NOINDEX__b",
    "https://x.example/p?q=__HIDDENCAT__", "https://x.example/{{PAGENAME}}",
    "https://x.example/~~~~", "https://x.example/[[Category:Spam]]",
    "https://x.example/a b|c]d", "https://x.example/''x''", "https://x.example/<!--",
    "https://x.example/ISBN 9783161484100", "https://x.example/a\x01b",
])
def test_external_link_url_cannot_carry_markup(wiki: LocalWiki, url: str) -> None:
    parsed = parse(wiki, external_link(url, "label"))
    assert [key for key in _METADATA if parsed.get(key) and key != "externallinks"] == []
    assert len(parsed["externallinks"]) == 1
    assert parsed["externallinks"][0].startswith("https://x.example/") or \
        parsed["externallinks"][0].startswith("http://x.example/")
    assert shown_text(parsed) == "label"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>",
                                 "//evil.example/x", "ftp://evil.example/x",
                                 "mailto:a@evil.example"])
def test_external_link_makes_no_link_of_other_schemes(wiki: LocalWiki, url: str) -> None:
    parsed = parse(wiki, external_link(url, "label"))
    assert problems(parsed, "label") == []


@pytest.mark.parametrize("url", [
    "https://x.example/a|b=c", "https://x.example/}}{{PAGENAME}}", "https://x.example/__NOTOC__",
    "https://x.example/[[Category:Spam]]", "https://x.example/~~~~", "https://x.example/a b",
    "https://x.example/caf\u00e9\u3000x", "javascript:alert('x')",
])
def test_url_param_stays_one_template_parameter(wiki: LocalWiki, url: str) -> None:
    # The notice and text-release templates take the source URL as |url= / |URL=.
    wiki.site(admin=True).pages["Template:Show url"].edit("<code>{{{URL|}}}</code>",
                                                          summary="test template")
    parsed = parse(wiki, "{{Show url|URL=" + url_param(url) + "}}")
    assert [t["title"] for t in parsed["templates"]] == ["Template:Show url"]
    assert [key for key in ("links", "categories", "properties", "iwlinks")
            if parsed.get(key)] == []
    assert shown_text(parsed) == url_param(url)
    assert "%20" not in url_param("https://x.example/caf\u00e9") and \
        url_param("https://x.example/\u3000") == "https://x.example/%E3%80%80"


def test_edit_summary_cannot_link_sign_or_break_lines() -> None:
    summary = edit_summary("Text from [[Category:Spam]] {{x}} by A|B ~~~~\nnext\rline")
    assert summary == "Text from Category:Spam x by AB nextline"
    long = edit_summary("x" * 600)
    assert len(long) == 480 and long.endswith("…")
    assert edit_summary("short") == "short"


def test_commons_page_from_hostile_item_has_only_intended_markup(wiki: LocalWiki) -> None:
    wiki.configure(MAGIC_LINKS)
    attack = ("}}{{PAGENAME}}|author=Mallory [[Category:Spam]] __NOTOC__ ~~~~ RFC 1234\r"
              "* list\r== Heading ==")
    item = Item(id="feed-1", source="feed", kind="image", title=attack,
                url="https://council.example/news/__NOINDEX__", description=attack,
                creator=attack, creator_url="https://council.example/people/__HIDDENCAT__",
                date="2024-01-02}}{{PAGENAME}}", categories=[attack, "Parks in Testshire"],
                evidence="https://council.example/licence|author=x")
    licence = registry().get("cc-by-4.0")
    settings = filepage.PageSettings(Organisation("Testshire Council"), ("Testshire",))
    parsed = parse(wiki, filepage.page_text(item, licence, settings))
    intended = {"Template:Information", "Template:En", "Template:Credit line",
                "Template:Cc-by-4.0"}
    assert {t["title"] for t in parsed["templates"]} <= intended
    assert parsed["properties"] == {} or parsed["properties"] == []
    assert sorted(c["category"] for c in parsed["categories"]) == sorted(
        [c.replace(" ", "_") for c in filepage.categories(item, settings.categories)])
    assert all(link.startswith("https://council.example/") for link in parsed["externallinks"])
    # The test wiki lacks the licence template, which shows as a red link to it.
    assert {link["title"] for link in parsed["links"]} <= intended
    assert parsed["iwlinks"] == [] and parsed["langlinks"] == []
    root = lxml.html.fragment_fromstring(parsed["text"])
    assert [el.tag for el in root.iter("ul", "ol", "table", "h3", "h4")] == []
    assert len(list(root.iter("h2"))) == 2  # the page's own two sections


@pytest.mark.parametrize("title", ["Park\u202eGPJ.exe", "Town\u200bHall", "Bridge\u2066 x\u2069",
                                   "Sign\u00adpost", "\ufeffMarket", "Tag\U000e0041s",
                                   "&am\u200bp;lt;", "~~\u200b~~"])
def test_commons_file_name_is_the_title_the_wiki_stores(wiki: LocalWiki, title: str) -> None:
    # MediaWiki drops bidi controls from titles without saying so; a name keeping them would
    # upload under a different title from the one recorded (and could spoof another name).
    name = filenames.clean(title, ".jpg")
    answer = requests.get(wiki.api_url, timeout=30, params={
        "action": "query", "titles": "File:" + name, "format": "json",
        "formatversion": "2"}).json()
    assert answer["query"]["pages"][0]["title"] == "File:" + name
    assert "normalized" not in answer["query"]
    assert not any(unicodedata.category(ch) == "Cf" for ch in name)
    assert "~~~" not in name and "&" not in name


@pytest.mark.parametrize("title", ["Minutes.html", "Budget.PHP.v2", "Notes.xml draft.js"])
def test_commons_file_name_has_no_banned_type_among_its_parts(wiki: LocalWiki,
                                                              title: str) -> None:
    # MediaWiki refuses "Minutes.html.jpg" (filetype-banned): every dot-separated part of a
    # name is checked against the prohibited types, not only the last.
    name = filenames.clean(title, ".jpg")
    result = wiki.site().upload(io.BytesIO(jpeg_bytes(7)), filename=name,
                                description="test", ignore=True)
    assert result["result"] == "Success"
    assert result["filename"] == name.replace(" ", "_")


def test_zero_width_joiners_stay_in_file_names() -> None:
    assert filenames.clean("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", ".jpg") == \
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.jpg"


@pytest.mark.parametrize("caption", ["left", "200px", "link=Main Page", "alt=x", "upright",
                                     "a | b", "[[Category:Spam]]"])
def test_figure_caption_is_a_caption_not_an_image_option(wiki: LocalWiki,
                                                         caption: str) -> None:
    from syndicate.html2wiki import html_to_wikitext

    page = (f'<figure><img src="https://www.example.gov.uk/p.jpg" alt="x"><figcaption>'
            f"{html.escape(caption)}</figcaption></figure>")
    wikitext = html_to_wikitext(page, base_url="https://www.example.gov.uk/",
                                files={"https://www.example.gov.uk/p.jpg": "File:P.jpg"})
    parsed = parse(wiki, wikitext)
    # The file is not on this wiki: only MediaWiki's own tracking category for that.
    assert [c["category"] for c in parsed["categories"]] == ["Pages_with_broken_file_links"]
    assert not parsed.get("links")
    root = lxml.html.fragment_fromstring(parsed["text"])
    captions = [" ".join(el.text_content().split()) for el in root.iter("figcaption")] or [
        " ".join(el.text_content().split()) for el in root.iter()
        if "thumbcaption" in el.get("class", "")]
    assert captions == [caption]
