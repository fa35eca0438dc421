"""Secrets from the environment or a private file: refused when exposed, never shown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from syndicate.errors import ConfigError
from syndicate.secrets import REDACTED, Secret, read_env_file, reveal

VALUE = "bot-password-0123456789"


def private_file(path: Path, text: str | bytes = VALUE) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    path.chmod(0o600)
    return path


def test_private_secret_file_is_read_without_its_newline(tmp_path: Path) -> None:
    secret = Secret(file=private_file(tmp_path / "pw", VALUE + "\n"), key="password")
    assert reveal(secret) == VALUE


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620])
def test_secret_file_others_can_reach_is_refused(tmp_path: Path, mode: int) -> None:
    path = private_file(tmp_path / "pw")
    path.chmod(mode)
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        Secret(file=path, key="password").reveal()
    assert VALUE not in str(caught.value)


def test_private_symlink_to_a_world_readable_file_is_refused(tmp_path: Path) -> None:
    target = private_file(tmp_path / "shared")
    target.chmod(0o644)
    link = tmp_path / "pw"
    link.symlink_to(target)
    with pytest.raises(ConfigError, match="readable by others"):
        Secret(file=link, key="password").reveal()


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.mkdir(mode=0o700), "not a regular file"),
    (lambda p: os.mkfifo(p, 0o600), "not a regular file"),
    (lambda p: private_file(p, b"\xff\xfe\x00bad"), "not UTF-8"),
    (lambda p: private_file(p, "\n"), "is empty"),
])
def test_unusable_secret_file_is_a_config_error_not_a_traceback(
        tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "pw"
    make(path)  # type: ignore[operator]
    with pytest.raises(ConfigError, match=reason) as caught:
        Secret(file=path, key="password").reveal()
    assert caught.value.key == "password"


def test_missing_secret_file_and_unset_variable_name_the_place_not_a_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNDICATE_TEST_SECRET", raising=False)
    with pytest.raises(ConfigError, match="SYNDICATE_TEST_SECRET is not set"):
        Secret(env="SYNDICATE_TEST_SECRET", key="password").reveal()
    with pytest.raises(ConfigError, match="does not exist"):
        Secret(file=tmp_path / "absent", key="password").reveal()


def test_repr_and_str_never_show_the_value(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_TEST_SECRET", VALUE)
    for secret in (Secret(env="SYNDICATE_TEST_SECRET"),
                   Secret(file=private_file(tmp_path / "pw"))):
        assert secret.reveal() == VALUE
        assert VALUE not in repr(secret) and VALUE not in str(secret)
        assert VALUE not in repr({"password": secret}) and VALUE not in f"{[secret]}"


def test_inline_credentials_are_refused() -> None:
    with pytest.raises(ConfigError, match="never inline") as caught:
        reveal(VALUE, key="password")
    assert VALUE not in str(caught.value)


def test_a_secret_formatted_by_mistake_gives_the_redacted_marker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNER_TOKEN", VALUE)
    secret = Secret(env="PARTNER_TOKEN", key="sinks.partner.token")
    for text in (str(secret), repr(secret), f"Bearer {secret}", f"{secret:>40}",
                 f"{secret!s:>40}", " ".join(["Bearer", str(secret)])):
        assert VALUE not in text
        assert f"{REDACTED} env PARTNER_TOKEN]" in text
    assert reveal(secret) == VALUE


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_a_secret_file_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    path = private_file(tmp_path / "pw")
    os.chown(path, 65534, -1)
    with pytest.raises(ConfigError, match="belongs to another user") as caught:
        Secret(file=path, key="password").reveal()
    assert VALUE not in str(caught.value)


def test_env_file_gives_env_secrets_the_environment_lacks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = private_file(tmp_path / "syndicate.env", (
        "# bot passwords for the nightly job\n\nexport WIKI_USER=Council@syndicate\n"
        f"WIKI_PASSWORD='{VALUE}'\nSHARED=from-file\n"))
    monkeypatch.delenv("WIKI_USER", raising=False)
    monkeypatch.delenv("WIKI_PASSWORD", raising=False)
    monkeypatch.setenv("SHARED", "from-environment")
    values = read_env_file(env_file)
    assert reveal(Secret(env="WIKI_USER", env_file=values)) == "Council@syndicate"
    assert reveal(Secret(env="WIKI_PASSWORD", env_file=values)) == VALUE
    assert reveal(Secret(env="SHARED", env_file=values)) == "from-environment"
    assert "WIKI_PASSWORD" not in os.environ    # the process environment is left alone


def test_env_file_follows_the_secret_file_rules(tmp_path: Path) -> None:
    env_file = private_file(tmp_path / "syndicate.env", f"WIKI_PASSWORD={VALUE}\n")
    env_file.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others; run chmod 600"):
        read_env_file(env_file)
    env_file.chmod(0o600)
    env_file.write_text(f"WIKI_PASSWORD={VALUE}\n{VALUE}\n")
    with pytest.raises(ConfigError) as caught:
        read_env_file(env_file)
    assert str(caught.value) == (f"{env_file}:2: expected KEY=VALUE (the value is not shown "
                                 "here)")
