"""``syndicate init``: the files a new council starts from.

Either a commented starter ``syndicate.yaml`` that explains every section, or (``--demo``)
the demo council shipped inside the package as ``syndicate.demo``: a configuration, a news
feed and a folder of photos with sidecars, all local, so a first run needs no network and
no accounts. Both come with an empty ``queue.yaml``. Nothing that exists is overwritten.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from syndicate import queue
from syndicate.errors import InputError

STARTER_CONFIG = """\
# syndicate configuration for one council. Paths are relative to this file.
# Run `syndicate collect` to fill queue.yaml, approve items there, then `syndicate publish`
# (or `syndicate run` from cron every night to do both).

# Who runs syndicate. The contact goes into the User-Agent of every request, as
# Wikimedia's policy asks, so that a wiki's operators can reach you.
organisation:
  name: Example Borough Council
  url: https://www.example.gov.uk
  contact: webteam@example.gov.uk
  language: en-GB                       # your content's language (cy: Welsh; sources may differ)

# Where items come from. Each source has a name (used in item ids, licence rules and
# the queue) and a type:
#   feed       an RSS or Atom feed: url: https://… (or path: for a local file)
#   directory  a folder of photos and documents, each with an optional sidecar
#              photo.jpg.yaml (title, description, creator, date, licence, alt, …)
#   pages      web pages: urls: [https://…] or sitemap: https://…/sitemap.xml
sources:
  news:
    type: feed
    url: https://www.example.gov.uk/news.rss
  # photos:
  #   type: directory
  #   path: content/photos

# Which licence each item gets. A licence the source declares itself (a feed's
# creativeCommons:license, a sidecar's licence:) is recognised; otherwise the first rule
# that matches wins, then the default. Licence ids come from `syndicate licences`.
licensing:
  default: ogl-uk-3.0
  attribution:                          # who is credited when the item names no creator
    name: Example Borough Council
    url: https://www.example.gov.uk
  evidence: https://www.example.gov.uk/copyright   # your public licence statement
  rules:                                # first match wins
    - match: {url: "https://www.example.gov.uk/consultations/*"}
      licence: none                     # never syndicate these
    # - match: {source: photos}
    #   licence: cc-by-4.0

# The editors' queue: new and changed items wait here as pending until an editor
# approves or rejects them. Published items leave it after keep_days.
queue:
  path: queue.yaml
  max_pending: 500
  keep_days: 14

# Where approved items go. `syndicate sinks` lists the installed types. Secrets never go
# in this file: write {env: VARIABLE} or {file: path/to/secret} (readable only by you).
# Every sink also takes kinds: [article, image, document], sources: [names] and match:,
# the rule language of licensing rules plus text: (words in the title or summary). One
# approval sends an item to every sink that matches it.
sinks:
  partners:                             # Atom and RSS feeds for partner sites
    type: feed
    directory: public/feeds
    formats: [atom, rss]
    base_url: https://www.example.gov.uk/feeds    # where public/feeds is served
    # media: attach                     # an article's pictures inside its entry (or separate)
# Topic feeds people subscribe to; index.html and feeds.opml in the folder list them all.
  # schools:
  #   type: feed
  #   directory: public/feeds
  #   title: School news from Example Borough Council
  #   base_url: https://www.example.gov.uk/feeds
  #   match: {category: [Schools, Education]}
  # roads:
  #   type: feed
  #   directory: public/feeds
  #   title: Roads and travel from Example Borough Council
  #   base_url: https://www.example.gov.uk/feeds
  #   match: {text: [road, roads, closure, roadworks]}
  # commons:                            # Wikimedia Commons: photos and documents
  #   type: commons
  #   site: commons.wikimedia.org
  #   username: {env: SYNDICATE_COMMONS_USER}       # a bot password: User@BotName
  #   password: {env: SYNDICATE_COMMONS_PASSWORD}
  #   categories: ["Example Borough Council"]
  #   kinds: [image, document]
  # wikipedia:                          # Draft: pages on Wikipedia, for an editor to review
  #   type: wikipedia-draft
  #   site: en.wikipedia.org
  #   username: {env: SYNDICATE_WP_USER}
  #   password: {env: SYNDICATE_WP_PASSWORD}
  #   kinds: [article]
"""

# What --demo copies from the syndicate.demo package (its __init__.py stays behind).
DEMO_PARTS = ("syndicate.yaml", "content")


def create_starter(directory: Path, *, demo: bool) -> list[Path]:
    """Write a starter configuration and an empty queue into ``directory`` (created if
    needed) and return the paths written. With ``demo`` the configuration is the demo
    council's, with its sample content. Raises InputError, writing nothing, if any of the
    files already exists."""
    planned = {directory / "queue.yaml": queue.render([]).encode("utf-8")}
    if demo:
        planned |= {directory / relative: data for relative, data in _demo_files()}
    else:
        planned[directory / "syndicate.yaml"] = STARTER_CONFIG.encode("utf-8")
    for path in sorted(planned):
        if path.exists():
            raise InputError(f"{path} already exists; syndicate init never overwrites "
                             "files: choose another DIR, e.g. `syndicate init new-council`")
    written = []
    for path, data in sorted(planned.items()):
        _write_new(path, data)
        written.append(path)
    return written


def _demo_files() -> list[tuple[PurePosixPath, bytes]]:
    root = files("syndicate.demo")
    found: list[tuple[PurePosixPath, bytes]] = []
    for part in DEMO_PARTS:
        found.extend(_walk(root / part, PurePosixPath(part)))
    return found


def _walk(node: Traversable, relative: PurePosixPath) -> list[tuple[PurePosixPath, bytes]]:
    if node.is_file():
        return [(relative, node.read_bytes())]
    return [found for child in sorted(node.iterdir(), key=lambda c: c.name)
            if not child.name.startswith((".", "__"))
            for found in _walk(child, relative / child.name)]


def _write_new(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path.parent}: cannot create this folder ({exc.strerror}); "
                         "choose another DIR") from None
    # "x" refuses to replace a file that appeared since the check above.
    try:
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise InputError(f"{path} already exists; choose another DIR") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror})") from None
