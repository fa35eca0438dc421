"""Licence metadata written into files with ExifTool, read back by independent readers."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import warnings
from pathlib import Path

import pytest
from PIL import Image

from syndicate import imagedata
from syndicate.filetags import FileTagger, TaggingError, metadata_tags
from syndicate.licences import registry
from syndicate.model import Item
from syndicate.rights import Rights, rights_of
from syndicate.sinks.base import Organisation
from syndicate.tagging import Licensing
from tests.filetags_readers import exiftool_json, iptc, needs_exiftool, pixels, xmp_fields
from tests.mediawiki import pdf_bytes

pytestmark = needs_exiftool

ORG = Organisation("Example Borough Council", "https://www.example.gov.uk")
LICENSING = Licensing.from_config({
    "default": "cc-by-4.0",
    "attribution": {"name": "Example Borough Council", "url": "https://www.example.gov.uk"},
    "evidence": "https://www.example.gov.uk/copyright"})
BY = "https://creativecommons.org/licenses/by/4.0/"
FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "tif": "TIFF"}


def picture(path: Path) -> Path:
    """A real photo-like image (a gradient, so pixel data is not trivial)."""
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, (x + y) % 256) for y in range(48) for x in range(64)])
    if path.suffix == ".pdf":
        path.write_bytes(pdf_bytes(7))
    else:
        image.save(path, FORMATS[path.suffix[1:]])
    return path


def exiftool(path: Path, *arguments: str) -> None:
    subprocess.run(["exiftool", "-q", "-overwrite_original", *arguments, str(path)],
                   check=True)


def tagged_item(path: Path, **fields: object) -> tuple[Item, Rights]:
    item = Item(id="photos-1234abcd", source="photos", kind="image",
                title="Market Square at dusk", path=path, creator="Jäne Smith",
                date="2025-04-12", url="https://www.example.gov.uk/gallery/market-square")
    for key, value in fields.items():
        setattr(item, key, value)
    LICENSING.tag(item)
    rights = rights_of(item, LICENSING, ORG)
    assert rights is not None
    return item, rights


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".tif", ".pdf"])
def test_every_field_reads_back_from_exiftool_and_an_independent_reader(
        tmp_path: Path, suffix: str) -> None:
    original = picture(tmp_path / f"market{suffix}")
    before = original.read_bytes()
    item, rights = tagged_item(original)
    tagged = FileTagger(tmp_path / "tagged").tag(item.id, original, rights)

    assert tagged.status == "written" and tagged.path.parent == tmp_path / "tagged"
    assert original.read_bytes() == before  # the original is kept
    assert item.attribution is not None
    credit = item.attribution.text
    assert "Jäne Smith" in credit and BY in credit
    found = exiftool_json(tagged.path)
    assert found["XMP-cc:License"] == BY == registry().get("cc-by-4.0").url
    assert found["XMP-xmpRights:WebStatement"] == "https://www.example.gov.uk/copyright"
    assert found["XMP-xmpRights:Marked"] is True
    assert found["XMP-xmpRights:UsageTerms"] == credit
    assert found["XMP-cc:AttributionName"] == "Jäne Smith"
    assert found["XMP-cc:AttributionURL"] == item.url
    assert found["XMP-dc:Creator"] in ("Jäne Smith", ["Jäne Smith"])
    assert found["XMP-dc:Rights"] == f"© 2025 Jäne Smith, licensed under CC BY 4.0 ({BY})"
    assert found["XMP-photoshop:Credit"] == "Jäne Smith"
    assert found["XMP-plus:Licensor"] == [{"LicensorName": "Example Borough Council",
                                           "LicensorURL": "https://www.example.gov.uk/copyright"}]

    fields = xmp_fields(tagged.path)  # Pillow or pypdf finds the packet, rdflib parses it
    assert fields["cc:license"] == [BY]
    assert fields["xmpRights:WebStatement"] == ["https://www.example.gov.uk/copyright"]
    assert fields["xmpRights:Marked"] == ["True"]
    assert fields["xmpRights:UsageTerms"] == [credit]
    assert fields["cc:attributionName"] == ["Jäne Smith"]
    assert fields["cc:attributionURL"] == [item.url]
    assert fields["dc:creator"] == ["Jäne Smith"]
    assert fields["dc:rights"] == [found["XMP-dc:Rights"]]
    assert fields["photoshop:Credit"] == ["Jäne Smith"]
    assert "https://www.example.gov.uk/copyright" in fields["plus:Licensor"]

    if suffix == ".pdf":  # an incremental update: every original byte is still there
        assert tagged.path.read_bytes().startswith(before)
        return
    assert pixels(tagged.path) == pixels(original)
    media_type = Image.MIME[FORMATS[suffix[1:]]]
    assert imagedata.digest(tagged.path.read_bytes(), media_type) == \
        imagedata.digest(before, media_type)


def test_jpeg_gets_the_matching_iptc_fields(tmp_path: Path) -> None:
    item, rights = tagged_item(picture(tmp_path / "market.jpg"))
    tagged = FileTagger(tmp_path / "tagged").tag(item.id, tmp_path / "market.jpg", rights)
    datasets = iptc(tagged.path)  # Pillow's IPTC reader
    assert datasets[(2, 80)] == "Jäne Smith"                      # By-line
    assert datasets[(2, 110)] == "Jäne Smith"                     # Credit
    assert datasets[(2, 116)] == rights.copyright_notice          # Copyright Notice
    assert exiftool_json(tagged.path)["IPTC:CodedCharacterSet"] == "UTF8"


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    original = picture(tmp_path / "market.jpg")
    item, rights = tagged_item(original)
    tagger = FileTagger(tmp_path / "tagged")
    first = tagger.tag(item.id, original, rights)
    stat = first.path.stat()
    again = tagger.tag(item.id, original, rights)
    assert again == type(first)(first.path, "unchanged")
    assert first.path.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in (tmp_path / "tagged").iterdir()) == [first.path.name]
    # The tagged file already carries everything: tagging it is a no-op too.
    assert tagger.tag(item.id, first.path, rights).status == "unchanged"


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".tif", ".pdf"])
def test_in_place_writes_the_original_once(tmp_path: Path, suffix: str) -> None:
    original = picture(tmp_path / f"market{suffix}")
    before = shutil.copy(original, tmp_path / f"before{suffix}")
    item, rights = tagged_item(original)
    tagger = FileTagger(tmp_path / "tagged")
    assert tagger.tag(item.id, original, rights, in_place=True).status == "written"
    written = original.read_bytes()
    assert tagger.tag(item.id, original, rights, in_place=True).status == "unchanged"
    assert original.read_bytes() == written
    assert xmp_fields(original)["cc:license"] == [BY]
    if suffix == ".pdf":
        assert written.startswith(before.read_bytes())
    else:
        assert pixels(original) == pixels(before)
    assert not (tmp_path / "tagged").exists()


def test_a_changed_licence_gives_a_new_copy_and_removes_the_old(tmp_path: Path) -> None:
    original = picture(tmp_path / "market.jpg")
    item, rights = tagged_item(original)
    tagger = FileTagger(tmp_path / "tagged")
    first = tagger.tag(item.id, original, rights)
    item.declared_licences = ["cc-by-sa-4.0"]
    LICENSING.tag(item)
    newer = rights_of(item, LICENSING, ORG)
    assert newer is not None
    second = tagger.tag(item.id, original, newer)
    assert second.status == "written" and second.path != first.path
    assert not first.path.exists()
    assert exiftool_json(second.path)["XMP-cc:License"] == \
        "https://creativecommons.org/licenses/by-sa/4.0/"


def test_gps_is_removed_unless_the_sidecar_keeps_it(tmp_path: Path) -> None:
    original = picture(tmp_path / "market.jpg")
    exiftool(original, "-GPSLatitude=52.2053", "-GPSLatitudeRef=N", "-GPSLongitude=0.1218",
             "-GPSLongitudeRef=E", "-XMP-exif:GPSLatitude=52.2053")
    assert "GPS:GPSLatitude" in exiftool_json(original)
    item, rights = tagged_item(original)
    tagged = FileTagger(tmp_path / "tagged").tag(item.id, original, rights)
    found = exiftool_json(tagged.path)
    assert not [key for key in found if key.startswith(("GPS:", "XMP-exif:GPS"))]
    with Image.open(tagged.path) as image:
        assert not image.getexif().get_ifd(0x8825)  # Pillow sees no GPS directory
    kept = FileTagger(tmp_path / "kept").tag(item.id, original, rights, keep_location=True)
    assert exiftool_json(kept.path)["GPS:GPSLatitudeRef"] == "North"


def test_a_camera_jpeg_keeps_the_metadata_it_had(tmp_path: Path) -> None:
    original = picture(tmp_path / "IMG_0412.jpg")
    exiftool(original, "-EXIF:Make=Canon", "-EXIF:Model=Canon EOS R6",
             "-EXIF:DateTimeOriginal=2025:04:12 10:30:00", "-IPTC:Keywords=Market Square",
             "-IPTC:Caption-Abstract=The square at dusk", "-XMP-dc:Subject=Market Square",
             "-XMP-dc:Description=The square at dusk", "-XMP-iptcCore:Location=Market Sq")
    item, rights = tagged_item(original)
    tagged = FileTagger(tmp_path / "tagged").tag(item.id, original, rights)
    found = exiftool_json(tagged.path)
    assert found["IFD0:Make"] == "Canon" and found["IFD0:Model"] == "Canon EOS R6"
    assert found["ExifIFD:DateTimeOriginal"] == "2025:04:12 10:30:00"
    assert found["IPTC:Keywords"] == "Market Square"
    assert found["IPTC:Caption-Abstract"] == "The square at dusk"
    assert found["XMP-dc:Subject"] in ("Market Square", ["Market Square"])
    assert found["XMP-dc:Description"] == "The square at dusk"
    assert found["XMP-iptcCore:Location"] == "Market Sq"
    assert found["XMP-cc:License"] == BY and found["IPTC:By-line"] == "Jäne Smith"
    assert iptc(tagged.path)[(2, 25)] == "Market Square"


def test_public_domain_is_not_marked(tmp_path: Path) -> None:
    item, _ = tagged_item(picture(tmp_path / "old.png"), declared_licences=["cc0-1.0"])
    rights = rights_of(item, LICENSING, ORG)
    assert rights is not None and rights.marked is False
    tagged = FileTagger(tmp_path / "tagged").tag(item.id, tmp_path / "old.png", rights)
    assert exiftool_json(tagged.path)["XMP-xmpRights:Marked"] is False
    assert "dc:rights" in xmp_fields(tagged.path)


def test_types_exiftool_cannot_carry_xmp_for_us_are_left_alone(tmp_path: Path) -> None:
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    item, rights = tagged_item(svg)
    tagged = FileTagger(tmp_path / "tagged").tag(item.id, svg, rights)
    assert (tagged.path, tagged.status) == (svg, "not-writable")


def test_a_damaged_file_is_an_error_naming_it_and_nothing_is_left(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    item, rights = tagged_item(broken)
    with pytest.raises(TaggingError, match=r"broken\.jpg"):
        FileTagger(tmp_path / "tagged").tag(item.id, broken, rights)
    assert not list((tmp_path / "tagged").glob("*"))


def test_only_jpeg_gets_iptc() -> None:
    _, rights = tagged_item(Path("x.png"))
    assert not [k for k in metadata_tags(rights, "image/png") if k.startswith("IPTC")]
    assert {"IPTC:By-line", "IPTC:Credit", "IPTC:CopyrightNotice"} <= set(
        metadata_tags(rights, "image/jpeg"))


def test_a_line_break_in_a_file_name_never_reaches_exiftool(tmp_path: Path) -> None:
    sneaky = picture(tmp_path / "a.jpg").rename(tmp_path / "a\n-delete_original!\nb.jpg")
    item, rights = tagged_item(sneaky)
    with pytest.raises(TaggingError, match="line break"):
        FileTagger(tmp_path / "tagged").tag(item.id, sneaky, rights, in_place=True)
    assert sneaky.exists()


def test_the_image_data_check_tells_metadata_from_pixels(tmp_path: Path) -> None:
    jpeg = picture(tmp_path / "a.jpg")
    with_comment = shutil.copy(jpeg, tmp_path / "b.jpg")
    exiftool(with_comment, "-Comment=metadata only", "-XMP-dc:Title=Only metadata")
    assert imagedata.unchanged(jpeg, with_comment, "image/jpeg")
    with Image.open(jpeg) as image:
        image.save(tmp_path / "c.jpg", "JPEG", quality=60)  # re-encoded
    assert not imagedata.unchanged(jpeg, tmp_path / "c.jpg", "image/jpeg")
    png = picture(tmp_path / "a.png")
    with Image.open(png) as image:
        image.rotate(180).save(tmp_path / "b.png", "PNG")
    assert not imagedata.unchanged(png, tmp_path / "b.png", "image/png")
    tiff = picture(tmp_path / "a.tif")
    with_xmp = shutil.copy(tiff, tmp_path / "b.tif")
    exiftool(with_xmp, "-XMP-dc:Title=" + "a long title " * 200)  # the strips move
    assert imagedata.unchanged(tiff, with_xmp, "image/tiff")
    with Image.open(tiff) as image:
        image.rotate(90).save(tmp_path / "c.tif", "TIFF")
    assert not imagedata.unchanged(tiff, tmp_path / "c.tif", "image/tiff")
    pdf = picture(tmp_path / "a.pdf")
    (tmp_path / "b.pdf").write_bytes(pdf.read_bytes().replace(b"minutes", b"MINUTES"))
    assert not imagedata.unchanged(pdf, tmp_path / "b.pdf", "application/pdf")


def test_exiftool_started_from_a_thread_that_ends_keeps_running(tmp_path: Path) -> None:
    # A sink's or source's calls run in its own worker thread (syndicate.boundary), which
    # ends with the run; pyexiftool ties its process to the thread that starts it.
    from syndicate.filetags import ExifTool

    made: list[ExifTool] = []
    thread = threading.Thread(target=lambda: made.append(ExifTool()))
    thread.start()
    thread.join()
    tool = made[0]
    try:
        time.sleep(0.5)  # a process killed with its thread is gone by now
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "ExifTool process was previously running but died"
            assert tool._tool.running
            assert tool.read(picture(tmp_path / "a.png"), "-PNG:ImageWidth") \
                == {"SourceFile": str(tmp_path / "a.png"), "PNG:ImageWidth": 64}
    finally:
        tool.close()
