"""The pages source against a real HTTP server on 127.0.0.1 and local files."""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import Counter
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import lxml.html
import mwparserfromhell
import pytest

from syndicate.errors import ConfigError, InputError
from syndicate.fetch import Fetcher
from syndicate.html2wiki import html_to_wikitext
from syndicate.inspect import article_views
from syndicate.model import Item, make_id
from syndicate.sources.base import SourceContext
from syndicate.sources.pages import PagesSource
from tests.httpserver import LocalHTTPServer

DATA = Path(__file__).parent / "data" / "pages"
HISTORY = (DATA / "history.html").read_bytes()
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
BOILERPLATE = ["cookies", "Skip to main content", "Bins and recycling", "Council tax",
               "Accessibility statement", "Privacy", "Related pages", "Park events",
               "Was this page useful", "Search", "Home", "dataLayer", "crest"]


def pages(tmp_path: Path, **config: object) -> list[Item]:
    items, problems = skipped(tmp_path, **config)
    assert problems == []
    return items


def serve(http_server: LocalHTTPServer, path: str, body: bytes | str, **options: object
          ) -> str:
    http_server.add(path, body, content_type="text/html; charset=utf-8", **options)  # type: ignore[arg-type]
    return http_server.url(path)


def simple_page(title: str, body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>")


def test_council_page_becomes_a_clean_article_and_an_image(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/parks/history", HISTORY)
    article, image = pages(tmp_path, urls=[url])

    assert article.id == make_id("pages", url)
    assert (article.kind, article.title, article.url) == ("article", "History of Example Park",
                                                          url)
    assert article.declared_licences == [CC_BY]
    assert article.creator == "Example Borough Council Parks Team"
    assert article.creator_url == "https://www.example.gov.uk/parks"
    assert (article.date, article.modified) == ("2025-11-20", "2026-01-05")
    assert article.description.startswith("How Example Park grew")
    for words in BOILERPLATE:
        assert words not in article.content_html, words
    assert "History of Example Park</h1>" not in article.content_html  # the title, not body
    assert "<table>" in article.content_html and "Boating lake" in article.content_html
    assert "1874" in article.content_html

    assert image.kind == "image"
    assert image.parent == article.id
    assert image.media_url == http_server.url("/media/bandstand-1905.jpg")
    assert image.alt == "The bandstand in 1905, with a crowd listening to a brass band"
    assert image.title == "The bandstand, photographed in 1905"
    assert image.url == url
    assert image.media_type == "image/jpeg"
    assert image.declared_licences == [CC_BY]


def test_page_content_converts_to_clean_wikitext(tmp_path: Path,
                                                 http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/parks/history", HISTORY)
    article = pages(tmp_path, urls=[url])[0]
    text = html_to_wikitext(article.content_html, base_url=url)
    code = mwparserfromhell.parse(text)
    assert code.filter_templates() == [] and code.filter_wikilinks() == []
    assert [h.title.strip() for h in code.filter_headings()] == [
        "The early years", "Facilities in 1900", "The park today"]
    assert [str(link.url) for link in code.filter_external_links()] == [
        http_server.url("/parks/example-park/bandstand")]
    assert '{| class="wikitable"' in text and "* Playground" in text
    for words in BOILERPLATE:
        assert words not in text, words


def test_second_run_makes_a_conditional_get_and_yields_the_same_items(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/parks/history", HISTORY, etag='"v1"',
                last_modified="Mon, 05 Jan 2026 09:30:00 GMT")
    first = pages(tmp_path, urls=[url])
    second = pages(tmp_path, urls=[url])
    requests = http_server.requests_for("/parks/history")
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert [i.content_hash() for i in second] == [i.content_hash() for i in first]


def test_last_modified_header_dates_a_page_that_gives_no_date(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/bins", simple_page("Bins", "<main><p>Weekly.</p></main>"),
                last_modified="Mon, 05 Jan 2026 09:30:00 GMT")
    [article] = pages(tmp_path, urls=[url])
    assert article.modified == "2026-01-05T09:30:00Z"


def test_a_page_date_nobody_can_read_is_a_finding_never_a_guess(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/fair", simple_page(
        "Fair", "<main><p>" + "The summer fair is held on the green every July. " * 6 +
        "</p></main>",
        head='<meta property="article:published_time" content="summer 1962">'),
        last_modified="Someday, 99 Foo 2026")
    [article] = pages(tmp_path, urls=[url])
    assert (article.date, article.modified) == ("summer 1962", None)
    assert [(f.code, f.severity) for f in article.findings] == [("date.unreadable", "warning")]
    assert "'summer 1962'" in article.findings[0].message


def test_sitemap_lists_the_pages_to_read(tmp_path: Path, http_server: LocalHTTPServer) -> None:
    one = serve(http_server, "/one", simple_page("One | Example Council", "<main><p>1</p></main>"))
    two = serve(http_server, "/two", simple_page("Two", "<main><p>2</p></main>"))
    http_server.add("/sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>{one}</loc><lastmod>2026-01-01</lastmod>
       <image:image><image:loc>{http_server.url("/photo.jpg")}</image:loc></image:image></url>
  <url><loc>{two}</loc></url>
</urlset>""", content_type="application/xml")
    items = pages(tmp_path, sitemap=http_server.url("/sitemap.xml"))
    assert [(i.title, i.url) for i in items] == [("One", one), ("Two", two)]
    assert http_server.requests_for("/photo.jpg") == []


def test_sitemap_index_is_followed(tmp_path: Path, http_server: LocalHTTPServer) -> None:
    page = serve(http_server, "/p", simple_page("P", "<main><p>text</p></main>"))
    http_server.add("/pages.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{page}</loc></url></urlset>")
    index = tmp_path / "sitemap.xml"
    index.write_text('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                     f'<sitemap><loc>{http_server.url("/pages.xml")}</loc></sitemap>'
                     "</sitemapindex>", encoding="utf-8")
    assert [i.url for i in pages(tmp_path, sitemap="sitemap.xml")] == [page]


def test_sitemap_declaring_entities_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x "y">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url>'
        "</urlset>", encoding="utf-8")
    with pytest.raises(InputError, match=r"sitemap\.xml.*entities"):
        pages(tmp_path, sitemap="sitemap.xml")


def test_max_pages_stops_the_listing(tmp_path: Path, http_server: LocalHTTPServer) -> None:
    urls = [serve(http_server, f"/p{n}", simple_page(f"P{n}", "<p>x</p>")) for n in range(3)]
    assert [i.title for i in pages(tmp_path, urls=urls, max_pages=2)] == ["P0", "P1"]
    assert http_server.requests_for("/p2") == []


def test_ccrel_rdfa_gives_licence_and_creator(tmp_path: Path,
                                              http_server: LocalHTTPServer) -> None:
    body = ('<article><h1>Town hall</h1><p>Built in 1890.</p></article>'
            '<p xmlns:cc="http://creativecommons.org/ns#"><a property="dct:title" '
            'rel="cc:attributionURL" href="/town-hall">Town hall</a> by <a '
            'rel="cc:attributionURL dct:creator" property="cc:attributionName" '
            'href="https://www.example.gov.uk/archives">Borough Archives</a> is licensed under '
            '<a rel="cc:license" href="http://creativecommons.org/licenses/by-sa/4.0/?ref=chooser-v1">'
            "CC BY-SA 4.0</a></p>")
    url = serve(http_server, "/town-hall", simple_page("Town hall", body))
    [article] = pages(tmp_path, urls=[url])
    assert article.declared_licences == [
        "http://creativecommons.org/licenses/by-sa/4.0/?ref=chooser-v1"]
    assert (article.creator, article.creator_url) == (
        "Borough Archives", "https://www.example.gov.uk/archives")
    assert "Built in 1890." in article.content_html


def test_densest_block_is_the_content_when_the_page_has_no_main(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    body = ('<div id="top"><a href="/">Home</a> <a href="/a">A</a></div>'
            '<div class="cookie-notice"><p>We use cookies on this site to improve it, '
            "please accept them all because they are very tasty indeed.</p></div>"
            '<div id="content"><h1>Library hours</h1><p>The central library opens at nine '
            "every weekday.</p><p>On Saturdays it opens at ten and closes at four.</p></div>"
            '<div id="bottom"><p>Contact us</p></div>')
    url = serve(http_server, "/library", simple_page("Library hours - Example Council", body))
    [article] = pages(tmp_path, urls=[url])
    assert article.title == "Library hours"
    assert "opens at nine" in article.content_html and "Saturdays" in article.content_html
    for words in ("cookies", "Home", "Contact us"):
        assert words not in article.content_html


def test_image_declared_in_its_own_figure_keeps_its_own_licence(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    body = ('<main><p>Text.</p><figure><img src="/a.png" alt="A map">'
            '<figcaption>Map by <span property="cc:attributionName">OS</span> '
            '<a rel="license" href="https://creativecommons.org/licenses/by-nd/4.0/">ND</a>'
            "</figcaption></figure><img src='/b.png' alt='A view'></main>"
            '<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">'
            "CC BY</a></footer>")
    url = serve(http_server, "/maps", simple_page("Maps", body))
    article, map_image, view = pages(tmp_path, urls=[url])
    assert map_image.declared_licences == ["https://creativecommons.org/licenses/by-nd/4.0/"]
    assert map_image.creator == "OS"
    assert view.declared_licences == article.declared_licences == [CC_BY]
    assert view.title == "A view"


def test_local_saved_page_uses_its_canonical_url(tmp_path: Path) -> None:
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "history.html").write_bytes(HISTORY)
    article, image = pages(tmp_path, urls=["saved/history.html"])
    canonical = "https://www.example.gov.uk/parks/example-park/history"
    assert article.url == canonical
    assert article.id == make_id("pages", str(tmp_path / "saved" / "history.html"))
    assert image.media_url == "https://www.example.gov.uk/media/bandstand-1905.jpg"


def test_local_page_without_canonical_has_local_images_only_inside_the_folder(
        tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "pic.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "site" / "page.html").write_text(simple_page(
        "Page", '<main><p>x</p><img src="pic.jpg" alt="Pic">'
        '<img src="/etc/passwd" alt="Secret"></main>'), encoding="utf-8")
    article, image = pages(tmp_path, urls=["site/page.html"])
    assert article.url is None
    assert image.path == tmp_path / "site" / "pic.jpg"
    assert image.media_url is None


def skipped(tmp_path: Path, **config: object) -> tuple[list[Item], list[str]]:
    """Items and the problems the source reported while skipping pages."""
    problems: list[str] = []
    settings: dict[str, object] = {"allow_private": True, **config}
    fetcher = Fetcher("syndicate-tests/0 (tests@example.org)", cache_dir=tmp_path / "http")
    context = SourceContext(tmp_path, fetcher, problem=problems.append)
    return list(PagesSource("pages", settings, context).items()), problems


def test_empty_page_is_reported_naming_the_url(tmp_path: Path,
                                               http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/empty", b"")
    items, problems = skipped(tmp_path, urls=[url])
    assert items == []
    assert len(problems) == 1 and problems[0].startswith(f"{url}: not a readable HTML page")


def test_private_address_needs_allow_private(tmp_path: Path,
                                             http_server: LocalHTTPServer) -> None:
    url = serve(http_server, "/p", simple_page("P", "<p>x</p>"))
    _, problems = skipped(tmp_path, urls=[url], allow_private=False)
    assert len(problems) == 1 and "not a public address" in problems[0]


def test_one_broken_page_does_not_stop_the_others(tmp_path: Path,
                                                  http_server: LocalHTTPServer) -> None:
    good = serve(http_server, "/good", simple_page("Good", "<main><p>fine</p></main>"))
    items, problems = skipped(tmp_path, urls=["missing.html", good])
    assert [i.title for i in items] == ["Good"]
    assert len(problems) == 1 and "missing.html: cannot be read" in problems[0]


@pytest.mark.parametrize(("config", "key"), [
    ({}, "urls"), ({"urls": "https://x.example/"}, "urls"), ({"sitemap": ""}, "sitemap"),
    ({"urls": ["a.html"], "max_pages": 0}, "max_pages"),
    ({"urls": ["a.html"], "allow_private": "yes"}, "allow_private"),
])
def test_bad_config_names_the_key(tmp_path: Path, config: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        PagesSource("pages", config, SourceContext(tmp_path, Fetcher("t")))
    assert raised.value.key == key


def test_source_is_registered_under_the_pages_entry_point() -> None:
    assert entry_points(group="syndicate.sources")["pages"].load() is PagesSource


# The pages corpus: saved real public-sector pages with a hand-checked gold text each.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"
if not CORPUS.is_dir():  # CI lays shared/ beside the clone; a developer may have it elsewhere
    CORPUS = Path("/work/shared/corpus/pages")
_TOKEN = re.compile(r"[^\W_]+")
# What a reader must never see on the rendered draft: wikitext that was not parsed.
_STRAY = re.compile(r"\[\[|\]\]|\{\{|\}\}|''|<nowiki|&#\d+;|&[a-z]+;|^[*#:;=]|^\{\||^\|")


def _f1(gold: str, extracted: str) -> float:
    """Word-level F1 as the corpus's measure.py computes it."""
    g = _TOKEN.findall(unicodedata.normalize("NFKC", gold).lower())
    e = _TOKEN.findall(unicodedata.normalize("NFKC", extracted).lower())
    common = sum((Counter(g) & Counter(e)).values())
    return 0.0 if not common else 2 * common / (len(g) + len(e))


@pytest.mark.skipif(not (CORPUS / "pages").is_dir(), reason="pages corpus not available")
def test_real_pages_give_their_article_and_clean_drafts(tmp_path: Path, wiki: Any) -> None:
    """Every corpus page through the real pages source (as inspect reads a saved page) and
    its draft body through the real wiki: the article's words (per-page F1 floor, mean)
    and nothing on the rendered page that is unparsed wikitext."""
    from tests.test_wikitext_security import parse

    scores, stray = {}, {}
    for html_path in sorted((CORPUS / "pages").glob("*.html")):
        gold = (CORPUS / "gold" / (html_path.stem + ".txt")).read_text(encoding="utf-8")
        item = pages(tmp_path, urls=[str(html_path)])[0]
        views = article_views(item)
        scores[html_path.stem] = _f1(gold, views["text"])
        rendered = lxml.html.fragment_fromstring(parse(wiki, views["wikitext"])["text"])
        for line in rendered.text_content().splitlines():
            if _STRAY.search(line.strip()):
                stray.setdefault(html_path.stem, []).append(line.strip())
    assert len(scores) >= 21
    # The targets are 0.6 per page and 0.9 on average; hold what is reached now.
    assert {name: f1 for name, f1 in scores.items() if f1 < 0.85} == {}
    assert statistics.mean(scores.values()) >= 0.95
    assert stray == {}


def test_content_selector_chooses_the_article(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(simple_page("Opening hours", (
        "<div class='menu'><p>" + "Long navigation prose about the council. " * 30 +
        "</p></div><div class='cms-body'><p>The library opens at nine.</p></div>")))
    item = pages(tmp_path, urls=[str(page)], content_selector=".cms-body")[0]
    assert "opens at nine" in item.content_html and "navigation" not in item.content_html
    missing = pages(tmp_path, urls=[str(page)], content_selector="#nowhere")[0]
    assert [f.code for f in missing.findings] == ["pages.no-article"]
    assert "#nowhere" in missing.findings[0].message


@pytest.mark.parametrize("selector", ["div[", "p::first-line", "", 3])
def test_bad_content_selector_names_the_key(tmp_path: Path, selector: object) -> None:
    with pytest.raises(ConfigError) as error:
        pages(tmp_path, urls=["a.html"], content_selector=selector)
    assert error.value.key == "content_selector"


def test_bad_content_selector_stops_the_config_load_naming_file_line_and_key(
        tmp_path: Path) -> None:
    from syndicate import config

    path = tmp_path / "syndicate.yaml"
    path.write_text("organisation: {name: Example Borough Council, url: "
                    "https://www.example.gov.uk}\n"
                    "sources:\n"
                    "  site:\n"
                    "    type: pages\n"
                    "    urls: [https://www.example.gov.uk/parks]\n"
                    "    content_selector: 'p::first-line'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        config.load(path)
    message = str(error.value)
    assert message.startswith(f"{path}:6: sources.site.content_selector: ")
    assert "CSS selector" in message and "seudo-element" in message


def test_page_without_an_article_gets_a_finding(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(simple_page("News", "<main>" + "".join(
        f"<article><h2><a href='/n{i}'>Story {i}</a></h2><p>Teaser {i} text.</p></article>"
        for i in range(5)) + "</main>"))
    item = pages(tmp_path, urls=[str(page)])[0]
    assert [f.code for f in item.findings] == ["pages.no-article"]


def test_deeply_nested_json_ld_costs_only_the_json_ld(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(simple_page("Deep", "<main><p>Still read in full.</p></main>",
                                head='<script type="application/ld+json">'
                                + "[" * 100_000 + "]" * 100_000 + "</script>"
                                + '<script type="application/ld+json">{"license": '
                                + "[" * 900 + '"https://x.example/l"' + "]" * 900
                                + "}</script>"))
    item = pages(tmp_path, urls=[str(page)])[0]
    assert "Still read in full." in item.content_html


def test_aside_with_figures_and_headings_named_like_furniture_are_kept(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(simple_page("Report", (
        "<main><h2 id='cookies-we-use'>Cookies we use</h2><p>We set two cookies.</p>"
        "<aside><p>Headline: 11 parks, 4 lakes.</p></aside>"
        "<div class='related'><a href='/x'>Related link</a></div></main>")))
    html = pages(tmp_path, urls=[str(page)])[0].content_html
    assert "Cookies we use" in html and "11 parks" in html and "Related link" not in html


def test_inspect_json_shows_text_and_wikitext(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from syndicate.cli import main

    page = tmp_path / "p.html"
    page.write_bytes(HISTORY)
    result = CliRunner().invoke(main, ["inspect", "--json", str(page)])
    article = json.loads(result.stdout.splitlines()[0])
    assert article["text"].splitlines()[0].startswith("Example Park opened in 1874")
    assert "'''1874'''" in article["wikitext"] and "== References ==" not in article["wikitext"]


def test_inspect_verbose_prints_the_article_text_and_wikitext(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from syndicate.cli import main

    page = tmp_path / "p.html"
    page.write_bytes(HISTORY)
    result = CliRunner().invoke(main, ["inspect", "-v", str(page)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  text:\n    Example Park opened in 1874 as a Victorian pleasure ground" in out
    assert "  wikitext:\n    Example Park opened in '''1874'''" in out
    assert "    == The early years ==" in out
    quiet = CliRunner().invoke(main, ["inspect", str(page)]).stdout
    assert "wikitext:" not in quiet


def test_page_whose_structure_does_not_tell_is_decided_by_trafilatura(tmp_path: Path) -> None:
    story = "".join(f"<p>The council approved the park plan at meeting {i}, after residents "
                    "asked for more trees, benches and a play area by the river.</p>"
                    for i in range(6))
    boxes = "".join(f"<div class='box'>Opening hours of library branch {i}: nine until "
                    "five on weekdays.</div>" for i in range(6))
    page = tmp_path / "p.html"
    page.write_text(simple_page("Park plan", f"<div><div><h2>Park plan approved</h2>{story}"
                                f"</div><div>{boxes}</div></div>"))
    item = pages(tmp_path, urls=[str(page)])[0]
    assert item.findings == []
    assert "meeting 5" in item.content_html and "Opening hours" not in item.content_html


def test_class_words_that_only_look_like_furniture_keep_their_content(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(simple_page("Adult social care", (
        "<main><p>" + "Our adult social care teams help people live independently. " * 8 +
        "</p><div class='social-care-contacts'><p>Call 0151 443 4031 for a care "
        "assessment.</p></div><div class='hidden-xs'><p>Open 9am to 5pm.</p></div>"
        "<div class='social-links'><a href='https://x.example/'>Share</a></div></main>")))
    html = pages(tmp_path, urls=[str(page)])[0].content_html
    assert "0151 443 4031" in html and "Open 9am" in html and "Share" not in html


def test_page_declaring_latin1_or_nothing_but_sending_utf8_is_read_as_utf8(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    body = "<main><p>Fees from £20 for the café — see below.</p></main>"
    page.write_bytes(("<html><head><meta http-equiv='Content-Type' content='text/html; "
                      f"charset=iso-8859-1'><title>Fees</title></head><body>{body}</body>"
                      "</html>").encode())
    assert "Fees from £20 for the café — see below." in pages(
        tmp_path, urls=[str(page)])[0].content_html
    undeclared = tmp_path / "u.html"
    undeclared.write_bytes(f"<html><head><title>Fees</title></head><body>{body}</body>"
                           "</html>".encode())
    assert "Fees from £20 for the café — see below." in pages(
        tmp_path, urls=[str(undeclared)])[0].content_html
    real_latin1 = tmp_path / "l.html"
    real_latin1.write_bytes(("<html><head><meta charset='iso-8859-1'><title>Fees</title>"
                             "</head><body><main><p>Fees from £20 at the café.</p></main>"
                             "</body></html>").encode("latin-1"))
    assert "Fees from £20 at the café." in pages(
        tmp_path, urls=[str(real_latin1)])[0].content_html


def test_bytes_that_are_not_text_become_u_fffd_never_mojibake_or_a_page_cut_short(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    # A UTF-8 page without a declaration and one stray Latin-1 byte: libxml2 alone read
    # the whole page as Latin-1 ("CafÃ©"); the stray byte is the one thing not text.
    body = "<main><h2>Café hours</h2>" + "<p>The café opens at nine.</p>" * 8 + "</main>"
    mixed = tmp_path / "m.html"
    mixed.write_bytes(simple_page("Café", body).encode().replace(b"caf\xc3\xa9 opens",
                                                                 b"caf\xe9 opens", 1))
    html = pages(tmp_path, urls=[str(mixed)])[0].content_html
    assert "Café hours" in html and "Ã" not in html
    assert html.count("\ufffd") == 1 and html.count("café opens") == 7
    # A Shift_JIS page with bytes Shift_JIS cannot read: libxml2 stopped there and the
    # rest of the article was lost without a word.
    http_server.add("/sjis", b"<html><head><title>x</title></head><body><main><p>"
                    b"\x82\xa0\xff\xfe The rest of the article. </p><p>"
                    + b"More of it. " * 40 + b"</p></main></body></html>",
                    content_type="text/html; charset=shift_jis")
    html = pages(tmp_path, urls=[http_server.url("/sjis")])[0].content_html
    assert "\u3042\ufffd" in html and "The rest of the article." in html
    assert html.count("More of it.") == 40
    # Real windows-1252 text, undeclared, is text: no U+FFFD.
    quoted = tmp_path / "q.html"
    quoted.write_bytes(simple_page("Fees", "<main><p>\u2018Fees\u2019 from £20 at the café."
                                   "</p></main>").encode("cp1252"))
    html = pages(tmp_path, urls=[str(quoted)])[0].content_html
    assert "\u2018Fees\u2019 from £20 at the café." in html and "\ufffd" not in html


def test_a_web_page_cannot_name_files_on_this_machine(tmp_path: Path,
                                                      http_server: LocalHTTPServer) -> None:
    photo = tmp_path / "pic.jpg"  # inside the config folder: a local page may use it
    photo.write_bytes(b"\xff\xd8\xff")
    url = serve(http_server, "/hostile", simple_page("Park", (
        f"<main><p>The park.</p><img src='{photo.as_uri()}' alt='Pic'>"
        "<img src='https://www.example.gov.uk/p.jpg' alt='Real'></main>")))
    items, problems = skipped(tmp_path, urls=[url])
    assert [(i.kind, i.media_url, i.path) for i in items[1:]] == [
        ("image", "https://www.example.gov.uk/p.jpg", None)]
    assert problems == [f"{url}: image {photo.as_uri()} is a file: URL; only http and https "
                        "addresses are taken from a web page, so the image is left out"]
    local = tmp_path / "local.html"
    local.write_text(simple_page("Park", f"<main><p>x</p><img src='{photo.as_uri()}' "
                                 "alt='Pic'></main>"), encoding="utf-8")
    assert pages(tmp_path, urls=[str(local)])[1].path == photo


def test_a_sitemap_index_cannot_name_files_on_this_machine(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    (tmp_path / "inner.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
        f'{http_server.url("/p")}</loc></url></urlset>', encoding="utf-8")
    serve(http_server, "/p", simple_page("P", "<main><p>x</p></main>"))
    http_server.add("/index.xml", '<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9"><sitemap><loc>{tmp_path / "inner.xml"}</loc></sitemap>'
                    "</sitemapindex>", content_type="application/xml")
    with pytest.raises(InputError, match=r"inner\.xml</loc> is not an http"):
        pages(tmp_path, sitemap=http_server.url("/index.xml"))


def test_news_index_without_article_markup_is_no_article(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(simple_page("News", "<div id='content'><h1>News</h1>" + "".join(
        f"<div class='item'><h2><a href='/news/{i}'>Story {i} headline</a></h2><p>A short "
        f"summary of story {i} for the index page.</p></div>" for i in range(8)) + "</div>"))
    item = pages(tmp_path, urls=[str(page)])[0]
    assert [f.code for f in item.findings] == ["pages.no-article"]
    assert "teasers" in item.findings[0].message


def test_home_page_of_teasers_gives_the_section_holding_its_own_description(
        tmp_path: Path) -> None:
    about = ("We run the borough's parks, libraries and leisure centres, and collect "
             "waste from ninety thousand homes.")
    page = tmp_path / "p.html"
    page.write_text(simple_page("Example Council", "<main>" + "".join(
        f"<article><h2><a href='/n{i}'>Story {i}</a></h2><p>Teaser {i} text.</p></article>"
        for i in range(4)) + f"<section id='about'><h2>What we do</h2><p>{about}</p>"
        "<p>We are a unitary authority.</p></section></main>",
        head=f'<meta name="description" content="{about}">'))
    item = pages(tmp_path, urls=[str(page)])[0]
    assert item.findings == []
    assert "unitary authority" in item.content_html and "Teaser" not in item.content_html


def test_inspect_uses_the_content_selector_of_the_site_s_pages_source(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    from click.testing import CliRunner

    from syndicate.cli import main

    url = serve(http_server, "/libraries/hours", simple_page("Library hours", (
        "<div class='promo'><p>" + "Visit our museum this summer for free events. " * 20 +
        "</p></div><div class='cms-text'><p>The library opens at nine.</p></div>")))
    (tmp_path / "syndicate.yaml").write_text(
        "organisation: {name: Example Borough Council, url: https://www.example.gov.uk}\n"
        f"sources:\n  site: {{type: pages, urls: ['{http_server.url('/')}'], "
        "content_selector: .cms-text, allow_private: true}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "syndicate.yaml"),
                                       "inspect", "--json", url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["text"] == "The library opens at nine."
