"""One scrubber: a revealed secret cannot reach a message in any spelling."""

from __future__ import annotations

import logging

import pytest

from syndicate.scrub import Scrubbing, scrub
from syndicate.secrets import Secret

SECRET = "p@ss word/Ünïcode-42"


@pytest.fixture(autouse=True)
def revealed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUB_TEST_SECRET", SECRET)
    assert Secret(env="SCRUB_TEST_SECRET").reveal() == SECRET


@pytest.mark.parametrize("text", [
    f"login failed: {SECRET}",
    "POST lgpassword=p%40ss%20word%2F%C3%9Cn%C3%AFcode-42&x=1",   # URL-encoded
    "lgpassword=p%40ss+word%2F%C3%9Cn%C3%AFcode-42",               # form-encoded
])
def test_a_revealed_secret_is_masked_in_every_spelling(text: str) -> None:
    assert "ss word" not in scrub(text) and "ss%20word" not in scrub(text) \
        and "ss+word" not in scrub(text)
    assert "***" in scrub(text)


def test_user_password_in_a_url_and_token_pairs_are_masked() -> None:
    text = "cannot reach http://bot:hunter2@wiki.example.org/api.php, csrftoken=abc123+\\\\ sent"
    assert scrub(text) == ("cannot reach http://bot:***@wiki.example.org/api.php, "
                           "csrftoken=*** sent")


def test_log_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("scrub-test")
    caplog.handler.addFilter(Scrubbing())
    with caplog.at_level(logging.WARNING):
        logger.warning("a plugin said %s", SECRET)
    assert SECRET not in caplog.text and "a plugin said ***" in caplog.text


@pytest.mark.parametrize("text", [
    "sinks.x.signing_key: must be a secret: give it as {env: NAME} or {file: PATH}",
    "sources.keyed.api_key: environment variable NO_SUCH_API_KEY is not set",
    "sinks.wiki.password: must be given with username",
])
def test_syndicates_own_words_about_secrets_stay_readable(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize("text,scrubbed", [
    ("login refused for password: hunter2 (bad)", "login refused for password: *** (bad)"),
    ('{"api_key": "k-123", "n": 1}', '{"api_key": "***", "n": 1}'),
])
def test_a_credential_after_a_colon_is_masked(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed
