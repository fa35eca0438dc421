"""The feed source on real files and over a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from syndicate import safexml
from syndicate.errors import ConfigError, InputError, SourceError
from syndicate.fetch import Fetcher
from syndicate.model import Item, make_id
from syndicate.sources.base import SourceContext
from syndicate.sources.feed import FeedSource
from tests.httpserver import LocalHTTPServer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feedparser"
BY = "https://creativecommons.org/licenses/by/4.0/"
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

ReadFeed = Callable[..., list[Item]]


@pytest.fixture
def read_feed(tmp_path: Path) -> ReadFeed:
    """Write ``text`` as a feed file and return the items FeedSource makes of it."""
    def read(text: str | bytes, **config: object) -> list[Item]:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (tmp_path / "feed.xml").write_bytes(data)
        return list(source(tmp_path, {"path": "feed.xml", **config}).items())
    return read


def source(base_dir: Path, config: dict[str, object], name: str = "news") -> FeedSource:
    context = SourceContext(base_dir=base_dir, fetcher=Fetcher("syndicate-test/0.1",
                                                               cache_dir=base_dir / "cache"))
    return FeedSource(name, config, context)


RSS2 = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:creativeCommons="http://backend.userland.com/creativeCommonsRssModule"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example Borough Council news</title>
  <link>https://www.example.gov.uk/news</link>
  <creativeCommons:license>{OGL}</creativeCommons:license>
  <item>
    <title>Snow update: all schools closed</title>
    <link>https://www.example.gov.uk/news/snow-update</link>
    <guid isPermaLink="false">news-1234</guid>
    <description>&lt;p&gt;All schools are &lt;b&gt;closed&lt;/b&gt; today.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>All schools are <b>closed</b>.</p>]]></content:encoded>
    <dc:creator>Press Office</dc:creator>
    <pubDate>Mon, 05 Jan 2026 07:30:00 +0100</pubDate>
    <category>Schools</category><category>Weather</category>
    <enclosure url="https://www.example.gov.uk/img/snow.jpg" length="24601" type="image/jpeg"/>
    <enclosure url="https://www.example.gov.uk/docs/closures.pdf" length="1000"
               type="application/pdf"/>
    <enclosure url="https://www.example.gov.uk/audio/briefing.mp3" type="audio/mpeg"/>
  </item>
  <item>
    <title>Photo competition</title>
    <link>/news/photos</link>
    <creativeCommons:license>{BY}</creativeCommons:license>
    <pubDate>not a date at all</pubDate>
  </item>
</channel>
</rss>"""


def test_rss2_entry_becomes_article(read_feed: ReadFeed) -> None:
    article = read_feed(RSS2)[0]
    assert article.kind == "article"
    assert article.id == make_id("news", "news-1234")
    assert article.source == "news"
    assert article.title == "Snow update: all schools closed"
    assert article.url == "https://www.example.gov.uk/news/snow-update"
    assert article.description == "All schools are closed today."
    assert article.content_html == "<p>All schools are <b>closed</b>.</p>"
    assert article.creator == "Press Office"
    assert article.date == "2026-01-05T06:30:00Z"
    assert article.categories == ["Schools", "Weather"]


def test_rss2_channel_licence_applies_and_item_licence_overrides(read_feed: ReadFeed) -> None:
    articles = [item for item in read_feed(RSS2) if item.kind == "article"]
    assert articles[0].declared_licences == [OGL]
    assert articles[1].declared_licences == [BY]


def test_bad_date_is_tolerated_and_relative_link_resolved(read_feed: ReadFeed) -> None:
    second = [item for item in read_feed(RSS2) if item.kind == "article"][1]
    assert second.date is None
    assert second.url == "https://www.example.gov.uk/news/photos"


def test_enclosures_become_image_and_document_items(read_feed: ReadFeed) -> None:
    items = read_feed(RSS2)
    article = items[0]
    media = [item for item in items if item.parent == article.id]
    assert [(m.kind, m.media_url, m.media_type, m.size) for m in media] == [
        ("image", "https://www.example.gov.uk/img/snow.jpg", "image/jpeg", 24601),
        ("document", "https://www.example.gov.uk/docs/closures.pdf", "application/pdf", 1000),
    ]
    image = media[0]
    assert image.id == make_id("news", "https://www.example.gov.uk/img/snow.jpg")
    assert image.title == article.title
    assert image.creator == "Press Office"
    assert image.url == article.url
    assert image.declared_licences == [OGL]


def test_enclosure_kind_from_extension_when_type_missing(read_feed: ReadFeed) -> None:
    items = read_feed("""<rss version="2.0"><channel><item><title>t</title>
        <enclosure url="http://x.example/a/plan.docx"/>
        <enclosure url="http://x.example/a/map.PNG?v=2" type="application/octet-stream"/>
        </item></channel></rss>""")
    assert [(i.kind, i.media_type) for i in items[1:]] == [
        ("document",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]


RSS1 = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:cc="http://web.resource.org/cc/" xmlns:ccns="http://creativecommons.org/ns#">
  <channel rdf:about="https://www.example.gov.uk/rss">
    <title>News</title>
    <link>https://www.example.gov.uk/</link>
    <cc:license rdf:resource="{BY_SA}"/>
  </channel>
  <item rdf:about="https://www.example.gov.uk/news/a">
    <title>Library opens</title>
    <link>https://www.example.gov.uk/news/a</link>
    <dc:date>2026-01-04T10:00:00+00:00</dc:date>
    <dc:creator>Libraries Team</dc:creator>
    <dc:subject>Libraries</dc:subject>
  </item>
  <item rdf:about="https://www.example.gov.uk/news/b">
    <title>Park reopens</title>
    <ccns:license rdf:resource="{BY}"/>
  </item>
</rdf:RDF>"""


def test_rss1_cc_licence_in_both_namespaces(read_feed: ReadFeed) -> None:
    first, second = read_feed(RSS1)
    assert first.declared_licences == [BY_SA]
    assert second.declared_licences == [BY]
    assert first.id == make_id("news", "https://www.example.gov.uk/news/a")
    assert (first.title, first.creator, first.date, first.categories) == (
        "Library opens", "Libraries Team", "2026-01-04T10:00:00Z", ["Libraries"])
    assert second.url is None


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"
      xml:base="https://www.example.gov.uk/">
  <title>Example news</title>
  <link rel="license" href="{OGL}"/>
  <author><name>Example Borough Council</name></author>
  <entry>
    <id>tag:example.gov.uk,2026:1</id>
    <title type="html">Budget &lt;em&gt;consultation&lt;/em&gt;</title>
    <link rel="alternate" href="news/budget"/>
    <link rel="license" href="{BY}" title="CC BY 4.0"/>
    <link rel="license" href="{OGL}"/>
    <link rel="enclosure" href="files/budget.pdf" type="application/pdf" length="5000"/>
    <summary>Have your say.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Read <b>this</b></div></content>
    <published>2026-01-02T09:00:00Z</published>
    <updated>2026-01-03T09:00:00+02:00</updated>
    <category term="budget" label="Budget"/>
    <media:content url="https://cdn.example.gov.uk/town-hall.jpg" medium="image">
      <media:title>Town hall at dusk</media:title>
      <media:description>The town hall lit up</media:description>
      <media:license href="{BY_SA}">CC BY-SA 4.0</media:license>
    </media:content>
    <media:thumbnail url="https://cdn.example.gov.uk/town-hall-small.jpg"/>
  </entry>
  <entry>
    <id>tag:example.gov.uk,2026:2</id>
    <title>Bin collections</title>
    <author><name>Waste Team</name><uri>https://www.example.gov.uk/waste</uri></author>
    <content type="html">&lt;p&gt;Bins &amp;amp; boxes&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_atom_entry_licences_override_feed_and_keep_dual_licensing(
        read_feed: ReadFeed) -> None:
    articles = [item for item in read_feed(ATOM) if item.kind == "article"]
    assert articles[0].declared_licences == [BY, OGL]
    assert articles[1].declared_licences == [OGL]


def test_atom_entry_fields(read_feed: ReadFeed) -> None:
    first, *_rest = read_feed(ATOM)
    assert first.id == make_id("news", "tag:example.gov.uk,2026:1")
    assert first.title == "Budget consultation"
    assert first.url == "https://www.example.gov.uk/news/budget"
    assert first.description == "Have your say."
    assert first.content_html == "Read <b>this</b>"
    assert first.creator == "Example Borough Council"
    assert (first.date, first.modified) == ("2026-01-02T09:00:00Z", "2026-01-03T07:00:00Z")
    assert first.categories == ["Budget"]


def test_atom_author_and_html_content(read_feed: ReadFeed) -> None:
    second = [item for item in read_feed(ATOM) if item.kind == "article"][1]
    assert (second.creator, second.creator_url) == ("Waste Team",
                                                    "https://www.example.gov.uk/waste")
    assert second.content_html == "<p>Bins &amp; boxes</p>"
    assert second.date is None


def test_atom_enclosure_and_media_content_become_items(read_feed: ReadFeed) -> None:
    items = read_feed(ATOM)
    media = {item.media_url: item for item in items if item.parent == items[0].id}
    assert set(media) == {"https://www.example.gov.uk/files/budget.pdf",
                          "https://cdn.example.gov.uk/town-hall.jpg"}
    pdf = media["https://www.example.gov.uk/files/budget.pdf"]
    assert (pdf.kind, pdf.size, pdf.title) == ("document", 5000, "Budget consultation")
    assert pdf.declared_licences == [BY, OGL]
    photo = media["https://cdn.example.gov.uk/town-hall.jpg"]
    assert (photo.kind, photo.media_type) == ("image", "image/jpeg")
    assert (photo.title, photo.description) == ("Town hall at dusk", "The town hall lit up")
    assert photo.declared_licences == [BY_SA]
    assert photo.creator == "Example Borough Council"


def test_dcterms_licence_as_resource_or_text(read_feed: ReadFeed) -> None:
    items = read_feed(f"""<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel>
        <item><title>a</title><dcterms:license rdf:resource="{BY}"/></item>
        <item><title>b</title><dcterms:license>{OGL}</dcterms:license></item>
        </channel></rss>""")
    assert [item.declared_licences for item in items] == [[BY], [OGL]]


def test_media_licence_on_item_is_declared(read_feed: ReadFeed) -> None:
    items = read_feed(f"""<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
        <channel><item><title>a</title><media:license type="text/html" href="{BY}">CC BY
        </media:license></item></channel></rss>""")
    assert items[0].declared_licences == [BY]


def test_same_image_in_two_entries_is_one_item(read_feed: ReadFeed) -> None:
    entry = """<item><title>{0}</title><enclosure url="http://x.example/logo.png"
               type="image/png"/></item>"""
    items = read_feed(f"<rss><channel>{entry.format('a')}{entry.format('b')}</channel></rss>")
    assert [item.kind for item in items] == ["article", "image", "article"]


def test_entry_with_nothing_to_identify_it_is_skipped(read_feed: ReadFeed) -> None:
    items = read_feed("<rss><channel><item><author>x</author></item>"
                      "<item><title>kept</title></item></channel></rss>")
    assert [item.title for item in items] == ["kept"]


def test_feed_over_http_with_conditional_get(http_server: LocalHTTPServer,
                                             tmp_path: Path) -> None:
    http_server.add("/news.rss", RSS2, content_type="application/rss+xml", etag='"n1"')
    feed = source(tmp_path, {"url": http_server.url("/news.rss"), "allow_private": True})
    first = list(feed.items())
    second = list(feed.items())
    assert [item.id for item in first] == [item.id for item in second]
    assert len(first) == 4
    assert http_server.requests_for("/news.rss")[1].headers["if-none-match"] == '"n1"'


def test_relative_links_resolve_against_the_feed_url(http_server: LocalHTTPServer,
                                                     tmp_path: Path) -> None:
    http_server.add("/feeds/news.rss", "<rss><channel><item><title>t</title>"
                    "<link>../news/t</link></item></channel></rss>")
    feed = source(tmp_path, {"url": http_server.url("/feeds/news.rss"),
                             "allow_private": True})
    assert next(iter(feed.items())).url == http_server.url("/news/t")


def test_private_feed_url_refused_without_allow_private(http_server: LocalHTTPServer,
                                                        tmp_path: Path) -> None:
    http_server.add("/news.rss", RSS2)
    with pytest.raises(SourceError, match="not a public address"):
        list(source(tmp_path, {"url": http_server.url("/news.rss")}).items())
    assert http_server.requests == []


def test_feed_over_the_byte_cap_is_refused(http_server: LocalHTTPServer,
                                           tmp_path: Path) -> None:
    http_server.add("/news.rss", RSS2)
    feed = source(tmp_path, {"url": http_server.url("/news.rss"), "allow_private": True,
                             "max_bytes": 100})
    with pytest.raises(SourceError, match="limit of 100 bytes"):
        list(feed.items())


@pytest.mark.parametrize(("config", "key"), [
    ({}, "path"),
    ({"url": "https://x.example/feed", "path": "feed.xml"}, "url"),
    ({"url": "file:///etc/passwd"}, "url"),
    ({"path": 3}, "path"),
    ({"path": "feed.xml", "allow_private": "yes"}, "allow_private"),
    ({"path": "feed.xml", "max_bytes": -1}, "max_bytes"),
    ({"path": "feed.xml", "max_bytes": True}, "max_bytes"),
])
def test_bad_config_names_the_key(tmp_path: Path, config: dict[str, object],
                                  key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        source(tmp_path, config)
    assert caught.value.key == key


def test_config_keys_are_declared() -> None:
    assert FeedSource.config_keys == {"url", "path", "allow_private", "max_bytes", "language"}


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing\.xml: cannot read the feed file"):
        list(source(tmp_path, {"path": "missing.xml"}).items())


# --- Malformed input and encodings -------------------------------------------------------

def test_truncated_feed_still_yields_complete_entries(read_feed: ReadFeed) -> None:
    items = read_feed("<rss><channel><item><title>one</title></item>"
                      "<item><title>two</title></item><item><title>thr")
    assert [item.title for item in items][:2] == ["one", "two"]


def test_garbage_is_input_error_naming_file_and_line(read_feed: ReadFeed,
                                                     tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{tmp_path / 'feed.xml'}: line 3: "):
        read_feed("<rss>\n<channel>\n<<<>>>")


def test_empty_file_is_input_error(read_feed: ReadFeed) -> None:
    with pytest.raises(InputError, match=r"feed\.xml"):
        read_feed(b"")


def test_html_page_is_not_a_feed(read_feed: ReadFeed) -> None:
    with pytest.raises(InputError, match=r"not an RSS or Atom feed \(the document is <html>"):
        read_feed("<html><body><p>Hello</p></body></html>")


def test_declared_latin1_is_honoured(read_feed: ReadFeed) -> None:
    data = ('<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><item>'
            "<title>Caf\xe9 opens</title></item></channel></rss>").encode("latin-1")
    assert read_feed(data)[0].title == "Caf\xe9 opens"


def test_utf16_with_bom_is_read(read_feed: ReadFeed) -> None:
    data = ("\ufeff<?xml version='1.0' encoding='utf-16'?><rss><channel><item>"
            "<title>\u0141\xf3d\u017a</title></item></channel></rss>").encode("utf-16-le")
    assert read_feed(data)[0].title == "\u0141\xf3d\u017a"


def test_wrong_declared_encoding_gives_items_or_input_error(read_feed: ReadFeed) -> None:
    data = ('<?xml version="1.0" encoding="utf-8"?><rss><channel><item><title>Caf\xe9'
            "</title><link>http://x.example/a</link></item></channel></rss>").encode("latin-1")
    items = read_feed(data)
    assert items[0].url == "http://x.example/a"


def test_unknown_declared_encoding_does_not_crash(read_feed: ReadFeed) -> None:
    data = (b'<?xml version="1.0" encoding="no-such-charset"?><rss><channel><item>'
            b"<title>plain</title></item></channel></rss>")
    try:
        items = read_feed(data)
    except InputError as error:
        assert "feed.xml" in str(error)
    else:
        assert items[0].title == "plain"


def _corpus(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (CORPUS / folder).rglob("*")
                  if path.is_file())


@pytest.mark.skipif(not CORPUS.is_dir(), reason="feedparser corpus not present")
@pytest.mark.parametrize("path", _corpus("wellformed", "encoding", "illformed", "entities")
                         if CORPUS.is_dir() else [], ids=lambda p: str(p.relative_to(CORPUS)))
def test_feedparser_corpus_gives_items_or_input_error(path: Path) -> None:
    feed = source(path.parent, {"path": path.name})
    try:
        items = list(feed.items())
    except InputError as error:
        assert path.name in str(error)
        return
    assert all(item.kind in ("article", "image", "document") for item in items)
    assert all(item.id.startswith("news-") for item in items)


# --- Hostile XML -------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0" title="&lol4;"><channel><item><title>&lol4;</title></item></channel></rss>"""


def test_billion_laughs_is_refused(read_feed: ReadFeed) -> None:
    with pytest.raises(InputError, match=r"feed\.xml: refused: the document declares XML "
                                         r"entities"):
        read_feed(BILLION_LAUGHS)


def test_external_entity_to_etc_passwd_is_refused(read_feed: ReadFeed) -> None:
    with pytest.raises(InputError, match="declares XML entities"):
        read_feed("""<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <rss><channel><item><title>&xxe;</title></item></channel></rss>""")


def test_external_entities_are_never_fetched(read_feed: ReadFeed,
                                             http_server: LocalHTTPServer) -> None:
    http_server.add("/xxe", "<!ENTITY leak 'LEAKED'>")
    general = f"""<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{http_server.url('/xxe')}">]>
        <rss><channel><item><title>&xxe;</title></item></channel></rss>"""
    parameter = f"""<!DOCTYPE rss [<!ENTITY % p SYSTEM "{http_server.url('/xxe')}"> %p;]>
        <rss><channel><item><title>&leak;</title></item></channel></rss>"""
    for document in (general, parameter):
        with pytest.raises(InputError, match="declares XML entities"):
            read_feed(document)
    assert http_server.requests == []


def test_entity_declaration_hidden_in_utf16_is_refused(read_feed: ReadFeed) -> None:
    with pytest.raises(InputError, match="declares XML entities"):
        read_feed(("\ufeff" + BILLION_LAUGHS.replace("<?xml version=\"1.0\"?>", ""))
                  .encode("utf-16-be"))


def test_external_dtd_is_never_loaded(read_feed: ReadFeed, http_server: LocalHTTPServer,
                                      tmp_path: Path) -> None:
    # An external DTD may declare entities the document then uses; it must not be read,
    # from the network or from disk. (Feeds like Netscape's RSS 0.91 name one harmlessly,
    # so the document itself is still read, without it.)
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "FILE-SECRET">')
    http_server.add("/evil.dtd", '<!ENTITY leak "NET-SECRET">')
    for dtd in (http_server.url("/evil.dtd"), secret.as_uri()):
        items = read_feed(f"""<!DOCTYPE rss SYSTEM "{dtd}"><rss><channel><item>
            <title>before &leak; after</title><link>http://x.example/a</link>
            </item></channel></rss>""")
        assert all("SECRET" not in item.title for item in items)
    assert http_server.requests == []


def test_safexml_fromstring_refuses_entities_and_parses_plain_xml() -> None:
    with pytest.raises(InputError, match=r"sitemap\.xml: refused"):
        safexml.fromstring(BILLION_LAUGHS.encode(), "sitemap.xml")
    root = safexml.fromstring(b"<urlset><url><loc>http://x.example/</loc></url></urlset>",
                              "sitemap.xml")
    assert root.findtext("url/loc") == "http://x.example/"
    with pytest.raises(InputError, match=r"sitemap\.xml: line 1: not well-formed"):
        safexml.fromstring(b"<urlset><url></urlset>", "sitemap.xml")


# --- Streaming ---------------------------------------------------------------------------

def _write_big_feed(path: Path, entries: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                     "<title>Big</title>\n")
        for number in range(entries):
            handle.write(f"<item><title>Entry {number}</title>"
                         f"<link>https://www.example.gov.uk/news/{number}</link>"
                         f"<description>{'Some words about the news. ' * 6}</description>"
                         "</item>\n")
        handle.write("</channel></rss>\n")


def _resident_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow
def test_memory_stays_flat_on_a_50k_entry_feed(tmp_path: Path) -> None:
    feed_file = tmp_path / "big.xml"
    _write_big_feed(feed_file, 50_000)
    assert feed_file.stat().st_size > 10_000_000
    feed = source(tmp_path, {"path": "big.xml"})
    measure_resident = Path("/proc/self/statm").exists()
    resident: list[int] = []
    tracemalloc.start()
    try:
        count = 0
        for item in feed.items():
            count += 1
            if measure_resident and count % 5000 == 0:
                resident.append(_resident_bytes())
            del item
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    # Python objects: keeping the items would take well over 50 MB.
    assert peak < 5_000_000
    # libxml2's tree is outside tracemalloc's view: the process must not grow with the
    # entries either (a whole tree of this feed is some 40 MB more).
    if resident:
        assert max(resident) - resident[0] < 15_000_000


def test_html_named_entities_are_read_as_their_characters(read_feed: ReadFeed) -> None:
    # HTML tools put &nbsp; and &eacute; in feeds; XML does not define them.
    filler = "<!-- " + "x" * 70_000 + " -->"  # pushes the entity past the first chunk
    items = read_feed(f'<?xml version="1.0"?><rss version="2.0"><channel>{filler}<item>'
                      "<title>Caf&eacute;&nbsp;opens &amp; more</title>"
                      "<guid>cafe</guid><link>https://council.example/cafe</link>"
                      "</item></channel></rss>")
    assert [i.title for i in items] == ["Café opens & more"]  # titles fold white space


def test_named_entity_cut_by_a_chunk_boundary_is_kept_whole() -> None:
    import io

    data = b"<t>" + b"a" * 4093 + b"&eacute;</t>"
    stream = safexml._NumericEntityRefs(io.BytesIO(data))
    out = b"".join(iter(lambda: stream.read(4100), b""))
    assert out.endswith(b"&#233;</t>") and len(out) == len(data) - 2


def test_paragraphs_in_html_descriptions_stay_apart() -> None:
    from syndicate.sources.feedelements import html_to_text

    assert html_to_text("<p>Schools closed.</p><p>Gritters <b>out</b>.</p><ul><li>A</li>"
                        "<li>B</li></ul>line<br>break") == \
        "Schools closed. Gritters out. A B line break"


HOSTILE_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.example.gov.uk/news/"
      xml:lang="cy">
  <title>Newyddion</title>
  <entry>
    <id>urn:uuid:1</id><title>Ffyrdd ar gau</title>
    <link href="roads/closed"/>
    <updated>2026-06-28T10:00:00+01:00</updated>
    <category term="Ffyrdd"/>
    <summary type="html">&lt;p&gt;Ar gau.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</summary>
    <content type="xhtml" xml:base="https://cdn.example.gov.uk/ffyrdd/">
      <div xmlns="http://www.w3.org/1999/xhtml"><p onmouseover="x()">Gweler
        <a href="map.html">y map</a> a <a href="javascript:alert(2)">hwn</a>.</p>
        <img src="../img/pont.jpg" alt="Pont"/><script>alert(3)</script></div>
    </content>
  </entry>
</feed>"""


def test_atom_content_is_sanitised_against_its_own_xml_base(read_feed: ReadFeed) -> None:
    (article,) = read_feed(HOSTILE_ATOM)
    assert article.url == "https://www.example.gov.uk/news/roads/closed"
    assert article.description == "Ar gau."                       # no script text
    assert 'href="https://cdn.example.gov.uk/ffyrdd/map.html"' in article.content_html
    assert 'src="https://cdn.example.gov.uk/img/pont.jpg"' in article.content_html
    for banned in ("onmouseover", "javascript", "script", "alert"):
        assert banned not in article.content_html
    assert article.date == "2026-06-28T09:00:00Z"
    assert (article.language, article.categories) == ("cy", ["Ffyrdd"])


def test_a_source_language_overrides_the_feeds(read_feed: ReadFeed) -> None:
    (article,) = read_feed(HOSTILE_ATOM, language="en-GB")
    assert article.language == "en-GB"


def test_the_same_entry_listed_twice_stays_one_item(read_feed: ReadFeed) -> None:
    entry = "<item><guid>g-1</guid><title>Same</title><link>https://a.example/1</link></item>"
    items = read_feed(f'<rss version="2.0"><channel>{entry}{entry}</channel></rss>')
    assert len({item.id for item in items}) == 1
    assert not any(f.code == "feed.repeated-guid" for item in items for f in item.findings)


def test_a_bad_language_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="language tag") as caught:
        source(tmp_path, {"path": "x.xml", "language": "English please"})
    assert caught.value.key == "language"
