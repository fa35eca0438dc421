"""syndicate.yaml: every mistake named with file, line and key, before anything runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from syndicate import config
from syndicate.errors import ConfigError, InputError
from syndicate.secrets import Secret, reveal

BASE = """\
organisation:
  name: Example Borough Council
  url: https://www.example.gov.uk
sources:
  photos: {type: directory, path: photos}
licensing:
  default: ogl-uk-3.0
sinks:
  partners:
    type: feed
    directory: public/feeds
"""


def load(tmp_path: Path, text: str) -> config.Config:
    path = tmp_path / "syndicate.yaml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_loads_with_defaults(tmp_path: Path) -> None:
    cfg = load(tmp_path, BASE)
    assert cfg.organisation.name == "Example Borough Council"
    assert cfg.queue.path == tmp_path / "queue.yaml"
    assert (cfg.queue.max_pending, cfg.queue.keep_days) == (500, 14)
    assert cfg.state_dir == tmp_path / ".syndicate"
    assert cfg.sinks["partners"].kinds == frozenset({"article", "image", "document"})
    assert cfg.sinks["partners"].options == {"directory": "public/feeds"}


def test_unknown_top_level_key_has_line_and_suggestion(tmp_path: Path) -> None:
    message = error(tmp_path, BASE + "sink:\n  x: 1\n")
    assert message == (f"{tmp_path}/syndicate.yaml:12: sink: unknown key 'sink'; did you "
                       "mean 'sinks'?")


def test_unknown_sink_option_is_checked_against_the_sink_class(tmp_path: Path) -> None:
    message = error(tmp_path, BASE.replace("directory: public/feeds", "directry: public"))
    assert message.startswith(f"{tmp_path}/syndicate.yaml:11: sinks.partners.directry: "
                              "unknown key 'directry'; did you mean 'directory'?")


def test_unknown_sink_type_lists_what_is_installed(tmp_path: Path) -> None:
    message = error(tmp_path, BASE.replace("type: feed", "type: comons"))
    assert message.startswith(f"{tmp_path}/syndicate.yaml:10: sinks.partners.type: unknown "
                              "sink type 'comons'; did you mean 'commons'?")


def test_kinds_outside_what_the_sink_takes(tmp_path: Path) -> None:
    text = BASE.replace("type: feed", "type: feed\n    kinds: [image, video]")
    assert "unknown name 'video'" in error(tmp_path, text)


def test_sink_sources_must_name_configured_sources(tmp_path: Path) -> None:
    text = BASE.replace("type: feed", "type: feed\n    sources: [photo]")
    assert error(tmp_path, text).endswith("unknown name 'photo'; did you mean 'photos'?")


def test_licensing_errors_carry_file_and_line(tmp_path: Path) -> None:
    message = error(tmp_path, BASE.replace("default: ogl-uk-3.0", "defualt: ogl-uk-3.0"))
    assert message.startswith(f"{tmp_path}/syndicate.yaml:7: licensing.defualt")


def test_queue_numbers_must_be_positive(tmp_path: Path) -> None:
    message = error(tmp_path, BASE + "queue: {max_pending: 0}\n")
    assert message == (f"{tmp_path}/syndicate.yaml:12: queue.max_pending: must be a whole "
                       "number of at least 1 and at most 1000000, not 0")


def test_organisation_name_is_required(tmp_path: Path) -> None:
    message = error(tmp_path, BASE.replace("  name: Example Borough Council\n", ""))
    assert "organisation.name is required" in message


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"syndicate.yaml:5: duplicate key 'sources'"):
        load(tmp_path, "organisation: {name: X}\nsources: {}\nsinks: {}\nlicensing: {}\n"
                       "sources: {}\n")


def test_env_secret_is_read_only_when_revealed(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load(tmp_path, BASE.replace("directory: public/feeds",
                                      "directory: public/feeds\n  wiki:\n    type: commons\n"
                                      "    site: 127.0.0.1\n"
                                      "    username: {env: TEST_SYNDICATE_USER}\n"
                                      "    password: {env: TEST_SYNDICATE_PW}"))
    secret = cfg.sinks["wiki"].options["password"]
    assert isinstance(secret, Secret)
    assert "TEST_SYNDICATE_PW" in repr(secret)
    monkeypatch.delenv("TEST_SYNDICATE_PW", raising=False)
    with pytest.raises(ConfigError, match="environment variable TEST_SYNDICATE_PW is not set"):
        secret.reveal()
    monkeypatch.setenv("TEST_SYNDICATE_PW", "s3cret")
    assert reveal(secret) == "s3cret"
    assert "s3cret" not in repr(secret) + str(secret)


def test_secret_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("s3cret\n")
    os.chmod(secret_file, 0o644)
    secret = Secret(file=secret_file, key="sinks.wiki.password")
    with pytest.raises(ConfigError, match=f"run chmod 600 {secret_file}") as caught:
        secret.reveal()
    assert "s3cret" not in str(caught.value)
    os.chmod(secret_file, 0o600)
    assert secret.reveal() == "s3cret"


def test_inline_password_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"never inline"):
        reveal("hunter2", key="password")


def test_rule_naming_a_missing_source_is_an_error(tmp_path: Path) -> None:
    text = BASE.replace("default: ogl-uk-3.0", "default: ogl-uk-3.0\n  rules:\n"
                        "    - match: {source: photoz}\n      licence: cc-by-4.0")
    message = error(tmp_path, text)
    assert message.startswith(f"{tmp_path}/syndicate.yaml:9: licensing.rules[1].match.source: "
                              "no source named 'photoz'")


def test_unknown_source_type_lists_installed_source_types(tmp_path: Path) -> None:
    message = error(tmp_path, BASE.replace("type: directory", "type: rss"))
    assert message == (f"{tmp_path}/syndicate.yaml:5: sources.photos.type: unknown source "
                       "type 'rss'; installed: directory, feed, pages")


@pytest.mark.parametrize(("setting", "message"), [
    ("queue: {max_pending: 99999999999999999999999999}",
     "queue.max_pending: must be a whole number of at least 1 and at most 1000000, not "
     "99999999999999999999999999"),
    ("queue: {keep_days: 999999999}",
     "queue.keep_days: must be a whole number of at least 1 and at most 36500, not 999999999"),
])
def test_every_integer_has_a_range(tmp_path: Path, setting: str, message: str) -> None:
    assert error(tmp_path, BASE + setting + "\n") == f"{tmp_path}/syndicate.yaml:12: {message}"


@pytest.mark.parametrize(("setting", "message"), [
    ("limits: {run_deadline: 30}",
     "limits.run_deadline: must be a whole number of at least 60 and at most 604800, not 30"),
    ("limits: {receipt_detail: 99999999999999999999999}",
     "limits.receipt_detail: must be a whole number of at least 1024 and at most 16777216, "
     "not 99999999999999999999999"),
    ("limits: {plugin_timeout: '10'}",
     "limits.plugin_timeout: must be a whole number of at least 1 and at most 86400, "
     "not '10'"),
    ("limits: {url_lenght: 100}",
     "limits.url_lenght: unknown key 'url_lenght'; did you mean 'url_length'?"),
])
def test_limits_are_options_with_ranges(tmp_path: Path, setting: str, message: str) -> None:
    assert error(tmp_path, BASE + setting + "\n") == f"{tmp_path}/syndicate.yaml:12: {message}"


def test_limits_default_and_a_plugins_own_timeout(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE.replace("path: photos}", "path: photos, timeout: 30}")
                  + "limits: {plugin_timeout: 90, items_per_entry: 5}\n")
    assert loaded.limits.plugin_timeout == 90 and loaded.limits.items_per_entry == 5
    assert loaded.limits.run_deadline == 6 * 3600  # the default of what is not set
    assert loaded.sources["photos"].timeout == 30 and loaded.sinks["partners"].timeout is None
    assert "timeout" not in loaded.sources["photos"].options  # the pipeline's, not the plugin's


def test_a_sources_timeout_is_checked_with_its_line(tmp_path: Path) -> None:
    message = error(tmp_path, BASE.replace("path: photos}", "path: photos, timeout: 0}"))
    assert message == (f"{tmp_path}/syndicate.yaml:5: sources.photos.timeout: must be a whole "
                       "number of at least 1 and at most 86400, not 0")


def test_yaml_tags_beyond_the_core_schema_are_refused_with_the_line(tmp_path: Path) -> None:
    text = BASE.replace("  name: Example Borough Council",
                        "  name: !!python/object/apply:os.system [echo hi]")
    with pytest.raises(InputError) as caught:
        load(tmp_path, text)
    assert str(caught.value) == (f"{tmp_path}/syndicate.yaml:2: the YAML tag "
                                 "!!python/object/apply:os.system is not allowed here; write "
                                 "a plain value")


@pytest.mark.parametrize("where", ["sources", "sinks", "licensing"])
def test_credentials_inside_any_url_are_refused(tmp_path: Path, where: str) -> None:
    url = "http://council:s3cret@intranet.example.gov.uk/api.php"
    text = {
        "sources": BASE.replace("{type: directory, path: photos}",
                                f"{{type: feed, url: '{url}'}}"),
        "sinks": BASE.replace("directory: public/feeds", f"directory: public/feeds\n"
                              f"  wiki:\n    type: commons\n    site: {url}"),
        "licensing": BASE.replace("default: ogl-uk-3.0",
                                  f"default: ogl-uk-3.0\n  evidence: {url}"),
    }[where]
    message = error(tmp_path, text)
    assert "must not contain a user name or password" in message
    assert message.startswith(f"{tmp_path}/syndicate.yaml:")
    assert "s3cret" not in message


def test_env_file_secrets_are_found_and_its_mode_checked_at_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_SYNDICATE_PW", raising=False)
    env_file = tmp_path / "syndicate.env"
    env_file.write_text("TEST_SYNDICATE_PW=s3cret\nTEST_SYNDICATE_USER=Council@bot\n")
    env_file.chmod(0o600)
    text = BASE + "env_file: syndicate.env\n" + (
        "  wiki:\n    type: commons\n    site: 127.0.0.1\n"
        "    username: {env: TEST_SYNDICATE_USER}\n    password: {env: TEST_SYNDICATE_PW}\n")
    text = text.replace("env_file: syndicate.env\n  wiki:", "  wiki:")
    text = "env_file: syndicate.env\n" + text
    cfg = load(tmp_path, text)
    assert reveal(cfg.sinks["wiki"].options["password"]) == "s3cret"
    env_file.chmod(0o640)
    assert error(tmp_path, text) == (f"{tmp_path}/syndicate.yaml:1: env_file: secret file "
                                     f"{env_file} is readable by others; run chmod 600 "
                                     f"{env_file}")


def test_partner_feed_settings_are_checked_at_load_with_file_line_and_key(
        tmp_path: Path) -> None:
    where = f"{tmp_path}/syndicate.yaml"
    assert error(tmp_path, BASE.replace("  url:", "  language: English\n  url:")) == (
        f"{where}:3: organisation.language: must be a language tag such as en-GB or cy, "
        "not 'English'")
    assert load(tmp_path, BASE).organisation.language == "en-GB"
    assert load(tmp_path, BASE.replace("  url:", "  language: cy\n  url:")) \
        .organisation.language == "cy"
    assert error(tmp_path, BASE.replace("path: photos}", "path: photos, language: Welsh}")) \
        == (f"{where}:5: sources.photos.language: must be a language tag such as en-GB or "
            "cy, not 'Welsh'")
    assert error(tmp_path, BASE + "    media: inline\n") == (
        f"{where}:12: sinks.partners.media: must be one of: attach, separate, not 'inline'")
    assert error(tmp_path, BASE + "    icon: http://127.0.0.1/icon.png\n") == (
        f"{where}:12: sinks.partners.icon: must be a public http(s) address, not "
        "'http://127.0.0.1/icon.png'")
    assert error(tmp_path, BASE + "    match: {kind: photo}\n") == (
        f"{where}:12: sinks.partners.match.kind: unknown kind 'photo'; choose from article, "
        "document, image")
    assert error(tmp_path, BASE + "    match: {source: foto}\n").startswith(
        f"{where}:12: sinks.partners.match.source: no source named 'foto'; did you mean")
    spec = load(tmp_path, BASE + "    match: {category: Schools}\n    media: separate\n"
                "    description: School news\n").sinks["partners"]
    assert spec.match is not None and spec.match.values("category") == ("Schools",)
    assert (spec.options["media"], spec.options["description"]) == ("separate", "School news")
