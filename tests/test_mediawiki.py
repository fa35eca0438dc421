"""The shared MediaWiki connection: login, maxlag, retries, tokens and scrubbed errors.

Most tests use the real local MediaWiki. HTTP 429 and 503 are faults it cannot produce on
demand, so those use a scripted HTTP server on 127.0.0.1 that answers with them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from syndicate.errors import ConfigError, RetryLater, SinkError
from syndicate.mediawiki import ApiError, RetryPolicy, api_url_for, connect
from tests.mediawiki import USERNAME, LocalWiki

UA = "syndicate-tests/0.1 (https://www.example.gov.uk; webteam@example.gov.uk)"


class Sleeps(list[float]):
    """A RetryPolicy sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(sleeps: Sleeps, attempts: int = 3) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base_delay=1, max_delay=60, sleep=sleeps)


@pytest.mark.parametrize(("site", "url"), [
    ("commons.wikimedia.org", "https://commons.wikimedia.org/w/api.php"),
    ("http://127.0.0.1:8089/api.php", "http://127.0.0.1:8089/api.php"),
    ("https://wiki.example.org/w/api.php?x=1", "https://wiki.example.org/w/api.php"),
])
def test_site_is_a_host_name_or_an_api_php_url(site: str, url: str) -> None:
    assert api_url_for(site) == url


@pytest.mark.parametrize("site", ["https://wiki.example.org/wiki/Main_Page", "not a host",
                                  "ftp://wiki.example.org/api.php", "localhost"])
def test_anything_else_is_a_config_error_on_site(site: str) -> None:
    with pytest.raises(ConfigError) as raised:
        api_url_for(site)
    assert raised.value.key == "site"


def test_logs_in_with_a_bot_password_in_three_requests(wiki: LocalWiki) -> None:
    wiki.mark_requests()

    connection = connect(wiki.api_url, user_agent=UA, username=wiki.username,
                         password=wiki.password)

    assert connection.user == USERNAME
    assert {"png", "jpg", "pdf", "svg", "webp"} <= connection.file_extensions
    assert wiki.count_requests() == 3  # login token, login, site facts + CSRF token


def test_a_wrong_password_names_the_user_but_not_the_password(wiki: LocalWiki) -> None:
    with pytest.raises(SinkError) as raised:
        connect(wiki.api_url, user_agent=UA, username=wiki.username,
                password="hunter2-wrong-password")

    assert str(raised.value).startswith(
        f"127.0.0.1:{wiki.port}: login failed for user {wiki.username}: ")
    assert "hunter2" not in str(raised.value)


def test_an_unreachable_wiki_is_retried_with_backoff_then_a_sink_error(
        wiki: LocalWiki) -> None:
    sleeps = Sleeps()
    wiki.stop()
    try:
        with pytest.raises(SinkError, match="cannot reach") as raised:
            connect(wiki.api_url, user_agent=UA, policy=policy(sleeps))
    finally:
        wiki.start()

    assert not isinstance(raised.value, RetryLater)
    assert sleeps == [1, 2]


def test_maxlag_is_sent_and_a_lagging_wiki_is_waited_for(wiki: LocalWiki) -> None:
    # MediaWiki's own hook for reporting lag makes the wiki 7 s behind: above our maxlag=5,
    # so it answers with the maxlag error and Retry-After, as a lagging Wikimedia wiki does.
    wiki.configure("$wgHooks['ApiMaxLagInfo'][] = static function ( &$info ) {\n"
                   "    $info['lag'] = 7;\n};")
    sleeps = Sleeps()

    with pytest.raises(RetryLater, match="database is lagging") as raised:
        connect(wiki.api_url, user_agent=UA, policy=policy(sleeps))

    assert raised.value.after == 5
    assert sleeps == [5, 5]  # Retry-After, longer than the backoff of 1 and 2 s


def test_ratelimited_writes_back_off_then_retry_later(wiki: LocalWiki) -> None:
    wiki.configure("$wgGroupPermissions['user']['noratelimit'] = false;\n"
                   "$wgRateLimits['edit']['user'] = [ 1, 3600 ];")
    sleeps = Sleeps()
    connection = connect(wiki.api_url, user_agent=UA, username=wiki.username,
                         password=wiki.password, policy=policy(sleeps))
    connection.write("edit", title="Sandbox", text="one")

    with pytest.raises(RetryLater, match="ratelimited"):
        connection.write("edit", title="Sandbox", text="two")

    assert sleeps == [1, 2]


def test_a_stale_csrf_token_is_refreshed_once(wiki: LocalWiki) -> None:
    connection = connect(wiki.api_url, user_agent=UA, username=wiki.username,
                         password=wiki.password)
    connection._csrf_token = "0123456789abcdef+\\"  # a token from another session

    answer = connection.write("edit", title="Sandbox", text="hello")

    assert answer["edit"]["result"] == "Success"
    assert wiki.site().pages["Sandbox"].text() == "hello"


def test_writes_assert_the_user_is_still_logged_in(wiki: LocalWiki) -> None:
    connection = connect(wiki.api_url, user_agent=UA, username=wiki.username,
                         password=wiki.password)
    connection.site.connection.cookies.clear()  # the session is gone

    with pytest.raises(SinkError, match="no longer logged in"):
        connection.write("edit", title="Sandbox", text="anonymous?")

    assert not wiki.site().pages["Sandbox"].exists


def test_api_errors_carry_code_and_no_token(wiki: LocalWiki) -> None:
    connection = connect(wiki.api_url, user_agent=UA, username=wiki.username,
                         password=wiki.password)

    with pytest.raises(ApiError) as raised:
        connection.write("upload", filename="Nothing.png", text="x")

    assert raised.value.code == "missingparam"
    assert connection._csrf_token not in str(raised.value)


def test_scrub_removes_secrets_and_tokens_from_messages(wiki: LocalWiki) -> None:
    connection = connect(wiki.api_url, user_agent=UA, username=wiki.username,
                         password=wiki.password)
    text = (f"failed with {{'token': '{connection._csrf_token}', 'lgpassword': 'pw1'}} "
            f"and {wiki.password}")

    scrubbed = connection.scrub(text)

    assert connection._csrf_token not in scrubbed
    assert "pw1" not in scrubbed and wiki.password not in scrubbed


Answers = list[tuple[int, dict[str, str], dict[str, object]]]


class Scripted:
    """A server that answers api.php with a scripted list of (status, headers, body); the
    last answer repeats."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.agents: list[str] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                script.agents.append(self.headers.get("User-Agent", ""))
                status, headers, body = script.answers.pop(0) if len(script.answers) > 1 \
                    else script.answers[0]
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/w/api.php"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def scripted() -> Iterator[Callable[[Answers], Scripted]]:
    servers: list[Scripted] = []

    def make(answers: Answers) -> Scripted:
        server = Scripted(answers)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.server.shutdown()
        server.server.server_close()


SITE_FACTS: dict[str, object] = {"query": {
    "general": {"server": "//wiki.test", "articlepath": "/wiki/$1"},
    "fileextensions": [{"ext": "png"}], "userinfo": {"anon": True},
    "tokens": {"csrftoken": "+\\"}}}


def test_http_429_honours_retry_after(scripted: Callable[[Answers], Scripted]) -> None:
    server = scripted([(429, {"Retry-After": "7"}, {}), (200, {}, SITE_FACTS)])
    sleeps = Sleeps()

    connection = connect(server.url, user_agent=UA, policy=policy(sleeps))

    assert sleeps == [7]
    assert connection.page_url("File:A b.png") == "http://wiki.test/wiki/File:A_b.png"
    assert all(agent.startswith(UA) for agent in server.agents)


def test_a_retry_after_longer_than_we_wait_is_retry_later_at_once(
        scripted: Callable[[Answers], Scripted]) -> None:
    server = scripted([(429, {"Retry-After": "3600"}, {})])
    sleeps = Sleeps()

    with pytest.raises(RetryLater) as raised:
        connect(server.url, user_agent=UA, policy=policy(sleeps))

    assert sleeps == []
    assert raised.value.after == 3600


def test_server_errors_are_retried_then_a_sink_error(
        scripted: Callable[[Answers], Scripted]) -> None:
    server = scripted([(503, {}, {})])
    sleeps = Sleeps()

    with pytest.raises(SinkError, match=r"server error \(HTTP 503\)"):
        connect(server.url, user_agent=UA, policy=policy(sleeps, attempts=4))

    assert sleeps == [1, 2, 4]
    assert len(server.agents) == 4
