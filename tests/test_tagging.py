"""Licence rules: parsing the licensing: section and the precedence of rules, declarations
and the default."""

from __future__ import annotations

from typing import Any

import pytest

from syndicate.errors import ConfigError
from syndicate.model import Item
from syndicate.tagging import Licensing

COUNCIL = {"name": "Example Borough Council", "url": "https://www.example.gov.uk"}
EVIDENCE = "https://www.example.gov.uk/copyright"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_SA_4 = "https://creativecommons.org/licenses/by-sa/4.0/"
OGL_3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def make_item(**fields: Any) -> Item:
    values: dict[str, Any] = {"id": "news-1", "source": "news", "kind": "article",
                              "title": "Snow update", "url": "https://www.example.gov.uk/news/1"}
    values.update(fields)
    return Item(**values)


def licensing(*rules: dict[str, Any], **section: Any) -> Licensing:
    data: dict[str, Any] = {"default": "ogl-uk-3.0", "attribution": COUNCIL,
                            "evidence": EVIDENCE, "rules": list(rules)}
    data.update(section)
    return Licensing.from_config(data)


def codes(item: Item) -> list[str]:
    return [f.code for f in item.findings]


def config_error(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        Licensing.from_config(data)
    return caught.value


# --- configuration -----------------------------------------------------------------------

def test_design_example_parses_into_rules_in_order() -> None:
    result = licensing({"match": {"source": "photos"}, "licence": "cc-by-4.0"},
                       {"match": {"url": "https://www.example.gov.uk/consultations/*"},
                        "licence": "none"})
    assert result.default is not None and result.default.id == "ogl-uk-3.0"
    assert result.attribution is not None and result.attribution.name == COUNCIL["name"]
    assert result.evidence == EVIDENCE
    assert [r.licence.id if r.licence else None for r in result.rules] == ["cc-by-4.0", None]
    assert result.rules[1].match.conditions == {"url": ("https://www.example.gov.uk/consultations/*",)}


def test_empty_section_is_valid_and_has_no_default() -> None:
    result = Licensing.from_config({})
    assert result.default is None and not result.default_excludes and result.rules == ()


def test_unknown_section_key_suggests_the_close_one() -> None:
    error = config_error({"defualt": "cc-by-4.0"})
    assert error.key == "defualt"
    assert "did you mean 'default'" in str(error)


def test_unknown_match_key_names_its_dotted_path_and_suggests() -> None:
    rules = [{"match": {"source": "a"}, "licence": "cc-by-4.0"}] * 2 + \
            [{"match": {"sorce": "photos"}, "licence": "cc-by-4.0"}]
    error = config_error({"rules": rules})
    assert error.key == "rules.2.match.sorce"
    assert "did you mean 'source'" in str(error)


def test_unknown_rule_key_is_an_error() -> None:
    error = config_error({"rules": [{"match": {"kind": "image"}, "licence": "cc-by-4.0",
                                     "forced": True}]})
    assert error.key == "rules.0.forced"
    assert "did you mean 'force'" in str(error)


def test_unknown_licence_id_names_close_registry_ids() -> None:
    error = config_error({"default": "cc-by-4"})
    assert error.key == "default"
    assert "'cc-by-4.0'" in str(error)


def test_licence_given_by_name_suggests_its_registry_id() -> None:
    error = config_error({"rules": [{"match": {"source": "a"}, "licence": "CC BY-SA 4.0"}]})
    assert error.key == "rules.0.licence"
    assert "did you mean 'cc-by-sa-4.0'" in str(error)


def test_public_domain_mark_as_default_is_refused_in_favour_of_cc0() -> None:
    error = config_error({"default": "pdm-1.0"})
    assert error.key == "default"
    assert "cc0-1.0" in str(error)


def test_rule_without_licence_is_an_error() -> None:
    assert config_error({"rules": [{"match": {"source": "a"}}]}).key == "rules.0"


def test_rule_with_empty_match_is_an_error() -> None:
    error = config_error({"rules": [{"match": {}, "licence": "cc-by-4.0"}]})
    assert error.key == "rules.0.match"


def test_force_must_be_a_boolean() -> None:
    error = config_error({"rules": [{"match": {"source": "a"}, "licence": "cc-by-4.0",
                                     "force": "yes"}]})
    assert error.key == "rules.0.force"


def test_unknown_kind_in_match_suggests_the_close_one() -> None:
    error = config_error({"rules": [{"match": {"kind": ["article", "imag"]},
                                     "licence": "cc-by-4.0"}]})
    assert error.key == "rules.0.match.kind"
    assert "did you mean 'image'" in str(error)


def test_match_value_must_be_text_or_list_of_text() -> None:
    error = config_error({"rules": [{"match": {"source": 3}, "licence": "cc-by-4.0"}]})
    assert error.key == "rules.0.match.source"


def test_evidence_must_be_a_web_address() -> None:
    assert config_error({"evidence": "our copyright page"}).key == "evidence"


def test_attribution_needs_a_name() -> None:
    assert config_error({"attribution": {"url": "https://x.example"}}).key == "attribution.name"


def test_rules_must_be_a_list() -> None:
    assert config_error({"rules": {"match": {"source": "a"}}}).key == "rules"


def test_rule_naming_an_unconfigured_source_is_caught_with_a_suggestion() -> None:
    result = licensing({"match": {"source": "news"}, "licence": "cc-by-4.0"},
                       {"match": {"source": ["news", "photoz"]}, "licence": "cc-by-4.0"})
    result.check_sources({"news", "photoz"})
    with pytest.raises(ConfigError) as caught:
        result.check_sources({"news", "photos"})
    assert caught.value.key == "rules.1.match.source"
    assert "did you mean 'photos'" in str(caught.value)


# --- matching ----------------------------------------------------------------------------

def test_first_matching_rule_wins() -> None:
    result = licensing({"match": {"kind": "image"}, "licence": "cc-by-sa-4.0"},
                       {"match": {"source": "photos"}, "licence": "cc-by-4.0"})
    item = make_item(source="photos", kind="image")
    assert result.tag(item)
    assert item.licence == "cc-by-sa-4.0"


def test_url_rule_is_a_glob_over_page_and_media_urls() -> None:
    result = licensing({"match": {"url": "https://www.example.gov.uk/consultations/*"},
                        "licence": "cc-by-4.0"})
    page = make_item(url="https://www.example.gov.uk/consultations/parking")
    image = make_item(kind="image", url=None,
                      media_url="https://www.example.gov.uk/consultations/map.png")
    other = make_item(url="https://www.example.gov.uk/news/parking")
    for item, expected in ((page, "cc-by-4.0"), (image, "cc-by-4.0"), (other, "ogl-uk-3.0")):
        result.tag(item)
        assert item.licence == expected


def test_a_list_of_alternatives_matches_any_of_them() -> None:
    result = licensing({"match": {"source": ["photos", "archive"]}, "licence": "cc-by-4.0"})
    for source, expected in (("archive", "cc-by-4.0"), ("news", "ogl-uk-3.0")):
        item = make_item(source=source)
        result.tag(item)
        assert item.licence == expected


def test_category_and_creator_match_ignoring_case() -> None:
    result = licensing({"match": {"category": "Parks"}, "licence": "cc-by-4.0"},
                       {"match": {"creator": "Jo Bloggs"}, "licence": "cc-by-sa-4.0"})
    park = make_item(categories=["Events", "PARKS"])
    jo = make_item(creator="jo bloggs")
    nobody = make_item(categories=["Parking"])
    for item, expected in ((park, "cc-by-4.0"), (jo, "cc-by-sa-4.0"), (nobody, "ogl-uk-3.0")):
        result.tag(item)
        assert item.licence == expected


def test_every_key_of_a_match_must_hold() -> None:
    result = licensing({"match": {"source": "photos", "kind": "image"}, "licence": "cc0-1.0"})
    wrong_kind = make_item(source="photos", kind="document")
    result.tag(wrong_kind)
    assert wrong_kind.licence == "ogl-uk-3.0"


# --- precedence --------------------------------------------------------------------------

def test_licence_none_rule_excludes_even_a_declared_licence() -> None:
    result = licensing({"match": {"url": "*/consultations/*"}, "licence": "none"})
    item = make_item(url="https://www.example.gov.uk/consultations/x",
                     declared_licences=[CC_BY_4])
    assert result.tag(item) is False
    assert item.licence is None and item.attribution is None


def test_licence_none_rule_excludes_even_when_a_later_rule_forces() -> None:
    result = licensing({"match": {"source": "news"}, "licence": "none"},
                       {"match": {"source": "news"}, "licence": "cc-by-4.0", "force": True})
    assert result.tag(make_item()) is False


def test_forced_rule_beats_declared_licence_and_says_so() -> None:
    result = licensing({"match": {"source": "news"}, "licence": "ogl-uk-3.0", "force": True})
    item = make_item(declared_licences=[CC_BY_SA_4])
    assert result.tag(item)
    assert item.licence == "ogl-uk-3.0"
    conflict = next(f for f in item.findings if f.code == "licence.conflict")
    assert conflict.severity == "warning"
    assert "OGL v3.0" in conflict.message and "CC BY-SA 4.0" in conflict.message


def test_forced_rule_agreeing_with_the_declaration_is_no_conflict() -> None:
    result = licensing({"match": {"source": "news"}, "licence": "cc-by-4.0", "force": True})
    item = make_item(declared_licences=[CC_BY_4])
    result.tag(item)
    assert item.licence == "cc-by-4.0" and codes(item) == []


def test_declared_licence_beats_a_matching_rule_with_a_conflict_finding() -> None:
    result = licensing({"match": {"source": "news"}, "licence": "ogl-uk-3.0"})
    item = make_item(declared_licences=[CC_BY_4])
    result.tag(item)
    assert item.licence == "cc-by-4.0"
    conflict = next(f for f in item.findings if f.code == "licence.conflict")
    assert "CC BY 4.0" in conflict.message and "OGL v3.0" in conflict.message
    assert "licensing rule 1" in conflict.message


def test_declared_licence_beats_the_default_with_a_conflict_finding() -> None:
    item = make_item(declared_licences=[CC_BY_4])
    licensing().tag(item)
    assert item.licence == "cc-by-4.0"
    assert codes(item) == ["licence.conflict"]
    assert "default" in item.findings[0].message


def test_declared_licence_equal_to_the_default_is_no_conflict() -> None:
    item = make_item(declared_licences=[OGL_3])
    licensing().tag(item)
    assert item.licence == "ogl-uk-3.0" and codes(item) == []


def test_declared_licence_names_are_recognised_too() -> None:
    item = make_item(declared_licences=["CC BY-SA 4.0"])
    licensing(default="cc-by-sa-4.0").tag(item)
    assert item.licence == "cc-by-sa-4.0" and codes(item) == []


def test_matching_rule_beats_the_default() -> None:
    item = make_item(source="photos")
    licensing({"match": {"source": "photos"}, "licence": "cc-by-4.0"}).tag(item)
    assert item.licence == "cc-by-4.0"
    assert item.licence_url == CC_BY_4


def test_default_applies_when_nothing_else_does() -> None:
    item = make_item()
    assert licensing().tag(item)
    assert item.licence == "ogl-uk-3.0"
    assert item.licence_url == OGL_3
    assert item.evidence == EVIDENCE
    assert item.attribution is not None
    assert "Open Government Licence v3.0" in item.attribution.text
    assert codes(item) == []


def test_default_none_excludes_unlicensed_items_but_keeps_declared_ones() -> None:
    result = licensing(default="none")
    assert result.tag(make_item()) is False
    declared = make_item(declared_licences=[CC_BY_4])
    assert result.tag(declared) is True
    assert declared.licence == "cc-by-4.0"


def test_no_licence_at_all_is_a_missing_licence_error() -> None:
    item = make_item()
    assert Licensing.from_config({}).tag(item) is True
    assert item.licence is None and item.licence_url is None and item.attribution is None
    missing = item.findings[-1]
    assert (missing.code, missing.severity) == ("licence.missing", "error")
    assert item.id in missing.message


# --- dual licensing and bad declarations -------------------------------------------------

@pytest.mark.parametrize(("declared", "chosen"), [
    ([CC_BY_SA_4, CC_BY_4, "https://creativecommons.org/licenses/by-nc/4.0/"], "cc-by-4.0"),
    ([OGL_3, CC_BY_4], "cc-by-4.0"),
    (["https://creativecommons.org/licenses/by-sa/3.0/", CC_BY_SA_4], "cc-by-sa-4.0"),
    ([CC_BY_4, "https://creativecommons.org/publicdomain/zero/1.0/"], "cc0-1.0"),
    (["https://creativecommons.org/licenses/by-nd/4.0/", CC_BY_SA_4], "cc-by-sa-4.0"),
])
def test_dual_licensing_picks_the_most_permissive_in_any_order(declared: list[str],
                                                               chosen: str) -> None:
    for order in (declared, declared[::-1]):
        item = make_item(declared_licences=list(order))
        licensing(default="none").tag(item)
        assert item.licence == chosen
        dual = next(f for f in item.findings if f.code == "licence.dual")
        assert dual.severity == "warning"
        assert len(dual.message.split(" and ")) >= 2


def test_the_same_licence_declared_twice_is_not_dual_licensing() -> None:
    item = make_item(declared_licences=[CC_BY_4, "http://creativecommons.org/licenses/by/4.0"])
    licensing(default="cc-by-4.0").tag(item)
    assert item.licence == "cc-by-4.0" and codes(item) == []


def test_nonexistent_declared_licence_falls_back_and_keeps_the_registry_finding() -> None:
    item = make_item(declared_licences=["https://creativecommons.org/licenses/by/3.0/uk/"])
    licensing().tag(item)
    assert item.licence == "ogl-uk-3.0"
    finding = next(f for f in item.findings if f.code == "licence.nonexistent")
    assert finding.severity == "error"  # the registry's verdict: a person must look


def test_ambiguous_declared_licence_is_never_silent() -> None:
    item = make_item(declared_licences=[
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/"])
    licensing({"match": {"source": "news"}, "licence": "cc-by-4.0"}).tag(item)
    assert item.licence == "cc-by-4.0"
    assert "licence.ambiguous" in codes(item)


def test_bad_declaration_next_to_a_good_one_becomes_a_warning() -> None:
    item = make_item(declared_licences=["https://creativecommons.org/licenses/by/3.0/uk/",
                                        CC_BY_4])
    licensing(default="cc-by-4.0").tag(item)
    assert item.licence == "cc-by-4.0"
    finding = next(f for f in item.findings if f.code == "licence.nonexistent")
    assert finding.severity == "warning"
    assert "CC BY 4.0" in finding.message


def test_bad_declaration_under_a_forced_rule_becomes_a_warning() -> None:
    result = licensing({"match": {"source": "news"}, "licence": "cc-by-4.0", "force": True})
    item = make_item(declared_licences=["https://example.org/my-licence"])
    result.tag(item)
    assert item.licence == "cc-by-4.0"
    assert [(f.code, f.severity) for f in item.findings] == [("licence.unknown", "warning")]


# --- evidence and attribution ------------------------------------------------------------

def test_rule_overrides_attribution_and_evidence() -> None:
    result = licensing({"match": {"source": "partner"}, "licence": "cc-by-4.0",
                        "attribution": {"name": "Friends of the Park",
                                        "url": "https://friends.example.org"},
                        "evidence": "https://friends.example.org/licence"})
    item = make_item(source="partner")
    result.tag(item)
    assert item.evidence == "https://friends.example.org/licence"
    assert item.attribution is not None
    assert "by Friends of the Park" in item.attribution.text


def test_declared_licence_takes_the_item_page_as_evidence() -> None:
    item = make_item(declared_licences=[OGL_3])
    licensing().tag(item)
    assert item.evidence == item.url


def test_decide_leaves_the_item_untouched() -> None:
    item = make_item(declared_licences=[CC_BY_4])
    decision = licensing().decide(item)
    assert decision.origin == "declared" and decision.licence is not None
    assert item.licence is None and item.findings == []
