"""The option schema plugins declare: each type, range, choice, default and secret rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate.errors import ConfigError
from syndicate.options import (
    REQUIRED,
    Boolean,
    Duration,
    FilePath,
    Integer,
    ListOf,
    Number,
    Option,
    Text,
    Url,
    apply,
)
from syndicate.secrets import Secret

SCHEMA = (
    Option("endpoint", Url(), default=REQUIRED, description="The partner's API."),
    Option("token", secret=True, description="API token."),
    Option("retries", int, default=3, range=(0, 10), description="Attempts."),
    Option("ratio", Number(), default=0.5, range=(0, 1)),
    Option("every", Duration(), default=3600, range=(60, None)),
    Option("tags", ListOf(Text()), default=[], choices=("news", "photos")),
    Option("folder", FilePath(), default="out"),
    Option("enabled", Boolean(), default=True),
    Option("code", Text(r"[a-z]{2}", "a two-letter code such as en")),
)


def checked(**config: Any) -> dict[str, Any]:
    return apply(SCHEMA, {"endpoint": "https://partner.example/api", **config}, Path("/base"))


def refusal(**config: Any) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        checked(**config)
    return caught.value


def test_defaults_are_filled_in_and_values_converted() -> None:
    assert checked(every="15m", tags=["news"]) == {
        "endpoint": "https://partner.example/api", "token": None, "retries": 3,
        "ratio": 0.5, "every": 900.0, "tags": ["news"], "folder": "out", "enabled": True,
        "code": None}
    assert checked(every="2h")["every"] == 7200 and checked(every="7d")["every"] == 604800


def test_a_default_list_is_not_shared_between_sinks() -> None:
    first = checked()
    first["tags"].append("news")
    assert checked()["tags"] == []


@pytest.mark.parametrize(("config", "key", "message"), [
    ({"retries": 11}, "retries", "retries must be a whole number of at least 0 and at most 10,"
                                 " not 11"),
    ({"retries": True}, "retries", "retries must be a whole number"),
    ({"retries": 10**30}, "retries", "at most 10, not 1000000000000000000000000000000"),
    ({"ratio": 2}, "ratio", "ratio must be a number of at least 0 and at most 1, not 2"),
    ({"every": "soon"}, "every", "every must be a duration such as 90s, 15m, 2h or 7d"),
    ({"every": "30s"}, "every", "of at least 60"),
    ({"tags": "news"}, "tags", "tags must be one or more of: news, photos, not 'news'"),
    ({"tags": ["news", "sport"]}, "tags", "one or more of: news, photos"),
    ({"enabled": "yes"}, "enabled", "enabled must be true or false, not 'yes'"),
    ({"code": "eng"}, "code", "code must be a two-letter code such as en, not 'eng'"),
    ({"folder": ""}, "folder", "folder must be a non-empty path"),
    ({"endpoint": "ftp://partner.example/"}, "endpoint", "endpoint must be an http(s) address"),
    ({"endpoint": "https://me:pw@partner.example/"}, "endpoint",
     "without a user name or password in it"),
    ({"token": "hunter2"}, "token", "token must be a secret: give it as {env: NAME} or "
                                    "{file: PATH}, never inline in syndicate.yaml"),
    ({"retries": {"env": "RETRIES"}}, "retries", "retries must be written in syndicate.yaml"),
    ({"retry": 2}, "retry", "unknown key 'retry'; did you mean 'retries'?"),
])
def test_wrong_values_name_the_key_and_what_is_wanted(config: dict[str, Any], key: str,
                                                      message: str) -> None:
    error = refusal(**config)
    assert error.key == key
    assert message in str(error)
    assert "hunter2" not in str(error) and ":pw@" not in str(error)


def test_a_required_option_says_what_it_is_for() -> None:
    with pytest.raises(ConfigError) as caught:
        apply(SCHEMA, {}, Path("/base"))
    assert str(caught.value) == "endpoint is required: The partner's API."


def test_secrets_become_secret_objects_relative_to_the_config() -> None:
    token = checked(token={"file": "token.txt"})["token"]
    assert isinstance(token, Secret) and token.file == Path("/base/token.txt")
    assert isinstance(checked(token={"env": "TOKEN"})["token"], Secret)


def test_an_integer_option_without_a_range_is_a_mistake_of_the_plugin() -> None:
    with pytest.raises(TypeError, match="needs range"):
        Option("count", Integer())
    with pytest.raises(TypeError, match="needs range"):
        Option("counts", ListOf(Integer()), range=(0, None))
