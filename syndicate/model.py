"""The things that flow through the pipeline: items, findings, attribution and receipts.

Sources make :class:`Item` objects, tagging fills in their licence and attribution, checks
attach :class:`Finding` objects, and sinks hand back a :class:`Receipt` for each publication.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

Kind = Literal["article", "image", "document"]
KINDS: frozenset[str] = frozenset({"article", "image", "document"})

Severity = Literal["error", "warning"]


def make_id(source: str, key: str) -> str:
    """A stable item id: the source name and a short hash of the item's own key (guid, URL
    or path), so the same item gets the same id on every run and in every queue copy."""
    return f"{source}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"


@dataclass(frozen=True)
class Finding:
    """Something a check found about an item, for one sink (``sink=None``: for every sink).

    ``code`` is dotted and stable (``licence.not-accepted``, ``ogl.logo``) so that tests,
    editors and monitoring can rely on it; ``message`` says what is wrong and what to do.
    """

    code: str
    severity: Severity
    message: str
    sink: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "sink": self.sink,
                "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(code=str(data["code"]), severity=data["severity"],
                   message=str(data["message"]), sink=data.get("sink"))


class Credit(Protocol):
    """A credit line not yet written out (:class:`syndicate.attribution.Credit`)."""

    def render(self, form: str) -> str:
        """The credit as ``"text"``, ``"html"`` or ``"wikitext"``."""

    def as_data(self) -> list[list[str | None]]:
        """The credit as JSON-ready data (what the ledger stores)."""


class Attribution:
    """One credit line in the three forms the sinks need:

    - ``text``: plain text: TASL, or the OGL attribution statement;
    - ``html``: HTML with ccREL RDFa, safe to embed;
    - ``wikitext``: escaped wikitext, safe inside a template parameter.

    A plugin may give the three forms (``Attribution(text, html, wikitext)``). Tagging
    gives the credit's parts instead, and each form is written the first time it is asked
    for: most items are collected, stored and queued without ever needing their HTML or
    wikitext, and writing all three for every item was a sixth of a big first collect.
    """

    __slots__ = ("_credit", "_forms")

    def __init__(self, text: str | None = None, html: str | None = None,
                 wikitext: str | None = None, *, credit: Credit | None = None) -> None:
        if credit is None and None in (text, html, wikitext):
            raise TypeError("Attribution needs text, html and wikitext, or a credit")
        self._credit = credit
        self._forms = {} if credit is not None else \
            {"text": text, "html": html, "wikitext": wikitext}

    def _form(self, form: str) -> str:
        value = self._forms.get(form)
        if value is None:
            assert self._credit is not None
            value = self._forms[form] = self._credit.render(form)
        return value

    @property
    def text(self) -> str:
        return self._form("text")

    @property
    def html(self) -> str:
        return self._form("html")

    @property
    def wikitext(self) -> str:
        return self._form("wikitext")

    def as_dict(self) -> dict[str, Any]:
        """What the ledger stores: the credit's parts, or the three forms a plugin gave."""
        if self._credit is not None:
            return {"parts": self._credit.as_data()}
        return {"text": self.text, "html": self.html, "wikitext": self.wikitext}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attribution:
        """:meth:`as_dict` read back (and the three forms ledgers stored before parts)."""
        if "parts" in data:
            # Imported here: syndicate.attribution builds on this module.
            from syndicate.attribution import Credit as Parts
            return cls(credit=Parts.from_data(data["parts"]))
        return cls(str(data["text"]), str(data["html"]), str(data["wikitext"]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Attribution):
            return NotImplemented
        return (self.text, self.html, self.wikitext) == (other.text, other.html,
                                                         other.wikitext)

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Attribution(text={self.text!r})"


@dataclass(frozen=True)
class Attachment:
    """A picture or document that belongs inside an article (a feed entry's enclosure or
    ``media:content``): where it is, what type and size, its alt text, title, credit and the
    licence URL its source declares for it (``None``: the article's licence)."""

    url: str
    type: str | None = None
    length: int | None = None
    alt: str = ""
    title: str = ""
    credit: str | None = None
    licence: str | None = None


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def is_language_tag(value: object) -> bool:
    """Whether ``value`` looks like a BCP 47 language tag (``en-GB``, ``cy``)."""
    return isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value) is not None


@dataclass
class Item:
    """One piece of content a source offers: a news article, a page, a photo or a document.

    Sources fill in what they know about the work; tagging sets ``licence``,
    ``licence_url``, ``attribution`` and ``evidence``. ``path`` is a local file;
    ``media_url`` a remote one (an enclosure or an image on a page).
    """

    id: str
    source: str
    kind: Kind
    title: str
    url: str | None = None
    description: str = ""
    content_html: str = ""
    creator: str | None = None
    creator_url: str | None = None
    date: str | None = None
    modified: str | None = None
    path: Path | None = None
    media_url: str | None = None
    media_type: str | None = None
    size: int | None = None
    alt: str = ""
    categories: list[str] = field(default_factory=list)
    declared_licences: list[str] = field(default_factory=list)
    people_identifiable: bool = False
    third_party: bool = False
    parent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    language: str | None = None        # BCP 47; None: the organisation's language
    attachments: list[Attachment] = field(default_factory=list)
    # When syndicate first saw the item (set from the ledger, stable across runs): the
    # only honest "updated" for an item whose source gives no date.
    first_seen: str | None = None
    # Set by tagging.
    licence: str | None = None
    licence_url: str | None = None
    attribution: Attribution | None = None
    evidence: str | None = None
    findings: list[Finding] = field(default_factory=list)

    _SOURCE_FIELDS = ("source", "kind", "title", "url", "description", "content_html",
                      "creator", "creator_url", "date", "media_url", "media_type", "size",
                      "alt", "categories", "declared_licences", "people_identifiable",
                      "third_party", "parent", "extra")
    # Fields added later count only when set, so adding them changed no item's hash.
    _OPTIONAL_SOURCE_FIELDS = ("language", "attachments")

    def content_hash(self, file_hash: Callable[[Path], str] | None = None) -> str:
        """Hash of everything the source said about the item (and the file's bytes), so a
        rerun can tell an unchanged item from a changed one without comparing fields.
        ``file_hash`` may answer from a cache (the ledger's) instead of reading the file."""
        digest = hashlib.sha256()
        fields = {name: getattr(self, name) for name in self._SOURCE_FIELDS}
        fields |= {name: getattr(self, name) for name in self._OPTIONAL_SOURCE_FIELDS
                   if getattr(self, name)}
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode("utf-8"))
        if self.path is not None:
            digest.update((file_hash or file_sha1)(self.path).encode("ascii"))
        return digest.hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data, sharing nothing the item can change. Built field by
        field: ``dataclasses.asdict`` recurses into and deep-copies every value, which was a
        sixth of a first collect's time (the ledger saves every new item)."""
        data = {name: getattr(self, name) for name in _ITEM_FIELDS}
        data["path"] = str(self.path) if self.path is not None else None
        data["categories"] = list(self.categories)
        data["declared_licences"] = list(self.declared_licences)
        data["extra"] = copy.deepcopy(self.extra) if self.extra else {}
        data["attribution"] = None if self.attribution is None else self.attribution.as_dict()
        data["findings"] = [finding.as_dict() for finding in self.findings]
        data["attachments"] = [dataclasses.asdict(a) for a in self.attachments]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        values = dict(data)
        if values.get("path") is not None:
            values["path"] = Path(values["path"])
        if values.get("attribution") is not None:
            values["attribution"] = Attribution.from_dict(values["attribution"])
        values["findings"] = [Finding.from_dict(f) for f in values.get("findings") or []]
        values["attachments"] = [Attachment(**a) for a in values.get("attachments") or []]
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


_ITEM_FIELDS = tuple(field.name for field in dataclasses.fields(Item))


def file_sha1(path: Path) -> str:
    """SHA-1 of a file, read in blocks (MediaWiki identifies files by SHA-1)."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Receipt:
    """Proof that a sink published an item: where it went and how to find it again.

    ``remote_id`` identifies the publication on the other side (a file title, a page id,
    an entry id); ``detail`` holds whatever the sink needs next time (revision ids,
    SHA-1, ``duplicate_of``…). It must be JSON-serialisable and hold no secrets.
    """

    remote_id: str
    url: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


#: Key in ``Item.extra`` under which the pipeline hands a sink's ``withdraw`` the reason a
#: person (or expiry) gave; see :func:`withdrawal_reason`.
WITHDRAWAL_REASON = "withdrawal_reason"


def withdrawal_reason(item: Item) -> str:
    """Why ``item`` is being withdrawn, as the person who withdrew it wrote it ("" if they
    gave no reason). Sinks put it in edit summaries, deletion requests and tombstones."""
    return str(item.extra.get(WITHDRAWAL_REASON) or "")


@dataclass(frozen=True)
class Withdrawal:
    """What a sink's optional ``withdraw(item, receipt)`` did to take a publication back.

    ``done`` is True when the item is gone from the sink (or the sink did all a bot may, as
    tagging a draft for deletion by its author); False when a person must finish the job —
    ``message`` says what to do and ``url`` where. A sink that cannot withdraw now raises
    RetryLater or SinkError as ``publish`` does (tried again next run).
    """

    done: bool
    message: str
    url: str | None = None
