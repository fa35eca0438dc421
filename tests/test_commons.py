"""The Commons sink against a real local MediaWiki (tests/mediawiki.py), through the API."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

import pytest

from syndicate.errors import SinkError, SkipItem
from syndicate.licences import registry
from syndicate.model import Item, make_id
from syndicate.secrets import Secret
from syndicate.sinks.base import SinkState
from syndicate.sinks.commons import CommonsSink, filepage
from syndicate.sinks.commons.checks import restriction_tags
from tests.mediawiki import LocalWiki, jpeg_bytes, pdf_bytes, png_bytes
from tests.wikisinks import ORG, SinkHarness, login_env


class Crash(Exception):
    """The process dying at a chosen moment."""


class Harness(SinkHarness):
    """Commons sink runs sharing one state store and receipt ledger."""

    sink_class = CommonsSink
    sink_type = "commons"
    sink_name = "commons"
    defaults: ClassVar[dict[str, Any]] = {"categories": ["Example Borough Council"]}

    def item(self, name: str, data: bytes, **fields: Any) -> Item:
        path = self.folder / name
        path.write_bytes(data)
        values: dict[str, Any] = {
            "title": "Bandstand in Victoria Park", "url": f"https://www.example.gov.uk/{name}",
            "creator": "Jo Bloggs", "date": "2024-05-01", "licence": "cc-by-4.0",
            "evidence": "https://www.example.gov.uk/copyright", "kind": "image", **fields}
        return Item(id=make_id("photos", name), source="photos", path=path, **values)


@pytest.fixture
def harness(wiki: LocalWiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    login_env(wiki, monkeypatch)
    return Harness(wiki, tmp_path)


def imageinfo(wiki: LocalWiki, title: str) -> list[dict[str, Any]]:
    answer = wiki.site().get("query", titles=title, prop="imageinfo",
                             iiprop="sha1|size", iilimit=10)
    page = next(iter(answer["query"]["pages"].values()))
    return list(page.get("imageinfo", []))


def parsed(wiki: LocalWiki, title: str) -> dict[str, Any]:
    result: dict[str, Any] = wiki.site().get(
        "parse", page=title, prop="categories|templates|links|externallinks|text",
        formatversion=2)["parse"]
    return result


def all_files(wiki: LocalWiki) -> list[str]:
    """Titles of every file on the wiki."""
    return [image.name for image in wiki.site().allimages()]


def test_uploads_an_image_with_its_description_page(harness: Harness, wiki: LocalWiki) -> None:
    item = harness.item("bandstand.png", png_bytes(1), categories=["Parks in Example"])

    receipt = harness.publish(item)

    assert receipt.remote_id == "File:Bandstand in Victoria Park (2024-05-01).png"
    assert receipt.url == wiki.api_url.replace(
        "api.php", "index.php/File:Bandstand_in_Victoria_Park_(2024-05-01).png")
    info = imageinfo(wiki, receipt.remote_id)
    assert [i["sha1"] for i in info] == [receipt.detail["sha1"]]
    text = wiki.site().pages[receipt.remote_id].text()
    assert "{{Information" in text
    assert "=={{int:license-header}}==\n{{Cc-by-4.0}}" in text
    assert "|author=[https://www.example.gov.uk Jo Bloggs]" not in text  # creator has no URL
    assert "|author=Jo Bloggs" in text
    assert "|source=[https://www.example.gov.uk/bandstand.png Bandstand in Victoria Park]" in text
    assert "{{Credit line |Author=Jo Bloggs" in text
    page = parsed(wiki, receipt.remote_id)
    assert sorted(c["category"] for c in page["categories"]) == [
        "Example_Borough_Council", "Parks_in_Example"]


def test_uploads_a_pdf_document(harness: Harness, wiki: LocalWiki) -> None:
    item = harness.item("minutes.pdf", pdf_bytes(1), kind="document",
                        title="Council minutes, 3 March 2024", licence="ogl-uk-3.0")

    receipt = harness.publish(item)

    assert receipt.remote_id == "File:Council minutes, 3 March 2024 (2024-05-01).pdf"
    assert imageinfo(wiki, receipt.remote_id)[0]["sha1"] == receipt.detail["sha1"]
    text = wiki.site().pages[receipt.remote_id].text()
    assert "{{OGL3}}" in text
    assert "Contains public sector information licensed under the Open Government Licence" \
        in text


def test_the_extension_comes_from_the_content_not_the_name(harness: Harness) -> None:
    item = harness.item("photo.png", jpeg_bytes(1), title="Market day.png")

    receipt = harness.publish(item)

    assert receipt.remote_id == "File:Market day (2024-05-01).jpg"


def test_same_file_under_another_name_links_the_existing_file(harness: Harness,
                                                              wiki: LocalWiki) -> None:
    first = harness.publish(harness.item("a.png", png_bytes(7), title="Town hall"))
    copy = harness.item("b.png", png_bytes(7), title="Town hall at dusk")

    receipt = harness.publish(copy)

    assert receipt.remote_id == first.remote_id
    assert receipt.detail["duplicate_of"] == first.remote_id
    assert all_files(wiki) == ["File:Town hall (2024-05-01).png"]


def test_a_changed_file_becomes_a_new_version_of_the_same_title(harness: Harness,
                                                               wiki: LocalWiki) -> None:
    item = harness.item("pier.png", png_bytes(11), title="Pier")
    first = harness.publish(item)
    item.path.write_bytes(png_bytes(12))  # type: ignore[union-attr]

    second = harness.publish(item)

    assert second.remote_id == first.remote_id
    assert second.detail["sha1"] != first.detail["sha1"]
    assert [i["sha1"] for i in imageinfo(wiki, first.remote_id)] == [
        second.detail["sha1"], first.detail["sha1"]]


def test_an_unchanged_file_is_not_sent_again(harness: Harness, wiki: LocalWiki) -> None:
    item = harness.item("pier.png", png_bytes(13), title="Pier")
    first = harness.publish(item)
    item.description = "Now with a description"
    sink = harness.sink()
    sink.open()
    wiki.mark_requests()

    assert sink.publish(item) == first
    assert wiki.count_requests() == 0


def test_a_name_taken_by_another_file_gets_a_number(harness: Harness, wiki: LocalWiki) -> None:
    wiki.site().upload(io.BytesIO(png_bytes(20)), "Library (2024-05-01).png", "someone else's")
    item = harness.item("library.png", png_bytes(21), title="Library")

    receipt = harness.publish(item)

    assert receipt.remote_id == "File:Library (2024-05-01) (2).png"
    assert imageinfo(wiki, "File:Library (2024-05-01).png")[0]["sha1"] != receipt.detail["sha1"]


def test_on_exists_new_version_replaces_the_file_under_that_name(harness: Harness,
                                                                 wiki: LocalWiki) -> None:
    wiki.site().upload(io.BytesIO(png_bytes(22)), "Library (2024-05-01).png", "an older photo")
    item = harness.item("library.png", png_bytes(23), title="Library")

    receipt = harness.publish(item, on_exists="new-version")

    assert receipt.remote_id == "File:Library (2024-05-01).png"
    assert len(imageinfo(wiki, receipt.remote_id)) == 2


def test_a_title_deleted_before_is_skipped_for_an_editor(harness: Harness,
                                                         wiki: LocalWiki) -> None:
    receipt = harness.publish(harness.item("old.png", png_bytes(30), title="Old depot"))
    admin = wiki.site(admin=True)
    admin.pages[receipt.remote_id].delete(reason="test")
    again = harness.item("old2.png", png_bytes(31), title="Old depot")

    with pytest.raises(SkipItem, match=r"was deleted from .* before"):
        harness.publish(again)


def test_injected_markup_in_every_field_stays_text(harness: Harness, wiki: LocalWiki) -> None:
    attack = "x}}{{Evil}}[[Category:Injected]]~~~~ __NOTOC__ {{subst:Evil}} [[Link]] |a=b"
    item = harness.item(
        "evil.png", png_bytes(40), title="Bench " + attack, description="*" + attack + "\n== H ==",
        creator=attack, creator_url="https://example.gov.uk/]] [[Category:Injected2",
        url="https://www.example.gov.uk/page?a=1|b=2]] [[Category:Injected3",
        categories=["Parks]] [[Category:Injected4", "{{Evil}}", "__NOINDEX__"],
        people_identifiable=True)

    receipt = harness.publish(item)

    page = parsed(wiki, receipt.remote_id)
    assert sorted(c["category"] for c in page["categories"]) == sorted([
        "Example_Borough_Council", "Parks_Category:Injected4", "Evil", "NOINDEX"])
    assert sorted(t["title"] for t in page["templates"]) == sorted([
        "Template:Information", "Template:En", "Template:Credit line",
        "Template:Personality rights", "Template:Cc-by-4.0"])
    # The only links are the red links of the licence and descriptive tags missing here.
    assert {link["title"] for link in page["links"]} == {
        "Template:Personality rights", "Template:Cc-by-4.0"}
    assert set(page["externallinks"]) == {
        "https://www.example.gov.uk/copyright",
        "https://example.gov.uk/%5D%5D%20%5B%5BCategory:Injected2",
        "https://www.example.gov.uk/page?a=1%7Cb=2%5D%5D%20%5B%5BCategory:Injected3"}
    assert page["text"].count("<h2") == 2  # Summary and Licensing: no injected heading
    assert "<li>" not in page["text"]  # no injected list either
    # The stored text is exactly what we sent: no pre-save transform (subst, signature) ran.
    licence = registry().get("cc-by-4.0")
    settings = filepage.PageSettings(ORG, ("Example Borough Council",), "en")
    expected = filepage.page_text(item, licence, settings, restriction_tags(item))
    assert wiki.site().pages[receipt.remote_id].text() == expected.rstrip("\n")


def test_a_large_file_goes_in_chunks_and_resumes_after_a_crash(harness: Harness,
                                                              wiki: LocalWiki) -> None:
    item = harness.item("big.png", png_bytes(50, padding=6000), title="Aerial view")
    def crash_after_first_chunk(key: str, value: Any) -> None:
        harness.store[key] = value
        if value and value.get("offset"):
            raise Crash

    config: dict[str, Any] = {"chunk_threshold": 2048, "chunk_size": 1024}
    crashing = harness.sink(state=SinkState(harness.store.get, crash_after_first_chunk),
                            **config)
    crashing.open()
    with pytest.raises(Crash):
        crashing.publish(item)
    assert harness.store[f"upload:{item.id}"]["offset"] == 1024

    offsets: list[int] = []

    def record(key: str, value: Any) -> None:
        harness.store[key] = value
        if value and "offset" in value:
            offsets.append(value["offset"])

    resumed = harness.sink(state=SinkState(harness.store.get, record), **config)
    resumed.open()
    receipt = resumed.publish(item)

    assert offsets[0] == 2048  # the second chunk; the first was not sent again
    assert imageinfo(wiki, receipt.remote_id)[0]["sha1"] == receipt.detail["sha1"]
    assert harness.store[f"upload:{item.id}"] is None


def test_a_large_file_already_on_the_wiki_is_found_by_its_hash(harness: Harness,
                                                               wiki: LocalWiki) -> None:
    data = png_bytes(51, padding=4000)
    wiki.site().upload(io.BytesIO(data), "Somebody's upload.png", "same bytes")
    item = harness.item("big.png", data, title="Aerial view")

    receipt = harness.publish(item, chunk_threshold=2048, chunk_size=1024)

    assert receipt.detail["duplicate_of"] == "File:Somebody's upload.png"
    assert all_files(wiki) == ["File:Somebody's upload.png"]


def test_a_crash_between_upload_and_receipt_does_not_upload_twice(harness: Harness,
                                                                  wiki: LocalWiki) -> None:
    item = harness.item("fair.png", png_bytes(60), title="Summer fair")

    def die_when_done(key: str, value: Any) -> None:
        if value is None and harness.store.get(key):
            raise Crash  # the process dies before the ledger has the receipt
        harness.store[key] = value

    sink = harness.sink(state=SinkState(harness.store.get, die_when_done))
    sink.open()
    with pytest.raises(Crash):
        sink.publish(item)
    assert item.id not in harness.receipts

    receipt = harness.publish(item)

    assert receipt.remote_id == "File:Summer fair (2024-05-01).png"
    assert len(imageinfo(wiki, receipt.remote_id)) == 1
    assert all_files(wiki) == ["File:Summer fair (2024-05-01).png"]


def test_a_small_new_file_costs_one_request(harness: Harness, wiki: LocalWiki) -> None:
    sink = harness.sink()
    wiki.mark_requests()
    sink.open()
    opening = wiki.count_requests()
    wiki.mark_requests()
    for seed in range(5):
        sink.publish(harness.item(f"p{seed}.png", png_bytes(100 + seed), title=f"Photo {seed}"))
    sink.close()

    assert opening <= 3
    assert wiki.count_requests() == 5


def test_a_wrong_password_is_a_clear_error_without_the_password(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_WIKI_PASSWORD", "not-the-password-123")

    with pytest.raises(SinkError) as raised:
        harness.sink().open()

    message = str(raised.value)
    assert f"login failed for user {harness.wiki.username}" in message
    assert "not-the-password-123" not in message


def test_a_wiki_that_is_down_is_a_sink_error(harness: Harness, wiki: LocalWiki) -> None:
    wiki.stop()
    try:
        with pytest.raises(SinkError, match=r"cannot reach .*api\.php"):
            harness.sink().open()
    finally:
        wiki.start()


def test_a_camera_file_name_is_replaced_by_a_descriptive_one(harness: Harness) -> None:
    item = harness.item("IMG_1234.JPG", jpeg_bytes(2), title="IMG_1234")
    sink = harness.sink()

    codes = {finding.code for finding in sink.check(item)}
    receipt = harness.publish(item)

    assert "commons.camera-name" in codes
    assert receipt.remote_id == (
        f"File:Example Borough Council photos {item.id.rsplit('-', 1)[1]} (2024-05-01).jpg")


@pytest.mark.parametrize(("fields", "code"), [
    ({"licence": "cc-by-nc-4.0"}, "licence.not-accepted"),
    ({"licence": "cc-by-nd-4.0"}, "licence.not-accepted"),
    ({"url": None, "evidence": None}, "commons.no-source"),
])
def test_check_blocks_what_commons_would_refuse_or_delete(harness: Harness,
                                                          fields: dict[str, Any],
                                                          code: str) -> None:
    item = harness.item("x.png", png_bytes(70), **fields)

    errors = [f.code for f in harness.sink().check(item) if f.is_error]

    assert errors == [code]


def test_check_refuses_file_types_the_wiki_does_not_take(harness: Harness) -> None:
    item = harness.item("report.docx", b"PK\x03\x04" + b"\x00" * 100, kind="document")

    findings = harness.sink().check(item)

    assert [f.code for f in findings if f.is_error] == ["commons.file-type"]


def test_check_warns_about_what_a_person_should_look_at(harness: Harness) -> None:
    item = harness.item("x.png", png_bytes(71), date=None, title="DSC_0042")

    warnings = {f.code for f in harness.sink(categories=[]).check(item) if not f.is_error}

    assert warnings == {"commons.no-date", "commons.no-category", "commons.camera-name"}


def test_dry_run_previews_the_name_and_page_without_logging_in(
        harness: Harness, wiki: LocalWiki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_WIKI_PASSWORD")  # no credentials needed
    item = harness.item("dry.png", png_bytes(80), title="Dry run")
    sink = harness.sink(dry_run=True)
    sink.open()

    receipt = sink.publish(item)

    assert receipt.detail["preview"].startswith(
        "File:Dry run (2024-05-01).png\n\n=={{int:filedesc}}==\n{{Information\n")
    assert "{{Cc-by-4.0}}" in receipt.detail["preview"]
    assert all_files(wiki) == []


@pytest.mark.parametrize(("config", "key"), [
    ({"on_exists": "overwrite"}, "on_exists"),
    ({"filename_pattern": "{name}{ext}"}, "filename_pattern"),
    ({"chunk_size": 10}, "chunk_size"),
    ({"site": "not a site"}, "site"),
    ({"consumer_token": Secret(env="X")}, "access_secret"),
    ({"description_language": "English"}, "description_language"),
    ({"max_retries": 99}, "max_retries"),
])
def test_bad_configuration_names_the_key(harness: Harness, config: dict[str, Any],
                                         key: str) -> None:
    from syndicate.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        harness.sink(**config)

    assert raised.value.key == key

