"""Uploading one file to a MediaWiki, with every answer the upload API can give handled.

mwclient's ``Site.upload`` hides most of them (docs/wikimedia.md): it raises ``FileExists``
only for ``exists``, its chunked path returns a different dict and swallows ``duplicate`` and
``was-deleted``, and it cannot pass ``maxlag``. So this module speaks action=upload itself
(https://www.mediawiki.org/wiki/API:Upload):

- a small file is one request without ``ignorewarnings``; the API's warnings stand in for a
  duplicate pre-check, so a new file costs exactly one request;
- a large file is checked by SHA-1 first (``list=allimages&aisha1=``), then stashed in
  chunks with the stash ``filekey`` and ``offset`` saved after every chunk, so a crashed run
  resumes where it stopped (a stash lives six hours), then committed by ``filekey``;
- a ``Warning`` answer carries a ``filekey``: renaming, or accepting a new version, is a
  re-submission by key without sending the bytes again.

Sample answers (MediaWiki 1.39, formatversion=2)::

    {"upload": {"result": "Success", "filename": "Park_bench.png",
                "imageinfo": {"sha1": "cf0f…", "descriptionurl": "https://…/File:Park_bench.png"}}}
    {"upload": {"result": "Warning", "warnings": {"duplicate": ["Other_name.png"]},
                "filekey": "1d466jk2aqus.jrb4yk.3.png"}}
    {"upload": {"result": "Warning", "warnings": {"exists": "Park_bench.png",
                "nochange": {"timestamp": "2026-11-27T04:40:27Z"}}, "filekey": "…"}}
    {"error": {"code": "fileexists-no-change", "info": "The upload is an exact duplicate …"}}
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from syndicate.errors import SkipItem
from syndicate.mediawiki import ApiError, Wiki
from syndicate.model import Receipt
from syndicate.sinks.base import SinkState
from syndicate.sinks.commons.filenames import with_suffix

OnExists = Literal["rename", "new-version"]
#: A stash lives six hours on Wikimedia; resume only well inside that.
STASH_LIFETIME = 5 * 3600
MAX_RESUBMITS = 12
#: Warnings that need no decision once the others are settled.
_HARMLESS = frozenset({"large-file", "duplicateversions", "exists", "exists-normalized",
                       "page-exists", "nochange"})
#: Errors that are about this file, not the wiki: a person must look at the item.
_ITEM_ERRORS = frozenset({"filetype-banned", "filetype-missing", "verification-error",
                          "file-too-large", "empty-file", "illegal-filename",
                          "filename-tooshort", "filename-toolong", "fileexists-forbidden",
                          "fileexists-shared-forbidden", "filetype-banned-type",
                          "badfilename", "abusefilter-disallowed", "spamblacklist",
                          "titleblacklist-forbidden", "protectedpage", "cascadeprotected",
                          "mime-mismatch"})
#: Errors meaning the upload stash no longer holds our chunks (it expired, a crash lost the
#: answer that gave the assembled file a new key, the session changed): start the file
#: again from its first chunk. MediaWiki gives an UploadStash exception's own message key
#: as the code (ApiErrorFormatter::getMessageFromException: a localized exception ignores
#: the wrapper), so both spellings occur — ``uploadstash-*`` from includes/upload/
#: UploadStash*.php and the ``stash*`` wrappers of ApiUpload::handleStashException.
_STASH_LOST = frozenset({
    "uploadstash-file-not-found", "uploadstash-file-not-found-not-exists",
    "uploadstash-no-such-key", "uploadstash-bad-path", "uploadstash-bad-path-bad-format",
    "uploadstash-bad-path-invalid", "uploadstash-zero-length", "uploadstash-wrong-owner",
    "uploadstash-exception",
    "stashfailed", "stashnosuchfilekey", "stashedfilenotfound", "stashpathinvalid",
    "stashfilestorage", "stashzerolength", "stashwrongowner", "invalid-chunk-offset"})
#: How often one upload starts again from the first chunk before giving up for this run.
MAX_RESTARTS = 2


@dataclass(frozen=True)
class Upload:
    """One file on its way: the bytes, their SHA-1 and what the page will say."""

    item_id: str
    path: Path
    sha1: str
    size: int
    filename: str
    text: str
    comment: str
    own_title: bool = False   # a new version of a file this sink uploaded before


class Uploader:
    """Uploads files to one wiki for one sink, keeping resume data in ``state``."""

    def __init__(self, wiki: Wiki, state: SinkState, *, on_exists: OnExists,
                 chunk_size: int, chunk_threshold: int) -> None:
        self.wiki = wiki
        self.state = state
        self.on_exists = on_exists
        self.chunk_size = chunk_size
        self.chunk_threshold = chunk_threshold

    def upload(self, upload: Upload) -> Receipt:
        """Put ``upload`` on the wiki (or find it there already) and say where it is."""
        key = _key(upload)
        saved: dict[str, Any] | None = self.state.get(key)
        if saved and saved.get("sha1") == upload.sha1:
            # An earlier run started this very upload and never confirmed it: it may have
            # finished just before a crash. Look before sending the bytes again.
            upload = replace(upload, filename=saved["filename"])
            if self._current_sha1(upload.filename) == upload.sha1:
                self.state.put(key, None)
                return self._receipt(upload.filename, upload.sha1)
        else:
            saved = None
        if saved is None:
            self._remember(upload)  # a resumed upload keeps its stash key and offset
        if upload.size > self.chunk_threshold:
            receipt = self._upload_large(upload, key, saved)
        else:
            with upload.path.open("rb") as handle:
                data = handle.read()
            receipt = self._send(upload, files={"file": ("file", data)})
        self.state.put(key, None)
        return receipt

    # -- large files ----------------------------------------------------------------------
    def _upload_large(self, upload: Upload, key: str, saved: dict[str, Any] | None) -> Receipt:
        found = self.wiki.get("query", list="allimages", aisha1=upload.sha1,
                              ailimit=1)["query"]["allimages"]
        if found:
            name = found[0]["name"].replace("_", " ")
            if name == upload.filename:
                return self._receipt(name, upload.sha1)
            return self._duplicate(upload, name)
        for restart in range(MAX_RESTARTS + 1):
            filekey = self._stash(upload, key, saved)
            try:
                return self._send(upload, filekey=filekey)
            except ApiError as error:
                if error.code not in _STASH_LOST or restart == MAX_RESTARTS:
                    raise
                saved = None  # the assembled file left the stash before it was committed
        raise AssertionError("unreachable")

    def _stash(self, upload: Upload, key: str, saved: dict[str, Any] | None) -> str:
        """Send the file in chunks to the upload stash; the stash key of the whole file."""
        offset, filekey, restarts = 0, None, 0
        if saved and saved.get("filekey") and time.time() - saved["started"] < STASH_LIFETIME:
            offset, filekey = int(saved["offset"]), str(saved["filekey"])
        record = {"filename": upload.filename, "sha1": upload.sha1,
                  "started": saved["started"] if filekey and saved else time.time()}
        with upload.path.open("rb") as handle:
            while True:
                handle.seek(offset)
                chunk = handle.read(self.chunk_size)
                try:
                    answer = self.wiki.write(
                        "upload", stash=True, filename=upload.filename, filesize=upload.size,
                        offset=offset, filekey=filekey, files={"chunk": ("chunk", chunk)},
                    )["upload"]
                except ApiError as error:
                    if error.code not in _STASH_LOST or filekey is None \
                            or restarts == MAX_RESTARTS:
                        raise self._item_error(upload, error) from None
                    # The stash expired or lost our chunks: start this file again.
                    offset, filekey, restarts = 0, None, restarts + 1
                    self.state.put(key, {**record, "started": time.time()})
                    record["started"] = time.time()
                    continue
                filekey = str(answer["filekey"])
                if answer["result"] != "Continue":
                    return filekey
                offset = int(answer["offset"])
                self.state.put(key, {**record, "filekey": filekey, "offset": offset})

    # -- answers --------------------------------------------------------------------------
    def _send(self, upload: Upload, *, files: Any = None, filekey: str | None = None
              ) -> Receipt:
        """Submit the upload (bytes or stash key), then settle every warning."""
        ignore = False
        for _ in range(MAX_RESUBMITS):
            try:
                answer = self.wiki.write(
                    "upload", filename=upload.filename, text=upload.text,
                    comment=upload.comment, filekey=filekey, ignorewarnings=ignore,
                    files=files)["upload"]
            except ApiError as error:
                if error.code == "fileexists-no-change":
                    return self._receipt(upload.filename, upload.sha1)
                raise self._item_error(upload, error) from None
            if answer["result"] == "Success":
                info = answer.get("imageinfo") or {}
                return self._receipt(str(answer["filename"]), str(info.get("sha1") or
                                     upload.sha1), info.get("descriptionurl"))
            if answer["result"] != "Warning":
                raise SkipItem(f"{upload.item_id}: {self.wiki.name} answered the upload with "
                               f"{answer['result']!r}; look at the file on the wiki")
            files, filekey = None, str(answer["filekey"])
            outcome = self._decide(upload, answer["warnings"])
            if isinstance(outcome, Receipt):
                return outcome
            if outcome[0].filename != upload.filename:
                self._remember(outcome[0])
            upload, ignore = outcome
        raise SkipItem(f"{upload.item_id}: no free file name found after {MAX_RESUBMITS} "
                       f"tries near {upload.filename!r}; change the item's title")

    def _decide(self, upload: Upload, warnings: dict[str, Any]) -> Receipt | tuple[Upload, bool]:
        """What to do about an upload's warnings: a receipt (nothing more to upload), or
        the upload to re-submit and whether to ignore the remaining warnings."""
        name, wiki = upload.filename, self.wiki.name
        if "was-deleted" in warnings:
            raise SkipItem(f"{upload.item_id}: File:{name} was deleted from {wiki} before; "
                           "read the deletion log there, then fix the item or re-approve it")
        if "duplicate-archive" in warnings:
            raise SkipItem(f"{upload.item_id}: the same file was deleted from {wiki} as "
                           f"File:{_title(warnings['duplicate-archive'])}; read the deletion "
                           "log there before uploading it again")
        if "duplicate" in warnings:
            return self._duplicate(upload, _title(warnings["duplicate"][0]))
        if "nochange" in warnings:
            return self._receipt(name, upload.sha1)
        if "badfilename" in warnings:
            return replace(upload, filename=_title(warnings["badfilename"])), False
        unknown = set(warnings) - _HARMLESS
        if unknown:
            code = sorted(unknown)[0]
            raise SkipItem(f"{upload.item_id}: {wiki} warned {code}: "
                           f"{self.wiki.scrub(str(warnings[code]))}; fix the item")
        clash = {"exists", "exists-normalized", "page-exists"} & set(warnings)
        if clash and not upload.own_title and self.on_exists == "rename":
            return replace(upload, filename=self._next_name(upload.filename)), False
        return upload, True

    def _remember(self, upload: Upload) -> None:
        """Record (file name, SHA-1) before sending, so a crash before the receipt is
        found out by looking at the wiki rather than by uploading twice."""
        self.state.put(_key(upload), {"filename": upload.filename, "sha1": upload.sha1,
                                      "started": time.time()})

    def _next_name(self, name: str) -> str:
        base, number = name, 2
        stem = Path(name).stem
        if stem.endswith(")") and " (" in stem:
            head, _, tail = stem.rpartition(" (")
            if tail[:-1].isdigit():
                base, number = head + Path(name).suffix, int(tail[:-1]) + 1
        return with_suffix(base, number)

    def _duplicate(self, upload: Upload, existing: str) -> Receipt:
        return Receipt(f"File:{existing}", self.wiki.page_url(f"File:{existing}"),
                       {"sha1": upload.sha1, "title": existing,
                        "duplicate_of": f"File:{existing}"})

    def _receipt(self, filename: str, sha1: str, url: str | None = None) -> Receipt:
        title = _title(filename)
        return Receipt(f"File:{title}", url or self.wiki.page_url(f"File:{title}"),
                       {"sha1": sha1, "title": title})

    def _current_sha1(self, filename: str) -> str | None:
        pages = self.wiki.get("query", titles=f"File:{filename}", prop="imageinfo",
                              iiprop="sha1")["query"]["pages"]
        info = pages[0].get("imageinfo") if pages else None
        return str(info[0]["sha1"]) if info else None

    def _item_error(self, upload: Upload, error: ApiError) -> Exception:
        if error.code in _ITEM_ERRORS:
            return SkipItem(f"{upload.item_id}: {self.wiki.name} refused "
                            f"File:{upload.filename}: {error.code}: {error.info}")
        return error


def _key(upload: Upload) -> str:
    return f"upload:{upload.item_id}"


def _title(name: str) -> str:
    """A file name as the API gives it (``Park_bench.png``) as a title (``Park bench.png``)."""
    return str(name).replace("_", " ")
