"""The licensing config parser (syndicate.licensing_config), apart from the policy it builds
(syndicate.tagging); the policy's own tests are in test_tagging.py."""

from __future__ import annotations

import pytest

from syndicate.errors import ConfigError
from syndicate.licensing_config import parse_licensing, parse_match
from syndicate.tagging import Licensing


def test_the_parser_builds_the_policy_that_from_config_gives() -> None:
    data = {"default": "ogl-uk-3.0", "rules": [{"match": {"source": "photos"},
                                                "licence": "cc-by-4.0"}]}
    parsed = parse_licensing(data)
    assert isinstance(parsed, Licensing)
    assert parsed == Licensing.from_config(data)
    assert parsed.default is not None and parsed.default.id == "ogl-uk-3.0"
    assert [rule.licence.id for rule in parsed.rules if rule.licence] == ["cc-by-4.0"]


def test_an_empty_match_names_its_key_wherever_it_is_used() -> None:
    with pytest.raises(ConfigError, match="needs at least one of") as caught:
        parse_match({}, "urgent.0.match")
    assert caught.value.key == "urgent.0.match"
