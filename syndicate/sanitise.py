"""Making source HTML safe to pass on: one allowlist, absolute links, valid URIs, plain text.

Everything a source gives us is untrusted: a council's CMS, a partner's feed or a scraped
page may carry ``<script>``, ``<iframe>``, event handlers or ``javascript:`` links, and
whatever we pass on is embedded in partners' sites. :func:`safe_html` keeps an allowlist
of elements and attributes (Ammonia, through nh3, parses the fragment as a browser would,
so malformed markup cannot smuggle anything past it), resolves every ``href``/``src``
against the page it belongs to and writes each as a valid URI. :func:`plain_text` gives the
visible text, never the text of a ``script`` or ``style`` element.

Every module that lets HTML out of syndicate uses these functions; none keeps its own rules.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import threading
from urllib.parse import urljoin, urlsplit, urlunsplit

import nh3

#: Elements kept; everything else is unwrapped (its text stays) except those in
#: :data:`DROPPED_WITH_CONTENT`, which go with everything inside them.
ALLOWED_TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var"})
#: No ``style`` (CSS can hide, overlay or fetch), no ``class``/``id`` (they hook the
#: partner's own CSS and scripts), no event handlers: only what describes the content.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "hreflang", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "img": {"src", "alt", "title", "width", "height"},
    "ins": {"cite", "datetime"},
    "ol": {"start", "reversed"},
    "q": {"cite"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "time": {"datetime"},
    "*": {"lang", "dir"},
}
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({
    "script", "style", "iframe", "object", "embed", "applet", "form", "noscript",
    "template", "svg", "math", "frame", "frameset", "noembed", "noframes", "select",
    "textarea", "button"})
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})

# Characters RFC 3986 allows in a URI as they are; anything else is percent-encoded as
# UTF-8 (RFC 3987 §3.1). "%" stays only where it starts a valid escape.
_URI = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_HTTP_URI = re.compile(r"https?://(?:[A-Za-z0-9\-._~%!$&'()*+,;=:]*@)?"
                       r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]*)?"
                       r"(?:[/?#](?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?")
_NOT_URI = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
# Lone surrogates (from a broken source) cannot be encoded, so nh3 refuses them.
_SURROGATES = re.compile("[\ud800-\udfff]")
_TAG = re.compile(r"<[^>]*>")
_BLOCKS = frozenset({"p", "div", "br", "li", "dt", "dd", "tr", "td", "th", "h1", "h2", "h3",
                     "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table",
                     "figure", "figcaption", "hr", "caption"})


def safe_html(markup: str, base: str | None = None) -> str:
    """``markup`` with only allowlisted elements and attributes, every link absolute
    (resolved against ``base``, the page the HTML came from) and a valid URI.

    A link that cannot be made absolute (no base) or is not http(s)/mailto is removed,
    so a partner never resolves it against their own site. Idempotent; thread-safe.
    """
    if not markup or not markup.strip():
        return ""
    _current.base = base
    try:
        return _cleaner().clean(_SURROGATES.sub("", markup)).strip()
    finally:
        _current.base = None


# One cleaner, built once (its options are fixed); the base of the fragment being cleaned
# reaches its link filter through a thread-local.
_current = threading.local()


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                       attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
                       attribute_filter=_absolute_link, url_schemes=set(URL_SCHEMES),
                       strip_comments=True, link_rel="noopener")


@functools.cache
def _text_cleaner() -> nh3.Cleaner:
    """Block elements kept bare, everything else unwrapped or (script, style…) dropped:
    built once, since building it cost three times the cleaning of a short text."""
    return nh3.Cleaner(tags=set(_BLOCKS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                       attributes={}, link_rel=None)


def _absolute_link(_tag: str, attribute: str, value: str) -> str | None:
    if attribute not in _URL_ATTRIBUTES:
        return value
    if value.startswith(("https://", "http://")) and _URI.fullmatch(value):
        return value     # already absolute and valid: the usual case, kept cheap
    url = absolute_uri(value, getattr(_current, "base", None))
    return url if url and urlsplit(url).scheme in URL_SCHEMES else None


def absolute_uri(reference: str, base: str | None = None) -> str | None:
    """``reference`` resolved against ``base`` and written as a valid URI, or ``None``
    when it stays relative (no usable base) or is malformed."""
    reference = reference.strip()
    if not reference:
        return None
    try:
        url = urljoin(base, reference) if base else reference
        if _HTTP_URI.fullmatch(url):
            return url       # the usual case: an absolute http(s) URI already
        parts = urlsplit(url)
    except ValueError:      # urllib refuses hosts such as "[bad]"
        return None
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.netloc):
        return None
    return iri_to_uri(url)


def iri_to_uri(iri: str) -> str:
    """An IRI as a URI (RFC 3987 §3.1): the host in IDNA (punycode) form, every other
    character outside RFC 3986's set as percent-encoded UTF-8. A URI comes back unchanged."""
    if _URI.fullmatch(iri):
        return iri
    try:
        parts = urlsplit(iri.strip())
    except ValueError:
        return _percent_encode(iri.strip())
    netloc = parts.netloc
    host = parts.hostname or ""
    if host and not host.isascii():
        # Not a valid IDN: percent-encoding below still makes it a valid URI.
        with contextlib.suppress(UnicodeError):
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
    return _percent_encode(urlunsplit((parts.scheme, netloc, parts.path, parts.query,
                                       parts.fragment)))


def _percent_encode(text: str) -> str:
    if _URI.fullmatch(text):
        return text          # the usual case: already a URI
    return _NOT_URI.sub(lambda match: _escape(match.group()), text)


def _escape(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode("utf-8", "surrogatepass"))


def plain_text(markup: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed, blocks separated by a
    space ("<p>One.</p><p>Two.</p>" reads "One. Two."). The text of script, style and the
    other :data:`DROPPED_WITH_CONTENT` elements is never included.

    nh3 does the parsing: it keeps only the block elements, bare, and escapes every ``<``
    of text, so what is left between ``<`` and ``>`` is a block tag, which becomes a space.
    (An lxml parse of nh3's output did the same at twice the cost.)"""
    if not markup or not markup.strip():
        return ""
    cleaned = _text_cleaner().clean(_SURROGATES.sub("", markup))
    return " ".join(html.unescape(_TAG.sub(" ", cleaned)).split())
