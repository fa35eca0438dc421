"""WebSub (W3C Recommendation): telling a hub that a feed changed, so partners hear at once
instead of when they next poll.

A feed names its hub (``<link rel="hub">``) beside its own address (``rel="self"``, the
topic); after a change the publisher sends the hub ``hub.mode=publish`` and ``hub.url=<topic>``
(the publish request of PubSubHubbub 0.4 that hubs such as Google's and Superfeedr accept).
A failed notification is a warning, never a failed publication: partners still poll.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import requests
from lxml import etree

from syndicate.sinks.feedformats import ATOM

log = logging.getLogger(__name__)

ATTEMPTS = 3
TIMEOUT = 5.0      # seconds per request: an urgent run must finish in seconds
BACKOFF = 0.5      # seconds before the 2nd attempt, doubled after


def add_hub_link(feed: etree._Element, hub: str) -> None:
    """Add ``<link rel="hub">`` to an Atom feed element or an RSS channel (as atom:link),
    right after its ``rel="self"`` link when there is one."""
    link = etree.Element(f"{{{ATOM}}}link", {"rel": "hub", "href": hub})
    own = next((e for e in feed.iterchildren(f"{{{ATOM}}}link") if e.get("rel") == "self"),
               None)
    if own is not None:
        own.addnext(link)
    else:
        feed.append(link)


def ping(hub: str, topics: Sequence[str], user_agent: str, *, attempts: int = ATTEMPTS,
         timeout: float = TIMEOUT, sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """Notify ``hub`` that each topic changed, retrying a passing failure a bounded number
    of times. Return the problems (empty when the hub took every notification); each is
    logged as a warning."""
    problems = []
    with requests.Session() as session:
        session.trust_env = False  # no proxy or ~/.netrc credentials from the environment
        session.headers["User-Agent"] = user_agent
        for topic in topics:
            problem = _notify(session, hub, topic, attempts, timeout, sleep)
            if problem:
                log.warning("WebSub: %s; partners will see the change when they next poll",
                            problem)
                problems.append(problem)
    return problems


def _notify(session: requests.Session, hub: str, topic: str, attempts: int, timeout: float,
            sleep: Callable[[float], None]) -> str | None:
    problem = ""
    for attempt in range(attempts):
        if attempt:
            sleep(BACKOFF * 2 ** (attempt - 1))
        try:
            answer = session.post(hub, data={"hub.mode": "publish", "hub.url": topic},
                                  timeout=timeout, allow_redirects=False)
        except requests.RequestException as error:
            problem = f"cannot reach the hub {hub} ({type(error).__name__})"
            continue
        if 200 <= answer.status_code < 300:
            return None
        problem = f"the hub {hub} answered HTTP {answer.status_code} for {topic}"
        if answer.status_code < 500 and answer.status_code != 429:
            break  # the hub refuses this request; asking again will not help
    return f"{problem} (after {attempt + 1} attempt{'s' if attempt else ''})"
