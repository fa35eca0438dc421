"""The files sinks send: local copies of items' media, and licence-tagged copies of those.

An item's file is its own path, or a download of its media URL into the state folder
(``state_dir/media``, one file per content version, so a retry does not fetch it again).
The download may reach a private address only when the item's source allows it
(``allow_private``), as the source's own fetches may. Sinks are handed a copy with the
licence written into its metadata (:mod:`syndicate.marking`). A dry run downloads and tags
in a temporary folder, so it leaves no trace.
"""

from __future__ import annotations

import mimetypes
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from syndicate.config import Config
from syndicate.errors import SourceError
from syndicate.fetch import Fetcher
from syndicate.model import Item

if TYPE_CHECKING:
    from syndicate.marking import MediaTagger


class MediaStore:
    """Media for one workspace; :meth:`close` when the run ends."""

    def __init__(self, config: Config, fetcher: Fetcher, *, dry_run: bool = False) -> None:
        self.config = config
        self.fetcher = fetcher
        self.dry_run = dry_run
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._tagger: MediaTagger | None = None
        self._lock = threading.Lock()

    def tagged(self, item: Item) -> Path:
        """The file sinks send: the item's file with its licence metadata written into it
        (a tagged copy, see :mod:`syndicate.marking`)."""
        with self._lock:  # sinks call this from their own threads (the boundary)
            return self._media_tagger()(item, self.local_file(item))

    def local_file(self, item: Item) -> Path:
        """A local copy of the item's file: its own path, or a download of its media URL
        into the state folder (kept per content version, so a retry does not fetch again)."""
        if item.path is not None:
            return item.path
        if not item.media_url:
            raise SourceError(f"{item.id} has no file")
        ext = mimetypes.guess_extension(item.media_type or "") or Path(item.media_url).suffix
        folder = self._scratch_folder() if self.dry_run else self.config.state_dir / "media"
        dest = folder / f"{item.id}-{item.content_hash()}{ext}"
        if not dest.exists():
            self.fetcher.download(item.media_url, dest, allow_private=self._allow_private(item))
        return dest

    def close(self) -> None:
        """Stop the tagger and remove a dry run's temporary folder."""
        if self._tagger is not None:
            self._tagger.close()
        if self._scratch is not None:
            self._scratch.cleanup()

    def _allow_private(self, item: Item) -> bool:
        """Whether the item's source may reach private addresses (its ``allow_private``)."""
        spec = self.config.sources.get(item.source)
        return bool(spec and spec.options.get("allow_private"))

    def _scratch_folder(self) -> Path:
        """Where a dry run downloads and tags: a temporary folder, removed by close()."""
        self._scratch = self._scratch or tempfile.TemporaryDirectory(prefix="syndicate-")
        return Path(self._scratch.name)

    def _media_tagger(self) -> MediaTagger:
        from syndicate.marking import MediaTagger, tagged_folder

        if self._tagger is None:
            folder = self._scratch_folder() / "tagged" if self.dry_run \
                else tagged_folder(self.config)
            self._tagger = MediaTagger(self.config, folder)
        return self._tagger
