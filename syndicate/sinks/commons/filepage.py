"""The description page of a file on Commons.

The layout Commons expects (https://commons.wikimedia.org/wiki/Commons:First_steps/Quality_and_description,
https://commons.wikimedia.org/wiki/Template:Information)::

    =={{int:filedesc}}==
    {{Information |description= |date= |source= |author= |permission= |other fields= }}
    {{Personality rights}}                 descriptive tags: supplements, never a licence

    =={{int:license-header}}==
    {{Cc-by-4.0}}                          the licence tag from the registry

    [[Category:…]]

Everything that comes from the council's content goes through :func:`syndicate.wikitext.escape`
or :func:`syndicate.wikitext.external_link`, and category names through
:func:`syndicate.wikititle.legal_title`, so no ``|``, ``}}``, ``[[Category:…]]``, ``{{subst:}}``,
``~~~~``, ``__MAGIC__`` or line-start markup in a title or description changes the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from syndicate.licences import Licence
from syndicate.model import Item
from syndicate.sinks.base import Organisation
from syndicate.wikitext import escape, external_link
from syndicate.wikititle import legal_title

_ISO_DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")

#: Descriptive tags (https://commons.wikimedia.org/wiki/Commons:Non-copyright_restrictions)
#: and the item property that calls for each.
PERSONALITY_RIGHTS = "Personality rights"
TRADEMARKED = "Trademarked"
INSIGNIA = "Insignia"


@dataclass(frozen=True)
class PageSettings:
    """The parts of the sink's configuration that shape every page."""

    organisation: Organisation
    categories: tuple[str, ...] = ()
    language: str = "en"


def valid_language(code: str) -> bool:
    """Whether ``code`` can be a Commons language template (``en``, ``cy``, ``zh-hans``)."""
    return bool(_LANGUAGE_RE.match(code))


def page_text(item: Item, licence: Licence, settings: PageSettings,
              tags: Iterable[str] = ()) -> str:
    """The wikitext of the description page for ``item`` under ``licence``."""
    fields = [
        ("description", _description(item, settings.language)),
        ("date", _date(item.date)),
        ("source", source(item, settings.organisation)),
        ("author", author(item, settings.organisation)),
        ("permission", _permission(item, licence, settings.organisation)),
    ]
    if licence.requires_attribution:
        fields.append(("other fields", _credit_line(item, licence, settings.organisation)))
    lines = ["=={{int:filedesc}}==", "{{Information"]
    lines += [f"|{name}={value}" for name, value in fields]
    lines.append("}}")
    lines += ["{{" + tag + "}}" for tag in tags]
    lines += ["", "=={{int:license-header}}==", "{{" + str(licence.commons_template) + "}}", ""]
    lines += [f"[[Category:{name}]]" for name in categories(item, settings.categories)]
    return "\n".join(lines) + "\n"


def categories(item: Item, configured: Iterable[str]) -> list[str]:
    """The configured categories, then the item's own, made legal and without repeats."""
    seen: dict[str, None] = {}
    for name in [*configured, *item.categories]:
        title = legal_title(name)
        if title:
            seen.setdefault(title[0].upper() + title[1:], None)
    return list(seen)


def source(item: Item, organisation: Organisation) -> str:
    """Where the file was published: the item's page, else the file's own URL, else the
    organisation and its licence statement."""
    for url in (item.url, item.media_url):
        if url and _is_web(url):
            return external_link(url, item.title or None)
    if item.evidence and _is_web(item.evidence):
        return escape(organisation.name + ", licence statement: ") + external_link(item.evidence)
    return escape(organisation.name)


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def author(item: Item, organisation: Organisation) -> str:
    """The creator (linked when the source gave a URL), else the organisation."""
    name = item.creator or organisation.name
    url = item.creator_url if item.creator else organisation.url
    if url and _is_web(url):
        return external_link(url, name)
    return escape(name)


def _description(item: Item, language: str) -> str:
    text = item.description.strip() or item.title
    return "{{" + language + "|1=" + escape(text, multiline=True) + "}}"


def _date(date: str | None) -> str:
    if not date:
        return "{{Unknown|date}}"
    match = _ISO_DATE_RE.match(date.strip())
    return match.group() if match else escape(date)


def _permission(item: Item, licence: Licence, organisation: Organisation) -> str:
    text = escape(f"Published by {organisation.name} under the {licence.name}")
    if item.evidence and _is_web(item.evidence):
        return text + escape(". Licence statement:") + " " + external_link(item.evidence)
    return text


def _credit_line(item: Item, licence: Licence, organisation: Organisation) -> str:
    other = licence.attribution_statement or (item.title or "")
    return ("{{Credit line |Author=" + author(item, organisation)
            + " |Other=" + escape(other)
            + " |License=" + escape(licence.short_name) + "}}")
