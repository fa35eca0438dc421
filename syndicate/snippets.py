"""Structured data for the council's own pages: schema.org JSON-LD and the ccREL credit line.

Search engines read a page's licence from JSON-LD (``license``, ``acquireLicensePage``,
``creditText``, ``creator``, ``copyrightNotice``: what Google's licensable-image badge reads,
https://developers.google.com/search/docs/appearance/structured-data/image-license-metadata)
and from ccREL RDFa in the HTML. The RDFa is the credit line tagging already built
(:mod:`syndicate.attribution`); the JSON-LD says the same things from :mod:`syndicate.rights`.
"""

from __future__ import annotations

import json
from typing import Any

from syndicate.model import Item
from syndicate.rights import Rights, rights_of
from syndicate.sinks.base import Organisation
from syndicate.tagging import Licensing

SCHEMA_TYPES = {"image": "ImageObject", "article": "Article", "document": "DigitalDocument"}


def for_item(item: Item, licensing: Licensing, organisation: Organisation) -> dict[str, Any]:
    """The snippets of one item as ``inspect`` shows them: ``json_ld`` and ``rdfa`` (both
    None when the item has no licence)."""
    rights = rights_of(item, licensing, organisation)
    if rights is None or item.attribution is None:
        return {"json_ld": None, "rdfa": None}
    return {"json_ld": json_ld(item, rights), "rdfa": item.attribution.html}


def json_ld(item: Item, rights: Rights) -> dict[str, Any]:
    """The schema.org description of ``item`` with its licence."""
    creator: dict[str, Any] = {
        "@type": "Person" if item.creator and not item.third_party and _is_person(item)
        else "Organization",
        "name": rights.creator}
    if rights.creator_url:
        creator["url"] = rights.creator_url
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": SCHEMA_TYPES[item.kind],
        "name": item.title, "license": rights.licence.url,
        "acquireLicensePage": rights.licensor_url, "creditText": rights.credit_text,
        "creator": creator, "copyrightNotice": rights.copyright_notice}
    if item.url:
        data["url"] = item.url
    if item.media_url:
        data["contentUrl"] = item.media_url
    if item.description:
        data["description"] = item.description
    if item.date:
        data["dateCreated"] = item.date
    return data


def _is_person(item: Item) -> bool:
    """A creator a sidecar or feed names is a person unless it reads like a body."""
    words = (item.creator or "").casefold().split()
    return not any(w in words for w in ("council", "team", "department", "service",
                                        "office", "ltd", "limited", "trust"))


def script(data: dict[str, Any]) -> str:
    """The JSON-LD as a ``<script>`` element; ``<`` is escaped so no text in it can close
    the element early."""
    text = json.dumps(data, indent=2, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def html(item: Item, data: dict[str, Any]) -> str:
    """The snippet a CMS includes: the JSON-LD script, then the ccREL credit line."""
    credit = item.attribution.html if item.attribution else ""
    return f"{script(data)}\n{credit}\n"
