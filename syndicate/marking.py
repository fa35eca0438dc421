"""Marking the council's own files and pages with their licence (``syndicate tag``), and
the tagged copies every sink sends.

Tagged copies live in ``<state dir>/tagged/`` (``.syndicate/tagged/``), named after the item,
so the council's originals are never touched unless ``--in-place`` is asked for. Sinks get
the tagged copy through ``SinkContext.media``; when ExifTool is missing or cannot write a
file, they get the original with a ``file.untagged`` warning on the item instead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from syndicate import snippets
from syndicate.config import Config
from syndicate.errors import SyndicateError
from syndicate.files import atomic_write
from syndicate.filetags import ExifToolMissing, FileTagger, Status
from syndicate.model import Finding, Item
from syndicate.progress import Progress
from syndicate.rights import Rights, rights_of
from syndicate.status import Status as ItemStatus
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)

FILE_KINDS = ("image", "document")


def tagged_folder(config: Config) -> Path:
    """Where tagged copies of the council's files are kept."""
    return config.state_dir / "tagged"


class MediaTagger:
    """The workspace's hook: the file a sink sends is the tagged copy of the item's file."""

    def __init__(self, config: Config, folder: Path) -> None:
        self.config = config
        self.tagger = FileTagger(folder)
        self._told_missing = False    # ExifTool missing: said once a run, not per file

    def __call__(self, item: Item, path: Path) -> Path:
        rights = rights_of(item, self.config.licensing, self.config.organisation)
        if rights is None:
            return path
        try:
            return self.tagger.tag(item.id, path, rights,
                                   keep_location=item.extra.get("keep_location") is True).path
        except SyndicateError as exc:
            why = f"{path.name} is sent without licence metadata inside it: {exc}"
            if not isinstance(exc, ExifToolMissing):
                log.warning("%s: %s", item.id, why)
            elif not self._told_missing:
                self._told_missing = True
                log.warning("%s; until then files are sent without licence metadata inside "
                            "them (each such item has a file.untagged warning)", exc)
            if not any(f.code == "file.untagged" for f in item.findings):
                item.findings.append(Finding("file.untagged", "warning", why))
            return path

    def close(self) -> None:
        self.tagger.close()


@dataclass(frozen=True)
class Marked:
    """What ``syndicate tag`` did for one item."""

    item_id: str
    status: Status | str        # written | unchanged | not-writable | failed | snippets
    path: Path | None
    message: str = ""


def mark(config: Config, *, every_licensed: bool = False, in_place: bool = False,
         files: bool = True, snippet_dir: Path | None = None,
         progress: Progress | None = None) -> Iterator[Marked]:
    """Tag the files of approved and published items (every licensed item with
    ``every_licensed``) and write their page snippets into ``snippet_dir``.

    Raises :class:`~syndicate.filetags.ExifToolMissing` before anything is written when
    ``files`` is asked for and ExifTool is not installed.
    """
    tagger = FileTagger(tagged_folder(config))
    try:
        if files:
            tagger.tool  # noqa: B018 - start ExifTool now: missing, nothing is done
        with Workspace(config, progress=progress) as ws:
            for item in _chosen(ws, every_licensed):
                ws.progress.advance("tag", item.source)
                rights = rights_of(item, config.licensing, config.organisation)
                if rights is None:
                    continue
                if snippet_dir is not None:
                    _write_snippets(snippet_dir, item, rights)
                if files and item.path is not None and item.kind in FILE_KINDS:
                    yield _tag_one(tagger, item, rights, in_place)
                elif snippet_dir is not None:
                    yield Marked(item.id, "snippets", None)
    finally:
        tagger.close()


def _chosen(ws: Workspace, every_licensed: bool) -> Iterator[Item]:
    records = ws.ledger.live() if every_licensed else \
        ws.ledger.with_status(ItemStatus.APPROVED, ItemStatus.PUBLISHED)
    for record in records:
        if record.item.licence is not None:
            yield record.item


def _tag_one(tagger: FileTagger, item: Item, rights: Rights, in_place: bool) -> Marked:
    assert item.path is not None
    if not item.path.is_file():
        return Marked(item.id, "failed", item.path, f"{item.path}: no longer there; run "
                      "syndicate collect")
    try:
        tagged = tagger.tag(item.id, item.path, rights, in_place=in_place,
                            keep_location=item.extra.get("keep_location") is True)
    except SyndicateError as exc:
        return Marked(item.id, "failed", item.path, str(exc))
    return Marked(item.id, tagged.status, tagged.path)


def _write_snippets(folder: Path, item: Item, rights: Rights) -> None:
    """``ID.json`` (the JSON-LD) and ``ID.html`` (it in a script element, then the ccREL
    credit line), rewritten only when they change."""
    data = snippets.json_ld(item, rights)
    for path, text in ((folder / f"{item.id}.json", json.dumps(data, indent=2,
                                                               ensure_ascii=False) + "\n"),
                       (folder / f"{item.id}.html", snippets.html(item, data))):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write(path, text)
