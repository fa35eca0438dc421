"""The directory source: files plus YAML sidecars become image and document items."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from syndicate.errors import ConfigError, InputError, SourceError
from syndicate.fetch import Fetcher
from syndicate.model import Item, make_id
from syndicate.sources.base import SourceContext
from syndicate.sources.directory import DirectorySource

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
PDF = b"%PDF-1.7\n" + b"\x00" * 40


def collect(base: Path, **config: object) -> list[Item]:
    """The folder's items; a file the source reports as unreadable raises here, so each
    test sees the problem the run report would show."""
    settings: dict[str, object] = {"path": "photos", **config}
    context = SourceContext(base, Fetcher("syndicate-tests"), problem=_raise)
    return list(DirectorySource("photos", settings, context).items())


def _raise(message: str) -> None:
    raise InputError(message)


def write(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "photos"


def test_sidecar_fields_fill_the_item(tmp_path: Path, folder: Path) -> None:
    photo = write(folder / "town-hall.jpg", JPEG)
    write(folder / "town-hall.jpg.yaml", """\
title: Town hall in spring
description: The town hall from Market Square.
creator: Jane Smith
creator_url: https://www.example.gov.uk/people/jane-smith
date: 2025-04-12
licence: https://creativecommons.org/licenses/by/4.0/
categories: [Town halls, Example Borough]
people_identifiable: true
third_party: false
alt: A red-brick building with a clock tower
url: https://www.example.gov.uk/gallery/town-hall
source_url: https://photos.example.org/town-hall-original
""")
    [item] = collect(tmp_path)
    assert item.id == make_id("photos", "town-hall.jpg")
    assert (item.kind, item.media_type, item.size, item.path) == (
        "image", "image/jpeg", len(JPEG), photo)
    assert item.title == "Town hall in spring"
    assert item.description == "The town hall from Market Square."
    assert (item.creator, item.creator_url) == (
        "Jane Smith", "https://www.example.gov.uk/people/jane-smith")
    assert item.date == "2025-04-12"
    assert item.declared_licences == ["https://creativecommons.org/licenses/by/4.0/"]
    assert item.categories == ["Town halls", "Example Borough"]
    assert item.people_identifiable is True
    assert item.third_party is False
    assert item.alt == "A red-brick building with a clock tower"
    assert item.url == "https://www.example.gov.uk/gallery/town-hall"
    assert item.extra == {"source_url": "https://photos.example.org/town-hall-original"}


def test_sidecar_named_after_the_stem_is_accepted(tmp_path: Path, folder: Path) -> None:
    write(folder / "IMG_0412.jpg", JPEG)
    write(folder / "IMG_0412.yaml", "title: Gritter on Station Road\nlicence: cc-by-4.0\n")
    [item] = collect(tmp_path)
    assert item.title == "Gritter on Station Road"
    assert item.declared_licences == ["cc-by-4.0"]


def test_full_sidecar_name_wins_over_the_stem_form(tmp_path: Path, folder: Path) -> None:
    write(folder / "bridge.png", PNG)
    write(folder / "bridge.png.yaml", "title: From the full name\n")
    write(folder / "bridge.yaml", "title: From the stem\n")
    [item] = collect(tmp_path)
    assert item.title == "From the full name"


def test_stem_sidecar_shared_by_two_files_is_refused(tmp_path: Path, folder: Path) -> None:
    write(folder / "bridge.png", PNG)
    write(folder / "bridge.jpg", JPEG)
    write(folder / "bridge.yaml", "title: Which one?\n")
    with pytest.raises(InputError, match=r"bridge\.yaml: could describe bridge\.jpg or "
                                         r"bridge\.png; rename it"):
        collect(tmp_path)


def test_missing_sidecar_gives_a_title_from_the_file_name(tmp_path: Path,
                                                          folder: Path) -> None:
    write(folder / "riverside_park-bandstand.png", PNG)
    [item] = collect(tmp_path)
    assert item.title == "Riverside park bandstand"
    assert item.creator is None
    assert item.declared_licences == []


def test_kind_comes_from_the_bytes_not_the_extension(tmp_path: Path, folder: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    write(folder / "agenda.pdf", PDF)
    write(folder / "really-a-jpeg.png", JPEG)
    write(folder / "not-a-photo.jpg", "just some text")
    with caplog.at_level(logging.INFO, logger="syndicate.sources.directory"):
        items = collect(tmp_path)
    assert [(i.path.name if i.path else None, i.kind, i.media_type) for i in items] == [
        ("agenda.pdf", "document", "application/pdf"),
        ("really-a-jpeg.png", "image", "image/jpeg"),
    ]
    assert "not-a-photo.jpg: not an image or document type" in caplog.text


def test_unknown_file_types_are_skipped_with_a_note(tmp_path: Path, folder: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    write(folder / "notes.txt", "remember to ask Jane")
    write(folder / "notes.txt.yaml", "title: Notes\n")
    write(folder / "logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    with caplog.at_level(logging.INFO, logger="syndicate.sources.directory"):
        items = collect(tmp_path)
    assert [(i.title, i.media_type) for i in items] == [("Logo", "image/svg+xml")]
    assert "notes.txt: not an image or document type syndicate knows; skipped" in caplog.text
    assert "no file for this sidecar" not in caplog.text


def test_sidecar_without_a_file_is_logged_and_not_an_item(
        tmp_path: Path, folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(folder / "kept.png", PNG)
    write(folder / "renamed.jpg.yaml", "title: Lost\n")
    with caplog.at_level(logging.WARNING, logger="syndicate.sources.directory"):
        items = collect(tmp_path)
    assert [i.title for i in items] == ["Kept"]
    assert f"{folder / 'renamed.jpg.yaml'}: no file for this sidecar" in caplog.text


def test_hidden_files_and_folders_are_not_items(tmp_path: Path, folder: Path) -> None:
    write(folder / ".DS_Store.png", PNG)
    write(folder / ".thumbnails" / "small.png", PNG)
    write(folder / "seen.png", PNG)
    assert [i.title for i in collect(tmp_path)] == ["Seen"]


def test_items_come_in_path_order_including_subfolders(tmp_path: Path,
                                                       folder: Path) -> None:
    for name in ("b.png", "a.png", "events/z.png", "events/c.png", "c.png"):
        write(folder / name, PNG)
    paths = [i.path.relative_to(folder).as_posix() for i in collect(tmp_path) if i.path]
    assert paths == ["a.png", "b.png", "c.png", "events/c.png", "events/z.png"]


def test_recursive_false_stays_in_the_top_folder(tmp_path: Path, folder: Path) -> None:
    write(folder / "top.png", PNG)
    write(folder / "events" / "fun-day.png", PNG)
    assert [i.title for i in collect(tmp_path, recursive=False)] == ["Top"]


def test_include_patterns_match_names_or_paths(tmp_path: Path, folder: Path) -> None:
    write(folder / "agenda.pdf", PDF)
    write(folder / "park.png", PNG)
    write(folder / "events" / "fun-day.png", PNG)
    assert [i.title for i in collect(tmp_path, include=["*.pdf"])] == ["Agenda"]
    assert [i.title for i in collect(tmp_path, include=["events/*"])] == ["Fun day"]


def test_ids_are_stable_across_runs_and_moves(tmp_path: Path, folder: Path) -> None:
    write(folder / "park.png", PNG)
    write(folder / "events" / "fun-day.png", PNG)
    first = [i.id for i in collect(tmp_path)]
    assert first == [make_id("photos", "events/fun-day.png"), make_id("photos", "park.png")]
    assert [i.id for i in collect(tmp_path)] == first
    moved = tmp_path / "elsewhere" / "council"
    shutil.copytree(folder, moved / "photos")
    assert [i.id for i in collect(moved)] == first


def test_unknown_sidecar_key_names_file_line_and_suggestion(tmp_path: Path,
                                                            folder: Path) -> None:
    write(folder / "park.png", PNG)
    sidecar = write(folder / "park.png.yaml", "title: Park\nlicense: cc-by-4.0\n")
    with pytest.raises(InputError) as caught:
        collect(tmp_path)
    assert str(caught.value) == (f"{sidecar}:2: unknown key 'license' in the sidecar of "
                                 "park.png; did you mean 'licence'?; park.png is skipped "
                                 "until it is fixed")


def test_unknown_sidecar_key_without_a_close_match_lists_the_keys(tmp_path: Path,
                                                                  folder: Path) -> None:
    write(folder / "park.png", PNG)
    write(folder / "park.png.yaml", "camera: Nikon\n")
    with pytest.raises(InputError, match=r"park\.png\.yaml:1: unknown key 'camera'.*"
                                         r"the keys a sidecar may have are alt, categories"):
        collect(tmp_path)


@pytest.mark.parametrize(("line", "message"), [
    ("people_identifiable: maybe", "people_identifiable must be true or false, not 'maybe'"),
    ("third_party: yes", "third_party must be true or false, not 'yes'"),
    ("url: www.example.gov.uk/park", "url must be a web address starting https://"),
    ("categories: {parks: 1}", "categories must be text or a list of texts"),
    ("title: [Park, Gardens]", "title must be text"),
])
def test_wrong_sidecar_types_name_file_and_line(tmp_path: Path, folder: Path, line: str,
                                                message: str) -> None:
    write(folder / "park.png", PNG)
    sidecar = write(folder / "park.png.yaml", f"creator: Jane Smith\n{line}\n")
    with pytest.raises(InputError) as caught:
        collect(tmp_path)
    assert str(caught.value).startswith(f"{sidecar}:2: {message}")


def test_duplicate_sidecar_keys_are_refused_with_the_line(tmp_path: Path,
                                                          folder: Path) -> None:
    write(folder / "park.png", PNG)
    sidecar = write(folder / "park.png.yaml", "title: Park\ncreator: A\ncreator: B\n")
    with pytest.raises(InputError, match=rf"^{sidecar}:3: duplicate key 'creator'"):
        collect(tmp_path)


def test_empty_sidecar_values_count_as_not_given(tmp_path: Path, folder: Path) -> None:
    write(folder / "park.png", PNG)
    write(folder / "park.png.yaml", "title: Park\ncreator:\nlicence:\n")
    [item] = collect(tmp_path)
    assert (item.title, item.creator, item.declared_licences) == ("Park", None, [])


def test_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"photos: no such folder \(source 'photos'\)"):
        collect(tmp_path)


@pytest.mark.parametrize(("config", "key"), [
    ({"path": None}, "path"),
    ({"recursive": "yes"}, "recursive"),
    ({"include": "*.jpg"}, "include"),
    ({"sidecar": "yaml"}, "sidecar"),
])
def test_bad_config_names_the_key(tmp_path: Path, config: dict[str, object],
                                  key: str) -> None:
    settings: dict[str, object] = {"path": "photos", **config}
    with pytest.raises(ConfigError) as caught:
        DirectorySource("photos", settings, SourceContext(tmp_path, Fetcher("tests")))
    assert caught.value.key == key
