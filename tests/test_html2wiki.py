"""HTML → wikitext: each construct converts, and nothing in the HTML becomes markup."""

from __future__ import annotations

import re

import mwparserfromhell
import pytest

from syndicate.html2wiki import html_to_wikitext

BASE = "https://www.council.example/news/item"
# Tags the converter writes on purpose; mwparserfromhell reports list items, table parts
# and apostrophe formatting as tags too.
INTENDED_TAGS = {"b", "i", "br", "li", "dt", "dd", "table", "tr", "td", "th", "blockquote",
                 "pre", "hr", "nowiki"}


def convert(html: str, **kwargs: object) -> str:
    return html_to_wikitext(html, base_url=BASE, own_hosts=["council.example"], **kwargs)  # type: ignore[arg-type]


def parsed(wikitext: str) -> mwparserfromhell.wikicode.Wikicode:
    """Parse and assert the output has no templates, wikilinks or unexpected tags."""
    code = mwparserfromhell.parse(wikitext)
    assert code.filter_templates() == []
    assert code.filter_wikilinks() == []
    assert code.filter_arguments() == []
    assert {str(tag.tag) for tag in code.filter_tags()} <= INTENDED_TAGS
    return code


def test_headings_are_renumbered_from_the_highest_level_present() -> None:
    text = convert("<h2>Opening times</h2><p>Daily.</p><h3>Holidays</h3><h4>Easter</h4>")
    code = parsed(text)
    headings = [(h.level, h.title.strip()) for h in code.filter_headings()]
    assert headings == [(2, "Opening times"), (3, "Holidays"), (4, "Easter")]


def test_h1_becomes_a_level_two_heading() -> None:
    code = parsed(convert("<h1>Parks</h1><p>x</p>"))
    assert [h.level for h in code.filter_headings()] == [2]


def test_paragraphs_are_separated_by_blank_lines() -> None:
    assert convert("<p>One.</p>\n<p>Two\n  lines.</p>") == "One.\n\nTwo lines."


def test_bold_and_italic_use_apostrophe_markup() -> None:
    text = convert("<p>A <strong>bold</strong> and <em>italic</em> word.</p>")
    assert text == "A '''bold''' and ''italic'' word."
    assert {str(t.tag) for t in parsed(text).filter_tags()} == {"b", "i"}


def test_adjacent_bold_and_italic_runs_do_not_merge() -> None:
    text = convert("<p><b>a</b><i>b</i><b>c</b></p>")
    tags = [(str(t.tag), str(t.contents)) for t in parsed(text).filter_tags()
            if str(t.tag) in ("b", "i")]
    assert tags == [("b", "a"), ("i", "b"), ("b", "c")]


def test_nested_bold_inside_bold_is_not_doubled() -> None:
    assert convert("<p><b>x <strong>y</strong></b></p>") == "'''x y'''"


def test_unordered_and_ordered_lists_nest() -> None:
    html = ("<ul><li>Bins<ul><li>Green<ol><li>Monday</li><li>Friday</li></ol></li></ul></li>"
            "<li>Recycling</li></ul>")
    text = convert(html)
    assert text.splitlines() == ["* Bins", "** Green", "**# Monday", "**# Friday",
                                 "* Recycling"]
    parsed(text)


def test_list_directly_inside_a_list_is_nested() -> None:
    text = convert("<ul><li>a</li><ul><li>b</li></ul></ul>")
    assert text.splitlines() == ["* a", "** b"]


def test_definition_lists() -> None:
    assert convert("<dl><dt>Term</dt><dd>Meaning</dd></dl>") == "; Term\n: Meaning"


def test_relative_and_own_host_links_become_external_links_to_the_source() -> None:
    text = convert('<p><a href="../contact">Contact us</a> or '
                   '<a href="https://council.example/a?b=1">apply</a></p>')
    links = [(str(link.url), str(link.title)) for link in parsed(text).filter_external_links()]
    assert links == [("https://www.council.example/contact", "Contact us"),
                     ("https://council.example/a?b=1", "apply")]


def test_links_to_other_sites_and_other_schemes_keep_only_their_text() -> None:
    text = convert('<p><a href="https://spam.example/">cheap</a> '
                   '<a href="javascript:alert(1)">js</a> <a href="mailto:a@b.c">mail</a> '
                   '<a href="#top">top</a></p>')
    assert parsed(text).filter_external_links() == []
    assert text == "cheap js mail top"


def test_relative_links_without_a_base_url_keep_only_their_text() -> None:
    assert html_to_wikitext('<p><a href="/x">here</a></p>', base_url=None) == "here"


def test_link_label_cannot_close_the_link() -> None:
    text = convert('<p><a href="/x">a] [[Category:X]] b</a></p>')
    links = parsed(text).filter_external_links()
    assert len(links) == 1
    assert "Category" in str(links[0].title)


def test_tables_become_wikitables() -> None:
    html = ("<table><caption>Fees</caption><thead><tr><th>Service</th><th>Cost!!</th></tr>"
            "</thead><tbody><tr><td>Bulky waste</td><td>£20</td></tr>"
            "<tr><td colspan='2'><p>Free</p><p>for pensioners</p></td></tr></tbody></table>")
    text = convert(html)
    assert text.splitlines() == [
        '{| class="wikitable"', "|+ Fees", "|-", "! Service", "! Cost<nowiki>!!</nowiki>", "|-",
        "| Bulky waste", "| £20", "|-", '| colspan="2" | Free<br />for pensioners', "|}"]
    code = parsed(text)
    assert [str(t.tag) for t in code.filter_tags()].count("th") == 2


def test_table_cell_text_cannot_end_or_split_the_table() -> None:
    text = convert("<table><tr><td>|} || a</td><td>-x</td></tr></table><p>after</p>")
    assert text.count("|}") == 1
    assert text.endswith("|}\n\nafter")


def test_images_are_dropped_and_figures_become_their_caption() -> None:
    text = convert('<p>Before <img src="a.jpg" alt="A park"></p>'
                   '<figure><img src="b.jpg" alt="x"><figcaption>Caption</figcaption></figure>'
                   '<figure><img src="c.jpg" alt="y"></figure>'
                   "<p>After</p>")
    assert text == "Before\n\n''Caption''\n\nAfter"


def test_blockquote_pre_br_and_rule() -> None:
    text = convert("<blockquote><p>Said</p><p>twice</p></blockquote><p>a<br>b</p><hr>"
                   "<pre>x  {{y}}\n z</pre>")
    assert text == ("<blockquote>\nSaid\n\ntwice\n</blockquote>\n\na<br />b\n\n----\n\n"
                    "<pre>x  {{y}}\n z</pre>")  # <pre> is not parsed: nothing to escape
    parsed(text)


def test_scripts_styles_forms_iframes_and_comments_are_removed() -> None:
    text = convert("<p>Keep</p><script>alert('x')</script><style>p{}</style>"
                   "<form><input value='v'><button>Go</button></form>"
                   "<iframe src='https://x'></iframe><!-- secret --><noscript>ns</noscript>")
    assert text == "Keep"


@pytest.mark.parametrize("attack", [
    "{{subst:Delete}}", "{{PAGENAME}}", "[[Category:Spam]]", "[[Main Page]]", "~~~~",
    "~~~", "__NOTOC__", "__INDEX__", "{| class=x", "|}", "----", "* item", "# item",
    ": indent", "; term", " pre", "== Heading ==", "{{{1}}}", "'''bold'''",
    "<script>alert(1)</script>", "<ref>x</ref>", "https://free.example/link", "&lt;b&gt;",
    "[https://x.example label]", "{{#if:1|a}}", "-{zh}-", "ISBN&nbsp;",
])
def test_markup_in_text_stays_text(attack: str) -> None:
    for html in (f"<p>{_html_escape(attack)}</p>",
                 f"<ul><li>{_html_escape(attack)}</li></ul>",
                 f"<h2>{_html_escape(attack)}</h2>",
                 f"<table><tr><th>{_html_escape(attack)}</th></tr></table>",
                 f'<p><a href="/x">{_html_escape(attack)}</a></p>'):
        text = convert(html)
        code = parsed(text)
        assert code.filter_headings() == [] or "h2" in html
        assert code.filter_external_links() == [] or "href" in html
        assert code.filter_comments() == []
        outside = _NOWIKI.sub("", text)  # what MediaWiki parses
        assert "~~~" not in outside and "__" not in outside and "{{" not in outside
        assert "[[" not in outside and "<script" not in text


def test_empty_input_gives_empty_output() -> None:
    assert convert("") == ""
    assert convert("<div> <p> </p> </div>") == ""


_NOWIKI = re.compile(r"<nowiki>.*?</nowiki>")


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_spaces_at_inline_edges_are_kept() -> None:
    assert convert("<p><strong>Telephone: </strong>0151 443 3333</p>") == \
        "'''Telephone:''' 0151 443 3333"
    assert convert("<p>Call<em> now </em>today</p>") == "Call ''now'' today"
    assert convert('<p>See<a href="/x"> the page </a>here</p>') == \
        "See [https://www.council.example/x the page] here"


def test_ordinary_punctuation_is_left_as_it_is() -> None:
    text = convert("<p>Source: ONS. 9 + 7 = 16; O'Connell's ~ 50% (a|b) #1 *note* - ok!</p>"
                   "<table><tr><td>-1,545</td><td>+3</td></tr></table>")
    assert text.startswith("Source: ONS. 9 + 7 = 16; O'Connell's ~ 50% (a|b) #1 *note* - ok!")
    assert "| -1,545" in text and "&#" not in text


def test_line_start_markup_gets_one_nowiki_not_entities() -> None:
    for start in ("* not a list", "# not a list", ": not indented", "; not a term",
                  "= not a heading =", "---- not a rule", "{| not a table"):
        assert convert(f"<p>{start}</p>") == f"<nowiki/>{start}"


def test_pre_keeps_its_text_as_is() -> None:
    assert convert("<pre>a = b\n  * c | d {{x}}\n&lt;/pre&gt; &amp;amp;</pre>") == \
        "<pre>a = b\n  * c | d {{x}}\n&lt;/pre> &amp;amp;</pre>"


def test_footnotes_become_refs_and_their_list_goes() -> None:
    text = convert('<p>Opened in 1881<sup id="r1"><a href="#n1">[1]</a></sup> and 1990'
                   '<sup id="r2"><a href="#n2">[2]</a></sup>.</p>'
                   '<div class="footnotes"><ol><li id="n1"><p>Minutes, <em>1881</em>. '
                   '<a href="#r1">↩</a></p></li><li id="n2">Report. <a href="#r2">↩</a>'
                   "</li></ol></div><p>After</p>")
    assert text == ("Opened in 1881<ref>Minutes, ''1881''.</ref> and 1990<ref>Report.</ref>."
                    "\n\nAfter")


def test_links_to_headings_become_section_links_and_other_anchors_text() -> None:
    text = convert('<p><a href="#fees">Fees</a>, <a href="#top">top</a></p>'
                   '<h2 id="fees">Fees and charges</h2><p>£5</p>')
    assert text.startswith("[[#Fees and charges|Fees]], top")


def test_heading_that_is_no_valid_link_target_gets_no_section_link() -> None:
    text = convert('<p><a href="#h">Go</a></p><h2 id="h">Fees {{x}} [[y]] a|b</h2>')
    assert text.startswith("Go\n\n== Fees")


def test_absolute_links_to_the_page_itself_are_in_page_links() -> None:
    text = convert(f'<p><a href="{BASE}#fees">Fees</a></p><h2 id="fees">Fees</h2>')
    assert text.startswith("[[#Fees|Fees]]")


def test_superscripts_subscripts_and_nested_definitions_are_kept() -> None:
    assert convert("<p>10<sup>3</sup> m<sup>2</sup> of CO<sub>2</sub></p>") == \
        "10<sup>3</sup> m<sup>2</sup> of CO<sub>2</sub>"
    assert convert("<p>Type <code>a''b [[c]]</code> then <kbd>Enter</kbd></p>") == \
        "Type <code>a<nowiki>''</nowiki>b <nowiki>[[</nowiki>c<nowiki>]]</nowiki></code> " \
        "then <code>Enter</code>"
    assert convert("<dl><dt>Bins</dt><dd>Weekly<dl><dt>Garden</dt><dd>Fortnightly</dd></dl>"
                   "</dd></dl>") == "; Bins\n: Weekly\n:; Garden\n:: Fortnightly"


def test_document_links_are_kept_wherever_they_are_hosted() -> None:
    text = convert('<p><a href="https://assets.publishing.service.gov.uk/a/report.pdf">'
                   'Annual report</a> and <a href="https://other.example/page">a page</a></p>')
    assert text == ("[https://assets.publishing.service.gov.uk/a/report.pdf Annual report] "
                    "and a page")


def test_figure_shows_its_published_file_with_the_caption() -> None:
    html = ('<figure><img src="https://www.council.example/p.jpg" alt="x">'
            "<figcaption>The park | in 1905 [[x]]</figcaption></figure>")
    text = convert(html, files={"https://www.council.example/p.jpg": "File:Park 1905.jpg"})
    assert text == "[[File:Park 1905.jpg|thumb|The park <nowiki>|</nowiki> in 1905 " \
        "<nowiki>[[</nowiki>x<nowiki>]]</nowiki>]]"
    assert convert(html) == ("''The park | in 1905 <nowiki>[[</nowiki>x"
                             "<nowiki>]]</nowiki>''")
    for caption in ("left", "200px", "link=Main Page", "alt=x"):
        html = f'<figure><img src="https://www.council.example/p.jpg"><figcaption>{caption}' \
            "</figcaption></figure>"
        assert convert(html, files={"https://www.council.example/p.jpg": "File:P.jpg"}) == \
            f"[[File:P.jpg|thumb|<nowiki/>{caption}]]"
