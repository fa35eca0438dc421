"""queue.html, the editors' review page, written beside queue.yaml.

One static HTML5 file that needs nothing else: thumbnails are inlined as ``data:`` URIs, the
styles and the small filter script are inline and pinned by hash in the page's Content
Security Policy, which also forbids every network request. Everything shown comes from the
ledger as plain text and is HTML-escaped here — the item's plain-text description, never
its HTML — so nothing a source wrote can become markup in the page.

The page is read-only: each card says which line of queue.yaml to change, so the file stays
the one place where editors decide.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from syndicate import reconcile, thumbnails
from syndicate.errors import SyndicateError
from syndicate.files import atomic_write
from syndicate.ledger import Record
from syndicate.licences import registry
from syndicate.model import Finding
from syndicate.status import Status
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)

#: Statuses that still lead to a publication, so their page text is worth showing.
TO_BE_WRITTEN = frozenset({Status.PENDING, Status.APPROVED, Status.FAILED})
#: What an editor can do with an item in each status, for the card's "to decide" line.
ACTIONS = {
    Status.PENDING: (Status.APPROVED, Status.REJECTED),
    Status.APPROVED: (Status.REJECTED, Status.PENDING),
    Status.REJECTED: (Status.APPROVED, Status.PENDING),
    Status.FAILED: (Status.APPROVED, Status.REJECTED),
}
SEVERITY_WORDS = {"error": "Stops publication", "warning": "Worth a look"}


def page_path(ws: Workspace) -> Path:
    """queue.html beside queue.yaml."""
    return ws.config.queue.path.with_name("queue.html")


def thumbnail_for(ws: Workspace) -> reconcile.Thumbnail:
    """For the queue: the path of an item's thumbnail relative to queue.yaml's folder (as
    an editor would open it), when one has been made."""
    base = ws.config.queue.path.parent.resolve()

    def relative(record: Record) -> str | None:
        path = thumbnails.path_for(ws.config.state_dir, record.item.id, record.content_hash)
        if not path.exists():
            return None
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:   # the state folder is elsewhere: give the full path
            return str(path.resolve())
    return relative


def make_thumbnails(ws: Workspace) -> bool:
    """Thumbnails for the image items in the queue that have none yet (not in a dry run:
    it leaves no trace). A remote image is downloaded once into the state folder, where
    publishing finds it later. Return whether any thumbnail was made or deleted (the
    queue shows them, so it must then be written again)."""
    if ws.dry_run:
        return False
    made = False
    settings = ws.config.queue
    # What the queue is about to show (the sync that writes it does the same again).
    reconcile.admit_and_expire(ws.ledger, settings.max_pending, settings.keep_days)
    keep = set()
    # Only images have thumbnails: SQLite picks them, so a queue of thousands of articles
    # is not read into records every night.
    for record in ws.ledger.in_queue(kind="image"):
        item = record.item
        dest = thumbnails.path_for(ws.config.state_dir, item.id, record.content_hash)
        if not dest.exists():
            try:
                source = ws.local_file(item)
            except (SyndicateError, OSError) as exc:
                log.info("no thumbnail for %s: %s", item.id, exc)
                continue
            if thumbnails.make(source, dest) is None:
                continue
            made = True
        keep.add(dest)
    return thumbnails.prune(ws.config.state_dir, keep) or made


@dataclass
class Card:
    """Everything one card shows, as plain text (escaped when written)."""

    id: str
    status: Status
    kind: str
    source: str
    date: str
    title: str
    url: str
    excerpt: str
    licence: str
    licence_name: str
    licence_url: str
    attribution: str
    sinks: list[str]
    findings: list[Finding]
    note: str = ""
    reason: str = ""
    notice: str = ""
    line: int | None = None                    # of "- id:" in queue.yaml
    thumbnail: bytes | None = None
    alt: str = ""
    page_texts: dict[str, str] = field(default_factory=dict)


def write_page(ws: Workspace) -> Path:
    """Write queue.html for the queue as it is now; return its path."""
    path = page_path(ws)
    cards = cards_for(ws)
    atomic_write(path, render(cards, ws.config.organisation.name, ws.config.queue.path.name))
    return path


def refresh_page(ws: Workspace, queue_written: bool) -> Path:
    """Write queue.html unless it is there already and shows what it would show again:
    the run did not write the queue (so neither the ledger, the thumbnails nor queue.yaml
    changed) and it was made for the same organisation and queue file. Return its path."""
    path = page_path(ws)
    made_for = [ws.config.organisation.name, ws.config.queue.path.name]
    if queue_written or not path.exists() or ws.ledger.sink_value(*_PAGE_FOR) != made_for:
        write_page(ws)
        ws.ledger.put_sink_value(*_PAGE_FOR, made_for)
    return path


# What the page in place was made for, in the ledger's own state (no sink is named "").
_PAGE_FOR = ("", "queue.html made for")


def cards_for(ws: Workspace) -> list[Card]:
    """The queue's items as cards, in the queue's order."""
    lines = _id_lines(ws.config.queue.path)
    cards = []
    for record in reconcile.ordered(ws.ledger.in_queue()):
        item = record.item
        licence = registry().find(item.licence or "")
        thumb = thumbnails.path_for(ws.config.state_dir, item.id, record.content_hash)
        cards.append(Card(
            id=item.id, status=record.status, kind=item.kind, source=item.source,
            date=reconcile.item_date(record), title=item.title, url=item.url or "",
            excerpt=reconcile.excerpt(item, 600), licence=item.licence or "none",
            licence_name=licence.name if licence else "", licence_url=licence.url if
            licence else "", attribution=item.attribution.text if item.attribution else "",
            sinks=record.sinks, findings=list(item.findings), note=record.note,
            reason=record.reason, notice=str((record.shown or {}).get("notice") or ""),
            line=lines.get(item.id),
            thumbnail=thumb.read_bytes() if item.kind == "image" and thumb.exists() else None,
            alt=item.alt or item.title,
            page_texts=page_texts(ws, record) if record.status in TO_BE_WRITTEN else {}))
    return cards


def _id_lines(path: Path) -> dict[str, int]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("- id: "):
            found[line[6:].strip().strip("'\"")] = number
    return found


def page_texts(ws: Workspace, record: Record) -> dict[str, str]:
    """For each wiki sink the item goes to, the exact page text it would write."""
    # Imported here: only pages with wiki sinks need the wiki modules.
    from syndicate.sinks.commons import checks, filepage
    from syndicate.sinks.commons.sink import CommonsSink
    from syndicate.sinks.wikipedia import WikipediaDraftSink

    item = record.item
    licence = registry().find(item.licence or "")
    if licence is None:
        return {}
    texts = {}
    for name in record.sinks:
        try:
            sink = ws.sink(name)
            if isinstance(sink, WikipediaDraftSink):
                texts[name] = sink.page_text(item, licence)
            elif isinstance(sink, CommonsSink):
                tags = checks.restriction_tags(item) if sink.descriptive_tags else []
                texts[name] = filepage.page_text(item, licence, sink.settings, tags)
        except SyndicateError as exc:   # a misconfigured sink: the run reports it
            log.info("no page text of %s for %s: %s", item.id, name, exc)
    return texts


# -- the HTML -------------------------------------------------------------------------------

STYLE = """
:root{color-scheme:light;--ink:#1b1b1b;--muted:#4a4a4a;--line:#c9c9c9;--link:#0b4f8a}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:var(--ink);background:#f4f4f2}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.6rem;margin:1rem 0 .25rem}
h2{font-size:1.15rem;margin:0 0 .25rem;overflow-wrap:anywhere}
h3{font-size:1rem;margin:.75rem 0 .25rem}
a{color:var(--link)}
a:focus,summary:focus,select:focus,button:focus{outline:3px solid #ffbf47;outline-offset:2px}
.counts{margin:.25rem 0 1rem;color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:0 0 1rem;
padding:.75rem;background:#fff;border:1px solid var(--line)}
.filters label{display:flex;flex-direction:column;font-weight:600;font-size:.9rem}
.filters select{font:inherit;min-width:9rem;max-width:100%;padding:.25rem}
.cards{list-style:none;margin:0;padding:0;display:grid;gap:1rem;
grid-template-columns:repeat(auto-fill,minmax(min(100%,22rem),1fr))}
.card{background:#fff;border:1px solid var(--line);border-top:6px solid #505a5f;
padding:1rem;min-width:0;overflow-wrap:anywhere}
.card[data-status=pending]{border-top-color:#1d70b8}
.card[data-status=approved]{border-top-color:#00703c}
.card[data-status=blocked],.card[data-status=failed]{border-top-color:#b10e1e}
.meta{margin:0 0 .5rem;color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
.status{display:inline-block;padding:0 .4rem;border:1px solid currentColor;font-weight:700;
text-transform:uppercase;font-size:.8rem;letter-spacing:.03em}
.thumb{display:block;max-width:100%;height:auto;margin:.5rem 0;border:1px solid var(--line)}
.doc{display:inline-block;margin:.5rem 0;padding:1.25rem .75rem;border:2px solid #505a5f;
font-weight:700}
dl{margin:.5rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.findings{margin:.25rem 0;padding-left:1.25rem}
.error{color:#8a0000}.warning{color:#5c3b00}
.notice{background:#fff7d6;border-left:4px solid #8a6100;padding:.5rem;margin:.5rem 0}
.act{background:#eef4fa;padding:.5rem;margin:.75rem 0 0}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f7f7;padding:.5rem;
border:1px solid var(--line);max-height:30rem;overflow:auto}
summary{cursor:pointer;color:var(--link)}
[hidden]{display:none!important}
@media print{
body{background:#fff;font-size:11pt}.filters{display:none!important}
.cards{display:block}.card{break-inside:avoid;border:1px solid #888;margin:0 0 .5rem}
a{color:inherit}pre{max-height:none}}
"""

SCRIPT = """
(function(){
var form=document.getElementById('filters');if(!form)return;form.hidden=false;
var cards=[].slice.call(document.querySelectorAll('.card'));
var shown=document.getElementById('shown');
function apply(){
var f={};[].forEach.call(form.querySelectorAll('select'),function(s){f[s.name]=s.value});
var n=0;cards.forEach(function(c){
var ok=(!f.status||c.dataset.status===f.status)&&(!f.source||c.dataset.source===f.source)
&&(!f.sink||c.dataset.sinks.split(' ').indexOf(f.sink)>=0)
&&(!f.finding||c.dataset.findings.split(' ').indexOf(f.finding)>=0);
c.hidden=!ok;if(ok)n++});
shown.textContent=n+' of '+cards.length+' items shown';}
form.addEventListener('change',apply);apply();})();
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def render(cards: list[Card], organisation: str, queue_name: str = "queue.yaml") -> str:
    """The whole page for ``cards``."""
    e = html.escape
    waiting = sum(1 for c in cards if c.status == Status.PENDING)
    counts = Counter(c.status for c in cards)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "the queue is empty"
    csp = (f"default-src 'none'; img-src data:; style-src {_csp_hash(STYLE)}; "
           f"script-src {_csp_hash(SCRIPT)}; base-uri 'none'; form-action 'none'")
    parts = [
        "<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>Review queue — {e(organisation)}</title>",
        f"<style>{STYLE}</style>", "</head>", "<body>",
        "<header>",
        f"<h1>Review queue: {waiting} item{'s' if waiting != 1 else ''} waiting for a "
        "decision</h1>",
        f'<p class="counts">{e(organisation)} · {e(summary)}. To decide, edit '
        f"<code>{e(queue_name)}</code> as each card says, then save: the next run does the "
        "rest.</p>",
        "</header>", "<main>", _filters(cards),
        f'<p id="shown" class="counts" aria-live="polite">{len(cards)} items</p>',
        '<ul class="cards">',
        *(_card(card, queue_name) for card in cards),
        "</ul>", "</main>",
        '<footer><p class="counts">Written by syndicate. This page changes nothing: '
        f"decisions are made in {e(queue_name)}.</p></footer>",
        f"<script>{SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _options(name: str, label: str, values: Iterable[tuple[str, str]]) -> str:
    e = html.escape
    options = "".join(f'<option value="{e(v)}">{e(text)}</option>' for v, text in values)
    return (f'<label for="f-{name}">{label}<select id="f-{name}" name="{name}">'
            f'<option value="">All</option>{options}</select></label>')


def _filters(cards: list[Card]) -> str:
    statuses = sorted({c.status for c in cards}, key=_status_rank)
    sources = sorted({c.source for c in cards})
    sinks = sorted({s for c in cards for s in c.sinks})
    codes = sorted({f.code for c in cards for f in c.findings})
    findings = [("error", "Any that stops publication"), ("warning", "Any worth a look"),
                ("none", "No findings"), *((code, code) for code in codes)]
    return ('<form id="filters" class="filters" hidden aria-label="Filter the items">'
            + _options("status", "Status", ((s, s) for s in statuses))
            + _options("source", "Source", ((s, s) for s in sources))
            + _options("sink", "Goes to", ((s, s) for s in sinks))
            + _options("finding", "Finding", findings) + "</form>")


def _status_rank(status: Status) -> int:
    order = reconcile.QUEUE_STATUSES
    return order.index(status) if status in order else len(order)


def _card(card: Card, queue_name: str) -> str:
    e = html.escape
    severities: set[str] = {f.severity for f in card.findings} or {"none"}
    data = (f'data-status="{e(card.status)}" data-source="{e(card.source)}" '
            f'data-sinks="{e(" ".join(card.sinks))}" '
            f'data-findings="{e(" ".join(sorted(severities | {f.code for f in card.findings})))}"')
    out = [f'<li class="card" id="item-{e(card.id)}" {data}>', "<article>",
           f"<h2>{e(card.title or '(no title)')}</h2>",
           f'<p class="meta"><span class="status">{e(card.status)}</span> {e(card.kind)} from '
           f"{e(card.source)} · {e(_day(card.date))} · <code>{e(card.id)}</code></p>"]
    if card.thumbnail:
        uri = "data:image/jpeg;base64," + base64.b64encode(card.thumbnail).decode("ascii")
        out.append(f'<img class="thumb" src="{uri}" alt="{e(card.alt)}">')
    elif card.kind == "document":
        out.append('<span class="doc" role="img" aria-label="Document">DOC</span>')
    elif card.kind == "image":   # a format Pillow cannot read (SVG, HEIC), or not fetched
        out.append('<span class="doc" role="img" aria-label="Picture, no preview">'
                   "PICTURE</span>")
    if card.notice:
        out.append(f'<p class="notice"><strong>Notice:</strong> {e(card.notice)}</p>')
    if card.excerpt:
        out.append(f"<p>{e(card.excerpt)}</p>")
    out.append("<dl>")
    if _is_http(card.url):
        out.append(f'<dt>Source page</dt><dd><a href="{e(card.url)}">{e(card.url)}</a></dd>')
    licence = e(card.licence_name or card.licence)
    if _is_http(card.licence_url):
        licence = f'<a href="{e(card.licence_url)}">{licence}</a>'
    out.append(f"<dt>Licence</dt><dd>{licence}</dd>")
    out.append(f"<dt>Credit</dt><dd>{e(card.attribution) or 'none'}</dd>")
    out.append(f"<dt>Goes to</dt><dd>{e(', '.join(card.sinks)) or 'nowhere'}</dd>")
    if card.note:
        out.append(f"<dt>Note</dt><dd>{e(card.note)}</dd>")
    if card.reason:
        out.append(f"<dt>Reason</dt><dd>{e(card.reason)}</dd>")
    out.append("</dl>")
    out.extend(_findings(card.findings))
    for sink, text in card.page_texts.items():
        out.append(f"<details><summary>Page text for {e(sink)}, exactly as it will be "
                   f"written</summary><pre>{e(text)}</pre></details>")
    out.append(_action(card, queue_name))
    out.append("</article></li>")
    return "\n".join(out)


def _findings(findings: list[Finding]) -> list[str]:
    e = html.escape
    out = []
    for severity in ("error", "warning"):
        found = [f for f in findings if f.severity == severity]
        if not found:
            continue
        out.append(f'<h3 class="{severity}">{SEVERITY_WORDS[severity]} ({len(found)})</h3>')
        out.append('<ul class="findings">')
        for f in found:
            where = f" (for {e(f.sink)})" if f.sink else ""
            out.append(f"<li>{e(f.message)}{where} <code>{e(f.code)}</code></li>")
        out.append("</ul>")
    return out


def _action(card: Card, queue_name: str) -> str:
    e = html.escape
    where = f"at line {card.line} of {e(queue_name)}" if card.line else f"in {e(queue_name)}"
    choices = ACTIONS.get(card.status)
    if not choices:
        return (f'<p class="act">Item <code>{e(card.id)}</code> {where}: {e(card.status)}, '
                "nothing to decide.</p>")
    lines = " or ".join(f"<code>status: {c}</code>" for c in choices)
    return (f'<p class="act">To decide: find <code>- id: {e(card.id)}</code> {where} and '
            f"change <code>status: {e(card.status)}</code> to {lines}.</p>")


def _day(date: str) -> str:
    return date[:10] if re.match(r"\d{4}-\d\d-\d\d", date) else date


def _is_http(url: str) -> bool:
    return url.startswith(("https://", "http://"))
