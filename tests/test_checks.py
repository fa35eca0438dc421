"""The generic, sink-independent checks and the duplicate detector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate.checks import MAX_FILE_BYTES, Duplicates, check_item
from syndicate.model import Finding, Item
from syndicate.tagging import Licensing

COUNCIL = {"name": "Example Borough Council", "url": "https://www.example.gov.uk"}
EVIDENCE = "https://www.example.gov.uk/copyright"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


def licensing(default: str = "ogl-uk-3.0", **section: Any) -> Licensing:
    data: dict[str, Any] = {"default": default, "attribution": COUNCIL, "evidence": EVIDENCE}
    data.update(section)
    return Licensing.from_config(data)


def make_item(**fields: Any) -> Item:
    values: dict[str, Any] = {"id": "news-1", "source": "news", "kind": "article",
                              "title": "Snow update", "creator": "Jo Bloggs",
                              "url": "https://www.example.gov.uk/news/1"}
    values.update(fields)
    return Item(**values)


def checked(item: Item, policy: Licensing | None = None) -> list[Finding]:
    policy = policy or licensing()
    return check_item(item, policy.apply(item))


def found(findings: list[Finding]) -> dict[str, str]:
    return {f.code: f.severity for f in findings}


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "town-hall.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return path


def test_a_complete_item_has_no_findings() -> None:
    assert checked(make_item()) == []


def test_generic_findings_are_for_every_sink() -> None:
    findings = checked(make_item(title="", url=None, third_party=True))
    assert len(findings) == 3
    assert all(f.sink is None for f in findings)


# --- TASL --------------------------------------------------------------------------------

def test_missing_title_is_a_warning() -> None:
    assert found(checked(make_item(title=" "))) == {"attribution.no-title": "warning"}


def test_missing_creator_is_a_warning_when_the_council_is_the_default_author() -> None:
    findings = checked(make_item(creator=None))
    assert found(findings) == {"attribution.no-creator": "warning"}
    assert COUNCIL["name"] in findings[0].message


def test_missing_creator_is_an_error_when_nobody_can_be_credited() -> None:
    policy = Licensing.from_config({"default": "cc-by-4.0", "evidence": EVIDENCE})
    assert found(checked(make_item(creator=None), policy)) == {"attribution.no-creator": "error"}


def test_missing_source_is_a_warning() -> None:
    assert found(checked(make_item(url=None))) == {"attribution.no-source": "warning"}


def test_public_domain_items_need_no_tasl() -> None:
    assert checked(make_item(title="", creator=None, url=None), licensing("cc0-1.0")) == []


# --- OGL exclusions and rights -----------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"title": "Council logo"},
    {"title": "Mayor's badge of office"},
    {"title": "Town hall", "path": Path("council_logo.png")},
    {"title": "Town hall", "path": Path("CouncilLogo.png")},
    {"title": "Town hall", "alt": "The borough crest in gold"},
    {"title": "Town hall", "categories": ["Coats of arms of boroughs"]},
    {"title": "Royal Arms over the court door"},
    {"title": "Regimental insignia"},
    {"title": "Borough emblem", "media_url": "https://www.example.gov.uk/e.png"},
])
def test_ogl_images_of_logos_crests_and_insignia_are_errors(fields: dict[str, Any]) -> None:
    fields.setdefault("media_url", "https://www.example.gov.uk/photo.jpg")
    findings = checked(make_item(kind="image", **fields))
    assert found(findings).get("ogl.logo") == "error"


@pytest.mark.parametrize("title", ["Hillcrest Park", "Badgers in the nature reserve",
                                   "Crestwood library"])
def test_words_that_merely_contain_logo_words_are_not_flagged(title: str) -> None:
    item = make_item(kind="image", title=title, media_url="https://www.example.gov.uk/p.jpg")
    assert "ogl.logo" not in found(checked(item))


def test_logo_words_in_articles_and_under_cc_are_not_ogl_errors() -> None:
    article = make_item(title="New Blue Badge scheme")
    cc_image = make_item(kind="image", title="Council logo",
                         media_url="https://www.example.gov.uk/logo.png")
    assert "ogl.logo" not in found(checked(article))
    assert "ogl.logo" not in found(checked(cc_image, licensing("cc-by-4.0")))


def test_identifiable_people_block_ogl_and_warn_under_cc() -> None:
    assert found(checked(make_item(people_identifiable=True))) == \
        {"ogl.personal-data": "error"}
    assert found(checked(make_item(people_identifiable=True), licensing("cc-by-4.0"))) == \
        {"rights.personality": "warning"}


def test_third_party_work_is_an_error_under_ogl() -> None:
    assert found(checked(make_item(third_party=True))) == {"ogl.third-party": "error"}


def test_council_cannot_license_third_party_work_under_cc() -> None:
    assert found(checked(make_item(third_party=True), licensing("cc-by-4.0"))) == \
        {"rights.third-party": "error"}


def test_third_party_work_with_its_own_declared_licence_is_a_warning() -> None:
    item = make_item(third_party=True, declared_licences=[CC_BY_4])
    findings = checked(item, licensing("none"))
    assert found(findings) == {"rights.third-party": "warning"}


# --- evidence ----------------------------------------------------------------------------

def test_council_assigned_licence_without_evidence_is_a_warning() -> None:
    policy = Licensing.from_config({"default": "ogl-uk-3.0", "attribution": COUNCIL})
    assert found(checked(make_item(), policy)) == {"licence.no-evidence": "warning"}


def test_rule_evidence_counts_as_evidence() -> None:
    policy = Licensing.from_config({
        "default": "ogl-uk-3.0", "attribution": COUNCIL,
        "rules": [{"match": {"source": "news"}, "licence": "cc-by-4.0",
                   "evidence": "https://www.example.gov.uk/news-licence"}]})
    assert checked(make_item(), policy) == []


def test_declared_licence_needs_no_council_evidence() -> None:
    policy = Licensing.from_config({"default": "none", "attribution": COUNCIL})
    assert checked(make_item(declared_licences=[CC_BY_4]), policy) == []


def test_unlicensed_item_gets_no_licence_dependent_checks() -> None:
    item = make_item(title="", people_identifiable=True)
    assert checked(item, Licensing.from_config({})) == []
    assert [f.code for f in item.findings] == ["licence.missing"]


# --- files -------------------------------------------------------------------------------

def test_a_readable_local_file_passes(photo: Path) -> None:
    assert checked(make_item(kind="image", path=photo)) == []


def test_missing_local_file_is_an_error(tmp_path: Path) -> None:
    item = make_item(kind="image", path=tmp_path / "gone.jpg")
    findings = checked(item)
    assert found(findings) == {"file.missing": "error"}
    assert "gone.jpg" in findings[0].message


def test_a_folder_in_place_of_a_file_is_missing(tmp_path: Path) -> None:
    (tmp_path / "folder.jpg").mkdir()
    assert found(checked(make_item(kind="document", path=tmp_path / "folder.jpg"))) == \
        {"file.missing": "error"}


def test_image_without_file_or_media_url_is_missing() -> None:
    assert found(checked(make_item(kind="image"))) == {"file.missing": "error"}


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "report.pdf"
    empty.write_bytes(b"")
    assert found(checked(make_item(kind="document", path=empty))) == {"file.empty": "error"}


def test_file_over_the_cap_is_a_warning(tmp_path: Path) -> None:
    huge = tmp_path / "scan.tif"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: takes no disk space
    assert found(checked(make_item(kind="image", path=huge))) == {"file.too-large": "warning"}
    remote = make_item(kind="image", media_url="https://www.example.gov.uk/scan.tif",
                       size=MAX_FILE_BYTES + 1)
    assert found(checked(remote)) == {"file.too-large": "warning"}


def test_articles_get_no_file_checks() -> None:
    assert checked(make_item(kind="article", path=Path("/nonexistent/x.html"))) == []


@pytest.mark.parametrize("name", ["IMG_1234.jpg", "DSC_0042.JPG", "DSCN1234.jpg",
                                  "P1010001.JPG", "PXL_20240101_123456789.jpg",
                                  "20240101_123456.jpg", "0042.png"])
def test_camera_file_name_with_no_better_title_is_a_warning(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    stem = Path(name).stem
    for title in ("", stem, name):
        assert found(checked(make_item(kind="image", path=path, title=title))).get(
            "file.camera-name") == "warning"


def test_camera_file_name_with_a_descriptive_title_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "IMG_1234.jpg"
    path.write_bytes(b"x")
    assert checked(make_item(kind="image", path=path, title="Town hall in the snow")) == []


def test_camera_name_is_read_from_a_media_url() -> None:
    item = make_item(kind="image", title="DSC_0042",
                     media_url="https://www.example.gov.uk/media/DSC_0042.JPG?w=800")
    assert found(checked(item)) == {"file.camera-name": "warning"}


def test_descriptive_file_names_are_not_camera_names(tmp_path: Path) -> None:
    path = tmp_path / "Town-hall-2024.jpg"
    path.write_bytes(b"x")
    assert checked(make_item(kind="image", path=path, title="Town-hall-2024")) == []


# --- duplicates --------------------------------------------------------------------------

def test_same_bytes_under_two_names_is_a_duplicate(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.jpg", tmp_path / "b.jpg", tmp_path / "c.jpg"
    first.write_bytes(b"same bytes")
    second.write_bytes(b"same bytes")
    other.write_bytes(b"other bytes")
    duplicates = Duplicates()
    assert duplicates.check(make_item(id="photos-a", kind="image", path=first,
                                      title="Town hall")) == []
    assert duplicates.check(make_item(id="photos-c", kind="image", path=other)) == []
    (finding,) = duplicates.check(make_item(id="photos-b", kind="image", path=second))
    assert (finding.code, finding.severity, finding.sink) == ("duplicate.content", "warning",
                                                              None)
    assert "photos-a" in finding.message and "Town hall" in finding.message


def test_same_media_url_is_a_duplicate() -> None:
    duplicates = Duplicates()
    url = "https://www.example.gov.uk/media/map.png"
    assert duplicates.check(make_item(id="pages-1", kind="image", media_url=url)) == []
    assert duplicates.check(make_item(id="pages-2", kind="image",
                                      media_url=url + "?v=2")) == []
    (finding,) = duplicates.check(make_item(id="news-9", kind="image", media_url=url))
    assert "pages-1" in finding.message


def test_the_same_item_seen_twice_and_articles_are_not_duplicates(tmp_path: Path) -> None:
    duplicates = Duplicates()
    image = make_item(kind="image", media_url="https://www.example.gov.uk/a.png")
    assert duplicates.check(image) == duplicates.check(image) == []
    assert duplicates.check(make_item(id="news-2")) == duplicates.check(make_item(id="n3")) == []


def test_unreadable_file_is_left_to_the_missing_file_check(tmp_path: Path) -> None:
    duplicates = Duplicates()
    gone = make_item(kind="image", path=tmp_path / "gone.jpg")
    assert duplicates.check(gone) == []
    assert duplicates.check(make_item(id="other", kind="image", path=tmp_path / "gone.jpg")) == []



def test_logo_under_cc_is_a_trademark_warning() -> None:
    image = make_item(kind="image", title="Council logo", declared_licences=[CC_BY_4],
                      media_url="https://www.example.gov.uk/logo.png")
    codes = found(checked(image))
    assert codes.get("rights.trademark") == "warning" and "ogl.logo" not in codes
