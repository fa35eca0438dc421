"""Licences other people embedded in their files, read by the directory source; and the
tagged copy every sink is handed (Workspace.media)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from syndicate import config as config_module
from syndicate.cli import main
from syndicate.collect import examine
from syndicate.fetch import Fetcher
from syndicate.model import Item
from syndicate.sources.base import SourceContext
from syndicate.sources.directory import DirectorySource
from syndicate.workspace import Workspace
from tests.filetags_readers import exiftool_json, needs_exiftool, pixels

BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
CONFIG = """\
organisation: {{name: Example Borough Council, url: "https://www.example.gov.uk"}}
sources:
  photos: {{type: directory, path: photos}}
licensing:
  default: cc-by-4.0
  attribution: {{name: Example Borough Council, url: "https://www.example.gov.uk"}}
  evidence: https://www.example.gov.uk/copyright
{rules}
sinks:
  partners: {{type: feed, kinds: [image, article, document]}}
"""


def photographers_jpeg(path: Path) -> Path:
    """A photo as a freelance photographer delivers it: CC BY-SA 4.0 and their name in XMP,
    their name in IPTC By-line, made with ExifTool as their software would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 24), (90, 140, 60)).save(path, "JPEG")
    subprocess.run(["exiftool", "-q", "-overwrite_original", f"-XMP-cc:License={BY_SA}",
                    "-XMP-dc:Creator=Sam Lens", "-IPTC:By-line=Sam Lens",
                    "-XMP-xmpRights:Marked=True", str(path)], check=True)
    return path


def council(tmp_path: Path, rules: str = "") -> config_module.Config:
    (tmp_path / "syndicate.yaml").write_text(CONFIG.format(rules=rules), encoding="utf-8")
    return config_module.load(tmp_path / "syndicate.yaml")


def one_item(tmp_path: Path, config: config_module.Config) -> Item:
    source = DirectorySource("photos", {"path": "photos"},
                             SourceContext(tmp_path, Fetcher("syndicate-tests")))
    (item,) = source.items()
    with Workspace(config, dry_run=True) as ws:
        examine(ws, item)
    return item


def codes(item: Item) -> list[str]:
    return [f.code for f in item.findings]


@needs_exiftool
def test_a_photographers_embedded_licence_wins_over_the_default(tmp_path: Path) -> None:
    photographers_jpeg(tmp_path / "photos" / "fair.jpg")
    item = one_item(tmp_path, council(tmp_path))
    assert item.declared_licences == [BY_SA]
    assert (item.licence, item.creator) == ("cc-by-sa-4.0", "Sam Lens")
    (conflict,) = [f for f in item.findings if f.code == "licence.conflict"]
    assert "declares CC BY-SA 4.0 but the default licence gives CC BY 4.0" in conflict.message


@needs_exiftool
def test_a_rule_that_disagrees_is_a_conflict_and_a_forced_rule_wins(tmp_path: Path) -> None:
    photographers_jpeg(tmp_path / "photos" / "fair.jpg")
    rule = "  rules:\n    - match: {source: photos}\n      licence: cc0-1.0\n"
    item = one_item(tmp_path, council(tmp_path, rule))
    assert item.licence == "cc-by-sa-4.0"
    assert any("licensing rule 1" in f.message for f in item.findings
               if f.code == "licence.conflict")
    forced = one_item(tmp_path, council(tmp_path, rule + "      force: true\n"))
    assert forced.licence == "cc0-1.0" and "licence.conflict" in codes(forced)


@needs_exiftool
def test_the_sidecar_is_the_councils_word_and_a_different_file_licence_is_flagged(
        tmp_path: Path) -> None:
    photo = photographers_jpeg(tmp_path / "photos" / "fair.jpg")
    photo.with_name("fair.jpg.yaml").write_text("licence: cc-by-4.0\ncreator: Jo Bloggs\n",
                                                encoding="utf-8")
    item = one_item(tmp_path, council(tmp_path))
    assert (item.licence, item.creator) == ("cc-by-4.0", "Jo Bloggs")
    assert any("says in its own metadata" in f.message and "CC BY-SA 4.0" in f.message
               for f in item.findings if f.code == "licence.conflict")


@needs_exiftool
def test_sinks_are_handed_the_tagged_copy(tmp_path: Path) -> None:
    photo = photographers_jpeg(tmp_path / "photos" / "fair.jpg")
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=52.2",
                    "-GPSLatitudeRef=N", str(photo)], check=True)
    config = council(tmp_path)
    item = one_item(tmp_path, config)
    with Workspace(config) as ws:
        sent = ws.sink("partners").context.media(item)
    assert sent.parent == tmp_path / ".syndicate" / "tagged"
    found = exiftool_json(sent)
    assert found["XMP-cc:License"] == BY_SA
    # No page states this photo's licence (no url, no council evidence): the licence does.
    assert found["XMP-xmpRights:WebStatement"] == BY_SA
    assert found["XMP-cc:AttributionName"] == "Sam Lens"
    assert not [key for key in found if key.startswith("GPS:")]
    assert pixels(sent) == pixels(photo)


@needs_exiftool
def test_a_dry_run_tags_where_it_leaves_no_trace(tmp_path: Path) -> None:
    photographers_jpeg(tmp_path / "photos" / "fair.jpg")
    config = council(tmp_path)
    item = one_item(tmp_path, config)
    with Workspace(config, dry_run=True) as ws:
        sent = ws.media(item)
        assert exiftool_json(sent)["XMP-cc:License"] == BY_SA
    assert not sent.exists()
    assert not (tmp_path / ".syndicate" / "tagged").exists()


def test_without_exiftool_sinks_get_the_original_and_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = tmp_path / "photos" / "fair.png"
    photo.parent.mkdir()
    Image.new("RGB", (8, 8)).save(photo, "PNG")
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without exiftool
    config = council(tmp_path)
    item = one_item(tmp_path, config)
    with Workspace(config) as ws:
        assert ws.media(item) == photo
        assert ws.media(item) == photo
    (untagged,) = [f for f in item.findings if f.code == "file.untagged"]
    assert untagged.severity == "warning" and "ExifTool is not installed" in untagged.message


@needs_exiftool
def test_inspect_shows_the_licence_a_file_carries(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    photo = photographers_jpeg(tmp_path / "fair.jpg")
    monkeypatch.chdir(tmp_path)  # no syndicate.yaml here: what the file itself says
    result = CliRunner().invoke(main, ["inspect", "--json", str(photo)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.splitlines()[0])
    assert (data["licence"], data["creator"]) == ("cc-by-sa-4.0", "Sam Lens")
