"""The connection to a MediaWiki that both wiki sinks share.

mwclient 0.11 sends no ``maxlag`` to api.php, retries server errors 25 times in 30-second
steps, raises at once on HTTP 429 and ``ratelimited``, refreshes ``badtoken`` only for page
edits, and puts the CSRF token into the arguments of the errors it raises
(docs/wikimedia.md). So :class:`Wiki` keeps mwclient for the session, the User-Agent and
OAuth 1.0a signing (``Site.connection``), and sends every API request itself:

- ``maxlag=5`` on every request (https://www.mediawiki.org/wiki/Manual:Maxlag_parameter),
  ``assert=user`` and the CSRF token on every write;
- bounded retries with exponential backoff for 5xx, connection errors, 429, ``maxlag`` and
  ``ratelimited``, honouring ``Retry-After``; then :class:`~syndicate.errors.RetryLater`
  (the remote asked us to slow down) or :class:`~syndicate.errors.SinkError` (the wiki is
  down);
- one refresh of the CSRF token on ``badtoken``;
- passwords, OAuth secrets and tokens scrubbed from every message.

Responses use ``formatversion=2`` (https://www.mediawiki.org/wiki/API:JSON_version_2):
booleans are real booleans and there are no ``*`` keys.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import mwclient
import requests

from syndicate.errors import ConfigError, RetryLater, SinkError
from syndicate.limits import Limits
from syndicate.options import Option, Text
from syndicate.scrub import remember, scrub

MAXLAG = 5
#: (filename, bytes) per multipart field, as requests takes them.
Files = Mapping[str, tuple[str, bytes]]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request that failed for a passing reason is retried.

    The wait before retry ``n`` (from 0) is ``base_delay * 2**n``, at least what the server
    asked for in ``Retry-After``, at most ``max_delay``; a server asking for longer than
    ``max_delay`` is not waited for at all (the item is retried next run instead).
    """

    attempts: int = 5
    base_delay: float = 2.0
    max_delay: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def wait(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.max_delay, self.base_delay * 2.0 ** attempt)
        return backoff if retry_after is None else max(backoff, retry_after)


class ApiError(SinkError):
    """The wiki answered with an API error (``code``, ``info``) that is not a passing one.

    Callers catch the codes they expect (``fileexists-no-change``…); any other stops the
    sink for this run, with the wiki's own explanation in the message.
    """

    def __init__(self, wiki: str, code: str, info: str) -> None:
        super().__init__(f"{wiki}: the API refused the request: {code}: {info}")
        self.code = code
        self.info = info


def api_url_for(site: str) -> str:
    """The api.php URL of ``site``: a host name (``commons.wikimedia.org``, Wikimedia's
    ``/w/api.php`` layout) or the URL of an api.php. ConfigError (key ``site``) otherwise."""
    site = site.strip()
    if "://" in site:
        parts = urlsplit(site)
        if parts.scheme not in ("http", "https") or not parts.netloc \
                or not parts.path.endswith("/api.php"):
            raise ConfigError(f"site {site!r} is not the URL of an api.php (like "
                              "https://wiki.example.org/w/api.php)", key="site")
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", site) or "." not in site:
        raise ConfigError(f"site {site!r} is neither a host name (like commons.wikimedia.org) "
                          "nor the URL of an api.php", key="site")
    return f"https://{site}/w/api.php"


class Wiki:
    """A logged-in connection to one wiki. Make it with :func:`connect`.

    ``get``/``post`` send any API request with the retry policy; ``write`` adds the CSRF
    token and ``assert=user``. ``site`` is the underlying mwclient Site (its session carries
    the cookies, User-Agent and OAuth signing); calling its own methods bypasses maxlag and
    the retry policy, so use it only for what this class does not offer.
    """

    def __init__(self, site: mwclient.Site, api_url: str, *, policy: RetryPolicy,
                 maxlag: int = MAXLAG, timeout: float = 120,
                 secrets: tuple[str | None, ...] = ()) -> None:
        self.site = site
        self.api_url = api_url
        self.name = urlsplit(api_url).netloc
        self.policy = policy
        self.maxlag = maxlag
        self.timeout = timeout
        self.user: str | None = None
        self.general: dict[str, Any] = {}
        self.file_extensions: frozenset[str] = frozenset()
        self._csrf_token = ""
        #: While logging in: the monotonic time by which it must be done (retries and
        #: waits included), so a wiki that never answers costs one deadline, not minutes.
        self.deadline: float | None = None
        for secret in secrets:
            remember(secret)

    # -- requests -------------------------------------------------------------------------
    def get(self, action: str, **params: Any) -> dict[str, Any]:
        """A read request (GET)."""
        return self._call("GET", action, params, None)

    def post(self, action: str, *, files: Files | None = None, **params: Any) -> dict[str, Any]:
        """A request by POST (login, or reads too long for a URL). Writes use :meth:`write`."""
        return self._call("POST", action, params, files)

    def write(self, action: str, *, files: Files | None = None,
              **params: Any) -> dict[str, Any]:
        """A write: ``assert=user`` and the CSRF token added; ``badtoken`` refreshes the
        token once (it expires with the session)."""
        for attempt in range(2):
            try:
                # The token goes last, as MediaWiki recommends, so a truncated POST fails.
                return self._call("POST", action,
                                  {**params, "assert": "user", "token": self._csrf_token},
                                  files)
            except ApiError as error:
                if error.code == "badtoken" and attempt == 0:
                    self._csrf_token = self._fetch_csrf_token()
                    continue
                if error.code in ("assertuserfailed", "assertnameduserfailed"):
                    raise SinkError(f"{self.name}: no longer logged in (the session ended); "
                                    "the next run logs in again") from None
                raise
        raise AssertionError("unreachable")

    def _call(self, method: str, action: str, params: Mapping[str, Any],
              files: Files | None) -> dict[str, Any]:
        payload = {"action": action, "format": "json", "formatversion": "2",
                   "maxlag": str(self.maxlag), **_encode(params)}
        for attempt in range(self.policy.attempts):
            try:
                response = self.site.connection.request(
                    method, self.api_url, params=payload if method == "GET" else None,
                    data=payload if method == "POST" else None, files=files,
                    timeout=self._time_left())
            except requests.RequestException as error:  # refused, reset, timed out…
                transient: SinkError = SinkError(
                    f"{self.name}: cannot reach {self.api_url} ({type(error).__name__}); "
                    "is the wiki up? Items stay approved for the next run")
                retry_after = None
            else:
                outcome = self._inspect(response)
                if isinstance(outcome, dict):
                    return outcome
                transient, retry_after = outcome
            wait = self.policy.wait(attempt, retry_after)
            if attempt + 1 == self.policy.attempts or (
                    retry_after is not None and retry_after > self.policy.max_delay) or (
                    self.deadline is not None and time.monotonic() + wait >= self.deadline):
                raise transient
            self.policy.sleep(wait)
        raise AssertionError("unreachable")

    def _time_left(self) -> float:
        """The timeout of the next request: the usual one, or less if a deadline is near."""
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SinkError(f"{self.name}: logging in took longer than limits.login_deadline;"
                            " is the wiki up? Items stay approved for the next run")
        return min(self.timeout, left)

    def _inspect(self, response: requests.Response
                 ) -> dict[str, Any] | tuple[SinkError, float | None]:
        """The decoded answer, or the passing failure to retry with its Retry-After."""
        retry_after = _retry_after(response)
        status = response.status_code
        if status == 429:
            return RetryLater(f"{self.name}: too many requests (HTTP 429); retrying next run",
                              retry_after), retry_after
        if 500 <= status <= 599:
            return SinkError(f"{self.name}: server error (HTTP {status}); the wiki may be "
                             "down, items stay approved for the next run"), retry_after
        if status != 200:
            raise SinkError(f"{self.name}: HTTP {status} from {self.api_url}; check the "
                            "sink's site setting")
        try:
            data = response.json()
        except (json.JSONDecodeError, ValueError):
            raise SinkError(f"{self.api_url} did not answer with JSON; is it the URL of a "
                            "MediaWiki api.php?") from None
        if not isinstance(data, dict):
            raise SinkError(f"{self.api_url} answered with unexpected JSON")
        error = data.get("error")
        if not error:
            return data
        code = str(error.get("code", "unknown"))
        info = self.scrub(str(error.get("info", "")))
        if code == "maxlag":
            return RetryLater(f"{self.name}: the wiki's database is lagging ({info}); "
                              "retrying next run", retry_after), retry_after or MAXLAG
        if code in ("ratelimited", "readonly") or code.startswith("internal_api_error_DB"):
            return RetryLater(f"{self.name}: {code}: {info}; retrying next run",
                              retry_after), retry_after
        raise ApiError(self.name, code, info)

    # -- session --------------------------------------------------------------------------
    def login(self, username: str, password: str) -> None:
        """Log in with a bot password (``User@BotName``) by action=login."""
        token = self.get("query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
        answer = self.post("login", lgname=username, lgpassword=password, lgtoken=token)
        result = answer.get("login", {})
        if result.get("result") != "Success":
            reason = self.scrub(str(result.get("reason") or result.get("result"))).rstrip(".")
            raise SinkError(f"{self.name}: login failed for user {username}: {reason}. Check "
                            "the username (a bot password's is User@BotName) and password")

    def load(self) -> None:
        """Site facts, who we are and a CSRF token, in one request."""
        query = self.get("query", meta="siteinfo|userinfo|tokens", type="csrf",
                         siprop="general|namespaces|fileextensions")["query"]
        self.general = query["general"]
        self.file_extensions = frozenset(e["ext"].lower() for e in query["fileextensions"])
        self.user = None if query["userinfo"].get("anon") else query["userinfo"]["name"]
        self._csrf_token = query["tokens"]["csrftoken"]
        remember(self._csrf_token)

    def _fetch_csrf_token(self) -> str:
        token: str = self.get("query", meta="tokens", type="csrf")["query"]["tokens"]["csrftoken"]
        remember(token)
        return token

    def close(self) -> None:
        self.site.connection.close()

    # -- helpers --------------------------------------------------------------------------
    def page_url(self, title: str) -> str:
        """The browser URL of a page on this wiki."""
        server = str(self.general.get("server", ""))
        if server.startswith("//"):  # Wikimedia gives protocol-relative servers
            server = urlsplit(self.api_url).scheme + ":" + server
        path = str(self.general.get("articlepath", "/wiki/$1"))
        return server + path.replace("$1", quote(title.replace(" ", "_"), safe="/:~"))

    def scrub(self, text: str) -> str:
        """``text`` without passwords, OAuth secrets or tokens in it (the one scrubber,
        which every secret and token of this session was given)."""
        return scrub(text)


def _encode(params: Mapping[str, Any]) -> dict[str, str]:
    """API parameters as strings. Booleans are true when present at all (docs/wikimedia.md),
    so ``False`` and ``None`` leave the parameter out."""
    encoded = {}
    for key, value in params.items():
        if value is None or value is False:
            continue
        encoded[key] = "1" if value is True else str(value)
    return encoded


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:  # an HTTP date: rare enough from MediaWiki to fall back to backoff
        return None


def connect(site: str, *, user_agent: str, username: str | None = None,
            password: str | None = None, consumer_token: str | None = None,
            consumer_secret: str | None = None, access_token: str | None = None,
            access_secret: str | None = None, policy: RetryPolicy | None = None,
            maxlag: int = MAXLAG, deadline: float = Limits().login_deadline) -> Wiki:
    """Connect to ``site`` (host name or api.php URL) and log in once.

    Credentials are a bot password (``username`` ``User@BotName`` and ``password``) or an
    OAuth 1.0a owner-only consumer (the four tokens); with neither the connection is
    anonymous (read-only). ``user_agent`` must name the operator and a contact (Wikimedia's
    User-Agent policy). Logging in, retries included, takes at most ``deadline`` seconds.
    Raises SinkError (wiki unreachable, login refused, deadline passed) with no secret in
    the message.
    """
    api_url = api_url_for(site)
    parts = urlsplit(api_url)
    oauth = consumer_token is not None
    client = mwclient.Site(parts.netloc, path=parts.path[: -len("api.php")],
                           scheme=parts.scheme, clients_useragent=user_agent, do_init=False,
                           max_retries=0, retry_timeout=0,
                           consumer_token=consumer_token, consumer_secret=consumer_secret,
                           access_token=access_token, access_secret=access_secret)
    client.connection.trust_env = False  # no ~/.netrc credentials or proxy from the env
    wiki = Wiki(client, api_url, policy=policy or RetryPolicy(), maxlag=maxlag,
                secrets=(password, consumer_secret, access_token, access_secret))
    wiki.deadline = time.monotonic() + deadline
    try:
        if username and password and not oauth:
            wiki.login(username, password)
        wiki.load()
    except ApiError as error:
        wiki.close()
        if error.code.startswith("mwoauth"):
            raise SinkError(f"{wiki.name}: OAuth credentials refused: {error.info}") from None
        raise
    except SinkError:
        wiki.close()
        raise
    if (username or oauth) and wiki.user is None:
        wiki.close()
        raise SinkError(f"{wiki.name}: still anonymous after logging in; check the "
                        "credentials")
    wiki.deadline = None
    return wiki


OAUTH_KEYS = ("consumer_token", "consumer_secret", "access_token", "access_secret")
#: The options every wiki sink takes to say where it works and as whom.
ACCOUNT_OPTIONS = (
    Option("site", Text(), required=True,
           description="The wiki: a host name (commons.wikimedia.org) or an api.php URL."),
    Option("username", secret=True, description="Bot password user name, User@BotName."),
    Option("password", secret=True, description="The bot password."),
    *(Option(key, secret=True, description="OAuth 1.0a owner-only consumer (all four, "
             "instead of a bot password).") for key in OAUTH_KEYS),
)
ACCOUNT_KEYS = frozenset(option.name for option in ACCOUNT_OPTIONS)


@dataclass(frozen=True)
class Account:
    """A wiki sink's site and credentials from its config, checked when the config is
    read and revealed only at :meth:`login` (so ``collect`` and dry runs need no secrets)."""

    api_url: str
    credentials: Mapping[str, Any]

    @classmethod
    def from_config(cls, config: Mapping[str, Any], example_site: str) -> Account:
        if not isinstance(config.get("site"), str):
            raise ConfigError(f"site is required: a host name like {example_site} or the "
                              "URL of an api.php", key="site")
        oauth = [key for key in OAUTH_KEYS if config.get(key) is not None]
        if oauth and len(oauth) != len(OAUTH_KEYS):
            missing = sorted(set(OAUTH_KEYS) - set(oauth))
            raise ConfigError(f"OAuth needs all four keys; missing {', '.join(missing)}",
                              key=missing[0])
        if (config.get("username") is None) != (config.get("password") is None):
            raise ConfigError("username and password go together", key="password")
        keys = ("username", "password", *OAUTH_KEYS)
        return cls(api_url_for(config["site"]),
                   {key: config[key] for key in keys if config.get(key) is not None})

    def login(self, *, user_agent: str, policy: RetryPolicy, purpose: str,
              deadline: float = Limits().login_deadline) -> Wiki:
        """Reveal the secrets and log in once; ``purpose`` ("uploading") is for the error
        when there are no credentials at all."""
        from syndicate.secrets import reveal

        secrets = {key: reveal(value, key=key) for key, value in self.credentials.items()}
        if not secrets:
            raise ConfigError(f"{purpose} needs a bot password (username, password) or "
                              "OAuth keys", key="username")
        return connect(self.api_url, user_agent=user_agent, policy=policy, deadline=deadline,
                       username=secrets.get("username"), password=secrets.get("password"),
                       consumer_token=secrets.get("consumer_token"),
                       consumer_secret=secrets.get("consumer_secret"),
                       access_token=secrets.get("access_token"),
                       access_secret=secrets.get("access_secret"))
