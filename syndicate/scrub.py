"""The one scrubber: every error text syndicate stores or prints passes through here.

It knows every secret revealed in this process (:func:`remember` is called by
:meth:`syndicate.secrets.Secret.reveal` and by wiki sessions for their tokens), in the
spellings a secret takes on its way into a message (as typed, URL-encoded, in
``user:password@`` form), and it masks anything that looks like a ``token=…`` or
``password: …`` pair, so a plugin's exception text or a wiki's error cannot carry a
credential into the queue, the ledger or a run report.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
#: Shorter values would mask ordinary words; real credentials are longer.
_MIN_LENGTH = 4
_KEY = r"""(?:token|password|passwd|secret|api[_-]?key)["']?"""
_VALUE = r"""[^"'&\s,}]+"""
#: ``token=…``, ``password:…``, ``"secret": "…"``: whatever the value is.
_PAIR = re.compile(rf"""({_KEY}(?:\s*=\s*["']?|:\s*["']|:))""" + _VALUE, re.IGNORECASE)
#: ``password: …`` in prose or YAML: only a value with a digit or a sign in it, so that
#: syndicate's own words ("must be a secret: give it as {env: NAME}") stay readable.
_LOOSE_PAIR = re.compile(rf"""({_KEY}:\s+)(?=[A-Za-z]*[^A-Za-z"'&\s,}}])""" + _VALUE,
                         re.IGNORECASE)
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@", re.IGNORECASE)
_known: set[str] = set()
_lock = threading.Lock()


def remember(secret: str | None) -> None:
    """Mask ``secret`` (and its URL-encoded spellings) in every text scrubbed from now on."""
    if not secret or len(secret) < _MIN_LENGTH:
        return
    with _lock:
        _known.update({secret, quote(secret, safe=""), quote_plus(secret)})


def scrub(text: str) -> str:
    """``text`` with every known secret, ``user:password@`` and ``token=…`` masked."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)  # a longer spelling first
    for secret in known:
        text = text.replace(secret, MASK)
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    text = _PAIR.sub(lambda m: m.group(1) + MASK, text)
    return _LOOSE_PAIR.sub(lambda m: m.group(1) + MASK, text)


class Scrubbing(logging.Filter):
    """A logging filter that scrubs every record before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True

