"""Making source HTML safe: the allowlist, absolute links, valid URIs and plain text."""

from __future__ import annotations

import pytest

from syndicate.sanitise import absolute_uri, iri_to_uri, plain_text, safe_html

PAGE = "https://www.example.gov.uk/news/winter-fair"


@pytest.mark.parametrize("hostile", [
    '<script>alert(1)</script>', '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object>', '<embed src="x.swf">', '<form action="/x"><input></form>',
    '<style>body{display:none}</style>', '<svg onload="alert(1)"><circle/></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<template><script>alert(1)</script></template>', '<noscript><p>x</p></noscript>',
])
def test_dangerous_elements_go_with_their_content(hostile: str) -> None:
    cleaned = safe_html(f"<p>Kept.</p>{hostile}", PAGE)
    assert cleaned == "<p>Kept.</p>"


@pytest.mark.parametrize(("markup", "gone"), [
    ('<p onclick="x()">a</p>', "onclick"), ('<img src="a.jpg" onerror="x()">', "onerror"),
    ('<a href="javascript:alert(1)">a</a>', "javascript"),
    ('<a href="JaVaScRiPt:alert(1)">a</a>', "alert"),
    ('<a href="java&#x09;script:alert(1)">a</a>', "alert"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">a</a>', "data:"),
    ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "data:"),
    ('<p style="background:url(javascript:x)">a</p>', "style"),
    ('<p class="admin" id="login">a</p>', "class"),
    ('<a href="vbscript:msgbox(1)">a</a>', "vbscript"),
])
def test_dangerous_attributes_and_urls_are_removed(markup: str, gone: str) -> None:
    assert gone not in safe_html(markup, PAGE).lower()


def test_links_are_resolved_against_the_page_and_encoded() -> None:
    cleaned = safe_html('<a href="/roads/closures">a</a><img src="../images/bridge.jpg" '
                        'alt="Bridge"><a href="menus/café menu.pdf">m</a>', PAGE)
    assert 'href="https://www.example.gov.uk/roads/closures"' in cleaned
    assert 'src="https://www.example.gov.uk/images/bridge.jpg"' in cleaned
    assert 'href="https://www.example.gov.uk/news/menus/caf%C3%A9%20menu.pdf"' in cleaned


def test_a_relative_link_without_a_base_is_dropped_not_left_relative() -> None:
    assert "href" not in safe_html('<a href="/roads">roads</a>')


def test_sanitising_is_idempotent_and_keeps_ordinary_content() -> None:
    markup = ('<h2>Closures</h2><p>Read <a href="https://www.example.gov.uk/a">this</a>, '
              '<em>now</em>.</p><ul><li>One</li></ul><table><tr><td colspan="2">x</td></tr>'
              '</table><img src="https://www.example.gov.uk/i.jpg" alt="Alt" width="10">')
    once = safe_html(markup, PAGE)
    assert safe_html(once, PAGE) == once
    for kept in ("<h2>", "<em>now</em>", "<li>One</li>", 'colspan="2"', 'alt="Alt"'):
        assert kept in once


def test_iris_become_uris() -> None:
    assert iri_to_uri("https://www.example.gov.uk/news/café menu") == \
        "https://www.example.gov.uk/news/caf%C3%A9%20menu"
    assert iri_to_uri("https://bücher.example/?q=ä#frag ment") == \
        "https://xn--bcher-kva.example/?q=%C3%A4#frag%20ment"
    assert iri_to_uri("https://a.example/50%off") == "https://a.example/50%25off"
    assert iri_to_uri("https://a.example/ok%20already") == "https://a.example/ok%20already"


def test_absolute_uri_refuses_what_stays_relative() -> None:
    assert absolute_uri("/x") is None
    assert absolute_uri("/x", "https://a.example/y/z") == "https://a.example/x"
    assert absolute_uri("http://[bad") is None


def test_plain_text_never_contains_script_or_style_text() -> None:
    text = plain_text('<p>The fair.</p><script>alert("x")</script><style>p{color:red}</style>'
                      '<p>Soup &amp; bread</p><noscript>Enable JS</noscript>')
    assert text == "The fair. Soup & bread"
