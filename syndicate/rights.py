"""What an item's licence says about the item, in the fields reusers' tools read.

Two places carry a licence beyond syndicate: metadata inside the file (XMP, IPTC — written by
:mod:`syndicate.filetags`) and structured data on the council's page (schema.org JSON-LD and
ccREL RDFa — :mod:`syndicate.snippets`). Both say the same things, so both take them from
:func:`rights_of`: the licence, the credit line tagging already built, who is credited, who
grants the licence and where to read about it (docs/metadata.md, "Files"; IPTC's Photo Metadata
Standard names the fields Web Statement of Rights, Licensor URL, Creator, Credit Line and
Copyright Notice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syndicate.licences import Licence, registry
from syndicate.model import Item
from syndicate.sinks.base import Organisation
from syndicate.tagging import Licensing


@dataclass(frozen=True)
class Rights:
    """The licence facts of one item, ready to write into a file or onto a page."""

    licence: Licence
    credit_text: str              # the TASL credit line (xmpRights:UsageTerms, creditText)
    creator: str                  # who is credited (dc:creator, cc:attributionName, Credit)
    creator_url: str | None
    work_url: str | None          # where the work lives (cc:attributionURL)
    web_statement: str            # a page stating the licence (xmpRights:WebStatement)
    copyright_notice: str         # dc:rights, IPTC Copyright Notice, copyrightNotice
    licensor: str                 # who grants the licence (plus:Licensor)
    licensor_url: str             # where to read how to reuse it (acquireLicensePage)

    @property
    def marked(self) -> bool:
        """xmpRights:Marked: True for a rights-managed work, False only for public domain."""
        return self.licence.family != "pd"


def rights_of(item: Item, licensing: Licensing, organisation: Organisation) -> Rights | None:
    """The rights of a tagged item, or None when it has no licence (nothing to say)."""
    if item.licence is None or item.attribution is None:
        return None
    licence = registry().get(item.licence)
    attributor = licensing.decide(item).attributor
    own_creator = (item.creator or "").strip()
    creator = own_creator or (attributor.name if attributor else organisation.name)
    creator_url = item.creator_url if own_creator else (
        attributor.url if attributor else organisation.url or None)
    # A lent work is licensed by its owner; the council's own by the council.
    licensor = creator if item.third_party else (
        attributor.name if attributor else organisation.name)
    statement = attributor.statement if attributor and creator == attributor.name else None
    return Rights(
        licence=licence, credit_text=item.attribution.text, creator=creator,
        creator_url=creator_url,
        work_url=item.extra.get("source_url") or item.url or item.media_url,
        web_statement=item.evidence or licence.url,
        copyright_notice=_notice(item, licence, creator, statement),
        licensor=licensor,
        licensor_url=item.evidence or creator_url or organisation.url or licence.url)


def _notice(item: Item, licence: Licence, creator: str, statement: str | None) -> str:
    """A copyright notice: the council's own statement when it is credited, else
    ``© YEAR CREATOR, licensed under …`` (public domain works say so instead)."""
    if statement:
        return " ".join(statement.split())
    if licence.family == "pd":
        return f"{creator}: {licence.name}"
    year = item.date[:4] + " " if item.date and re.match(r"\d{4}", item.date) else ""
    return f"© {year}{creator}, licensed under {licence.short_name} ({licence.url})"
