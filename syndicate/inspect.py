"""What syndicate makes of one feed, page, file or folder, without changing anything.

``inspect`` picks the source type from what the target is (a folder, a media file, XML or
HTML), runs it through tagging and checks exactly as ``collect`` would, and returns the
items. With a config it uses that council's rules and sinks; without, it has no default
licence and no sinks, so it shows only what the content itself declares.
"""

from __future__ import annotations

import glob
import mimetypes
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from syndicate import plugins, snippets
from syndicate.checks import Duplicates
from syndicate.collect import examine
from syndicate.config import Config
from syndicate.errors import InputError
from syndicate.model import Item
from syndicate.plaintext import html_to_text
from syndicate.sinks.drafttext import draft_body
from syndicate.sources.base import Source, SourceContext
from syndicate.workspace import Workspace

MEDIA_TYPES = ("image/", "application/pdf", "video/", "audio/")


def inspect(target: str, config: Config) -> Iterator[Item]:
    """Yield the tagged, checked items ``target`` (URL or path) would produce: read through
    the plugin boundary as ``collect`` reads it (deadlines, caps, refused URLs, invisible
    characters), so inspect shows what a run would take in."""
    ws = Workspace(config, dry_run=True)
    try:
        source = _source_for(target, ws)
        duplicates = Duplicates()
        for batch in ws.boundary.batches(source.name, source.items, source.context.problem):
            for item in batch:
                examine(ws, item, duplicates)
                yield item
    finally:
        ws.boundary.close()


def as_json(item: Item, config: Config | None = None) -> dict[str, Any]:
    """The ``inspect --json`` shape: one object per item. An article also gives ``text``
    (its extracted text, one block per line) and ``wikitext`` (the Draft body the
    wikipedia-draft sink would write, without the attribution footer); with ``config``,
    also the page snippets ``json_ld`` and ``rdfa`` that ``syndicate tag --snippets``
    writes."""
    organisation_url = config.organisation.url if config is not None else ""
    shown = article_views(item, organisation_url) if item.kind == "article" else {}
    data = {
        "id": item.id, "kind": item.kind, "title": item.title, "url": item.url,
        "source": item.source, "licence": item.licence, "licence_url": item.licence_url,
        "declared_licences": item.declared_licences,
        "attribution": item.attribution.text if item.attribution else None,
        "creator": item.creator, "date": item.date, "media_url": item.media_url,
        "parent": item.parent, "findings": [f.as_dict() for f in item.findings],
        **shown,
    }
    if config is not None:
        data.update(snippets.for_item(item, config.licensing, config.organisation))
    return data


def article_views(item: Item, organisation_url: str = "") -> dict[str, str]:
    """What syndicate takes from an article: as plain text and as the draft's wikitext."""
    return {"text": html_to_text(item.content_html),
            "wikitext": draft_body(item, organisation_url)}


def _source_for(target: str, ws: Workspace) -> Source:
    context = SourceContext(base_dir=Path.cwd(), fetcher=ws.fetcher)
    if urlsplit(target).scheme in ("http", "https"):
        ws.fetcher.trust(target)  # its own host may be private; its redirects may not
        options: dict[str, Any] = {}
        fetched = ws.fetcher.get(target)
        kind = _kind_of(fetched.content[:2048], fetched.content_type, target)
        options.update({"url": target} if kind == "feed" else {"urls": [target]})
        if kind == "pages" and (selector := _content_selector(target, ws.config)):
            options["content_selector"] = selector
        return _build(kind, options, context)
    path = Path(target)
    if path.is_dir():
        return _build("directory", {"path": str(path.resolve())}, context)
    if not path.is_file():
        raise InputError(f"{target}: no such file, folder or http(s) URL")
    media_type = mimetypes.guess_type(path.name)[0] or ""
    if media_type.startswith(MEDIA_TYPES):
        options = {"path": str(path.resolve().parent), "include": [glob.escape(path.name)],
                   "recursive": False}
        return _build("directory", options, context)
    with path.open("rb") as handle:
        head = handle.read(2048)
    kind = _kind_of(head, media_type, target)
    options = {"path": str(path.resolve())} if kind == "feed" else \
        {"urls": [str(path.resolve())]}
    return _build(kind, options, context)


def _content_selector(url: str, config: Config) -> str | None:
    """The content_selector of the configured pages source reading this URL's site, so
    inspect finds the article as that source will."""
    host = urlsplit(url).hostname
    for spec in config.sources.values():
        selector = spec.options.get("content_selector")
        listed = [*spec.options.get("urls", []), spec.options.get("sitemap") or ""]
        if isinstance(selector, str) and any(
                isinstance(u, str) and urlsplit(u).hostname == host for u in listed):
            return selector
    return None


def _build(kind: str, options: Mapping[str, Any], context: SourceContext) -> Source:
    return plugins.load_source(kind)(kind, options, context)


def _kind_of(head: bytes, content_type: str | None, name: str) -> str:
    """'feed' or 'pages', from the first bytes, then the content type, then the name."""
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "pages"
    if any(tag in lowered for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")):
        return "feed"
    if content_type and "html" in content_type:
        return "pages"
    if name.lower().endswith((".html", ".htm")):
        return "pages"
    return "feed"
