"""Withdrawing a Wikipedia draft: blank it and ask for deletion by its author, unless a
person has worked on it since syndicate's edit — then their work wins and a person decides.

English Wikipedia's criterion G7 lets the only substantial author ask for a page's
deletion by tagging it ``{{db-g7}}``; an administrator deletes it. The template is the
sink's ``withdraw_template`` option (``""``: never tag, always leave it to a person).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from syndicate.errors import SinkError
from syndicate.mediawiki import Wiki
from syndicate.model import Item, Receipt, Withdrawal, withdrawal_reason
from syndicate.wikitext import edit_summary

if TYPE_CHECKING:
    from syndicate.sinks.wikipedia import WikipediaDraftSink


def withdraw_draft(sink: WikipediaDraftSink, item: Item, receipt: Receipt) -> Withdrawal:
    """Blank and tag the item's draft, or say why a person must look."""
    wiki = sink._wiki
    if wiki is None:
        raise SinkError(f"{sink.name}: withdraw called before open")
    title = str(receipt.detail.get("title") or receipt.remote_id)
    url = wiki.page_url(title)
    page = sink._read(wiki, title)
    if not page.exists:
        if any(e.get("type") == "delete" for e in sink._history(wiki, title)):
            return Withdrawal(True, f"{title} is already deleted", url)
        return Withdrawal(False, sink._gone(wiki, title), url)
    if page.redirect:
        return Withdrawal(False, f"{sink._gone(wiki, title)}; withdraw it there by hand", url)
    if receipt.detail.get("pageid") not in (None, page.pageid):
        return Withdrawal(False, f"{title} is now a different page (deleted and recreated); "
                          "syndicate leaves it alone", url)
    others = _editors_since(wiki, title, receipt)
    if others:
        return Withdrawal(False, f"{title} was edited by {', '.join(others)} since "
                          "syndicate's edit; their work is kept, so a person decides whether "
                          "to blank it or ask for deletion", url)
    template = sink.withdraw_template
    if not template:
        return Withdrawal(False, f"withdraw_template is empty, so {title} is left for a "
                          "person to blank or nominate for deletion", url)
    tag = f"{{{{{template}}}}}"
    if page.text.strip() == tag:
        return Withdrawal(True, f"{title} is already blanked and tagged {template}", url)
    reason = withdrawal_reason(item) or "withdrawn by the council"
    summary = edit_summary(f"Withdrawn by {sink.context.organisation.name}: {reason}. "
                           f"Blanking and requesting deletion by the author ({template})")
    sink._edit(wiki, page, tag + "\n", summary)
    return Withdrawal(True, f"{title} blanked and tagged {template} (deletion requested by "
                      "its author); an administrator deletes it", url)


def _editors_since(wiki: Wiki, title: str, receipt: Receipt) -> list[str]:
    """Users other than syndicate's account who edited ``title`` after our last edit."""
    ours = receipt.detail.get("revid")
    params = {"titles": title, "prop": "revisions", "rvprop": "ids|user", "rvlimit": "max"}
    if ours:
        params["rvendid"] = str(ours)  # newest first, down to our revision
    answer = wiki.get("query", **params)
    revisions = answer["query"]["pages"][0].get("revisions", [])
    newer = [r for r in revisions if not ours or int(r["revid"]) > int(ours)]
    if not ours:
        newer = revisions[:1]
    return sorted({str(r.get("user")) for r in newer if r.get("user") != wiki.user})
