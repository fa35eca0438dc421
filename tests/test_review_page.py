"""queue.html, the review page: written at every run and by `queue preview`, read in a real
headless Chromium (cards, thumbnails, filters, collapsed page text, 320 px, print), checked
with axe-core, and never carrying markup from a source. Thumbnails: upright, no GPS."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from syndicate import review, thumbnails
from syndicate.model import Finding
from tests.browser import ARTEFACTS, run_axe, screenshot
from tests.council import Council

WIKI_SINKS = """
  wikipedia:
    type: wikipedia-draft
    site: http://127.0.0.1:9/api.php       # never contacted: collect only checks
    username: {env: SYNDICATE_WP_USER}
    password: {env: SYNDICATE_WP_PASSWORD}
    kinds: [article]
  commons:
    type: commons
    site: http://127.0.0.1:9/api.php       # refused at once: the known file types are used
    username: {env: SYNDICATE_COMMONS_USER}
    password: {env: SYNDICATE_COMMONS_PASSWORD}
    kinds: [image, document]
"""
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def photo_with_gps(path: Path) -> None:
    """A landscape JPEG marked 'rotate 90°' with a GPS position, as phones write them."""
    exif = Image.Exif()
    exif[0x0112] = 6                                       # Orientation: rotate 90° CW
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    image = Image.new("RGB", (800, 400), (30, 90, 160))
    image.paste((250, 200, 0), (0, 0, 100, 400))           # a yellow band on the left
    image.save(path, "JPEG", exif=exif)


@pytest.fixture
def reviewed(council: Council) -> Council:
    """The demo council with wiki sinks, a phone photo and a PDF, after one collect."""
    council.write_config(council.config.read_text().replace(
        "    formats: [atom, rss]\n", "    formats: [atom, rss]\n" + WIKI_SINKS, 1))
    photos = council.root / "content" / "photos"
    photo_with_gps(photos / "phone.jpg")
    (photos / "phone.jpg.yaml").write_text(
        "title: Bandstand from the phone\ndescription: Taken on a phone.\ndate: 2026-11-01\n"
        "alt: The bandstand on a sunny day\nurl: https://www.example.gov.uk/parks\n")
    (photos / "minutes.pdf").write_bytes(PDF)
    (photos / "minutes.pdf.yaml").write_text(
        "title: Council minutes\ndescription: Minutes of the full council meeting.\n"
        "date: 2026-10-01\nurl: https://www.example.gov.uk/minutes\n")
    news = council.root / "content" / "news.rss"
    news.write_text(news.read_text().replace(
        "xmlns:dc=", 'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc=', 1
    ).replace("</channel>", ARTICLE + "</channel>"))
    result = council.run("collect")
    assert result.exit_code in (0, 1), result.output
    return council


ARTICLE = """<item><title>Library opening hours</title>
<link>https://www.example.gov.uk/news/library-hours</link><guid>ebc-library-hours</guid>
<pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate><dc:creator>Libraries</dc:creator>
<description>The library opens late on Thursdays.</description>
<content:encoded><![CDATA[<p>The library <script>alert("x")</script>opens <b>late</b> on
Thursdays from December.</p><p>Ask at the desk.</p>]]></content:encoded></item>
"""


def queue_ids(council: Council) -> list[str]:
    return [item["id"] for item in council.queue_items()]


def test_thumbnail_is_upright_small_and_carries_no_gps(tmp_path: Path) -> None:
    photo = tmp_path / "phone.jpg"
    photo_with_gps(photo)
    assert Image.open(photo).getexif().get_ifd(ExifTags.IFD.GPSInfo)   # the input has GPS
    thumb = thumbnails.make(photo, thumbnails.path_for(tmp_path, "photos-1", "abc"))
    assert thumb is not None and thumb.parent == tmp_path / "thumbnails"
    with Image.open(thumb) as image:
        assert image.size == (160, 320)                    # turned upright, longest side 320
        assert image.getpixel((80, 5))[0] > 200            # the yellow band is now on top
        assert len(image.getexif()) == 0 and "exif" not in image.info
    assert b"GPS" not in thumb.read_bytes() and b"Exif" not in thumb.read_bytes()


def test_a_file_that_is_not_an_image_gets_no_thumbnail(tmp_path: Path) -> None:
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"not a jpeg at all")
    assert thumbnails.make(fake, tmp_path / "t.jpg") is None
    assert not (tmp_path / "t.jpg").exists()


def test_every_run_writes_the_page_beside_the_queue(reviewed: Council) -> None:
    page = reviewed.root / "queue.html"
    text = page.read_text(encoding="utf-8")
    for item_id in queue_ids(reviewed):
        assert f'id="item-{item_id}"' in text
    phone = next(i for i in reviewed.queue_items() if i["title"] == "Bandstand from the phone")
    # the queue points at the thumbnail, relative to queue.yaml's folder
    assert phone["thumbnail"] == f".syndicate/thumbnails/{phone['id']}-{phone['version']}.jpg"
    assert (reviewed.root / phone["thumbnail"]).is_file()
    assert phone["date"] == "2026-11-01" and phone["excerpt"] == "Taken on a phone."


def test_queue_preview_rewrites_the_page_after_an_edit(reviewed: Council) -> None:
    page = reviewed.root / "queue.html"
    page.unlink()
    item_id = queue_ids(reviewed)[0]
    reviewed.set_status(item_id, "Rejected")
    result = reviewed.run("queue", "preview")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {page}"
    card = page.read_text().split(f'id="item-{item_id}" ')[1].split("</article>")[0]
    assert card.startswith('data-status="rejected"')
    assert "change <code>status: rejected</code> to <code>status: approved</code>" in card


def test_source_markup_is_shown_as_text_never_as_html() -> None:
    card = review.Card(
        id="news-1", status="pending", kind="article", source="news", date="2026-01-05",
        title='<script>alert("t")</script>', url="javascript:alert(1)",
        excerpt='<img src=x onerror=alert(1)> & more', licence="cc-by-4.0",
        licence_name="CC BY 4.0", licence_url="https://creativecommons.org/licenses/by/4.0/",
        attribution='"x" by <b>y</b>', sinks=["partners"],
        findings=[Finding("t.x", "warning", "<iframe src=//evil>")], note="</pre><script>",
        page_texts={"wikipedia": "</pre><script>alert(2)</script>"})
    page = review.render([card], "Council <b>", "queue.yaml")
    body = page.split("<body>", 1)[1].rsplit("<script>", 1)[0]   # all but our own script
    assert "<script" not in body and "<img src=x" not in body and "<iframe" not in body
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in body
    assert "javascript:" not in page                      # only http(s) links are made
    assert "Council &lt;b&gt;" in page


def test_page_forbids_every_network_request(reviewed: Council) -> None:
    page = (reviewed.root / "queue.html").read_text()
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp[1] and "img-src data:" in csp[1]
    assert not re.search(r'<(?:img|script|link|iframe)[^>]+(?:src|href)="(?!data:)', page)


def card_ids(browser: Any) -> list[str]:
    return [c.get_attribute("id").removeprefix("item-")
            for c in browser.find_elements("css selector", ".card") if c.is_displayed()]


def choose(browser: Any, name: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", f"f-{name}")).select_by_value(value)


@pytest.mark.slow
def test_review_page_in_a_real_browser(reviewed: Council, browser: Any) -> None:
    page = reviewed.root / "queue.html"
    browser.set_window_size(1280, 900)
    browser.get(page.as_uri())
    ids = queue_ids(reviewed)
    assert card_ids(browser) == ids                   # one card per item, in the queue's order
    assert browser.find_element("tag name", "h1").text.startswith("Review queue: ")

    # thumbnails decoded by the browser; the document has its icon
    phone = next(i for i in reviewed.queue_items() if i["title"] == "Bandstand from the phone")
    img = browser.find_element("css selector", f"#item-{phone['id']} img.thumb")
    assert img.get_attribute("alt") == "The bandstand on a sunny day"
    width, height = browser.execute_script(
        "return [arguments[0].naturalWidth, arguments[0].naturalHeight]", img)
    assert (width, height) == (160, 320)              # upright
    pdf = next(i for i in reviewed.queue_items() if i["title"] == "Council minutes")
    assert browser.find_elements("css selector", f"#item-{pdf['id']} .doc")

    # each card says the exact line to change
    first = browser.find_element("id", f"item-{ids[0]}")
    assert f"- id: {ids[0]}" in first.text and "status: approved" in first.text

    # the page text a wiki sink would write is there, collapsed until asked for
    upload = next(i for i in reviewed.queue_items()
                  if "commons" in i["sinks"] and i["status"] == "pending")
    details = browser.find_element("css selector", f"#item-{upload['id']} details")
    text = details.find_element("tag name", "pre")
    assert details.get_attribute("open") is None and not text.is_displayed()
    summary = details.find_element("tag name", "summary")
    assert summary.text == "Page text for commons, exactly as it will be written"
    summary.click()
    assert text.is_displayed() and text.text.startswith("=={{int:filedesc}}==\n{{Information")

    library = next(i for i in reviewed.queue_items() if i["title"] == "Library opening hours")
    assert "wikipedia" in library["sinks"]
    draft = browser.find_element("css selector", f"#item-{library['id']} details")
    draft.find_element("tag name", "summary").click()
    wikitext = draft.find_element("tag name", "pre").text
    assert "opens '''late''' on" in wikitext and "== References ==" in wikitext
    assert "alert" not in wikitext
    assert browser.execute_script("return document.scripts.length") == 1   # only our own

    # filters (progressive: the form is hidden until the script shows it)
    assert browser.find_element("id", "filters").is_displayed()
    reviewed.set_status(ids[0], "approved")     # so that two statuses are on the page
    assert reviewed.run("queue", "preview").exit_code == 0
    browser.refresh()
    choose(browser, "status", "approved")
    assert card_ids(browser) == [ids[0]]
    assert browser.find_element("id", "shown").text == f"1 of {len(ids)} items shown"
    choose(browser, "status", "")
    choose(browser, "sink", "commons")
    assert card_ids(browser) == [i["id"] for i in reviewed.queue_items()
                                 if "commons" in i["sinks"]]
    choose(browser, "sink", "")
    choose(browser, "finding", "error")
    assert card_ids(browser) == [i["id"] for i in reviewed.queue_items()
                                 if any(f["severity"] == "error" for f in i["findings"])]
    choose(browser, "finding", "")
    choose(browser, "source", "photos")
    assert card_ids(browser) == [i["id"] for i in reviewed.queue_items()
                                 if i["source"] == "photos"]
    choose(browser, "source", "")

    # accessibility: axe-core, WCAG 2.1 A/AA; no serious or critical violations
    result = run_axe(browser)
    assert "error" not in result, result
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "queue-axe-1280px.json").write_text(json.dumps(result, indent=2))
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    assert result["passes"] > 10

    # 1280 px and 320 px: screenshots for people; nothing wider than the phone
    assert screenshot(browser, "queue", 1280).stat().st_size > 10_000
    shot = screenshot(browser, "queue", 320)
    assert shot.stat().st_size > 10_000
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 320
    narrow = run_axe(browser)
    (ARTEFACTS / "queue-axe-320px.json").write_text(json.dumps(narrow, indent=2))
    assert [v["id"] for v in narrow.get("violations", [])
            if v["impact"] in ("serious", "critical")] == [] and "error" not in narrow

    # print: no filters, cards whole
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element("id", "filters").is_displayed()
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('.card')).breakInside") == "avoid"
    pdf_data = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    import base64

    (ARTEFACTS / "queue-print.pdf").write_bytes(base64.b64decode(pdf_data["data"]))


def test_thumbnail_bytes_are_inlined_in_the_page(reviewed: Council) -> None:
    page = (reviewed.root / "queue.html").read_text()
    phone = next(i for i in reviewed.queue_items() if i["title"] == "Bandstand from the phone")
    data = (reviewed.root / phone["thumbnail"]).read_bytes()
    import base64

    assert base64.b64encode(data).decode() in page
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"


def test_a_remote_picture_is_fetched_once_for_its_thumbnail(
        council: Council, http_server: Any) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 40, 40)).save(buffer, "JPEG")
    http_server.add("/gritter.jpg", buffer.getvalue(), content_type="image/jpeg")
    size = len(buffer.getvalue())
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<link>https://www.example.gov.uk/</link><item><title>Gritters ready</title>
<link>https://www.example.gov.uk/news/gritters</link><guid>gritters-1</guid>
<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate><description>Gritters out.</description>
<enclosure url="{http_server.url('/gritter.jpg')}" type="image/jpeg" length="{size}"/>
</item></channel></rss>"""
    http_server.add("/news.rss", feed.encode(), content_type="application/rss+xml")
    council.write_config(council.config.read_text().replace(
        "    path: content/news.rss",
        f"    url: \"{http_server.url('/news.rss')}\"\n    allow_private: true"))
    assert council.run("collect").exit_code in (0, 1)
    image = next(i for i in council.queue_items() if i["kind"] == "image"
                 and i["source"] == "news")
    with Image.open(council.root / image["thumbnail"]) as thumb:
        assert thumb.size == (320, 213)
    council.run("collect")
    assert len(http_server.requests_for("/gritter.jpg")) == 1
    assert image["id"] in (council.root / "queue.html").read_text()


def test_queue_preview_open_hands_the_page_to_the_browser(
        reviewed: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    opened: list[str] = []       # no desktop to open a browser on here: record the call
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    result = reviewed.run("queue", "preview", "--open")
    assert result.exit_code == 0, result.output
    assert opened == [(reviewed.root / "queue.html").resolve().as_uri()]


def test_a_picture_without_a_preview_says_so() -> None:
    card = review.Card(
        id="photos-1", status="pending", kind="image", source="photos", date="2026-01-05",
        title="Map", url="", excerpt="", licence="cc-by-4.0", licence_name="", licence_url="",
        attribution="", sinks=[], findings=[])
    assert 'aria-label="Picture, no preview"' in review.render([card], "Council")


@pytest.mark.parametrize("damage", ["truncated", "header only", "empty"])
def test_a_broken_photo_gets_no_thumbnail_and_stops_nothing(tmp_path: Path,
                                                            damage: str) -> None:
    photo = tmp_path / "phone.jpg"
    photo_with_gps(photo)
    data = photo.read_bytes()
    photo.write_bytes({"truncated": data[:len(data) // 3], "header only": data[:200],
                       "empty": b""}[damage])
    assert thumbnails.make(photo, tmp_path / "t.jpg") is None
    assert not (tmp_path / "t.jpg").exists()


def test_a_thumbnail_made_again_on_a_quiet_night_is_in_the_queue_and_page(
        reviewed: Council) -> None:
    phone = next(i for i in reviewed.queue_items() if i["title"] == "Bandstand from the phone")
    thumbnail = reviewed.root / phone["thumbnail"]
    thumbnail.unlink()      # e.g. the state folder's thumbnails were cleared
    assert reviewed.run("collect").exit_code == 0
    again = next(i for i in reviewed.queue_items() if i["id"] == phone["id"])
    assert again["thumbnail"] == phone["thumbnail"] and thumbnail.is_file()
    import base64

    assert base64.b64encode(thumbnail.read_bytes()).decode() in (
        reviewed.root / "queue.html").read_text()
