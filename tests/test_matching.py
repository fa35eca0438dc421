"""The one match language, shared by licensing rules and sinks' match:."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load
from syndicate.errors import ConfigError
from syndicate.matching import Match
from syndicate.model import Item


def item(**fields: Any) -> Item:
    values: dict[str, Any] = {"id": "news-1", "source": "news", "kind": "article",
                              "title": "School closures on Monday",
                              "description": "All schools are closed.",
                              "url": "https://www.example.gov.uk/schools/closures",
                              "categories": ["Education"], "creator": "Press Office"}
    values.update(fields)
    return Item(**values)


@pytest.mark.parametrize(("rule", "expected"), [
    ({"source": "news"}, True), ({"source": ["photos", "news"]}, True),
    ({"source": "photos"}, False), ({"kind": "article"}, True), ({"kind": "image"}, False),
    ({"url": "https://www.example.gov.uk/schools/*"}, True), ({"url": "*/roads/*"}, False),
    ({"category": "education"}, True), ({"category": "Roads"}, False),
    ({"creator": "press office"}, True), ({"text": "school"}, True),
    ({"text": "SCHOOLS"}, True), ({"text": "school closures"}, True),
    ({"text": "closure"}, False),      # whole words: "closures" is not "closure"
    ({"text": ["roads", "closed"]}, True), ({"text": "roads"}, False),
    ({"source": "news", "text": "roads"}, False),   # every key must hold
])
def test_rules_match_as_documented(rule: dict[str, Any], expected: bool) -> None:
    assert Match.parse(rule).matches(item()) is expected


def test_url_matches_the_file_too() -> None:
    photo = item(kind="image", url=None, media_url="https://cdn.example/photos/a.jpg")
    assert Match.parse({"url": "https://cdn.example/photos/*"}).matches(photo)


@pytest.mark.parametrize(("rule", "key", "message"), [
    ({}, "match", "needs at least one"), ({"txt": "x"}, "match.txt", "did you mean 'text'"),
    ({"kind": "photo"}, "match.kind", "unknown kind"), ({"text": []}, "match.text", "text or"),
    ({"text": [""]}, "match.text", "text or"), ("news", "match", "mapping"),
])
def test_mistakes_name_the_key(rule: Any, key: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        Match.parse(rule)
    assert caught.value.key == key


def test_an_unknown_source_is_refused() -> None:
    with pytest.raises(ConfigError, match="no source named 'newz'; did you mean 'news'"):
        Match.parse({"source": "newz"}).check_sources(["news", "photos"])


def test_a_sinks_match_is_checked_when_the_config_loads(tmp_path: Path) -> None:
    config = tmp_path / "syndicate.yaml"
    # organisation.url: the feed sink is built when the config loads and needs it for ids.
    config.write_text("organisation: {name: Council, url: https://www.example.gov.uk}\n"
                      "sources:\n  news: {type: feed, path: x}\n"
                      "sinks:\n  schools:\n    type: feed\n    match: {txt: school}\n",
                      encoding="utf-8")
    with pytest.raises(ConfigError, match=r"syndicate\.yaml:7: sinks\.schools\.match\.txt: "
                                          r"unknown key 'txt'; did you mean 'text'"):
        load(config)
    config.write_text(config.read_text().replace("txt: school", "source: newz"))
    with pytest.raises(ConfigError, match="no source named 'newz'"):
        load(config)
    config.write_text(config.read_text().replace("source: newz", "text: school"))
    spec = load(config).sinks["schools"]
    assert spec.takes_item(item()) and not spec.takes_item(item(title="Roads", description=""))
