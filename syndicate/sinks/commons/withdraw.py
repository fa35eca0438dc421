"""Withdrawing a file from Wikimedia Commons: a bot may not delete, so syndicate asks.

If the file is syndicate's alone — every upload and every edit of its page by our account
— the sink puts a deletion request on the page (the ``withdraw_template`` option, default
``Speedy deletion|1={reason}``; Commons' criterion G7 covers an uploader's own request)
and reports the page as needing a person: an administrator deletes it. A file others have
touched (a later version, an edit of its page, or the file was someone else's and we only
linked it) is left alone and reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from syndicate.errors import SinkError, SkipItem
from syndicate.mediawiki import ApiError, Wiki
from syndicate.model import Item, Receipt, Withdrawal, withdrawal_reason
from syndicate.wikitext import edit_summary, escape

if TYPE_CHECKING:
    from syndicate.sinks.commons.sink import CommonsSink

DEFAULT_TEMPLATE = "Speedy deletion|1={reason}"


def withdraw_file(sink: CommonsSink, item: Item, receipt: Receipt) -> Withdrawal:
    """Request deletion of the item's file if it is ours alone; either way a person (an
    administrator, or the council's editor) finishes the job."""
    wiki = sink._wiki
    if wiki is None:
        raise SinkError(f"{sink.name}: withdraw called before open")
    title = receipt.remote_id
    url = receipt.url or wiki.page_url(title)
    if receipt.detail.get("duplicate_of"):
        return Withdrawal(False, f"{title} was already on the wiki and syndicate only "
                          "linked it; it is not the council's upload to withdraw", url)
    page = wiki.get("query", titles=title, prop="revisions|imageinfo", rvprop="user|content",
                    rvslots="main", rvlimit="1", iiprop="user", iilimit="max")
    found = page["query"]["pages"][0]
    if found.get("missing"):
        return Withdrawal(True, f"{title} is already deleted", url)
    others = _others(wiki, title, found)
    if others:
        return Withdrawal(False, f"{title} has uploads or edits by {', '.join(others)}; "
                          "syndicate asks for nothing. Decide whether to request deletion "
                          "on the file page", url)
    reason = withdrawal_reason(item) or "withdrawn by the council"
    request = "{{" + sink.withdraw_template.replace(
        "{reason}", escape(f"{reason} (withdrawn by {sink.context.organisation.name})")) + "}}"
    text = str(found["revisions"][0]["slots"]["main"].get("content", ""))
    if request not in text:
        summary = edit_summary(f"Requesting deletion of our own upload: {reason}")
        try:
            wiki.write("edit", title=title, prependtext=request + "\n", summary=summary,
                       nocreate=True, watchlist="nochange")
        except ApiError as error:
            raise SkipItem(f"{title}: the wiki refused the deletion request: {error.code}: "
                           f"{error.info}") from None
    return Withdrawal(False, f"deletion of {title} requested; a bot may not delete, so an "
                      "administrator must (check the file is gone)", url)


def _others(wiki: Wiki, title: str, found: Mapping[str, Any]) -> list[str]:
    """Accounts other than ours among the file's uploaders and its page's editors."""
    users = {str(info.get("user")) for info in found.get("imageinfo") or []}
    answer = wiki.get("query", titles=title, prop="revisions", rvprop="user", rvlimit="max")
    users |= {str(r.get("user")) for r in answer["query"]["pages"][0].get("revisions", [])}
    return sorted(users - {str(wiki.user)})
