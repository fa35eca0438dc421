"""Telling people what waits for them: the email digest and the one-line summary.

After a run that has something for people — items new in the queue, items newly blocked,
problems only a person can solve — one email goes to ``notify.email.to``: plain text and
HTML alternatives, the thumbnails inline (``cid:``), at most ``max_items`` items listed and
a count of the rest, and a link to the review page when ``notify.review_url`` is set. A
quiet night sends nothing. Everything in it is plain text from the ledger, escaped for the
HTML part, as on the review page.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from syndicate import reconcile, thumbnails
from syndicate.config import EmailSettings
from syndicate.errors import ConfigError
from syndicate.ledger import Record
from syndicate.report import Problem, RunReport
from syndicate.status import Status
from syndicate.workspace import Workspace

if TYPE_CHECKING:   # smtplib, ssl and email are imported only when a digest is sent
    from email.message import EmailMessage

log = logging.getLogger(__name__)

TIMEOUT = 60   # seconds for each SMTP step: a stuck relay must not hold the run's lock


@dataclass
class Digest:
    """What waits for people after one run."""

    organisation: str
    new: list[Record] = field(default_factory=list)        # new or changed, now pending
    blocked: list[Record] = field(default_factory=list)    # newly blocked
    problems: list[Problem] = field(default_factory=list)  # need a person
    pending: int = 0                                       # waiting in all
    review_url: str | None = None

    @property
    def quiet(self) -> bool:
        return not (self.new or self.blocked or self.problems)


# The digest remembers which version of each item it has told people about (in the
# ledger's key-value store, under a name no sink can have), so a second run in the same
# second, a rerun after a failure, or an item merely staying in the queue is never news.
_STORE = ("(digest)", "announced")


def digest_for(ws: Workspace, report: RunReport) -> tuple[Digest, dict[str, str]]:
    """What people have not heard about yet, and the versions to remember once told."""
    announced: dict[str, str] = ws.ledger.sink_value(*_STORE) or {}
    digest = Digest(ws.config.organisation.name, review_url=ws.config.notify.review_url)
    now_waiting = {}
    for record in reconcile.ordered(ws.ledger.in_queue()):
        if record.status not in (Status.PENDING, Status.BLOCKED):
            continue
        digest.pending += record.status == Status.PENDING
        now_waiting[record.item.id] = record.content_hash
        if announced.get(record.item.id) == record.content_hash:
            continue
        (digest.new if record.status == Status.PENDING else digest.blocked).append(record)
    digest.problems = [p for p in report.problems if not p.retry]
    return digest, now_waiting


def after_run(ws: Workspace, report: RunReport) -> None:
    """Send the digest if email is configured and the run has news for people. A digest
    that cannot be sent is a problem in the run report, never a crash; what it would
    have said is said again next run."""
    settings = ws.config.notify.email
    if settings is None:
        return
    digest, waiting = digest_for(ws, report)
    if not digest.quiet:
        import smtplib
        try:
            send(settings, compose(digest, settings, ws.config.state_dir))
        except (OSError, smtplib.SMTPException, ConfigError) as exc:
            report.problem("notify", "email", None, f"the digest could not be sent to "
                           f"{settings.host}:{settings.port}: {exc}", retry=False)
            return
    ws.ledger.put_sink_value(*_STORE, waiting)


def subject(digest: Digest) -> str:
    parts = []
    if digest.new:
        parts.append(f"{_n(len(digest.new), 'new item')} to review")
    if digest.blocked:
        parts.append(f"{len(digest.blocked)} blocked")
    if digest.problems:
        parts.append(f"{_n(len(digest.problems), 'problem')} for a person")
    return f"syndicate, {digest.organisation}: {', '.join(parts)}"


def compose(digest: Digest, settings: EmailSettings, state_dir: Path) -> EmailMessage:
    """The digest as one multipart/alternative email with inline thumbnails."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid
    message = EmailMessage()
    message["Subject"] = subject(digest)
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"     # RFC 3834: no auto-replies to this
    shown = digest.new[:settings.max_items]
    rest = len(digest.new) - len(shown)
    images: dict[str, bytes] = {}
    for record in shown:
        path = thumbnails.path_for(state_dir, record.item.id, record.content_hash)
        if record.item.kind == "image" and path.exists():
            images[record.item.id] = path.read_bytes()
    cids = {item_id: make_msgid(domain="syndicate.invalid")[1:-1] for item_id in images}
    message.set_content(_plain(digest, shown, rest))
    message.add_alternative(_html(digest, shown, rest, cids), subtype="html")
    html_part = message.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    for item_id, data in images.items():
        html_part.add_related(data, "image", "jpeg", cid=f"<{cids[item_id]}>",
                              filename=f"{item_id}.jpg", disposition="inline")
    return message


def send(settings: EmailSettings, message: EmailMessage) -> None:
    """Deliver ``message`` over SMTP as configured (STARTTLS, SSL or plain on a local
    relay), logging in when a username is given."""
    import smtplib
    import ssl
    context = ssl.create_default_context(
        cafile=str(settings.ca_file) if settings.ca_file else None)
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            from syndicate.secrets import reveal

            smtp.login(settings.username, reveal(settings.password, "notify.email.password"))
        smtp.send_message(message)


def waiting_line(report: RunReport) -> str:
    """One line of what waits for people after a run (printed even with ``-q``), or ''."""
    pending = report.queue.get(Status.PENDING, 0)
    parts = []
    if pending:
        fresh = min(pending, max(0, report.new + report.changed - report.blocked))
        new = f" ({fresh} new or changed this run)" if fresh else ""
        parts.append(f"{_n(pending, 'item')} wait{'s' if pending == 1 else ''} for a "
                     f"decision{new}")
    for status in (Status.BLOCKED, Status.FAILED):
        if report.queue.get(status):
            parts.append(f"{report.queue[status]} {status}")
    people = sum(1 for p in report.problems if not p.retry)
    if people:
        parts.append(f"{_n(people, 'problem')} need{'s' if people == 1 else ''} a person")
    return f"for people: {'; '.join(parts)} (see queue.html)" if parts else ""


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _headline(digest: Digest) -> str:
    waiting = f"{_n(digest.pending, 'item')} wait{'s' if digest.pending == 1 else ''} for a " \
        "decision in all."
    return f"{_n(len(digest.new), 'new item')} to review. {waiting}"


def _what_to_do(record: Record) -> str:
    return (f"in queue.yaml, find - id: {record.item.id} and change status: pending to "
            "approved or rejected")


def _plain(digest: Digest, shown: list[Record], rest: int) -> str:
    lines = [_headline(digest)]
    if digest.review_url:
        lines.append(f"Review page (pictures and text): {digest.review_url}")
    if shown:
        lines += ["", "New, waiting for a decision:"]
        for record in shown:
            item = record.item
            lines.append(f"- {item.title} ({item.kind} from {item.source}, "
                         f"{reconcile.item_date(record)[:10]})")
            if excerpt := reconcile.excerpt(item):
                lines.append(f"  {excerpt}")
            warnings = [f for f in item.findings if f.severity == "warning"]
            if warnings:
                lines.append(f"  worth a look: {warnings[0].message}")
            lines.append(f"  To decide: {_what_to_do(record)}")
        if rest:
            lines.append(f"…and {rest} more: see the review page or queue.yaml.")
    if digest.blocked:
        lines += ["", "Newly blocked (nothing to decide; fix at the source):"]
        for record in digest.blocked:
            why = next((f.message for f in record.item.findings if f.is_error), "")
            lines.append(f"- {record.item.title} ({record.item.id}): {why}")
    if digest.problems:
        lines += ["", "Needs a person:"]
        for p in digest.problems:
            lines.append(f"- {p.where}{': ' + p.item if p.item else ''}: {p.message}")
    lines += ["", "Sent by syndicate after tonight's run."]
    return "\n".join(lines) + "\n"


def _html(digest: Digest, shown: list[Record], rest: int, cids: dict[str, str]) -> str:
    e = html.escape
    out = ['<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">',
           f"<title>{e(subject(digest))}</title></head>",
           '<body style="font-family:Arial,sans-serif;color:#1b1b1b;max-width:40rem">',
           f"<p>{e(_headline(digest))}</p>"]
    if digest.review_url:
        out.append(f'<p><a href="{e(digest.review_url)}">Open the review page</a> '
                   "(pictures and text).</p>")
    if shown:
        out.append("<h2>New, waiting for a decision</h2>")
        for record in shown:
            item = record.item
            out.append(f"<h3>{e(item.title)}</h3>")
            out.append(f"<p>{e(item.kind)} from {e(item.source)}, "
                       f"{e(reconcile.item_date(record)[:10])}</p>")
            if item.id in cids:
                out.append(f'<p><img src="cid:{e(cids[item.id])}" '
                           f'alt="{e(item.alt or item.title)}" width="320" '
                           'style="max-width:100%;height:auto"></p>')
            if excerpt := reconcile.excerpt(item):
                out.append(f"<p>{e(excerpt)}</p>")
            out.append(f"<p>To decide: {e(_what_to_do(record))}.</p>")
        if rest:
            out.append(f"<p>…and {rest} more: see the review page or queue.yaml.</p>")
    if digest.blocked:
        out.append("<h2>Newly blocked</h2><ul>")
        for record in digest.blocked:
            why = next((f.message for f in record.item.findings if f.is_error), "")
            out.append(f"<li>{e(record.item.title)} ({e(record.item.id)}): {e(why)}</li>")
        out.append("</ul>")
    if digest.problems:
        out.append("<h2>Needs a person</h2><ul>")
        for p in digest.problems:
            what = f"{p.where}{': ' + p.item if p.item else ''}: {p.message}"
            out.append(f"<li>{e(what)}</li>")
        out.append("</ul>")
    out.append("<p>Sent by syndicate after tonight's run.</p></body></html>")
    return "\n".join(out)
