"""The pages source: council web pages, listed by URL or by a sitemap.

Each page becomes an ``article`` item (title, cleaned main content, description, creator,
dates, declared licences) and each image in its main content that has alt text becomes an
``image`` item whose ``parent`` is the page's item::

    sources:
      history:
        type: pages
        urls: [https://www.example.gov.uk/parks/example-park/history, pages/local.html]
        sitemap: https://www.example.gov.uk/sitemap.xml     # optional
        max_pages: 200                                      # default 200
        allow_private: false                                # only for your own intranet
        content_selector: "#main-content .article"          # optional: where the CMS
                                                            # puts the article (CSS)

The article is found as :mod:`syndicate.article` describes; a page where no region can be
chosen with confidence gets a ``pages.no-article`` finding (an error: no draft of the wrong
text) that says why. ``content_selector`` settles it for a council whose CMS is known.

Remote pages go through the shared :class:`~syndicate.fetch.Fetcher` (conditional GET, byte
cap, public addresses only unless ``allow_private``). Local paths are relative to
syndicate.yaml; a saved page's ``<link rel=canonical>`` gives it its public URL.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from syndicate import __version__, dates, safexml
from syndicate.errors import ConfigError, InputError, SourceError
from syndicate.model import Finding, Item, make_id
from syndicate.options import Boolean, CssSelector, Integer, ListOf, Option, Text
from syndicate.sources.base import Source, SourceContext
from syndicate.sources.directory import title_from_file_name
from syndicate.sources.html import Page, PageImage, read_page

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 200
# A sitemap index may point at more sitemaps; one level is what sites use in practice.
_MAX_SITEMAPS = 50
_LOC = "./*/*[local-name()='loc']"


class PagesSource(Source):
    """Web pages (by URL or local path, or from a sitemap) as article and image items.

    Config keys: ``urls`` (list of http(s) URLs or paths), ``sitemap`` (URL or path of a
    sitemap.xml or sitemap index), ``max_pages`` (at most this many pages a run, default
    200), ``allow_private`` (fetch from private addresses; default false) and
    ``content_selector`` (a CSS selector for the article on this site's pages).
    """

    options = (
        Option("urls", ListOf(Text(hint="a page URL or path")), default=[],
               description="Pages to read: http(s) URLs or paths relative to syndicate.yaml."),
        Option("sitemap", Text(hint="the URL or path of a sitemap.xml"),
               description="A sitemap.xml or sitemap index listing the pages."),
        Option("allow_private", Boolean(), default=False,
               description="Allow pages on the council's own network (private addresses)."),
        Option("max_pages", Integer(), default=DEFAULT_MAX_PAGES, range=(1, 1_000_000),
               description="At most this many pages a run."),
        Option("content_selector", CssSelector(),
               description="Where this site's CMS puts the article (CSS); without it the "
               "article is found from the page itself."),
    )

    def __init__(self, name: str, config: Mapping[str, Any], context: SourceContext) -> None:
        super().__init__(name, config, context)
        self.urls: list[str] = [u.strip() for u in self.config["urls"]]
        sitemap = self.config["sitemap"]
        self.sitemap: str | None = sitemap.strip() if sitemap else None
        if not self.urls and self.sitemap is None:
            raise ConfigError("give the pages to read as urls: [...] or a sitemap:",
                              key="urls")
        self.allow_private: bool = self.config["allow_private"]
        self.max_pages: int = self.config["max_pages"]
        self.content_selector: str | None = self.config["content_selector"]

    def items(self) -> Iterator[Item]:
        images_seen: set[str] = set()
        for count, location in enumerate(self._locations()):
            if count == self.max_pages:
                logger.warning("source %s: stopped after max_pages=%d pages; raise it to "
                               "read the rest", self.name, self.max_pages)
                return
            try:
                loaded = self._load(location)
                if self._unchanged(location, loaded):
                    continue     # as it was last run (a 304, say): not parsed again
                page, key, public_url = self._read(location, loaded)
            except (SourceError, InputError) as error:
                # One dead or broken page must not hold back the rest of the site.
                self.context.problem(str(error))
                continue
            article = self._article(page, key, public_url)
            yield article
            for image in page.images:
                if image.src in images_seen:
                    continue
                images_seen.add(image.src)
                item = self._image(image, page, article, public_url,
                                   local=not _is_remote(location))
                if item is not None:
                    yield item

    # Listing ----------------------------------------------------------------------------

    def _locations(self) -> Iterator[str]:
        seen: set[str] = set()
        for location in (*self.urls, *self._sitemap_urls()):
            if location not in seen:
                seen.add(location)
                yield location

    def _sitemap_urls(self) -> Iterator[str]:
        if self.sitemap is None:
            return
        pending = [self.sitemap]
        read = 0
        while pending and read < _MAX_SITEMAPS:
            sitemap = pending.pop(0)
            read += 1
            root = safexml.fromstring(self._load(sitemap)[0], sitemap)
            # Only <url><loc> / <sitemap><loc>: image and video extensions have locs too.
            locations = [str(loc.text).strip() for loc in root.xpath(_LOC) if loc.text]
            for location in locations:
                # A <loc> read as a path would let a sitemap open files on this machine.
                if not _is_remote(location):
                    raise InputError(f"{sitemap}: <loc>{location}</loc> is not an http(s) "
                                     "URL; a sitemap lists web pages")
            if root.tag.rpartition("}")[2] == "sitemapindex":
                if sitemap == self.sitemap:  # one level of index, as sites use
                    pending.extend(locations)
                continue
            yield from locations

    # Reading ----------------------------------------------------------------------------

    def _unchanged(self, location: str, loaded: tuple[bytes, str, dict[str, str]]) -> bool:
        """Whether the web page at ``location`` is byte for byte what the ledger built its
        item from (:attr:`SourceContext.known`): hashed with everything else its items
        are made of, and syndicate's version, since a new release may read pages better.
        A saved page is always read: its images are local files that change on their own.
        """
        if not _is_remote(location):
            return False
        content, url, headers = loaded
        digest = hashlib.blake2b(content, digest_size=16)
        digest.update(repr((__version__, url, sorted(headers.items()),
                            self.content_selector)).encode())
        return self.context.known(self._item_id(location), digest.hexdigest())

    def _read(self, location: str, loaded: tuple[bytes, str, dict[str, str]]
              ) -> tuple[Page, str, str | None]:
        """The page at ``location`` (``loaded`` by :meth:`_load`), its item key and its
        public URL (None for a local file without a canonical link)."""
        content, url, headers = loaded
        page = read_page(content, url, encoding=headers.get("charset"),
                         content_selector=self.content_selector)
        if headers.get("last_modified") and not page.modified:
            page.modified = dates.rfc3339(headers["last_modified"])
        if not _is_remote(location):
            public = page.canonical
            if public is not None:  # resolve the saved page's links as the live page's
                page = read_page(content, public, encoding=headers.get("charset"),
                                 content_selector=self.content_selector)
            return page, str(self._path(location)), public
        return page, location, url

    def _load(self, location: str) -> tuple[bytes, str, dict[str, str]]:
        """Bytes, effective URL and HTTP facts (charset, last_modified) of a URL or path."""
        if _is_remote(location):
            fetched = self.context.fetcher.get(location, allow_private=self.allow_private)
            facts = {"charset": _charset(fetched.content_type),
                     "last_modified": fetched.last_modified}
            return fetched.content, fetched.url, {k: v for k, v in facts.items() if v}
        path = self._path(location)
        try:
            return path.read_bytes(), path.as_uri(), {}
        except OSError as error:
            raise SourceError(f"{path}: cannot be read ({error.strerror}); correct the path "
                              f"in source {self.name!r}") from None

    def _path(self, location: str) -> Path:
        return (self.context.base_dir / location).resolve()

    # Items ------------------------------------------------------------------------------

    def _article(self, page: Page, key: str, public_url: str | None) -> Item:
        # A page without og:title, <h1> or <title> is named after its address.
        title = page.title or title_from_file_name(
            PurePosixPath(urlsplit(page.url).path).name or str(urlsplit(page.url).hostname))
        item = Item(id=self._item_id(key), source=self.name, kind="article",
                    title=title, url=public_url, description=page.description,
                    content_html=page.content_html, creator=page.creator,
                    creator_url=page.creator_url, date=page.date or page.modified,
                    modified=page.modified, declared_licences=list(page.licences))
        for field, value in (("date", page.date), ("modified date", page.modified)):
            if value and dates.parse_date(value) is None:
                item.findings.append(dates.unreadable(item.id, f"page's {field}", value))
        if page.no_article is not None:
            item.findings.append(Finding(
                "pages.no-article", "error",
                f"{page.url}: no article found with confidence ({page.no_article}); check "
                f"the page, or set content_selector: on source {self.name!r} to the CSS "
                "selector of the element holding the article", None))
        return item

    def _item_id(self, key: str) -> str:
        """The id of the article of the page with ``key`` (its URL, or a saved page's path)."""
        return make_id(self.name, key)

    def _image(self, image: PageImage, page: Page, article: Item, public_url: str | None,
               *, local: bool) -> Item | None:
        """An image of the page. The page's licence covers it unless the image's own
        figure or JSON-LD says otherwise, as a reader of the page would understand it.
        A ``file:`` image is taken only from a page read from a local path (``local``):
        a web page cannot name files on this machine."""
        item = Item(id=make_id(self.name, image.src), source=self.name, kind="image",
                    title=image.caption or image.alt, url=public_url,
                    description=image.caption or image.alt, alt=image.alt,
                    creator=image.creator,
                    media_type=mimetypes.guess_type(urlsplit(image.src).path)[0],
                    declared_licences=list(image.licences or page.licences),
                    parent=article.id)
        if urlsplit(image.src).scheme != "file":
            item.media_url = image.src
            return item
        if not local:
            self.context.problem(f"{page.url}: image {image.src} is a file: URL; only http "
                                 "and https addresses are taken from a web page, so the "
                                 "image is left out")
            return None
        # A saved page's image: only a file inside the configuration's folder, so a page
        # cannot send /etc/passwd to Commons.
        path = Path(unquote(urlsplit(image.src).path)).resolve()
        if not path.is_relative_to(self.context.base_dir.resolve()) or not path.is_file():
            logger.warning("%s: image %s is missing or outside %s; skipped", page.url, path,
                           self.context.base_dir)
            return None
        item.path = path
        return item


def _is_remote(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None
