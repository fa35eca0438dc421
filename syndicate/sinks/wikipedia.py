"""The Wikipedia draft sink: council pages as ``Draft:`` articles, attributed and disclosed.

Configuration (besides ``type``, ``kinds``, ``sources`` and ``match``)::

    site: en.wikipedia.org                        # or the URL of a wiki's api.php
    username: {env: SYNDICATE_WP_USER}            # a bot password: User@BotName
    password: {env: SYNDICATE_WP_PASSWORD}
    # or an OAuth 1.0a owner-only consumer instead of username/password:
    # consumer_token / consumer_secret / access_token / access_secret: {env: …}
    submission_template: "AfC submission|T"       # "" for none
    title_prefix: "Draft:"
    text_release_template: "Text release"         # "" for none
    withdraw_template: "db-g7"                    # tags a withdrawn draft; "" leaves it to a person
    talk_templates: ["Connected contributor (paid)|User1=…|U1-employer=…"]   # default: that

Imported text must be credited (docs/wikimedia.md): the edit summary names the source URL,
author and licence, the References section carries the licence's notice template
(``Licence.wikipedia_template``) and the credit line, and the talk page records the
council's public licence statement (``{{Text release}}``) and the paid-editing disclosure
council staff owe (``{{Connected contributor (paid)}}``).

People win over syndicate: once anyone else has edited a draft, it is never overwritten;
a draft that was moved (to mainspace, say) or deleted is never recreated. Both raise
:class:`~syndicate.errors.SkipItem` with a message for the editors' queue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from syndicate import wikititle
from syndicate.errors import ConfigError, RetryLater, SinkError, SkipItem
from syndicate.html2wiki import html_to_wikitext
from syndicate.licences import Licence, registry
from syndicate.mediawiki import ACCOUNT_OPTIONS, Account, ApiError, RetryPolicy, Wiki
from syndicate.model import Finding, Item, Receipt, Withdrawal, make_id
from syndicate.options import ListOf, Option, Text
from syndicate.sinks.base import Sink, SinkContext
from syndicate.sinks.drafttext import (
    draft_body,
    draft_title,
    figure_images,
    notice,
    talk_title,
)
from syndicate.wikitext import edit_summary, escape, url_param

__all__ = ["WikipediaDraftSink", "draft_body", "draft_title", "talk_title"]

_TEMPLATE = Text(r"[^{}]*", 'a template without braces, e.g. "Text release", or "" for none',
                 allow_empty=True)
#: Edit errors that concern this page, not the wiki: a person must look.
_PAGE_ERRORS = frozenset({"protectedpage", "cascadeprotected", "titleblacklist-forbidden",
                          "spamblacklist", "abusefilter-disallowed", "abusefilter-warning",
                          "invalidtitle", "contenttoobig", "blocked", "protectedtitle",
                          "missingtitle", "articleexists"})


@dataclass(frozen=True)
class _PageState:
    """A wiki page as this sink needs to see it before writing to it."""

    title: str
    exists: bool
    pageid: int | None = None
    revid: int | None = None
    user: str | None = None
    comment: str = ""
    text: str = ""
    redirect: bool = False


class WikipediaDraftSink(Sink):
    """Creates and updates Wikipedia drafts from council pages (see the module docstring)."""

    kinds: ClassVar[frozenset[str]] = frozenset({"article"})
    options: ClassVar[tuple[Option, ...]] = (
        *ACCOUNT_OPTIONS,
        Option("submission_template", _TEMPLATE, default="AfC submission|T",
               description='Template marking an unsubmitted draft, without braces ("" for '
               "none)."),
        Option("text_release_template", _TEMPLATE, default="Text release",
               description="Talk-page template recording the source's licence statement."),
        Option("talk_templates", ListOf(Text(r"[^{}]+", "a template without braces")),
               description='Templates for the talk page, e.g. ["Connected contributor '
               '(paid)|User1=…"].'),
        Option("title_prefix", Text(), default="Draft:",
               description="Namespace the drafts are written in."),
        Option("withdraw_template", _TEMPLATE, default="db-g7",
               description="Deletion template put on a withdrawn draft nobody else edited "
               '(deletion requested by its author); "" leaves every withdrawal to a person.'),
    )
    licence_gate: ClassVar[str | None] = "wikipedia_text"
    supports_dry_run: ClassVar[bool] = True
    #: How requests to the wiki are retried; tests and impatient callers replace it.
    retry_policy: RetryPolicy = RetryPolicy()

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        self.account = Account.from_config(self.config, "en.wikipedia.org")
        self.api_url = self.account.api_url
        self.submission_template = self.config["submission_template"].strip()
        self.text_release_template = self.config["text_release_template"].strip()
        self.withdraw_template = self.config["withdraw_template"].strip()
        self.title_prefix = self.config["title_prefix"]
        if not wikititle.is_legal(self.title_prefix):
            raise ConfigError('title_prefix must be a namespace prefix such as "Draft:"',
                              key="title_prefix")
        self.talk_templates: list[str] | None = self.config["talk_templates"]
        self._wiki: Wiki | None = None
        # Draft titles claimed in this run, so two pages never silently become one draft.
        self._titles: dict[str, str] = {}

    # -- checks ---------------------------------------------------------------------------
    def check(self, item: Item) -> list[Finding]:
        """The licence gate (no NC/ND/unknown licences), then what attribution needs."""
        found = super().check(item)
        if any(finding.is_error for finding in found):
            return found
        if not _is_http(item.url):
            found.append(Finding("wikipedia.no-source-url", "error",
                                 f"{item.id} has no public http(s) URL; imported text must "
                                 "link its source", self.name))
        if _evidence(item) is None:
            found.append(Finding("wikipedia.no-evidence", "error",
                                 f"{item.id}: no public licence statement to cite on the "
                                 "talk page; set licensing.evidence or declare the licence "
                                 "on the page (rel=license)", self.name))
        if not draft_title(item.title, self.title_prefix).removeprefix(self.title_prefix):
            found.append(Finding("wikipedia.no-title", "error",
                                 f"{item.id} has no usable title for a draft", self.name))
        title = draft_title(item.title, self.title_prefix)
        claimed = self._titles.setdefault(title, item.id)  # titles are case-sensitive
        if claimed != item.id:
            found.append(Finding("wikipedia.title-clash", "error",
                                 f"{item.id} would write {title}, which {claimed} writes "
                                 "too; give one of them another title (their pages' <h1> "
                                 "or og:title)", self.name))
        if not html_to_wikitext(item.content_html, base_url=item.url):
            found.append(Finding("wikipedia.empty", "error",
                                 f"{item.id} has no text to import", self.name))
        return found

    # -- publishing -----------------------------------------------------------------------
    def open(self) -> None:
        """Log in once for the run (not in a dry run: it changes nothing anywhere)."""
        if self.context.dry_run:
            return
        self._wiki = self.account.login(user_agent=self.context.user_agent,
                                        policy=self.retry_policy, purpose="editing",
                                        deadline=self.context.limits.login_deadline)

    def publish(self, item: Item) -> Receipt:
        """Create or update the item's draft and its talk page, unless people took over."""
        assert item.licence is not None
        licence = registry().get(item.licence)
        previous = self.context.previous(item)
        title = str(previous.remote_id) if previous is not None else \
            draft_title(item.title, self.title_prefix)
        text = self.page_text(item, licence)
        if self.context.dry_run:
            summary = self._summary(item, licence, "create")
            return Receipt(title, None, {"title": title, "preview":
                                         f"{title}\n\n{text}\n\nSummary: {summary}"})
        wiki = self._wiki
        if wiki is None:
            raise SinkError(f"{self.name}: publish called before open")
        page = self._read(wiki, title)
        self._ensure_ours(wiki, item, page, previous)
        pageid, revid = page.pageid, page.revid
        if not page.exists or page.text.rstrip() != text.rstrip():
            pageid, revid = self._edit(wiki, page, text, self._summary(
                item, licence, "update" if page.exists else "create"))
        talk_revid = self._update_talk(wiki, page.title, item, licence)
        return Receipt(page.title, wiki.page_url(page.title), {
            "title": page.title, "pageid": pageid, "revid": revid, "talk_revid": talk_revid})

    def withdraw(self, item: Item, receipt: Receipt) -> Withdrawal:
        """Blank the draft and tag it for deletion by its author (``withdraw_template``),
        unless a person edited it since syndicate did (see wikipedia_withdraw)."""
        from syndicate.sinks.wikipedia_withdraw import withdraw_draft

        return withdraw_draft(self, item, receipt)

    def close(self) -> None:
        if self._wiki is not None:
            self._wiki.close()
            self._wiki = None

    # -- the text -------------------------------------------------------------------------
    def page_text(self, item: Item, licence: Licence) -> str:
        """The draft: submission template, converted text, References with the notice."""
        body = draft_body(item, self.context.organisation.url, self._files(item))
        parts = [f"{{{{{self.submission_template}}}}}"] if self.submission_template else []
        parts.append(body)
        references = ["{{reflist}}"] if "<ref>" in body else []  # the page's footnotes
        if licence.wikipedia_template:
            references.append(notice(item, licence, self._author(item)))
        if item.attribution is not None:
            references.append(item.attribution.wikitext)
        parts.append("== References ==\n" + "\n\n".join(references))
        return "\n\n".join(parts) + "\n"

    def talk_banners(self, item: Item, account: str) -> list[str]:
        """The talk page's templates: the licence statement and the paid disclosure."""
        banners: list[str] = []
        evidence = _evidence(item)
        if self.text_release_template and evidence:
            banners.append(f"{{{{{self.text_release_template}|URL={url_param(evidence)}}}}}")
        if self.talk_templates is not None:
            banners.extend(f"{{{{{template}}}}}" for template in self.talk_templates)
        else:
            banners.append(f"{{{{Connected contributor (paid)|User1={escape(account)}"
                           f"|U1-employer={escape(self.context.organisation.name)}}}}}")
        return banners

    def _files(self, item: Item) -> dict[str, str]:
        """The article's images already on the wiki: image URL -> ``File:…``, from the
        receipts of the image items the same source made of them."""
        files = {}
        for src in figure_images(item.content_html):
            for receipt in self.context.published(make_id(item.source, src)):
                if receipt.remote_id.startswith("File:"):
                    files[src] = receipt.remote_id
        return files

    def _author(self, item: Item) -> str:
        return item.creator or self.context.organisation.name

    def _summary(self, item: Item, licence: Licence, action: str) -> str:
        verb = "Importing" if action == "create" else "Updating"
        summary = (f"{verb} text from {item.url} by {self._author(item)}, licensed under "
                   f"{licence.short_name} ({licence.url}); see the talk page for the licence "
                   "statement")
        return edit_summary(summary)

    # -- talking to the wiki ----------------------------------------------------------------
    def _read(self, wiki: Wiki, title: str) -> _PageState:
        """The page's latest revision (text and author), without following redirects."""
        answer = wiki.get("query", titles=title, prop="info|revisions",
                          rvprop="ids|user|comment|content", rvslots="main")
        page = answer["query"]["pages"][0]
        if page.get("missing") or page.get("invalid"):
            return _PageState(str(page.get("title", title)), exists=False)
        revision = page["revisions"][0]
        return _PageState(str(page["title"]), exists=True, pageid=int(page["pageid"]),
                          revid=int(revision["revid"]), user=revision.get("user"),
                          comment=str(revision.get("comment", "")),
                          text=str(revision["slots"]["main"].get("content", "")),
                          redirect=bool(page.get("redirect")))

    def _ensure_ours(self, wiki: Wiki, item: Item, page: _PageState,
                     previous: Receipt | None) -> None:
        """Raise SkipItem unless the page is syndicate's to write: never touched by anyone
        else since our last edit, and neither moved nor deleted."""
        if page.redirect or (previous is not None and not page.exists):
            raise SkipItem(self._gone(wiki, page.title))
        if previous is None:
            if page.exists and page.user == wiki.user and item.url and \
                    item.url not in page.comment:
                # Our edit summaries name the page imported; another page wrote this draft.
                raise SkipItem(f"wikipedia.title-clash: {page.title} is syndicate's draft of "
                               "another page (its last edit imported "
                               f"{_imported_from(page.comment)}); give this item another "
                               "title, or merge the two by hand")
            if page.exists and page.user != wiki.user:
                raise SkipItem(f"{page.title} already exists and was written by "
                               f"{page.user}, not by syndicate; rename the item or merge by "
                               "hand, then approve it again")
            if not page.exists and self._history(wiki, page.title):
                raise SkipItem(self._gone(wiki, page.title))
            return
        if previous.detail.get("pageid") not in (None, page.pageid):
            raise SkipItem(f"{page.title} is now a different page (it was deleted and "
                           "recreated); syndicate will not write to it")
        if page.revid != previous.detail.get("revid") and page.user != wiki.user:
            raise SkipItem(f"{page.title} was edited by {page.user} since syndicate's last "
                           f"edit (revision {previous.detail.get('revid')}); their changes are "
                           f"kept. Merge the new text from {item.url} by hand, or ask them")

    def _gone(self, wiki: Wiki, title: str) -> str:
        for event in self._history(wiki, title):
            if event.get("type") == "move":
                target = event.get("params", {}).get("target_title", "another title")
                return (f"{title} was moved to {target} by {event.get('user')}; syndicate "
                        "never recreates a moved draft. Update it there by hand")
            if event.get("type") == "delete" and event.get("action") == "delete":
                return (f"{title} was deleted by {event.get('user')} "
                        f"({event.get('comment') or 'no reason given'}); syndicate never "
                        "recreates a deleted draft")
        return f"{title} no longer exists as syndicate left it; it will not be recreated"

    def _history(self, wiki: Wiki, title: str) -> list[dict[str, Any]]:
        """Move and deletion log entries for ``title``, newest first."""
        answer = wiki.get("query", list="logevents", letitle=title, lelimit="20",
                          leprop="type|user|comment|details|timestamp")
        events: list[dict[str, Any]] = answer["query"]["logevents"]
        return [e for e in events if e.get("type") in ("move", "delete")]

    def _edit(self, wiki: Wiki, page: _PageState, text: str,
              summary: str) -> tuple[int, int]:
        """Write the page and return its page and revision ids. Conflicts and refusals
        that concern this page are reported, never forced."""
        guard = {"baserevid": page.revid, "nocreate": True} if page.exists else \
            {"createonly": True}
        try:
            answer = wiki.write("edit", title=page.title, text=text, summary=summary,
                                watchlist="nochange", **guard)
        except ApiError as error:
            if error.code == "editconflict":
                raise RetryLater(f"{page.title}: someone edited it while syndicate was "
                                 "writing; trying again next run") from None
            if error.code in _PAGE_ERRORS:
                raise SkipItem(f"{page.title}: the wiki refused the edit: {error.code}: "
                               f"{error.info}") from None
            raise
        result = answer.get("edit", {})
        if result.get("result") != "Success":
            raise SkipItem(f"{page.title}: the wiki did not save the edit ({result}); a "
                           "person must look (a captcha or an edit filter)")
        if result.get("nochange"):  # the wiki normalised our text to what it had
            return int(result["pageid"]), int(page.revid or 0)
        return int(result["pageid"]), int(result["newrevid"])

    def _update_talk(self, wiki: Wiki, title: str, item: Item, licence: Licence) -> int | None:
        """Add the missing banners at the top of the talk page; what people wrote stays."""
        talk = self._read(wiki, talk_title(title))
        banners = self.talk_banners(item, wiki.user or "")
        missing = [b for b in banners if not _has_template(talk.text, b)]
        if not missing:
            return talk.revid
        summary = edit_summary(f"Licence statement ({licence.short_name}) and paid-editing "
                               f"disclosure for the text imported from {item.url}")
        try:
            answer = wiki.write("edit", title=talk.title, prependtext="\n".join(missing) + "\n",
                                summary=summary, watchlist="nochange")
        except ApiError as error:
            if error.code in _PAGE_ERRORS:
                raise SkipItem(f"{talk.title}: the wiki refused the edit: {error.code}: "
                               f"{error.info}") from None
            raise
        return int(answer["edit"].get("newrevid") or talk.revid or 0) or None


def _imported_from(summary: str) -> str:
    found = re.search(r"text from (\S+)", summary)
    return found.group(1) if found else "another page"


def _has_template(text: str, banner: str) -> bool:
    """Whether ``text`` already uses the banner's template (however its parameters read)."""
    name = banner.strip("{}").split("|", 1)[0].strip()
    pattern = r"\{\{\s*" + r"[ _]+".join(map(re.escape, name.split())) + r"\s*[|}]"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _evidence(item: Item) -> str | None:
    """The public statement of the item's licence: the council's evidence URL, or the page
    itself when it declares its licence."""
    if _is_http(item.evidence):
        return item.evidence
    return item.url if item.declared_licences and _is_http(item.url) else None


def _is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(str(url)).scheme in ("http", "https")
