"""The text of a Wikipedia draft: its title, its body from the page, and the notice.

Kept apart from the sink (:mod:`syndicate.sinks.wikipedia`), which decides when and whether
to write, so that ``inspect`` shows exactly the body the sink would write.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import lxml.html

from syndicate import wikititle
from syndicate.html2wiki import html_to_wikitext
from syndicate.licences import Licence
from syndicate.model import Item
from syndicate.wikitext import escape, url_param

#: Notice templates that take the source's URL and author (enwiki's documentation of
#: {{Creative Commons text attribution notice}}: |cc= |url= |author=).
_NOTICE_SOURCE_PARAMETERS = frozenset({"Creative Commons text attribution notice"})


def draft_title(title: str, prefix: str = "Draft:") -> str:
    """``prefix`` + ``title`` made valid for MediaWiki (:mod:`syndicate.wikititle`): at
    most 255 bytes after the prefix, cut on a character boundary."""
    clean = wikititle.legal_title(title).lstrip(":/. ").rstrip(". ")
    return prefix + wikititle.capitalised(wikititle.truncated(clean).rstrip())


def draft_body(item: Item, organisation_url: str = "",
               files: Mapping[str, str] | None = None) -> str:
    """The article as the draft's wikitext, before the References section: links to the
    page's own site and the council's are kept, relative ones made absolute; figures whose
    image is in ``files`` (URL -> ``File:…``) show it."""
    hosts = [h for h in (host_of(item.url), host_of(organisation_url)) if h]
    return html_to_wikitext(item.content_html, base_url=item.url, own_hosts=hosts,
                            files=files)


def figure_images(content_html: str) -> list[str]:
    """The image URLs inside the article's figures."""
    if not content_html.strip():
        return []
    root = lxml.html.fragment_fromstring(content_html.encode("utf-8"), create_parent="div",
                                         parser=lxml.html.HTMLParser(encoding="utf-8"))
    return [str(src).strip() for src in root.xpath(".//figure//img/@src")]


def talk_title(title: str) -> str:
    """``Draft:X`` → ``Draft talk:X``; a mainspace ``X`` → ``Talk:X``."""
    namespace, colon, rest = title.partition(":")
    return f"{namespace} talk:{rest}" if colon else f"Talk:{title}"


def notice(item: Item, licence: Licence, author: str) -> str:
    parameters = dict(licence.wikipedia_template_params)
    if licence.wikipedia_template in _NOTICE_SOURCE_PARAMETERS and item.url:
        parameters.update(url=url_param(item.url), author=escape(author))
    rendered = "".join(f"|{escape(key)}={value}" for key, value in parameters.items())
    return f"{{{{{licence.wikipedia_template}{rendered}}}}}"


def host_of(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:  # "http://[x" and other unparseable URLs name no host
        return None
