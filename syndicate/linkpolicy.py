"""Which links an imported article keeps, and where they point.

Relative links, links to the council's own hosts and links to documents (a PDF or
spreadsheet attached to the page, wherever it is hosted) become external links to the
absolute URL, so a reader can follow them to the source. Links to other sites keep only
their text: external links do not belong in an article's body (WP:EL), and one link to a
site on Wikipedia's spam blacklist would make the whole edit fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

DOCUMENTS = re.compile(r"\.(?:pdf|csv|xlsx?|ods|docx?|odt|pptx?|odp|rtf|txt|zip)$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class LinkPolicy:
    """Where links may point and how relative ones resolve."""

    base_url: str | None
    own_hosts: frozenset[str]

    def host(self) -> str | None:
        """The host of ``base_url``, if it has a readable one."""
        try:
            return urlsplit(self.base_url).hostname if self.base_url else None
        except ValueError:
            return None

    def resolve(self, href: str) -> str | None:
        """The absolute URL to link to, or None when the link should become plain text."""
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        try:
            url = urljoin(self.base_url, href) if self.base_url else href
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # an unparseable href ("http://[x") links nowhere
            return None
        if parts.scheme not in ("http", "https") or not host:
            return None
        if bare_host(host) in self.own_hosts or DOCUMENTS.search(parts.path):
            return url
        return None


def localise_anchors(root: etree._Element, base_url: str | None) -> None:
    """``https://…/page#fn1`` on that very page is ``#fn1``: an in-page link (sources make
    every link absolute)."""
    if not base_url:
        return
    page = urldefrag(base_url).url
    for link in root.iter("a"):
        href = link.get("href", "").strip()
        if "#" in href and not href.startswith("#"):
            try:
                target, fragment = urldefrag(href)
            except ValueError:
                continue
            if fragment and target == page:
                link.set("href", "#" + fragment)


def bare_host(host: str) -> str:
    """``www.example.gov.uk`` and ``example.gov.uk`` are the same council."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
