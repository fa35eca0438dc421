"""Where an item stands: the one list of statuses the ledger holds and queue.yaml shows.

:class:`Status` is a ``StrEnum``, so a member compares equal to its value and is written as
it by ``json`` and SQLite. PyYAML cannot represent an enum member: whatever writes YAML
writes ``status.value`` (the queue shows plain words an editor types back).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The status of one item, in the ledger and in queue.yaml. Each member's docstring
    (``help(Status.PENDING)``) says what it means for an editor."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    FAILED = "failed"
    BLOCKED = "blocked"
    WITHDRAWN = "withdrawn"
    EXCLUDED = "excluded"


for _status, _meaning in {
    Status.PENDING: "New, or changed at its source, and waiting for an editor to approve "
                    "or reject it. An editor may also set it again to take back an approval "
                    "or rejection.",
    Status.APPROVED: "An editor (or an urgent lane) said it may go out: the next run "
                     "publishes it to its sinks.",
    Status.REJECTED: "An editor turned it down: it is never published unless an editor "
                     "approves it later. The reason they give is kept.",
    Status.PUBLISHED: "Every sink it goes to holds it; the ledger has a receipt for each. "
                      "To take it back, an editor sets withdrawn with a reason.",
    Status.FAILED: "A sink could not take it yet (unreachable, refused); the next run tries "
                   "again. The queue's results say why; an editor may reject it instead.",
    Status.BLOCKED: "An error finding (see findings) stops it for every sink. It cannot be "
                    "approved; fix the cause at the source and it comes back as pending.",
    Status.WITHDRAWN: "Taken back: by an editor, `syndicate withdraw`, expiry or its source "
                      "dropping it. Sinks that held it are asked to remove it.",
    Status.EXCLUDED: "Left out by the licensing rules in syndicate.yaml: never shown to "
                     "editors and never published.",
}.items():
    _status.__doc__ = _meaning
