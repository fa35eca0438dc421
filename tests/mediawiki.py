"""A real, throwaway MediaWiki for tests: Debian's mediawiki 1.39 on PHP + SQLite.

``php maintenance/install.php --dbtype sqlite`` creates a wiki in a temporary folder (under a
second); ``php -S 127.0.0.1:PORT`` serves it from ``/usr/share/mediawiki`` with the
``MW_CONFIG_FILE`` environment variable pointing at our LocalSettings.php, which MediaWiki
1.38+ honours (``wfDetectLocalSettingsFile`` in includes/BootstrapHelperFunctions.php), so
``/etc/mediawiki`` is never touched. The server log has one line per request
(``[200]: POST /api.php``), which lets a test count API requests.

Fixtures: ``mediawiki_server`` (one server per session) and ``wiki`` (that server reset to a
pristine copy of the wiki for each test). From a shell::

    python -m tests.mediawiki install          # apt-get the packages if missing
    python -m tests.mediawiki serve --port 8089
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import mwclient
import pytest
import requests

MEDIAWIKI_DIR = Path("/usr/share/mediawiki")
PACKAGES = ["mediawiki", "php-cli", "php-sqlite3", "php-intl", "php-mbstring", "php-xml"]
ADMIN = ("Admin", "Admin-password-1234")
#: A normal user who may upload, with a bot password ``User@BotName`` as on Wikimedia.
USERNAME = "Uploader"
USER_PASSWORD = "Uploader-password-1234"
BOT_NAME = "syndicate"
BOT_GRANTS = "basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile"
FILE_EXTENSIONS = ["png", "gif", "jpg", "jpeg", "webp", "svg", "tif", "tiff", "pdf", "djvu",
                   "ogg", "oga", "ogv", "webm", "flac", "wav", "mp3", "xcf"]
_API_LINE = re.compile(r"\[\d{3}\]: (?:GET|POST) /api\.php")
_SENTINEL = "/syndicate-log-sentinel"

# Stand-ins for Commons' templates that show every parameter: a missing template would hide
# its parameters from the parser, and with them any markup injected into them.
_TEMPLATES = {
    "Template:Information": "<div>{{{description|}}} {{{date|}}} {{{source|}}} {{{author|}}} "
                            "{{{permission|}}} {{{other versions|}}} {{{other fields|}}}</div>",
    "Template:En": "<span lang=\"en\">{{{1|}}}</span>",
    "Template:Credit line": "{{{Author|}}} {{{Other|}}} {{{License|}}}",
}

_SETTINGS = """
# --- added by tests/mediawiki.py ---
$wgServer = "http://127.0.0.1:{port}";
$wgEnableUploads = true;
$wgUploadDirectory = "{root}/images";
$wgUploadPath = "/images";
$wgFileExtensions = {extensions};
$wgMaxUploadSize = 100 * 1024 * 1024;
$wgUseImageMagick = false;
$wgUseInstantCommons = false;
$wgAllowCopyUploads = false;
$wgEnableEmail = false;
$wgPingback = false;
$wgEnableBotPasswords = true;
$wgExtraNamespaces[118] = "Draft";
$wgExtraNamespaces[119] = "Draft_talk";
$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgCacheDirectory = "{root}/cache";
$wgJobRunRate = 0;
$wgShowExceptionDetails = true;
# Tests that want rate limits switch them on with LocalWiki.configure().
$wgGroupPermissions['user']['noratelimit'] = true;
if ( is_readable( "{root}/extra.php" ) ) {{
    # Read afresh on every request: opcache would run the previous test's settings for up
    # to opcache.revalidate_freq (2 s) after configure() rewrote the file.
    eval( "?>" . file_get_contents( "{root}/extra.php" ) );
}}
"""


def packages_missing() -> bool:
    if not (MEDIAWIKI_DIR / "maintenance" / "install.php").exists() or not shutil.which("php"):
        return True
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.lower()
    return not {"pdo_sqlite", "intl", "mbstring", "xml"} <= set(modules.split())


def install_packages() -> None:
    """apt-get the MediaWiki and PHP packages if they are not there (CI on a fresh machine).
    Recommended packages come too (ImageMagick for thumbnails, APCu): the tests were
    proven with them; php-sqlite3 in the list keeps apt from choosing a MySQL server."""
    if not packages_missing():
        return
    print("installing MediaWiki and PHP (Debian packages) for the wiki tests", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def _gone_is_fine(function: object, path: str, excinfo: object) -> None:
    """shutil.rmtree error handler: a file SQLite removed meanwhile is not a problem."""
    error = excinfo[1] if isinstance(excinfo, tuple) else excinfo
    if not isinstance(error, FileNotFoundError):
        raise error  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalWiki:
    """One wiki in ``root`` served on ``port``; :meth:`reset` restores the pristine copy."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.settings = root / "LocalSettings.php"
        self.log_path = root / "server.log"
        self.api_url = f"http://127.0.0.1:{port}/api.php"
        self.username = f"{USERNAME}@{BOT_NAME}"
        self.password = ""
        self.user = USERNAME
        self._process: subprocess.Popen[bytes] | None = None
        self._log_mark = 0

    # -- creating -------------------------------------------------------------------------
    def create(self) -> None:
        """Install the wiki, add the uploader and its bot password, keep a pristine copy."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._php("maintenance/install.php", "--dbtype", "sqlite", "--dbpath",
                  str(self.root / "db"), "--dbname", "wiki", "--server",
                  f"http://127.0.0.1:{self.port}", "--scriptpath", "", "--pass", ADMIN[1],
                  "--confpath", str(self.root), "--lang", "en", "Syndicate Test Wiki",
                  ADMIN[0], conf=False)
        with self.settings.open("a", encoding="utf-8") as handle:
            handle.write(_SETTINGS.format(port=self.port, root=self.root,
                                          extensions=_php_list(FILE_EXTENSIONS)))
        for folder in ("images", "cache"):
            (self.root / folder).mkdir(exist_ok=True)
        self._php("maintenance/createAndPromote.php", USERNAME, USER_PASSWORD)
        output = self._php("maintenance/createBotPassword.php", "--appid", BOT_NAME,
                           "--grants", BOT_GRANTS, USERNAME)
        # The script ends with "Success. … password:'X'." (1.39's wording).
        found = re.search(r"password:'([^']+)'", output)
        if found is None:
            raise RuntimeError(f"createBotPassword.php said: {output}")
        self.password = found.group(1)
        for title, text in _TEMPLATES.items():
            self._php("maintenance/edit.php", "--user", ADMIN[0], "--summary", "test template",
                      title, stdin=text)
        shutil.copytree(self.root / "db", self.root / "pristine-db")

    def reset(self) -> None:
        """Back to the freshly installed wiki: database, uploads and test settings."""
        (self.root / "extra.php").unlink(missing_ok=True)
        self._wait_idle()
        shutil.rmtree(self.root / "db", onerror=_gone_is_fine)
        shutil.copytree(self.root / "pristine-db", self.root / "db")
        shutil.rmtree(self.root / "images")
        (self.root / "images").mkdir()
        if self._process is None:
            self.start()
        self._log_mark = self._log_size()

    def configure(self, php: str) -> None:
        """Extra LocalSettings lines for this test only (removed by :meth:`reset`)."""
        (self.root / "extra.php").write_text("<?php\n" + php + "\n", encoding="utf-8")

    def _php(self, script: str, *args: str, conf: bool = True, stdin: str = "") -> str:
        command = ["php", str(MEDIAWIKI_DIR / script), *args]
        if conf:
            command[2:2] = ["--conf", str(self.settings)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root,
                              input=stdin)
        if done.returncode != 0:
            raise RuntimeError(f"{script} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    # -- serving --------------------------------------------------------------------------
    def start(self) -> None:
        """Serve the wiki with ``php -S`` and wait until api.php answers."""
        env = {**os.environ, "MW_CONFIG_FILE": str(self.settings)}
        env.pop("PHP_CLI_SERVER_WORKERS", None)  # one request at a time: a countable log
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            ["php", "-d", "upload_max_filesize=110M", "-d", "post_max_size=120M",
             "-d", "memory_limit=512M", "-S", f"127.0.0.1:{self.port}",
             "-t", str(MEDIAWIKI_DIR)],
            cwd=MEDIAWIKI_DIR, env=env, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                answer = requests.get(self.api_url, params={"action": "query",
                                                            "format": "json"}, timeout=5)
                if answer.ok and "batchcomplete" in answer.text:
                    return
            except requests.ConnectionError:
                pass
            if self._process.poll() is not None:
                raise RuntimeError(f"php -S exited; see {self.log_path}")
            time.sleep(0.05)
        raise RuntimeError(f"{self.api_url} did not answer within 30 s; see {self.log_path}")

    def stop(self) -> None:
        """Stop serving (the wiki-down case); :meth:`start` serves it again."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def serving(self) -> bool:
        """Whether php -S is still running."""
        return self._process is not None and self._process.poll() is None

    # -- observing ------------------------------------------------------------------------
    def count_requests(self) -> int:
        """API requests served since the last reset (or :meth:`mark_requests`)."""
        self._flush_log()
        with self.log_path.open("rb") as handle:
            handle.seek(self._log_mark)
            text = handle.read().decode("utf-8", "replace")
        return len(_API_LINE.findall(text))

    def mark_requests(self) -> None:
        """Start counting API requests from now."""
        self._flush_log()
        self._log_mark = self._log_size()

    def _flush_log(self) -> None:
        # php -S writes a request's log line after answering it; it serves one request at a
        # time, so once a sentinel request's line is in the log, every earlier one is too.
        if self._process is None:
            return
        requests.get(f"http://127.0.0.1:{self.port}{_SENTINEL}", timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _SENTINEL.encode() in self.log_path.read_bytes()[self._log_mark:]:
                return
            time.sleep(0.01)

    def _wait_idle(self) -> None:
        """Return once the server has finished every request sent so far, including the
        work MediaWiki does after answering (deferred updates, closing SQLite, which
        deletes its -wal file). php -S serves one request at a time and serves a static
        file without PHP, so the answer to one means all earlier requests are done."""
        if self._process is None or self._process.poll() is not None:
            return
        # A stopped or broken server has nothing in flight either.
        with contextlib.suppress(requests.RequestException):
            requests.get(f"http://127.0.0.1:{self.port}/resources/assets/wiki.png", timeout=30)

    def _log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def site(self, *, admin: bool = False) -> mwclient.Site:
        """A logged-in mwclient Site for assertions: the uploader's bot password, or the
        administrator (who may delete files, for the was-deleted case)."""
        site = mwclient.Site(f"127.0.0.1:{self.port}", path="/", scheme="http",
                             clients_useragent="syndicate-tests/0 (tests@example.org)",
                             max_retries=0)
        site.login(*(ADMIN if admin else (self.username, self.password)))
        return site


# -- sample files: small, valid and distinct, for uploads -------------------------------------
_TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
    "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/a"
    "AAgBAQABPxA=")


def png_bytes(seed: int, *, padding: int = 0) -> bytes:
    """A valid 1x1 PNG whose colour (and an optional text chunk of ``padding`` bytes)
    depends on ``seed``, so different seeds give different SHA-1s."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    pixel = b"\x00" + seed.to_bytes(3, "big", signed=False)
    text = chunk(b"tEXt", b"Comment\x00" + os.urandom(padding // 2).hex().encode()[:padding]) \
        if padding else b""
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
            + text + chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b""))


def jpeg_bytes(seed: int) -> bytes:
    """A valid 1x1 JPEG made distinct by a comment segment naming ``seed``."""
    comment = f"syndicate test image {seed}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return _TINY_JPEG[:2] + segment + _TINY_JPEG[2:]


def pdf_bytes(seed: int) -> bytes:
    """A small valid one-page PDF whose text names ``seed``."""
    stream = f"BT /F1 12 Tf 20 50 Td (Council minutes {seed}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
               + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _php_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


@pytest.fixture(scope="session")
def mediawiki_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWiki]:
    """One local MediaWiki for the whole session (skipped if the packages are missing)."""
    if packages_missing():
        pytest.skip("MediaWiki/PHP not installed; run: python -m tests.mediawiki install")
    server = LocalWiki(tmp_path_factory.mktemp("mediawiki"), free_port())
    server.create()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def wiki(mediawiki_server: LocalWiki) -> LocalWiki:
    """The session's wiki reset to its freshly installed state, server running."""
    mediawiki_server.reset()
    return mediawiki_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.mediawiki")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="apt-get MediaWiki and PHP if missing")
    serve = commands.add_parser("serve", help="run a throwaway wiki until Ctrl-C")
    serve.add_argument("--port", type=int, default=8089)
    args = parser.parse_args(argv)
    if args.command == "install":
        install_packages()
        return
    install_packages()
    # A plain `kill` should stop php -S too, not leave it serving.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="syndicate-wiki-") as folder:
        local = LocalWiki(Path(folder), args.port)
        local.create()
        local.start()
        print(f"MediaWiki API: {local.api_url}")
        print(f"export SYNDICATE_COMMONS_USER='{local.username}'")
        print(f"export SYNDICATE_COMMONS_PASSWORD='{local.password}'")
        print("Serving until Ctrl-C.", flush=True)
        try:
            while local.serving():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            local.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
