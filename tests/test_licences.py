"""The licence registry: every licence loads, URLs and names in the wild are recognised to
the right licence, what does not exist is refused, and the Commons/Wikipedia gates hold."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from syndicate.errors import InputError
from syndicate.licences import Registry, registry

REPO_REGISTRY = Path(__file__).resolve().parent.parent / "licences"

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

def test_registry_holds_every_licence_of_the_brief() -> None:
    assert {lic.id for lic in registry()} == EXPECTED_IDS


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
    assert names == {f"{licence_id}.yaml" for licence_id in EXPECTED_IDS}
    assert len(Registry.from_directory(installed)) == len(EXPECTED_IDS)


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
    assert "/2.0/uk/" in recognition.finding.message
    assert "/2.5/scotland/" in recognition.finding.message


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
    "https://creativecommons.org/licenses/sampling/1.0/",
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


def test_a_real_port_the_registry_does_not_carry_is_unknown_not_its_unported_parent() -> None:
    recognition = registry().recognise("https://creativecommons.org/licenses/by/3.0/de/")
    assert recognition.licence is None and recognition.finding is not None
    assert recognition.finding.code == "licence.unknown"
    assert "'de'" in recognition.finding.message


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
    assert len(restricted) == 28
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
        if licence.jurisdiction in {"uk", "scotland"} and licence.family == "cc":
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
    assert list(data)[:4] == ["id", "name", "short_name", "url"]
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
    assert len(Registry.from_directory(registry_copy)) == len(EXPECTED_IDS)


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
        Registry.from_directory(registry_copy)
    message = str(caught.value)
    assert problem in message
    if problem != "belongs to both":
        assert "cc-by-4.0.yaml" in message


def test_an_empty_registry_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \*\.yaml files"):
        Registry.from_directory(tmp_path)
