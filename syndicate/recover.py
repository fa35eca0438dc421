"""Rebuilding a lost ledger from what survives it: the queue and the wikis' own history.

``syndicate recover`` is for the morning after ``.syndicate/state.sqlite`` was deleted or
lost with no backup. Every run then stops (exit 2) rather than rewrite the queue as
empty; this module rebuilds the ledger instead:

- every item in ``queue.yaml`` becomes a record again, with the editors' status, note,
  reason and sinks, and a publication for every ``results:`` entry that says published;
- for each wiki sink (Commons, Wikipedia drafts) the bot account's own history is read —
  its upload log, its edits — and each upload or edit whose summary names an item's URL
  (syndicate writes it there) becomes that item's publication, so an item published just
  before the ledger was lost is not published a second time.

Nothing is written until the caller has shown the :class:`Plan` to a person and applied
it. A recovered item keeps only what the queue says of it; its content hash is marked
``recovered:`` so the next ``collect`` reads the source again and fills it in (keeping the
editors' decision when the content is unchanged), and ``publish`` waits for that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from syndicate import queue, reconcile
from syndicate.config import Config
from syndicate.errors import InputError, SinkError
from syndicate.ledger import RECOVERED, Record, now
from syndicate.mediawiki import Account, RetryPolicy, Wiki
from syndicate.model import Item, Receipt
from syndicate.status import Status
from syndicate.workspace import Workspace, user_agent

FILE_NAMESPACE = 6


@dataclass(frozen=True)
class Found:
    """One publication the plan will record, and where it was found."""

    item_id: str
    sink: str
    receipt: Receipt
    where: str            # "queue" or "the wiki's upload log" / "the wiki's edit history"


@dataclass
class Plan:
    """What recovery would write: records, publications, and what it could not place."""

    records: list[Record] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Plain lines for the person who confirms."""
        from_wikis = [f for f in self.found if f.where != "queue"]
        lines = [f"{len(self.records)} items from the queue",
                 f"{len(self.found) - len(from_wikis)} publications the queue records",
                 f"{len(from_wikis)} more publications found in the wikis' history:"]
        lines += [f"  {f.item_id} → {f.sink}: {f.receipt.remote_id}" for f in from_wikis]
        if self.unplaced:
            lines.append("in the wikis' history but tied to no queue item (look at them):")
            lines += [f"  {line}" for line in self.unplaced]
        return lines


def plan(config: Config) -> Plan:
    """Read the queue and the wikis' history; change nothing."""
    with Workspace(config, dry_run=True) as ws:
        if not ws.ledger.is_empty():
            raise InputError(f"{config.state_dir / 'state.sqlite'} is not empty; recover "
                             "only rebuilds a lost ledger")
        snapshot = queue.read(config.queue.path, list(config.sinks))
        result = Plan()
        for raw in snapshot.items:
            record = _record(raw)
            result.records.append(record)
            result.found.extend(_queued_publications(raw, record))
        for name in config.sinks:
            sink = ws.sink(name)
            account = getattr(sink, "account", None)
            if isinstance(account, Account):
                _from_history(ws, name, account, result)
    return result


def apply(config: Config, recovered: Plan) -> None:
    """Write the plan into the (still empty) ledger and rewrite the queue from it."""
    with Workspace(config) as ws:
        if not ws.ledger.is_empty():
            raise InputError("the ledger was filled meanwhile; nothing was changed")
        for record in recovered.records:
            done = {f.sink for f in recovered.found if f.item_id == record.item.id}
            if record.sinks and set(record.sinks) <= done:
                record.status = Status.PUBLISHED
            record.shown = reconcile.shown_fields(record)
            ws.ledger.save(record)
        version = {r.item.id: r.content_hash.removeprefix(RECOVERED)
                   for r in recovered.records}
        for found in recovered.found:
            ws.ledger.record_publication(found.item_id, found.sink, version[found.item_id],
                                         found.receipt)
        ws.ledger.commit()
        settings = config.queue
        reconcile.sync(ws.ledger, settings.path, list(config.sinks), settings.max_pending,
                       settings.keep_days)


def _record(raw: dict[str, Any]) -> Record:
    """An item as the queue shows it, its hash marked so the next collect reads it again."""
    item = Item(id=raw["id"], source=str(raw.get("source") or ""),
                kind=raw.get("kind") or "article", title=str(raw.get("title") or ""),
                url=raw.get("url") or None,
                licence=None if raw.get("licence") in (None, "none") else raw["licence"])
    sinks = [str(s) for s in raw.get("sinks") or []]
    targets = sorted(set(sinks) | set(raw.get("results") or {}))
    stamp = now()
    status = Status(str(raw.get("status") or Status.PENDING))   # queue.read checked it
    return Record(item=item, content_hash=RECOVERED + str(raw.get("version") or ""),
                  targets=targets, chosen=sinks, status=status,
                  shown=None, in_queue=True, note=str(raw.get("note") or ""),
                  reason=str(raw.get("reason") or ""), first_seen=stamp, updated=stamp)


def _queued_publications(raw: dict[str, Any], record: Record) -> Iterator[Found]:
    for sink, result in (raw.get("results") or {}).items():
        if isinstance(result, dict) and result.get("status") == "published":
            url = result.get("url")
            detail = {"recovered": "queue"}
            if result.get("duplicate_of"):
                detail["duplicate_of"] = str(result["duplicate_of"])
            yield Found(record.item.id, str(sink),
                        Receipt(str(url or f"recovered:{record.item.id}"), url, detail),
                        "queue")


def _from_history(ws: Workspace, sink: str, account: Account, result: Plan) -> None:
    """Tie the bot account's uploads (or edits) on the sink's wiki to queue items."""
    from syndicate.sinks.commons.sink import CommonsSink  # loaded only when configured

    wiki = account.login(user_agent=user_agent(ws.config), policy=RetryPolicy(attempts=2),
                         purpose="recovering", deadline=ws.config.limits.login_deadline)
    try:
        known = {(f.item_id, f.sink) for f in result.found}
        candidates = [r for r in result.records if sink in r.targets
                      and (r.item.id, sink) not in known]
        uploads = isinstance(ws.sink(sink), CommonsSink)
        where = "the wiki's upload log" if uploads else "the wiki's edit history"
        for title, comment in (_uploads(wiki) if uploads else _edits(wiki)):
            matches = _matching(candidates, title, comment)
            if len(matches) != 1:
                if matches or uploads:  # every upload of the bot is syndicate's
                    names = " or ".join(r.item.id for r in matches) or "no item"
                    result.unplaced.append(f"{wiki.name}: {title} ({names})")
                continue
            record = matches[0]
            name = title.split(":", 1)[1] if uploads and ":" in title else title
            result.found.append(Found(record.item.id, sink, Receipt(
                title, wiki.page_url(title), {"title": name, "recovered": where}), where))
            candidates.remove(record)
    except SinkError as error:
        raise InputError(f"{sink}: the wiki's history could not be read ({error}); "
                         "nothing was changed, try again") from None
    finally:
        wiki.close()


def _matching(candidates: list[Record], title: str, comment: str) -> list[Record]:
    """The items this upload or edit names: by URL (or, without one, title) in its
    summary; among several (images of one page share its URL), those whose title the
    page or file title carries."""
    padded = f" {comment} "
    named = [r for r in candidates
             if (r.item.url and f" {r.item.url} " in padded)
             or (not r.item.url and r.item.title and f": {r.item.title} (" in comment)]
    if len(named) > 1:
        named = [r for r in named if r.item.title and r.item.title in title]
    return named


def _uploads(wiki: Wiki) -> Iterator[tuple[str, str]]:
    for event in _listing(wiki, "logevents", "logevents", letype="upload",
                          leuser=wiki.user, leprop="title|comment", lelimit="max"):
        yield str(event.get("title", "")), str(event.get("comment", ""))


def _edits(wiki: Wiki) -> Iterator[tuple[str, str]]:
    for edit in _listing(wiki, "usercontribs", "usercontribs", ucuser=wiki.user,
                         ucprop="title|comment", uclimit="max"):
        if int(edit.get("ns", 0)) % 2 == 0 and int(edit.get("ns", 0)) != FILE_NAMESPACE:
            yield str(edit.get("title", "")), str(edit.get("comment", ""))


def _listing(wiki: Wiki, module: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every row of a list= query, following ``continue``."""
    more: dict[str, Any] = {}
    while True:
        answer = wiki.get("query", list=module, **params, **more)
        yield from answer.get("query", {}).get(key, [])
        if "continue" not in answer:
            return
        more = answer["continue"]
