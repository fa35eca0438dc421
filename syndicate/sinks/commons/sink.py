"""The Wikimedia Commons sink: images and documents as files with description pages.

Configuration (besides ``type``, ``kinds`` and ``sources``)::

    site: commons.wikimedia.org          # or the URL of a wiki's api.php
    username: {env: SYNDICATE_COMMONS_USER}         # a bot password: User@BotName
    password: {env: SYNDICATE_COMMONS_PASSWORD}
    # or an OAuth 1.0a owner-only consumer instead of username/password:
    # consumer_token / consumer_secret / access_token / access_secret: {env: …}
    categories: ["Example Borough Council"]        # added to every file
    filename_pattern: "{title} ({date}){ext}"      # fields: title date year source
                                                   #   organisation id ext
    on_exists: rename                    # or new-version: when the name is taken by
                                         #   a different file
    chunk_threshold: 20971520            # bytes; larger files go up in chunks and resume
    chunk_size: 5242880                  # bytes per chunk (at least 1024)
    max_size: 4294967296                 # bytes; also capped by the wiki's own limit
    description_language: en            # the {{en|…}} around descriptions
    descriptive_tags: true              # {{Personality rights}}, {{Trademarked}},
                                        #   {{Insignia}} where the checks found them
    withdraw_template: "Speedy deletion|1={reason}"   # asks for deletion of a withdrawn
                                         #   file that is ours alone
    max_retries: 4                       # retries of a request that failed for a passing
                                         #   reason (server error, lag, rate limit), with
                                         #   exponential backoff from 2 s
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syndicate.errors import ConfigError, SinkError, SkipItem
from syndicate.licences import registry
from syndicate.mediawiki import ACCOUNT_OPTIONS, Account, RetryPolicy, Wiki, connect
from syndicate.model import Finding, Item, Receipt, Withdrawal, file_sha1
from syndicate.options import Boolean, Integer, ListOf, Option, Text
from syndicate.sinks.base import Sink, SinkContext
from syndicate.sinks.commons import checks, filenames, filepage
from syndicate.sinks.commons.filetypes import sniff
from syndicate.sinks.commons.upload import OnExists, Upload, Uploader
from syndicate.sinks.commons.withdraw import DEFAULT_TEMPLATE, withdraw_file
from syndicate.wikitext import edit_summary

MiB = 1024 * 1024
#: What Commons takes (docs/wikimedia.md), used only when the wiki cannot be asked.
COMMONS_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "svg", "tif", "tiff", "webp",
                                "pdf", "djvu", "ogg", "oga", "ogv", "webm", "flac", "wav",
                                "mp3", "xcf"})


class CommonsSink(Sink):
    """Uploads approved images and documents to Wikimedia Commons (or any MediaWiki)."""

    kinds: ClassVar[frozenset[str]] = frozenset({"image", "document"})
    options: ClassVar[tuple[Option, ...]] = (
        *ACCOUNT_OPTIONS,
        Option("categories", ListOf(Text()), default=[],
               description="Categories added to every file page."),
        Option("filename_pattern", Text(), default=filenames.DEFAULT_PATTERN,
               description="How file names are built from {title}, {date}, {source}…"),
        Option("on_exists", Text(), default="rename", choices=("rename", "new-version"),
               description="When the name is taken by another file: pick a new name, or "
               "upload a new version of it."),
        Option("chunk_size", Integer(), default=5 * MiB, range=(1024, 100 * MiB),
               description="Bytes per chunk of a chunked upload."),
        # One plain POST may carry at most 100 MiB on Wikimedia.
        Option("chunk_threshold", Integer(), default=20 * MiB, range=(0, 100 * MiB),
               description="Files larger than this many bytes are uploaded in chunks."),
        Option("max_size", Integer(), default=4096 * MiB, range=(1, 5120 * MiB),
               description="Largest file in bytes the sink will try to upload."),
        Option("description_language", Text(), default="en",
               description="Language code of the descriptions (en, cy…)."),
        Option("descriptive_tags", Boolean(), default=True,
               description="Add {{Personality rights}} and similar tags where they apply."),
        Option("max_retries", Integer(), default=4, range=(0, 10),
               description="Retries of a failed request to the wiki."),
        Option("withdraw_template", Text(r"(?:[^{}]|\{(?!\{)|\}(?!\}))+",
                                         "a template without braces, e.g. "
                                         f"{DEFAULT_TEMPLATE!r}"),
               default=DEFAULT_TEMPLATE,
               description="Deletion request put on the page of a withdrawn file that is "
               "syndicate's alone; {reason} becomes the withdrawal's reason."),
    )
    licence_gate: ClassVar[str | None] = "commons"
    supports_dry_run: ClassVar[bool] = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        config = self.config
        self.account = Account.from_config(config, "commons.wikimedia.org")
        self.api_url = self.account.api_url
        self.categories = tuple(config["categories"])
        self.pattern = config["filename_pattern"]
        problem = filenames.check_pattern(self.pattern)
        if problem:
            raise ConfigError(problem, key="filename_pattern")
        self.on_exists: OnExists = config["on_exists"]
        self.chunk_size = config["chunk_size"]
        self.chunk_threshold = config["chunk_threshold"]
        self.max_size = config["max_size"]
        language = config["description_language"]
        if not filepage.valid_language(language):
            raise ConfigError(f"description_language {language!r} is not a language code "
                              "like en or cy", key="description_language")
        self.settings = filepage.PageSettings(context.organisation, self.categories, language)
        self.descriptive_tags = config["descriptive_tags"]
        retries = config["max_retries"]
        self.withdraw_template: str = config["withdraw_template"]
        #: How requests to the wiki are retried (tests replace ``sleep``).
        self.retry_policy = RetryPolicy(attempts=retries + 1)
        self._wiki: Wiki | None = None
        self._uploader: Uploader | None = None
        self._limits: checks.Limits | None = None

    # -- checks ---------------------------------------------------------------------------
    def check(self, item: Item) -> list[Finding]:
        """The licence gate, then what Commons adds to the shared checks: file type and
        size for this wiki, a source, a date, a category."""
        found = super().check(item)
        if any(finding.is_error for finding in found):
            return found
        found += checks.file_findings(item, self.limits(), self.name)
        found += checks.description_findings(item, self.categories, self.name)
        return found

    def limits(self) -> checks.Limits:
        """File types and size the wiki takes, asked once per run (anonymously if the sink
        is not open yet); Commons' known list if the wiki cannot be reached."""
        if self._limits is None:
            try:
                wiki = self._wiki or connect(self.api_url, user_agent=self.context.user_agent,
                                             policy=RetryPolicy(attempts=1))
            except SinkError:
                self._limits = checks.Limits(COMMONS_EXTENSIONS, self.max_size)
                return self._limits
            wiki_max = int(wiki.general.get("maxuploadsize") or self.max_size)
            self._limits = checks.Limits(wiki.file_extensions, min(self.max_size, wiki_max))
            if wiki is not self._wiki:
                wiki.close()
        return self._limits

    # -- publishing -----------------------------------------------------------------------
    def open(self) -> None:
        """Log in once for the run (not in a dry run: it changes nothing anywhere)."""
        if self.context.dry_run:
            return
        self._wiki = self.account.login(user_agent=self.context.user_agent,
                                        policy=self.retry_policy, purpose="uploading",
                                        deadline=self.context.limits.login_deadline)
        self._limits = None
        self._uploader = Uploader(self._wiki, self.context.state, on_exists=self.on_exists,
                                  chunk_size=self.chunk_size,
                                  chunk_threshold=self.chunk_threshold)

    def publish(self, item: Item) -> Receipt:
        """Upload the item's file with its description page, or find it there already."""
        path = self.context.media(item)
        ext = sniff(path)
        limits = self.limits()
        if ext is None or ext not in limits.extensions:
            raise SkipItem(f"{item.id}: {path.name} is not a file type {self.name} takes")
        size = path.stat().st_size
        if size == 0 or size > limits.max_size:
            raise SkipItem(f"{item.id}: {path.name} is {size} bytes; {self.name} takes "
                           f"1 to {limits.max_size} bytes")
        sha1 = file_sha1(path)
        previous = self.context.previous(item)
        if previous is not None and previous.detail.get("sha1") == sha1:
            return previous  # same bytes: the description page is the wiki's now
        own_title = _own_title(previous, ext)
        filename = own_title or filenames.build(
            self.pattern, filenames.fields_for(item, ext, self.context.organisation.name))
        assert item.licence is not None
        licence = registry().get(item.licence)
        tags = checks.restriction_tags(item) if self.descriptive_tags else []
        text = filepage.page_text(item, licence, self.settings, tags)
        if self.context.dry_run:
            return Receipt(f"File:{filename}", None, {
                "sha1": sha1, "title": filename, "preview": f"File:{filename}\n\n{text}"})
        if self._uploader is None:
            raise SinkError(f"{self.name}: publish called before open")
        return self._uploader.upload(Upload(
            item.id, path, sha1, size, filename, text, self._comment(item, licence.short_name),
            own_title=own_title is not None))

    def withdraw(self, item: Item, receipt: Receipt) -> Withdrawal:
        """Request deletion of our own file; an administrator must delete it (see
        :mod:`.withdraw`)."""
        return withdraw_file(self, item, receipt)

    def close(self) -> None:
        if self._wiki is not None:
            self._wiki.close()
            self._wiki = None

    def _comment(self, item: Item, licence: str) -> str:
        where = item.url or item.title
        return edit_summary(f"{self.context.organisation.name}: {where} ({licence}), "
                            "uploaded by syndicate")


def _own_title(previous: Receipt | None, ext: str) -> str | None:
    """The title this sink gave the item's file before, if the new file can be a new
    version of it (a different content type needs a different extension, so a new name)."""
    if previous is None or previous.detail.get("duplicate_of"):
        return None
    title = str(previous.detail.get("title") or "")
    return title if title.lower().endswith("." + ext) else None
