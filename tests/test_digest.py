"""The email digest, delivered to a real SMTP server on 127.0.0.1 (aiosmtpd) over STARTTLS
with a self-signed certificate made here, and parsed back with the ``email`` package."""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from syndicate import notify
from syndicate.report import RunReport
from tests.council import Council

USER, PASSWORD = "syndicate", "relay-password-123"
MAX_ITEMS = 25      # of the demo's 27 new items: the photos come after the newer articles


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Relay:
    """What the SMTP server received."""

    port: int
    cert: Path
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    secure: list[bool] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(  # type: ignore[arg-type]
            envelope.content, policy=email.policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        # session.ssl: after STARTTLS; the transport's ssl_object: TLS from the first byte
        self.secure.append(session.ssl is not None or
                           server.transport.get_extra_info("ssl_object") is not None)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and \
            (data.login.decode(), data.password.decode()) == (USER, PASSWORD)
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    """An SMTP server on 127.0.0.1 that requires STARTTLS before AUTH and mail."""
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    found = Relay(free_port(), cert)
    controller = Controller(found, hostname="127.0.0.1", port=found.port, tls_context=context,
                            require_starttls=True, authenticator=found.authenticate,
                            auth_require_tls=True)
    controller.start()
    try:
        yield found
    finally:
        controller.stop()


@pytest.fixture
def ssl_relay(tmp_path: Path) -> Iterator[Relay]:
    """An SMTP server on 127.0.0.1 speaking TLS from the first byte (port 465 style)."""
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    found = Relay(free_port(), cert)
    # aiosmtpd offers AUTH only after its own STARTTLS unless told that TLS is there already
    controller = Controller(found, hostname="127.0.0.1", port=found.port, ssl_context=context,
                            authenticator=found.authenticate, auth_require_tls=False)
    controller.start()
    try:
        yield found
    finally:
        controller.stop()


def with_digest(council: Council, relay: Relay, **extra: Any) -> None:
    settings = {"to": "[editors@example.gov.uk, comms@example.gov.uk]",
                "from": "syndicate@example.gov.uk", "host": "127.0.0.1", "port": relay.port,
                "security": "starttls", "username": USER,
                "password": "{env: SYNDICATE_SMTP_PASSWORD}", "ca_file": str(relay.cert),
                "max_items": MAX_ITEMS, **extra}
    lines = "".join(f"    {key}: {value}\n" for key, value in settings.items())
    base = council.config.read_text().split("\nnotify:\n")[0]
    council.write_config(base + "\nnotify:\n"
                         "  review_url: https://intranet.example.gov.uk/queue.html\n"
                         f"  email:\n{lines}")


@pytest.fixture
def mailed(council: Council, relay: Relay, monkeypatch: pytest.MonkeyPatch) -> Council:
    monkeypatch.setenv("SYNDICATE_SMTP_PASSWORD", PASSWORD)
    with_digest(council, relay)
    return council


def parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def test_digest_after_a_run_with_new_items(mailed: Council, relay: Relay) -> None:
    result = mailed.run("collect")
    assert result.exit_code == 0, result.output
    assert len(relay.messages) == 1 and relay.secure == [True] and relay.logins == [USER]
    assert relay.envelopes == [("syndicate@example.gov.uk",
                                ["editors@example.gov.uk", "comms@example.gov.uk"])]
    message = relay.messages[0]
    pending = [i for i in mailed.queue_items() if i["status"] == "pending"]
    blocked = [i for i in mailed.queue_items() if i["status"] == "blocked"]
    assert message["Subject"] == (f"syndicate, Example Borough Council: {len(pending)} new "
                                  f"items to review, {len(blocked)} blocked")
    assert message["Auto-Submitted"] == "auto-generated"

    # one multipart/alternative: plain text, then HTML with its images related to it
    assert parts(message)[:4] == ["multipart/alternative", "text/plain", "multipart/related",
                                  "text/html"]
    plain = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert plain is not None and html_part is not None
    text, page = plain.get_content(), html_part.get_content()

    # at most max_items listed, in the queue's order, and a count of the rest
    listed, rest = pending[:MAX_ITEMS], pending[MAX_ITEMS:]
    assert rest
    for item in listed:
        assert f"- id: {item['id']}" in text and item["title"] in text
    assert all(item["id"] not in text for item in rest)
    assert f"…and {len(rest)} more: see the review page or queue.yaml." in text
    assert f"…and {len(rest)} more" in page
    assert "Review page (pictures and text): https://intranet.example.gov.uk/queue.html" in text
    assert 'href="https://intranet.example.gov.uk/queue.html"' in page
    for item in blocked:
        assert item["id"] in text

    # thumbnails inline, one per listed image, each referenced by its cid from the HTML
    images = [p for p in message.walk() if p.get_content_maintype() == "image"]
    assert len(images) == sum(1 for i in listed if i["kind"] == "image" and "thumbnail" in i)
    assert images
    for image in images:
        assert image.get_content_disposition() == "inline"
        cid = str(image["Content-ID"]).strip("<>")
        assert f'src="cid:{cid}"' in page
        assert image.get_content()[:3] == b"\xff\xd8\xff"          # JPEG


def test_a_quiet_night_sends_nothing(mailed: Council, relay: Relay) -> None:
    mailed.run("collect")
    assert len(relay.messages) == 1
    result = mailed.run("collect")
    assert result.exit_code == 0
    assert len(relay.messages) == 1
    mailed.run("queue", "approve", "--all")
    assert mailed.run("publish").exit_code == 0                   # published: nothing to ask
    assert len(relay.messages) == 1


def test_a_changed_item_is_news_again(mailed: Council, relay: Relay) -> None:
    mailed.run("collect")
    sidecar = mailed.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    sidecar.write_text(sidecar.read_text().replace("in spring", "in late spring"))
    mailed.run("collect")
    assert len(relay.messages) == 2
    text = relay.messages[1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "1 new item to review" in text and "Example Town Hall in late spring" in text


def test_a_digest_that_cannot_be_sent_is_a_problem_in_the_report(
        council: Council, relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_SMTP_PASSWORD", PASSWORD)
    closed = free_port()                                    # the relay is down tonight
    with_digest(council, relay, port=closed)
    result = council.run("collect")
    assert result.exit_code == 1
    assert f"the digest could not be sent to 127.0.0.1:{closed}" in result.output
    assert PASSWORD not in result.output                    # the secret is never shown
    with_digest(council, relay)                             # back up: the news is sent then
    assert council.run("collect").exit_code == 0
    assert len(relay.messages) == 1
    assert "new items to review" in str(relay.messages[0]["Subject"])


def test_an_untrusted_certificate_is_refused(council: Council, relay: Relay,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_SMTP_PASSWORD", PASSWORD)
    with_digest(council, relay, ca_file="")          # the system's CAs: the relay is unknown
    result = council.run("collect")
    assert result.exit_code == 1 and "CERTIFICATE_VERIFY_FAILED" in result.output
    assert relay.messages == []


@pytest.mark.parametrize(("settings", "says"), [
    ({"to": "editors"}, "'editors' is not an email address"),
    ({"security": "tls"}, "must be one of starttls, ssl, none"),
    ({"password": "hunter2"}, "never inline"),
    ({"security": "none", "host": "mail.example.gov.uk"}, "never sent unencrypted"),
    ({"max_items": 0}, "must be a whole number of at least 1"),
])
def test_notify_settings_are_checked(council: Council, relay: Relay, settings: dict[str, Any],
                                     says: str) -> None:
    with_digest(council, relay, **settings)
    result = council.run("collect")
    assert result.exit_code == 2 and says in result.output
    assert "syndicate.yaml:" in result.output and "notify.email" in result.output


def test_quiet_summary_line() -> None:
    report = RunReport("run")
    assert notify.waiting_line(report) == ""
    report.queue = {"pending": 12, "blocked": 2, "published": 4}
    report.new = 3
    report.problem("publish", "commons", "photos-1", "a human edit wins", retry=False)
    assert notify.waiting_line(report) == (
        "for people: 12 items wait for a decision (3 new or changed this run); 2 blocked; "
        "1 problem needs a person (see queue.html)")


def test_digest_over_implicit_tls(council: Council, ssl_relay: Relay,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_SMTP_PASSWORD", PASSWORD)
    with_digest(council, ssl_relay, security="ssl")
    result = council.run("collect")
    assert result.exit_code == 0, result.output
    assert len(ssl_relay.messages) == 1 and ssl_relay.secure == [True]
    assert ssl_relay.logins == [USER]
