"""The one rule for camera file names (syndicate.camera_names) and both its users: the
``file.camera-name`` check and the Commons file name builder."""

from __future__ import annotations

import pytest

from syndicate.camera_names import is_camera_name
from syndicate.model import Item
from syndicate.sinks.commons.filenames import fields_for
from syndicate.sinks.commons.filenames import is_camera_name as is_commons_camera_name


@pytest.mark.parametrize("stem", [
    "IMG_1234", "img 1234", "DSC_0042", "DSCN1234", "DSCF0001", "P1010001",
    "PXL_20240101_123456", "IMG_1234 (2)", "20240101_123456", "0042", "GOPR0012",
    "DJI_0001", "KODAK 001", "SANY0042", "HPIM1234", "MVIMG_20240101_1", "Screenshot 2024-01-01",
    "scan0001"])
def test_names_devices_give(stem: str) -> None:
    assert is_camera_name(stem)


@pytest.mark.parametrize("stem", [
    "Town hall", "Park 2024", "IMG", "Picture of the park", "P12", "Sample 1234",
    "Riverside_park_bandstand"])
def test_names_people_choose(stem: str) -> None:
    assert not is_camera_name(stem)


@pytest.mark.parametrize("name", ["DJI_0001.jpg", "20240101_123456.JPG", "IMG_1234 (2).png"])
def test_commons_uses_the_same_rule_with_the_extension_stripped(name: str) -> None:
    # Before one rule, Commons took DJI_… and date-time stamps as descriptive titles.
    assert is_commons_camera_name(name)
    item = Item(id="photos-abc123", source="photos", kind="image", title=name)
    assert fields_for(item, "jpg", "Exampleshire")["title"] == "Exampleshire photos abc123"
