"""Checks that hold whatever the destination: findings with ``sink=None``.

Sinks add their own (licence gate, file types, name rules) in ``Sink.check``; these are the
ones every destination shares: the credit line can be complete (TASL), the licence can cover
the item at all (the OGL's exclusions, someone else's work), the council can show where it
licensed the item, and the file is there. :class:`Duplicates` spots the same file offered
twice in one run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from syndicate import logos
from syndicate.camera_names import is_camera_name
from syndicate.licences import Licence, registry
from syndicate.model import Finding, Item, file_sha1
from syndicate.tagging import Decision

#: Above this a file is almost certainly a mistake (a raw video, a disk image); Commons's
#: own ceiling is 5 GiB and each sink enforces its real limit.
MAX_FILE_BYTES = 1 << 30
FILE_KINDS = frozenset({"image", "document"})


def check_item(item: Item, decision: Decision) -> list[Finding]:
    """The sink-independent findings for a tagged item."""
    findings: list[Finding] = []
    licence = registry().find(item.licence) if item.licence else None
    if licence is not None:
        findings += _tasl(item, licence, decision)
        findings += _rights(item, licence, decision)
        findings += _evidence(item, decision)
    if item.kind in FILE_KINDS:
        findings += _file(item)
    return findings


def _tasl(item: Item, licence: Licence, decision: Decision) -> list[Finding]:
    """Title, Author, Source: what a reuser needs to credit the work. Public-domain works
    need no credit, so gaps there are not worth an editor's time."""
    if not licence.requires_attribution:
        return []
    findings = []
    if not item.title.strip():
        findings.append(Finding("attribution.no-title", "warning",
                                f"{item.id} has no title; CC licences ask reusers to keep the "
                                "title, so give it one at the source"))
    if not (item.creator or "").strip():
        if decision.attributor is not None:
            findings.append(Finding(
                "attribution.no-creator", "warning",
                f"{item.id} names no creator, so it is credited to "
                f"{decision.attributor.name}; set the creator at the source if someone else "
                "made it"))
        else:
            findings.append(Finding(
                "attribution.no-creator", "error",
                f"{item.id} names no creator and licensing.attribution is not set, so "
                f"{licence.short_name} cannot be complied with; set the creator at the "
                "source or add licensing.attribution to syndicate.yaml"))
    if not (item.url or item.media_url):
        findings.append(Finding("attribution.no-source", "warning",
                                f"{item.id} has no URL to credit as its source; give the "
                                "original's web address at the source (url: in a sidecar)"))
    return findings


def _rights(item: Item, licence: Licence, decision: Decision) -> list[Finding]:
    findings = []
    ogl = licence.family == "ogl"
    # Only images: a logo inside a document is covered ("unless integral to a document"),
    # and an article about the new Blue Badge scheme is text, not a badge.
    word = _excluded_word(item) if item.kind == "image" else None
    if word and ogl:
        findings.append(Finding(
            "ogl.logo", "error",
            f"{item.id} looks like a logo, crest or insignia ('{word}'); the OGL does not "
            "cover those and nothing else licenses it. Reject it, or exclude it with a "
            "licence: none rule"))
    elif word:
        # A CC licence can cover the council's own emblem as a work, but never its
        # trade-mark rights: reusers must be told (Commons adds {{Trademarked}}).
        findings.append(Finding(
            "rights.trademark", "warning",
            f"{item.id} looks like a logo, crest or insignia ('{word}'); {licence.short_name} "
            "does not license its use as a mark. Check the council may license it at all"))
    if item.people_identifiable:
        if ogl:
            findings.append(Finding(
                "ogl.personal-data", "error",
                f"{item.id} shows identifiable people; the OGL does not cover personal data. "
                "Use a CC licence with the people's consent, or reject it"))
        else:
            findings.append(Finding(
                "rights.personality", "warning",
                f"{item.id} shows identifiable people; make sure they consented (Commons marks "
                "such files with {{Personality rights}})"))
    if item.third_party:
        findings.append(_third_party(item, licence, decision))
    return findings


def _third_party(item: Item, licence: Licence, decision: Decision) -> Finding:
    if licence.family == "ogl":
        return Finding("ogl.third-party", "error",
                       f"{item.id} is someone else's work; the OGL does not cover third-party "
                       "rights. Get the rights holder's own licence declared at the source")
    if decision.origin == "declared":
        return Finding("rights.third-party", "warning",
                       f"{item.id} is someone else's work under {licence.short_name} as the "
                       "source declares; check the rights holder made that declaration")
    return Finding("rights.third-party", "error",
                   f"{item.id} is someone else's work, and the council cannot license it "
                   f"under {licence.short_name}; get the rights holder's licence declared at "
                   "the source, or exclude it with a licence: none rule")


def _excluded_word(item: Item) -> str | None:
    """The first word naming an OGL-excluded thing (syndicate.logos) in the title, file
    name, alt text or categories."""
    return logos.mark_word(item.title, _file_name(item) or "", item.alt, *item.categories)


def _evidence(item: Item, decision: Decision) -> list[Finding]:
    """A licence the council assigned needs its public licence statement behind it (a
    council is not automatically within the OGL framework; Commons asks for proof)."""
    if decision.origin in ("rule", "forced", "default") and not decision.evidence:
        return [Finding("licence.no-evidence", "warning",
                        f"{item.id}: nothing shows the council publishes this under "
                        f"{item.licence}; set licensing.evidence (or the rule's evidence:) to "
                        "the URL of the council's public licence statement")]
    return []


def _file(item: Item) -> list[Finding]:
    findings = []
    if item.path is not None:
        findings += _local_file(item, item.path)
    elif item.media_url is None:
        findings.append(_missing(item, f"an {item.kind} needs a local file or a media URL, "
                                       "and it has neither"))
    elif item.size is not None:
        findings += _size(item, item.size)
    name = _file_name(item)
    if name and is_camera_name(PurePosixPath(name).stem) and _title_is_weak(item, name):
        findings.append(Finding("file.camera-name", "warning",
                                f"{item.id}: '{name}' is a camera's file name and the title "
                                "does not describe it either; give it a descriptive title, "
                                "which sinks use to name the file"))
    return findings


def _local_file(item: Item, path: Path) -> list[Finding]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [_missing(item, f"cannot read {path} ({exc.strerror})")]
    if not path.is_file() or not os.access(path, os.R_OK):
        return [_missing(item, f"{path} is not a readable file")]
    return _size(item, size)


def _missing(item: Item, problem: str) -> Finding:
    return Finding("file.missing", "error", f"{item.id}: {problem}; restore the file or "
                   "remove the item")


def _size(item: Item, size: int) -> list[Finding]:
    if size == 0:
        return [Finding("file.empty", "error", f"{item.id}: the file is empty (0 bytes)")]
    if size > MAX_FILE_BYTES:
        return [Finding("file.too-large", "warning",
                        f"{item.id}: the file is {size / (1 << 30):.1f} GiB; check it is the "
                        "intended file")]
    return []


def _file_name(item: Item) -> str | None:
    if item.path is not None:
        return item.path.name
    if item.media_url:
        return PurePosixPath(unquote(urlsplit(item.media_url).path)).name or None
    return None


def _title_is_weak(item: Item, name: str) -> bool:
    title = item.title.strip()
    return not title or is_camera_name(title) or title in (name, PurePosixPath(name).stem)


class Duplicates:
    """Spots items of one run that carry the same file: the same bytes (SHA-1, as MediaWiki
    identifies files) for local files, the same media URL for remote ones.

    Feed it every item of the run, in order; the first of a set is the original, each later
    one gets a ``duplicate.content`` warning naming it.
    """

    def __init__(self, file_hash: Callable[[Path], str] = file_sha1) -> None:
        self._first: dict[str, tuple[str, str]] = {}
        self._file_hash = file_hash

    def check(self, item: Item) -> list[Finding]:
        key = self._key(item)
        if key is None:
            return []
        first_id, first_title = self._first.setdefault(key, (item.id, item.title))
        if first_id == item.id:
            return []
        return [Finding("duplicate.content", "warning",
                        f"{item.id} has the same file as {first_id} (“{first_title}”); "
                        "reject one of them")]

    def remember(self, item: Item) -> None:
        """Count ``item`` as seen (an older item, so it stays the original of its set)."""
        key = self._key(item)
        if key is not None:
            self._first.setdefault(key, (item.id, item.title))

    def _key(self, item: Item) -> str | None:
        if item.kind not in FILE_KINDS:
            return None
        if item.path is not None:
            try:
                return "sha1:" + self._file_hash(item.path)
            except OSError:
                return None  # reported as file.missing by check_item
        return "url:" + item.media_url if item.media_url else None
