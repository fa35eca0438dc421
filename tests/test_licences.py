"""The licence registry: every licence loads, URLs and names in the wild are recognised to
the right licence, what does not exist is refused, and the Commons/Wikipedia gates hold."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import sys
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from syndicate.cli import main
from syndicate.errors import ConfigError, InputError
from syndicate.licences import Registry, registry
from syndicate.model import Item
from syndicate.tagging import Licensing

REPO_REGISTRY = Path(__file__).resolve().parent.parent / "licences"
CASES = Path(__file__).resolve().parent / "data" / "licences"
CC_CSV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "licences" / \
    "cc-legal-tools.csv"

UNITS = ("by", "by-sa", "by-nc", "by-nd", "by-nc-sa", "by-nc-nd")
EXPECTED_IDS = (
    {"cc0-1.0", "pdm-1.0", "ogl-uk-1.0", "ogl-uk-2.0", "ogl-uk-3.0"}
    | {f"cc-{unit}-{v}" for unit in UNITS for v in ("1.0", "2.0", "2.5", "3.0", "4.0")}
    | {f"cc-{unit}-2.0-uk" for unit in UNITS}
    | {f"cc-{unit}-2.5-scotland" for unit in UNITS}
)


def recognised_id(text: str) -> str | None:
    licence = registry().recognise(text).licence
    return licence.id if licence else None


def finding_code(text: str) -> str | None:
    finding = registry().recognise(text).finding
    return finding.code if finding else None


# --- loading -------------------------------------------------------------------------------

def test_registry_holds_the_original_licences_and_every_cc_tool() -> None:
    ids = {lic.id for lic in registry()}
    assert ids >= EXPECTED_IDS
    cc = [lic for lic in registry() if lic.family in ("cc", "pd")]
    assert len(cc) == 639 and len(ids) == 642


@pytest.mark.parametrize("licence_id", sorted(EXPECTED_IDS))
def test_each_licence_file_loads_with_consistent_fields(licence_id: str) -> None:
    licence = registry().get(licence_id)
    assert licence.url.startswith("https://") and licence.url.endswith("/")
    assert licence.family in {"cc", "ogl", "pd"}
    assert licence.name and licence.short_name and licence.spdx
    assert licence.commons == (licence.commons_template is not None) or licence.id == "pdm-1.0"
    assert recognised_id(licence.url) == licence_id
    for alias in licence.aliases:
        assert recognised_id(alias) == licence_id


def test_get_raises_keyerror_and_find_returns_none_for_an_unknown_id() -> None:
    with pytest.raises(KeyError):
        registry().get("cc-by-5.0")
    assert registry().find("cc-by-5.0") is None
    assert registry().find("cc-by-4.0") is registry().get("cc-by-4.0")
    assert "ogl-uk-3.0" in registry()


def test_registry_installs_as_package_data() -> None:
    installed = resources.files("syndicate.registry")
    names = {f.name for f in installed.iterdir() if f.name.endswith(".yaml")}
    assert names == {f"{licence.id}.yaml" for licence in registry()}
    assert len(Registry.from_directory(installed)) == len(names)


# --- URLs in the wild ----------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
    ("http://creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
    ("https://www.creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/deed", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/deed.en", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/deed.zh-hans", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode.en", "cc-by-4.0"),
    ("HTTPS://CREATIVECOMMONS.ORG/LICENSES/BY/4.0/LEGALCODE.DE", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/?ref=chooser-v1", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/#ref-appropriate-credit", "cc-by-4.0"),
    ("//creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
    ("creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
    ("  https://creativecommons.org/licenses/by/4.0/  ", "cc-by-4.0"),
    ("http://creativecommons.org/licenses/by/3.0/", "cc-by-3.0"),
    ("http://creativecommons.org/licenses/by/2.5/", "cc-by-2.5"),
    ("http://creativecommons.org/licenses/by/2.0/", "cc-by-2.0"),
    ("http://creativecommons.org/licenses/by/1.0/", "cc-by-1.0"),
    ("http://creativecommons.org/licenses/by/1/", "cc-by-1.0"),
    ("http://creativecommons.org/licenses/by-sa/3.0/deed.en_GB", "cc-by-sa-3.0"),
    ("https://creativecommons.org/licenses/by-sa/4.0/legalcode.txt", "cc-by-sa-4.0"),
    ("http://creativecommons.org/licenses/by-sa/1.0/", "cc-by-sa-1.0"),
    ("http://creativecommons.org/licenses/by/2.0/uk/", "cc-by-2.0-uk"),
    ("http://creativecommons.org/licenses/by/2.0/uk", "cc-by-2.0-uk"),
    ("http://creativecommons.org/licenses/by/2.0/uk/deed.en_GB", "cc-by-2.0-uk"),
    ("http://creativecommons.org/licenses/by/2.0/uk/legalcode", "cc-by-2.0-uk"),
    ("http://creativecommons.org/licenses/by/2/uk/", "cc-by-2.0-uk"),
    ("http://creativecommons.org/licenses/by/2.5/scotland/", "cc-by-2.5-scotland"),
    ("http://creativecommons.org/licenses/by-sa/2.0/uk/", "cc-by-sa-2.0-uk"),
    ("http://creativecommons.org/licenses/by-sa/2.5/scotland/", "cc-by-sa-2.5-scotland"),
    ("http://www.creativecommons.org/licenses/by-nc-sa/2.0/uk/deed.en_GB?ref=chooser-v1#x",
     "cc-by-nc-sa-2.0-uk"),
    ("https://creativecommons.org/licenses/by-nc/2.0/uk/", "cc-by-nc-2.0-uk"),
    ("https://creativecommons.org/licenses/by-nd/2.0/uk/", "cc-by-nd-2.0-uk"),
    ("https://creativecommons.org/licenses/by-nc-nd/2.0/uk/", "cc-by-nc-nd-2.0-uk"),
    ("https://creativecommons.org/licenses/by-nc-nd/2.5/scotland/", "cc-by-nc-nd-2.5-scotland"),
    ("https://creativecommons.org/licenses/by-nc/4.0/", "cc-by-nc-4.0"),
    ("https://creativecommons.org/licenses/by-nd/4.0/deed.fr", "cc-by-nd-4.0"),
    ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "cc-by-nc-sa-4.0"),
    ("https://creativecommons.org/licenses/by-nc-nd/4.0/", "cc-by-nc-nd-4.0"),
    ("https://creativecommons.org/licenses/by-nc-sa/1.0/", "cc-by-nc-sa-1.0"),
    ("http://creativecommons.org/licenses/by-nd-nc/1.0/", "cc-by-nc-nd-1.0"),
    ("http://creativecommons.org/licenses/by-nd-nc/1.0/legalcode", "cc-by-nc-nd-1.0"),
    ("https://creativecommons.org/licenses/by-nc-nd/1.0/", "cc-by-nc-nd-1.0"),
    ("https://creativecommons.org/licenses/by-nc-nd/2.0/", "cc-by-nc-nd-2.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "cc0-1.0"),
    ("http://creativecommons.org/publicdomain/zero/1.0/legalcode", "cc0-1.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/deed.en", "cc0-1.0"),
    ("https://creativecommons.org/publicdomain/mark/1.0/", "pdm-1.0"),
    ("http://creativecommons.org/publicdomain/mark/1.0/deed.en", "pdm-1.0"),
    ("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "ogl-uk-3.0"),
    ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "ogl-uk-3.0"),
    ("https://nationalarchives.gov.uk/doc/open-government-licence/version/3", "ogl-uk-3.0"),
    ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3.0/",
     "ogl-uk-3.0"),
    ("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/", "ogl-uk-2.0"),
    ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/1/", "ogl-uk-1.0"),
    ("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/1/"
     "open-government-licence.htm", "ogl-uk-1.0"),
    ("https://www.nationalarchives.gov.uk/doc/open-government-licence-cymraeg/version/3/",
     "ogl-uk-3.0"),
    ("HTTP://WWW.NATIONALARCHIVES.GOV.UK/DOC/OPEN-GOVERNMENT-LICENCE/VERSION/2/", "ogl-uk-2.0"),
])
def test_licence_urls_in_the_wild_are_recognised(url: str, expected: str) -> None:
    recognition = registry().recognise(url)
    assert recognition.finding is None
    assert recognition.licence is not None and recognition.licence.id == expected


# --- names, ids and SPDX ids ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("CC BY 4.0", "cc-by-4.0"),
    ("cc by 4.0", "cc-by-4.0"),
    ("CC-BY-4.0", "cc-by-4.0"),
    ("CC BY 4", "cc-by-4.0"),
    ("cc-by-4.0", "cc-by-4.0"),
    ("Creative Commons Attribution 4.0 International", "cc-by-4.0"),
    ("Creative Commons Attribution 4.0 International (CC BY 4.0)", "cc-by-4.0"),
    ("CC-BY-SA-3.0", "cc-by-sa-3.0"),
    ("CC BY-SA 3.0", "cc-by-sa-3.0"),
    ("Creative Commons Attribution-ShareAlike 3.0 Unported", "cc-by-sa-3.0"),
    ("CC BY-NC-ND 4.0", "cc-by-nc-nd-4.0"),
    ("CC BY-ND-NC 1.0", "cc-by-nc-nd-1.0"),
    ("Attribution-NonCommercial-ShareAlike 2.0 UK: England & Wales", "cc-by-nc-sa-2.0-uk"),
    ("CC BY 2.0 UK", "cc-by-2.0-uk"),
    ("CC BY-SA 2.0 UK", "cc-by-sa-2.0-uk"),
    ("CC-BY-SA-2.0-UK", "cc-by-sa-2.0-uk"),
    ("LicenseRef-cc-by-2.0-uk", "cc-by-2.0-uk"),
    ("CC BY 2.5 Scotland", "cc-by-2.5-scotland"),
    ("CC0", "cc0-1.0"),
    ("cc0", "cc0-1.0"),
    ("CC0 1.0", "cc0-1.0"),
    ("CC0-1.0", "cc0-1.0"),
    ("CC-PDM-1.0", "pdm-1.0"),
    ("Public Domain Mark 1.0", "pdm-1.0"),
    ("OGL v3.0", "ogl-uk-3.0"),
    ("ogl v3", "ogl-uk-3.0"),
    ("OGLv3", "ogl-uk-3.0"),
    ("OGL-UK-3.0", "ogl-uk-3.0"),
    ("ogl-uk-2.0", "ogl-uk-2.0"),
    ("Open Government Licence v3.0", "ogl-uk-3.0"),
    ("open government license version 2.0", "ogl-uk-2.0"),
    ("Open Government Licence v1.0", "ogl-uk-1.0"),
    ("This work is licensed under a Creative Commons licence: "
     "http://creativecommons.org/licenses/by-sa/2.0/uk/.", "cc-by-sa-2.0-uk"),
])
def test_common_names_are_recognised_case_insensitively(text: str, expected: str) -> None:
    assert recognised_id(text) == expected


@pytest.mark.parametrize("licence_id", sorted(EXPECTED_IDS))
def test_every_id_spdx_id_and_short_name_is_recognised(licence_id: str) -> None:
    licence = registry().get(licence_id)
    assert recognised_id(licence_id) == licence_id
    assert recognised_id(licence.spdx) == licence_id
    assert recognised_id(licence.spdx.upper()) == licence_id
    assert recognised_id(licence.short_name) == licence_id
    assert recognised_id(licence.name) == licence_id


def test_spdx_ids_follow_the_spdx_list() -> None:
    spdx = {lic.id: lic.spdx for lic in registry()}
    assert spdx["cc-by-4.0"] == "CC-BY-4.0"
    assert spdx["cc-by-nc-nd-1.0"] == "CC-BY-NC-ND-1.0"
    assert spdx["cc-by-sa-2.0-uk"] == "CC-BY-SA-2.0-UK"
    assert spdx["cc-by-nc-sa-2.0-uk"] == "CC-BY-NC-SA-2.0-UK"
    assert spdx["cc-by-2.0-uk"] == "LicenseRef-cc-by-2.0-uk"
    assert spdx["cc-by-2.5-scotland"] == "LicenseRef-cc-by-2.5-scotland"
    assert spdx["pdm-1.0"] == "CC-PDM-1.0"
    assert spdx["ogl-uk-3.0"] == "OGL-UK-3.0"


# --- what does not exist -------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://creativecommons.org/licenses/by/3.0/uk/",
    "http://www.creativecommons.org/licenses/by-sa/3.0/uk/deed.en_GB",
    "https://creativecommons.org/licenses/by-nc-sa/3.0/uk/",
    "https://creativecommons.org/licenses/by/4.0/uk/",
    "https://creativecommons.org/licenses/by/2.5/uk/",
    "https://creativecommons.org/licenses/by/2.0/scotland/",
])
def test_uk_ports_that_never_existed_are_refused(url: str) -> None:
    recognition = registry().recognise(url)
    assert recognition.licence is None
    assert recognition.finding is not None
    assert recognition.finding.code == "licence.nonexistent"
    assert recognition.finding.severity == "error"
    assert url in recognition.finding.message
    assert "/2.0/uk/" in recognition.finding.message or \
        "/2.5/scotland/" in recognition.finding.message


def test_cc_by_3_0_uk_by_name_is_refused_and_points_at_the_real_port() -> None:
    recognition = registry().recognise("CC BY 3.0 UK")
    assert recognition.licence is None and recognition.finding is not None
    assert recognition.finding.code == "licence.nonexistent"
    assert "https://creativecommons.org/licenses/by/2.0/uk/" in recognition.finding.message


@pytest.mark.parametrize("url", [
    "https://creativecommons.org/licenses/by/5.0/",
    "https://creativecommons.org/licenses/by/2.1/",
    "https://creativecommons.org/licenses/by-sa/3.5/",
    "https://creativecommons.org/publicdomain/zero/2.0/",
    "https://creativecommons.org/licenses/by/3.0/xx/",
    "https://creativecommons.org/licenses/by/3.0/england/",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/4/",
])
def test_unknown_versions_and_jurisdictions_are_refused(url: str) -> None:
    recognition = registry().recognise(url)
    assert recognition.licence is None and recognition.finding is not None
    assert recognition.finding.code == "licence.nonexistent"
    assert url in recognition.finding.message
    assert "What exists" in recognition.finding.message


def test_a_nonexistent_version_lists_the_versions_that_exist() -> None:
    finding = registry().recognise("https://creativecommons.org/licenses/by/5.0/").finding
    assert finding is not None
    for version in ("1.0", "2.0", "2.5", "3.0", "4.0"):
        assert f"https://creativecommons.org/licenses/by/{version}/" in finding.message


@pytest.mark.parametrize("text", ["CC BY 5.0", "CC BY-SA 3.5", "OGL v4.0"])
def test_names_with_a_version_that_does_not_exist_are_refused(text: str) -> None:
    assert finding_code(text) == "licence.nonexistent"


@pytest.mark.parametrize("url", [
    "http://www.nationalarchives.gov.uk/doc/open-government-licence/",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/",
    "https://nationalarchives.gov.uk/doc/open-government-licence",
    "http://www.nationalarchives.gov.uk/doc/open-government-licence/open-government-licence.htm",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence-cymraeg/",
])
def test_an_unversioned_ogl_url_is_ambiguous_not_a_guess(url: str) -> None:
    recognition = registry().recognise(url)
    assert recognition.licence is None and recognition.finding is not None
    assert recognition.finding.code == "licence.ambiguous"
    assert recognition.finding.severity == "error"
    assert url.strip() in recognition.finding.message
    assert "version" in recognition.finding.message


@pytest.mark.parametrize("text", ["OGL", "Open Government Licence", "CC BY", "CC BY-SA",
                                  "https://creativecommons.org/licenses/by/"])
def test_a_licence_named_without_a_version_is_ambiguous(text: str) -> None:
    assert finding_code(text) == "licence.ambiguous"


@pytest.mark.parametrize("text", [
    "https://example.org/licence",
    "https://creativecommons.org/about/",
    "https://opensource.org/licenses/MIT",
    "MIT",
    "All rights reserved",
    "Public domain",
    "",
])
def test_anything_else_is_unknown(text: str) -> None:
    recognition = registry().recognise(text)
    assert recognition.licence is None
    assert recognition.finding is not None and recognition.finding.code == "licence.unknown"


def test_a_rights_statement_with_a_nonexistent_licence_url_is_refused() -> None:
    assert finding_code("Licensed under https://creativecommons.org/licenses/by/3.0/uk/ "
                        "(CC BY 3.0 UK)") == "licence.nonexistent"


def test_a_port_is_read_as_the_port_never_its_generic_parent() -> None:
    licence = registry().recognise("https://creativecommons.org/licenses/by/3.0/de/").licence
    assert licence is not None and licence.id == "cc-by-3.0-de"
    assert licence.generic == "cc-by-3.0" and licence.jurisdiction == "de"


# --- ports stay ports ----------------------------------------------------------------------

@pytest.mark.parametrize(("port", "unported"), [
    ("https://creativecommons.org/licenses/by/2.0/uk/", "cc-by-2.0"),
    ("https://creativecommons.org/licenses/by-sa/2.0/uk/", "cc-by-sa-2.0"),
    ("https://creativecommons.org/licenses/by-nc-sa/2.0/uk/", "cc-by-nc-sa-2.0"),
    ("https://creativecommons.org/licenses/by/2.5/scotland/", "cc-by-2.5"),
    ("https://creativecommons.org/licenses/by-sa/2.5/scotland/", "cc-by-sa-2.5"),
])
def test_ports_are_kept_distinct_from_their_unported_licence(port: str, unported: str) -> None:
    licence = registry().recognise(port).licence
    assert licence is not None
    assert licence.id != unported
    assert licence.jurisdiction in {"uk", "scotland"}
    assert licence.url != registry().get(unported).url
    assert licence.spdx != registry().get(unported).spdx


# --- gates and helpers ---------------------------------------------------------------------

def test_non_commercial_and_no_derivatives_licences_are_never_accepted() -> None:
    restricted = [lic for lic in registry()
                  if lic.conditions & {"non-commercial", "no-derivatives"}]
    assert len(restricted) == 422  # every NC or ND tool CC published, ports included
    for licence in restricted:
        assert not licence.accepted_by("commons"), licence.id
        assert not licence.accepted_by("wikipedia_text"), licence.id
        assert licence.commons_template is None and licence.wikipedia_template is None


def test_by_sa_1_0_goes_to_commons_but_its_text_not_to_wikipedia() -> None:
    licence = registry().get("cc-by-sa-1.0")
    assert licence.accepted_by("commons")
    assert not licence.accepted_by("wikipedia_text")


@pytest.mark.parametrize("licence_id", [
    "cc-by-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc-by-2.0-uk",
    "cc-by-2.5-scotland", "cc-by-sa-2.0", "cc-by-sa-2.5", "cc-by-sa-3.0", "cc-by-sa-4.0",
    "cc-by-sa-2.0-uk", "cc0-1.0", "ogl-uk-1.0", "ogl-uk-2.0", "ogl-uk-3.0",
])
def test_free_licences_pass_both_gates(licence_id: str) -> None:
    licence = registry().get(licence_id)
    assert licence.accepted_by("commons")
    assert licence.accepted_by("wikipedia_text")


def test_pdm_is_not_accepted_on_commons_by_default_but_pd_text_may_go_to_wikipedia() -> None:
    pdm = registry().get("pdm-1.0")
    assert not pdm.accepted_by("commons")
    assert pdm.commons_template == "PDMark-owner"
    assert "CC0" in pdm.notes and "copyright holder" in pdm.notes
    assert pdm.accepted_by("wikipedia_text")
    assert pdm.wikipedia_template == "PD-notice"
    assert not pdm.requires_attribution


def test_accepted_by_an_unknown_gate_is_a_bug_not_a_silent_no() -> None:
    with pytest.raises(ValueError, match="gate"):
        registry().get("cc-by-4.0").accepted_by("flickr")


@pytest.mark.parametrize(("licence_id", "template"), [
    ("cc0-1.0", "Cc-zero"), ("cc-by-4.0", "Cc-by-4.0"), ("cc-by-2.0-uk", "Cc-by-2.0-uk"),
    ("cc-by-2.5-scotland", "Cc-by-2.5-scotland"), ("cc-by-sa-2.0-uk", "Cc-by-sa-2.0-uk"),
    ("cc-by-sa-1.0", "Cc-by-sa-1.0"), ("ogl-uk-1.0", "OGL"), ("ogl-uk-2.0", "OGL2"),
    ("ogl-uk-3.0", "OGL3"),
])
def test_commons_templates(licence_id: str, template: str) -> None:
    assert registry().get(licence_id).commons_template == template


@pytest.mark.parametrize(("licence_id", "cc"), [
    ("cc-by-4.0", "by4"), ("cc-by-3.0", "by3"), ("cc-by-sa-3.0", "by-sa3"),
    ("cc-by-sa-4.0", "by-sa4"), ("cc0-1.0", "cc0"),
])
def test_wikipedia_notice_for_cc_text(licence_id: str, cc: str) -> None:
    licence = registry().get(licence_id)
    assert licence.wikipedia_template == "Creative Commons text attribution notice"
    assert licence.wikipedia_template_params == {"cc": cc}


def test_ports_never_borrow_the_unported_wikipedia_notice() -> None:
    for licence in registry():
        if licence.jurisdiction and licence.family == "cc":
            assert licence.wikipedia_template is None, licence.id


@pytest.mark.parametrize(("licence_id", "version"), [
    ("ogl-uk-1.0", "v1.0"), ("ogl-uk-2.0", "v2.0"), ("ogl-uk-3.0", "v3.0")])
def test_ogl_attribution_statement(licence_id: str, version: str) -> None:
    licence = registry().get(licence_id)
    assert licence.attribution_statement == (
        "Contains public sector information licensed under the Open Government Licence "
        f"{version}.")
    assert licence.wikipedia_template == "OGL-attribution"


def test_only_the_ogl_prescribes_an_attribution_statement() -> None:
    with_statement = {lic.id for lic in registry() if lic.attribution_statement}
    assert with_statement == {"ogl-uk-1.0", "ogl-uk-2.0", "ogl-uk-3.0"}


def test_as_dict_gives_json_ready_fields_in_registry_order() -> None:
    data = registry().get("cc-by-sa-2.0-uk").as_dict()
    assert list(data)[:5] == ["id", "name", "short_name", "title", "url"]
    assert data["conditions"] == ["attribution", "share-alike"]
    assert data["jurisdiction"] == "uk"
    assert json.loads(json.dumps(registry().get("cc-by-4.0").as_dict()))[
        "wikipedia_template_params"] == {"cc": "by4"}


def test_conditions_drive_attribution_and_share_alike() -> None:
    assert registry().get("cc-by-4.0").requires_attribution
    assert not registry().get("cc-by-4.0").share_alike
    assert registry().get("cc-by-sa-2.0-uk").share_alike
    assert registry().get("cc-by-nc-sa-4.0").share_alike
    assert registry().get("ogl-uk-3.0").requires_attribution
    assert not registry().get("cc0-1.0").requires_attribution


# --- a broken registry file ----------------------------------------------------------------

@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    for source in REPO_REGISTRY.glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


def test_a_copy_of_the_registry_loads(registry_copy: Path) -> None:
    copy = Registry.from_directory(registry_copy)
    copy.check()
    assert len(copy) == len(registry())


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("commons: true", "commons: yes", "'commons' has the wrong type"),
    ("spdx: CC-BY-4.0", "spdx: CC-BY-4.0\nspdx: CC-BY-3.0", "duplicate key 'spdx'"),
    ("family: cc", "family: creative-commons", "family must be one of"),
    ("notes:", "licence_notes: extra\nnotes:", "unknown key 'licence_notes'"),
    ("id: cc-by-4.0", "id: cc-by-4", "must match the file name"),
    ("- attribution", "- attribution\n- no-ai", "conditions must be among"),
    ("url: https://creativecommons.org/licenses/by/4.0/",
     "url: [https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0.yaml:"),
    ("url: https://creativecommons.org/licenses/by/4.0/",
     "url: https://creativecommons.org/licenses/by/4.0/ - broken", "must be an https:// URL"),
    ("spdx: CC-BY-4.0\n", "", "missing key 'spdx'"),
    ("url: https://creativecommons.org/licenses/by/4.0/",
     "url: https://creativecommons.org/licenses/by/3.0/", "belongs to both"),
])
def test_a_malformed_registry_file_is_an_error_naming_the_file(
        registry_copy: Path, old: str, new: str, problem: str) -> None:
    target = registry_copy / "cc-by-4.0.yaml"
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Registry.from_directory(registry_copy).check()
    message = str(caught.value)
    assert problem in message
    if problem != "belongs to both":
        assert "cc-by-4.0.yaml" in message


def test_an_empty_registry_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \*\.yaml files"):
        Registry.from_directory(tmp_path)


# --- real cases, table-driven ---------------------------------------------------------------

def _read_cases(name: str) -> list[tuple[str, str, str]]:
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    rows = csv.reader((line for line in lines if not line.startswith("#")), delimiter="\t",
                      quoting=csv.QUOTE_NONE)
    next(rows)  # header
    return [(text, expected, source) for text, expected, source in rows]


def _judge(text: str, expected: str) -> str:
    """"recognised", "refused" (as expected) or what went wrong."""
    recognition = registry().recognise(text)
    got = {lic.id for lic in recognition.offered}
    if expected.startswith("?") and got:
        expected = expected[1:]  # a known limitation that no longer holds: must be right
    if expected.startswith("!") or expected.startswith("?"):
        code = expected[1:] if expected.startswith("!") else ""
        if got:
            return f"wrong: {sorted(got)} for a text that must be refused"
        assert recognition.finding is not None
        if code and recognition.finding.code != code:
            return f"refused with {recognition.finding.code}, expected {code}"
        return "refused"
    subset = expected.startswith("~")
    wanted = set(expected.lstrip("~").split(","))
    if not got:
        assert recognition.finding is not None
        return f"refused ({recognition.finding.code}: {recognition.finding.message})"
    if got - wanted or (not subset and got != wanted):
        return f"wrong: {sorted(got)}, expected {sorted(wanted)}"
    return "recognised"


@pytest.mark.parametrize("source", ["spdx.tsv", "openverse.tsv", "commons.tsv",
                                    "uk-open-data.tsv"])
def test_real_licence_strings_are_read_right(source: str) -> None:
    cases = _read_cases(source)
    assert len(cases) > 60
    outcomes = {text: _judge(text, expected) for text, expected, _ in cases}
    problems = {text: outcome for text, outcome in outcomes.items()
                if outcome not in ("recognised", "refused")}
    assert problems == {}
    assert any(o == "recognised" for o in outcomes.values())


def _cc_rows() -> list[dict[str, str]]:
    if not CC_CSV.exists():
        pytest.skip(f"Creative Commons' list of legal tools is not at {CC_CSV} (it lives in "
                    "the shared corpus beside the repository)")
    with CC_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_tool_in_ccs_list_is_carried_with_its_facts() -> None:
    by_url = {lic.url: lic for lic in registry()}
    for row in _cc_rows():
        licence = by_url[row["CANONICAL_URL"]]
        assert licence.version == row["VERSION"]
        assert licence.jurisdiction == (row["JURISDICTION"] or None)
        assert licence.title == row["TITLE"]
        assert licence.language == row["LANGUAGE_DEFAULT"]
        assert licence.spdx == (row["SPDX_IDENTIFIER"] or f"LicenseRef-{licence.id}")
        if licence.jurisdiction and licence.generic:
            generic = registry().get(licence.generic)
            assert generic.jurisdiction is None and generic.version == licence.version


@pytest.mark.parametrize("spelling", ["http", "no-slash", "deed.en", "legalcode"])
def test_every_url_in_ccs_list_is_recognised_in_four_spellings(spelling: str) -> None:
    rows = _cc_rows()
    wrong = {}
    for row in rows:
        url = row["CANONICAL_URL"]
        text = {"http": url.replace("https://", "http://"), "no-slash": url.rstrip("/"),
                "deed.en": url + "deed.en", "legalcode": url + "legalcode"}[spelling]
        licence = registry().recognise(text).licence
        if licence is None or licence.url != url:
            wrong[text] = licence.id if licence else None
    assert wrong == {}
    assert len(rows) == 639


def test_ccs_identifiers_and_english_titles_name_their_tool() -> None:
    wrong = {}
    for row in _cc_rows():
        texts = [row["IDENTIFIER"]]
        if row["LANGUAGE_DEFAULT"] == "en":
            texts.append(row["TITLE"])
        for text in texts:
            licence = registry().recognise(text).licence
            if licence is None or licence.url != row["CANONICAL_URL"]:
                wrong[text] = licence.id if licence else None
    assert wrong == {}


# --- names and URLs as people write them ----------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("cc-by-sa-3.0-2.5-2.0-1.0", ["cc-by-sa-3.0", "cc-by-sa-2.5", "cc-by-sa-2.0", "cc-by-sa-1.0"]),
    ("Creative Commons Attribution-Share Alike 3.0-2.5-2.0-1.0",
     ["cc-by-sa-3.0", "cc-by-sa-2.5", "cc-by-sa-2.0", "cc-by-sa-1.0"]),
    ("cc-by-sa-1.0+", ["cc-by-sa-4.0", "cc-by-sa-3.0", "cc-by-sa-2.5", "cc-by-sa-2.0",
                       "cc-by-sa-1.0"]),
    ("CC BY 4.0 or CC BY-SA 4.0", ["cc-by-4.0", "cc-by-sa-4.0"]),
])
def test_multi_version_tags_offer_every_licence_named_best_first(
        text: str, expected: list[str]) -> None:
    recognition = registry().recognise(text)
    assert [lic.id for lic in recognition.offered] == expected
    assert recognition.licence is not None and recognition.licence.id == expected[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("http://creativecommons.org/licenses/by-sa/3.0/de/rdf", "cc-by-sa-3.0-de"),
    ("https://creativecommons.org/licenses/by/4.0/rdf", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode.txt", "cc-by-4.0"),
    ("https://creativecommons.org/licenses/by-sa/4.0/legalcode.de", "cc-by-sa-4.0"),
    ("https://creativecommons.org/licenses/by-sa/3.0/deed.sr-latn", "cc-by-sa-3.0"),
    ("https://creativecommons.org/licenses/by/3.0/igo/deed.zh-hant", "cc-by-3.0-igo"),
    ("<http://creativecommons.org/licenses/by/4.0/>", "cc-by-4.0"),
    ('"https://creativecommons.org/licenses/by/4.0/"', "cc-by-4.0"),
    ("'https://creativecommons.org/licenses/by-sa/2.0/uk/'", "cc-by-sa-2.0-uk"),
    ("https://creativecommons.org/share-your-work/public-domain/cc0/", "cc0-1.0"),
    ("https://creativecommons.org/share-your-work/public-domain/pdm/", "pdm-1.0"),
    ("https://creativecommons.org/licenses/by-nd-nc/2.0/jp/", "cc-by-nc-nd-2.0-jp"),
    ("https://creativecommons.org/licenses/nc-sampling+/1.0/tw/", "cc-nc-sampling-plus-1.0-tw"),
    ("https://creativecommons.org/licenses/nc-sampling%2B/1.0/", "cc-nc-sampling-plus-1.0"),
    ("Attribution 2.1 Generic <https://creativecommons.org/licenses/by/2.1/jp/>", "cc-by-2.1-jp"),
])
def test_urls_as_they_appear(text: str, expected: str) -> None:
    assert recognised_id(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Cc-by-sa-3.0-migrated", "cc-by-sa-3.0"),
    ("cc-by-sa-3.0-migrated-with-disclaimers", "cc-by-sa-3.0"),
    ("Cc-by-sa-4.0-heirs", "cc-by-sa-4.0"),
    ("Cc-by-2.0-stma", "cc-by-2.0"),
    ("{{OGL}}", "ogl-uk-1.0"),
    ("Template:OGL", "ogl-uk-1.0"),
    ("{{Cc-by-sa-3.0-de}}", "cc-by-sa-3.0-de"),
    ("Open Government Licence 3.0 (United Kingdom)", "ogl-uk-3.0"),
    ("Creative Commons Attribution Share Alike 2.0 England and Wales", "cc-by-sa-2.0-uk"),
    ("Creative Commons Attribution Non Commercial Share Alike 2.0 England and Wales",
     "cc-by-nc-sa-2.0-uk"),
    ("Creative Commons Zero, Public Domain Dedication", "cc0-1.0"),
    ("Creative Commons Attribution-No Derivative Works 3.0 Unported", "cc-by-nd-3.0"),
    ("Creative Commons Attribution-Noncommercial-Share Alike 3.0 United States",
     "cc-by-nc-sa-3.0-us"),
    ("Attribution-ShareAlike 3.0 Germany", "cc-by-sa-3.0-de"),
    ("CC BY-SA 3.0 DE", "cc-by-sa-3.0-de"),
    ("CC BY 3.0 IGO", "cc-by-3.0-igo"),
    ("CC-BY-SA-2.1-JP", "cc-by-sa-2.1-jp"),
    ("Creative    Commons Public Domain Mark 1.0 Universal", "pdm-1.0"),
])
def test_names_as_people_write_them(text: str, expected: str) -> None:
    assert recognised_id(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("OGL", "licence.ambiguous"),
    ("uk-ogl", "licence.ambiguous"),
    ("CC BY", "licence.ambiguous"),
    ("Creative Commons Attribution Share-Alike", "licence.ambiguous"),
    ("CC BY 2.1", "licence.nonexistent"),
    ("CC BY 4.0 DE", "licence.nonexistent"),
    ("Open Data Commons Attribution License v1.0", "licence.unknown"),
    ("Photo by John Smith, 2019", "licence.unknown"),
    ("By 2 May 2024 the council will publish", "licence.unknown"),
    ("Attribution 4.0 of the photographer is required", "licence.unknown"),
    ("Namensnennung 3.0 Deutschland", "licence.unknown"),
])
def test_what_names_no_single_licence_is_not_guessed(text: str, code: str) -> None:
    assert finding_code(text) == code


def test_bare_ogl_explains_that_the_commons_tag_means_v1() -> None:
    finding = registry().recognise("OGL").finding
    assert finding is not None and "{{OGL}}" in finding.message and "v1.0" in finding.message


# --- the rules behind the gates -------------------------------------------------------------

def test_rule_not_free_nc_nd_sampling_and_devnations_are_refused_everywhere() -> None:
    for licence in registry():
        unit = licence.url.split("/")[4]
        if {"nc", "nd"} & set(unit.split("-")) or "sampling" in unit or unit == "devnations":
            assert not licence.commons and not licence.wikipedia_text, licence.id


def test_rule_wikipedia_text_by_any_version_by_sa_from_2_0_ports_included() -> None:
    for licence in registry():
        if licence.family != "cc":
            continue
        unit = licence.url.split("/")[4]
        if unit == "by":
            assert licence.wikipedia_text and licence.commons, licence.id
        elif unit == "by-sa":
            assert licence.commons, licence.id
            assert licence.wikipedia_text == (licence.version != "1.0"), licence.id


def test_retired_tools_are_marked_retired() -> None:
    retired = {lic.id for lic in registry() if lic.retired}
    assert {"cc-sampling-1.0", "cc-sampling-plus-1.0", "cc-nc-sampling-plus-1.0",
            "cc-devnations-2.0", "cc-sa-1.0", "cc-nc-1.0", "cc-pddc-1.0-us"} <= retired
    assert not registry().get("cc-by-4.0").retired
    assert not registry().get("cc-by-sa-1.0").retired


def test_a_port_carries_jurisdiction_generic_language_and_title() -> None:
    port = registry().get("cc-by-sa-3.0-de")
    assert port.jurisdiction == "de" and port.jurisdiction_name == "Germany"
    assert port.generic == "cc-by-sa-3.0" and port.language == "de"
    assert port.title == "Namensnennung - Weitergabe unter gleichen Bedingungen 3.0 Deutschland"
    assert port.commons_template == "Cc-by-sa-3.0-de"
    assert port in registry().ports(registry().get("cc-by-sa-3.0"))


# --- choosing among the licences a source offers (tagging) ----------------------------------

def _tag(*declared: str) -> Item:
    item = Item(id="photos-1", source="photos", kind="image", title="Town hall",
                url="https://www.example.gov.uk/photos/1", declared_licences=list(declared))
    Licensing.from_config({"default": "none"}).tag(item)
    return item


def test_a_multi_version_commons_tag_gives_the_best_version_not_the_last() -> None:
    item = _tag("cc-by-sa-3.0-2.5-2.0-1.0")
    assert item.licence == "cc-by-sa-3.0"  # was read as BY-SA 1.0, which Wikipedia refuses
    assert registry().get(item.licence).accepted_by("wikipedia_text")
    dual = next(f for f in item.findings if f.code == "licence.dual")
    assert "CC BY-SA 1.0 (Commons accept it)" in dual.message
    assert "CC BY-SA 3.0 (Commons and Wikipedia accept it)" in dual.message


def test_the_licence_decision_records_every_licence_offered() -> None:
    item = Item(id="photos-1", source="photos", kind="image", title="Town hall",
                url="https://www.example.gov.uk/photos/1",
                declared_licences=["cc-by-sa-2.5-2.0-1.0"])
    decision = Licensing.from_config({"default": "none"}).decide(item)
    assert [lic.id for lic in decision.offered] == ["cc-by-sa-2.5", "cc-by-sa-2.0",
                                                    "cc-by-sa-1.0"]
    assert decision.licence is decision.offered[0] and decision.origin == "declared"


def test_one_point_oh_plus_offers_the_newest_version() -> None:
    assert _tag("cc-by-sa-1.0+").licence == "cc-by-sa-4.0"


def test_a_declared_port_is_tagged_as_the_port() -> None:
    item = _tag("https://creativecommons.org/licenses/by-sa/3.0/de/deed.de")
    assert item.licence == "cc-by-sa-3.0-de"
    assert item.licence_url == "https://creativecommons.org/licenses/by-sa/3.0/de/"
    assert not [f for f in item.findings if f.severity == "error"]


def test_the_public_domain_mark_cannot_be_the_councils_default() -> None:
    with pytest.raises(ConfigError, match="Public Domain Mark"):
        Licensing.from_config({"default": "pdm-1.0"})
    assert Licensing.from_config({"default": "cc0-1.0"}).default is not None


# --- the command ----------------------------------------------------------------------------

def test_licences_command_lists_ports_grouped_by_jurisdiction() -> None:
    result = CliRunner().invoke(main, ["licences"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    germany = lines.index("Germany (de)")
    group = lines[germany + 1:next(i for i in range(germany + 1, len(lines))
                                   if not lines[i].startswith("  "))]
    assert {line.split()[0] for line in group} == {
        lic.id for lic in registry() if lic.jurisdiction == "de"}
    assert lines[0] == "Generic, international, universal"
    assert any(line.startswith("  cc-sampling-1.0 ") and "(retired)" in line for line in lines)
    assert "UK: Scotland (scotland)" in lines and "United Kingdom (uk)" in lines


def test_licences_command_shows_one_port_in_full() -> None:
    result = CliRunner().invoke(main, ["licences", "cc-by-sa-3.0-de"])
    assert result.exit_code == 0, result.output
    assert "generic: cc-by-sa-3.0" in result.output
    assert "jurisdiction_name: Germany" in result.output
    assert "title: Namensnennung - Weitergabe unter gleichen Bedingungen 3.0 Deutschland" \
        in result.output
    assert "language: de" in result.output and "commons_template: Cc-by-sa-3.0-de" in \
        result.output
    generic = CliRunner().invoke(main, ["licences", "cc-by-sa-3.0", "--json"])
    assert "cc-by-sa-3.0-de" in json.loads(generic.output)["ports"]


# --- the generator --------------------------------------------------------------------------

def test_the_committed_cc_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    _cc_rows()  # skips, with the reason, when CC's list is absent
    script = REPO_REGISTRY.parent / "tools" / "cc_registry.py"
    spec = importlib.util.spec_from_file_location("cc_registry", script)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules["cc_registry"] = generator
    try:
        spec.loader.exec_module(generator)
        assert generator.main([str(CC_CSV), str(tmp_path)]) == 0
    finally:
        del sys.modules["cc_registry"]
    written = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.yaml")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in REPO_REGISTRY.glob("*.yaml")
                 if p.read_text(encoding="utf-8").startswith("# Generated by")}
    assert len(written) == 639
    assert written == committed  # rerun tools/cc_registry.py and commit its output


def test_every_licence_is_recognised_by_each_of_its_names_urls_and_tag() -> None:
    wrong = {}
    for licence in registry():
        texts = [licence.id, licence.spdx, licence.short_name, licence.name, licence.url,
                 *licence.aliases]
        if licence.commons_template:
            texts.append("{{" + licence.commons_template + "}}")
        for text in texts:
            got = [lic.id for lic in registry().recognise(text).offered]
            if got != [licence.id]:
                wrong[text] = got
    assert wrong == {}


def test_deeds_and_legal_codes_in_every_language_cc_publishes_are_recognised() -> None:
    languages = {row["LANGUAGE_DEFAULT"] for row in _cc_rows()}
    # Deed languages beyond the legal codes' own, in the spellings CC's sites have used.
    languages |= {"en_GB", "en_US", "zh_TW", "zh-hant", "pt_BR", "es_ES", "sr-latn",
                  "sr@latin", "oci", "ast", "eu", "be", "ga", "id", "zh-hans"}
    assert len(languages) > 30
    for language in sorted(languages):
        for page in ("deed", "legalcode"):
            url = f"https://creativecommons.org/licenses/by-sa/3.0/de/{page}.{language}"
            assert recognised_id(url) == "cc-by-sa-3.0-de", url
            assert recognised_id(f"http://creativecommons.org/publicdomain/zero/1.0/"
                                 f"{page}.{language}") == "cc0-1.0"
