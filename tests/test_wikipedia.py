"""The Wikipedia draft sink against a real local MediaWiki (tests/mediawiki.py)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from syndicate.attribution import Attributor, build_attribution
from syndicate.errors import ConfigError, SkipItem
from syndicate.licences import registry
from syndicate.model import Item, make_id
from syndicate.secrets import Secret
from syndicate.sinks.wikipedia import WikipediaDraftSink, draft_title, talk_title
from syndicate.sources.html import read_page
from syndicate.testing import SinkContract
from tests.mediawiki import LocalWiki
from tests.wikisinks import ORG, SinkHarness, login_env

PAGE_URL = "https://www.example.gov.uk/parks/example-park/history"
EVIDENCE = "https://www.example.gov.uk/copyright"
HISTORY = (Path(__file__).parent / "data" / "pages" / "history.html").read_bytes()
TITLE = "Draft:History of Example Park"
NOTICE = "Creative Commons text attribution notice"


class Harness(SinkHarness):
    """Wikipedia draft sink runs sharing one receipt ledger."""

    sink_class = WikipediaDraftSink
    sink_type = "wikipedia-draft"
    sink_name = "wikipedia"


@pytest.fixture
def harness(wiki: LocalWiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    login_env(wiki, monkeypatch)
    return Harness(wiki, tmp_path)


def article(content_html: str | None = None, licence: str = "cc-by-4.0",
            **fields: Any) -> Item:
    """An article as the pages source and tagging would leave it."""
    page = read_page(HISTORY, PAGE_URL)
    item = Item(id=make_id("pages", PAGE_URL), source="pages", kind="article",
                title=page.title, url=PAGE_URL, description=page.description,
                content_html=content_html if content_html is not None else page.content_html,
                creator=page.creator, creator_url=page.creator_url,
                declared_licences=page.licences, licence=licence, evidence=EVIDENCE)
    for name, value in fields.items():
        setattr(item, name, value)
    tagged = registry().get(item.licence or "cc-by-4.0")
    item.licence_url = tagged.url
    item.attribution = build_attribution(item, tagged, Attributor(ORG.name, ORG.url))
    return item


def latest(wiki: LocalWiki, title: str) -> dict[str, Any]:
    """The page's latest revision: ids, user, comment and text."""
    answer = wiki.site().get("query", titles=title, prop="revisions",
                             rvprop="ids|user|comment|content", rvslots="main",
                             formatversion="2")
    page = answer["query"]["pages"][0]
    if page.get("missing"):
        return {}
    revision: dict[str, Any] = page["revisions"][0]
    revision["text"] = revision["slots"]["main"]["content"]
    return revision


def revision_count(wiki: LocalWiki, title: str) -> int:
    answer = wiki.site().get("query", titles=title, prop="revisions", rvprop="ids",
                             rvlimit="max", formatversion="2")
    return len(answer["query"]["pages"][0].get("revisions", []))


def parsed(wiki: LocalWiki, title: str) -> dict[str, Any]:
    answer = wiki.site().get("parse", page=title, formatversion="2",
                             prop="text|templates|categories|links|externallinks|properties")
    result: dict[str, Any] = answer["parse"]
    return result


def test_a_page_becomes_a_clean_draft(harness: Harness, wiki: LocalWiki) -> None:
    receipt = harness.publish(article())
    assert receipt.remote_id == TITLE
    assert receipt.url == f"http://127.0.0.1:{wiki.port}/index.php/Draft:History_of_Example_Park"
    text = latest(wiki, TITLE)["text"]
    assert text.startswith("{{AfC submission|T}}\n\nExample Park opened in '''1874'''")
    assert (f"== References ==\n{{{{{NOTICE}|cc=by4|url={PAGE_URL}"
            "|author=Example Borough Council Parks Team}}") in text
    result = parsed(wiki, TITLE)
    assert {t["title"] for t in result["templates"]} == {"Template:AfC submission",
                                                         f"Template:{NOTICE}"}
    assert result["categories"] == []
    assert {link["title"] for link in result["links"]} <= {"Template:AfC submission",
                                                           f"Template:{NOTICE}"}
    assert set(result["externallinks"]) == {
        "https://www.example.gov.uk/parks/example-park/bandstand", PAGE_URL,
        "https://www.example.gov.uk/parks", "https://creativecommons.org/licenses/by/4.0/"}
    rendered = result["text"]
    assert "<table" in rendered and "Boating lake" in rendered and "<h2" in rendered
    for boilerplate in ("cookies", "Skip to main content", "Accessibility statement",
                        "Related pages", "heritage-trust"):
        assert boilerplate not in rendered
    assert receipt.detail["pageid"] > 0
    assert receipt.detail["revid"] == latest(wiki, TITLE)["revid"]


ATTACKS = ("{{subst:Delete me}} [[Category:Spam]] ~~~~ __NOTOC__ |} {{PAGENAME}} "
           "<script>alert(1)</script> [[Main Page]]")


def test_injection_in_title_and_text_changes_nothing_but_the_text(
        harness: Harness, wiki: LocalWiki) -> None:
    escaped = html.escape(ATTACKS)
    content = (f"<h2>{escaped}</h2><p>{escaped}</p><ul><li>{escaped}</li></ul>"
               f"<table><tr><th>{escaped}</th><td>{escaped}</td></tr></table>"
               "<p>== Heading ==</p><p>* not a list</p><p>{| class=wikitable</p>")
    item = article(content, title=f"Evil {ATTACKS}", creator="Mallory }} [[Category:X]] ~~~~")
    receipt = harness.publish(item)
    title = str(receipt.remote_id)
    assert title.startswith("Draft:Evil")
    assert not set("#<>[]|{}") & set(title)
    result = parsed(wiki, title)
    assert {t["title"] for t in result["templates"]} == {"Template:AfC submission",
                                                         f"Template:{NOTICE}"}
    assert result["categories"] == []
    assert {link["title"] for link in result["links"]} <= {"Template:AfC submission",
                                                           f"Template:{NOTICE}"}
    assert "notoc" not in result["properties"]
    assert result["text"].count("<h2") == 2  # the page's own heading and References
    shown = html.unescape(result["text"])
    assert "{{subst:Delete me}} [[Category:Spam]] ~~~~ __NOTOC__ |}" in shown
    assert "<script>" not in result["text"]
    assert "Uploader" not in shown  # no signature expanded
    assert "* not a list" in shown
    assert "~~~~" not in str(latest(wiki, title)["comment"])


def test_edit_summary_and_talk_page_carry_the_attribution(harness: Harness,
                                                          wiki: LocalWiki) -> None:
    harness.publish(article())
    comment = latest(wiki, TITLE)["comment"]
    assert PAGE_URL in comment
    assert "Example Borough Council Parks Team" in comment
    assert "CC BY 4.0" in comment and "https://creativecommons.org/licenses/by/4.0/" in comment
    talk = latest(wiki, "Draft talk:History of Example Park")["text"]
    assert talk.splitlines() == [
        f"{{{{Text release|URL={EVIDENCE}}}}}",
        "{{Connected contributor (paid)|User1=Uploader|U1-employer=Example Borough Council}}"]


def test_rerun_with_unchanged_content_makes_no_edit(harness: Harness, wiki: LocalWiki) -> None:
    item = article()
    first = harness.publish(item)
    second = harness.publish(item)
    assert second.detail == first.detail
    assert revision_count(wiki, TITLE) == 1
    assert revision_count(wiki, talk_title(TITLE)) == 1


def test_changed_page_updates_the_draft_once(harness: Harness, wiki: LocalWiki) -> None:
    first = harness.publish(article())
    changed = article(read_page(HISTORY.replace(b"1874", b"1875"), PAGE_URL).content_html)
    second = harness.publish(changed)
    third = harness.publish(changed)
    assert second.detail["revid"] != first.detail["revid"]
    assert third.detail["revid"] == second.detail["revid"]
    assert revision_count(wiki, TITLE) == 2
    assert "'''1875'''" in latest(wiki, TITLE)["text"]
    assert latest(wiki, TITLE)["comment"].startswith("Updating text from")


def test_human_edit_is_preserved_and_reported(harness: Harness, wiki: LocalWiki) -> None:
    harness.publish(article())
    wiki.site(admin=True).pages[TITLE].edit("A volunteer rewrote this.", summary="copyedit")
    changed = article(read_page(HISTORY.replace(b"1874", b"1875"), PAGE_URL).content_html)
    with pytest.raises(SkipItem, match=r"edited by Admin since syndicate's last edit"):
        harness.publish(changed)
    assert latest(wiki, TITLE)["text"] == "A volunteer rewrote this."


OTHER_URL = "https://www.example.gov.uk/parks/another-park/history"


def test_two_pages_with_one_title_are_a_clash_not_one_draft(harness: Harness,
                                                           wiki: LocalWiki) -> None:
    first = article()
    second = article(id=make_id("pages", OTHER_URL), url=OTHER_URL)
    sink = harness.sink()
    assert [f.code for f in sink.check(first)] == []
    found = sink.check(second)
    assert [(f.code, f.severity) for f in found] == [("wikipedia.title-clash", "error")]
    assert first.id in found[0].message and TITLE in found[0].message

    harness.publish(first)
    revisions = revision_count(wiki, TITLE)
    # A later run (a fresh sink, no memory of the first check) must still not take it over,
    # even with the very same text, nor record it as published.
    with pytest.raises(SkipItem, match=r"wikipedia.title-clash: .*another page"):
        harness.publish(second)
    assert second.id not in harness.receipts
    assert revision_count(wiki, TITLE) == revisions
    assert PAGE_URL in latest(wiki, TITLE)["comment"]


def test_draft_moved_to_mainspace_is_never_recreated(harness: Harness, wiki: LocalWiki) -> None:
    harness.publish(article())
    wiki.site(admin=True).pages[TITLE].move("History of Example Park", reason="accepted")
    changed = article(read_page(HISTORY.replace(b"1874", b"1875"), PAGE_URL).content_html)
    with pytest.raises(SkipItem, match="moved to History of Example Park by Admin"):
        harness.publish(changed)
    assert latest(wiki, "History of Example Park")["text"].count("'''1874'''") == 1


def test_draft_moved_without_redirect_is_never_recreated(harness: Harness,
                                                         wiki: LocalWiki) -> None:
    harness.publish(article())
    wiki.site(admin=True).pages[TITLE].move("History of Example Park", reason="accepted",
                                            no_redirect=True)
    changed = article(read_page(HISTORY.replace(b"1874", b"1875"), PAGE_URL).content_html)
    with pytest.raises(SkipItem, match="moved to History of Example Park"):
        harness.publish(changed)
    assert latest(wiki, TITLE) == {}


def test_deleted_draft_is_never_recreated(harness: Harness, wiki: LocalWiki) -> None:
    item = article()
    harness.publish(item)
    wiki.site(admin=True).pages[TITLE].delete(reason="G13 abandoned draft")
    changed = article(read_page(HISTORY.replace(b"1874", b"1875"), PAGE_URL).content_html)
    with pytest.raises(SkipItem, match=r"deleted by Admin \(G13 abandoned draft\)"):
        harness.publish(changed)
    harness.receipts.clear()  # even with the ledger lost, the deletion log is heeded
    with pytest.raises(SkipItem, match="deleted"):
        harness.publish(item)
    assert latest(wiki, TITLE) == {}


def test_page_written_by_someone_else_is_not_taken_over(harness: Harness,
                                                        wiki: LocalWiki) -> None:
    wiki.site(admin=True).pages[TITLE].edit("Someone's own draft.", summary="start")
    with pytest.raises(SkipItem, match="already exists and was written by Admin"):
        harness.publish(article())
    assert latest(wiki, TITLE)["text"] == "Someone's own draft."


def test_talk_page_comments_are_kept(harness: Harness, wiki: LocalWiki) -> None:
    wiki.site(admin=True).pages[talk_title(TITLE)].edit("== Sources ==\nLooks fine.",
                                                        summary="note")
    harness.publish(article())
    talk = latest(wiki, talk_title(TITLE))["text"]
    assert talk.startswith("{{Text release|URL=")
    assert talk.endswith("== Sources ==\nLooks fine.")


def test_ogl_text_gets_the_ogl_notice_and_statement(harness: Harness, wiki: LocalWiki) -> None:
    harness.publish(article(licence="ogl-uk-3.0", creator=None))
    text = latest(wiki, TITLE)["text"]
    assert "{{OGL-attribution}}" in text
    assert "Open Government Licence v3.0" in html.unescape(text)
    assert "OGL v3.0" in latest(wiki, TITLE)["comment"]


def test_dry_run_previews_without_touching_the_wiki(harness: Harness, wiki: LocalWiki) -> None:
    sink = harness.sink(dry_run=True)
    sink.open()
    receipt = sink.publish(article())
    preview = receipt.detail["preview"]
    assert preview.startswith(f"{TITLE}\n\n{{{{AfC submission|T}}}}")
    assert "Summary: Importing text from " + PAGE_URL in preview
    assert latest(wiki, TITLE) == {}


@pytest.mark.parametrize("licence", ["cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-sa-2.0-uk"])
def test_nc_and_nd_text_is_refused_by_check(harness: Harness, licence: str) -> None:
    findings = harness.sink().check(article(licence=licence))
    assert [(f.code, f.severity) for f in findings] == [("licence.not-accepted", "error")]


def test_check_accepts_a_by_sa_page_and_wants_evidence_and_a_source_url(
        harness: Harness) -> None:
    sink = harness.sink()
    assert sink.check(article(licence="cc-by-sa-4.0")) == []
    codes = [f.code for f in sink.check(article(evidence=None, declared_licences=[], url=None))]
    assert codes == ["wikipedia.no-source-url", "wikipedia.no-evidence"]
    assert [f.code for f in sink.check(article("<p> </p>"))] == ["wikipedia.empty"]


def test_draft_titles_are_valid_mediawiki_titles() -> None:
    assert draft_title("bins | recycling [2026] {new} #1 <b>") == \
        "Draft:Bins recycling 2026 new 1 b"
    # the title rules are syndicate.wikititle's, shared with Commons file names
    assert draft_title("a_b %41 &amp; ~~~~") == "Draft:A b % 41 ~"
    long_title = draft_title("é" * 300)
    assert len(long_title.removeprefix("Draft:").encode("utf-8")) <= 255
    assert talk_title("Draft:X") == "Draft talk:X"


@pytest.mark.parametrize(("config", "key"), [
    ({"site": None}, "site"), ({"site": "not a site"}, "site"),
    ({"submission_template": "{{AfC}}"}, "submission_template"),
    ({"talk_templates": "Paid"}, "talk_templates"), ({"password": None}, "password"),
    ({"consumer_token": Secret(env="X")}, "access_secret"),
])
def test_bad_config_names_the_key(harness: Harness, config: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        harness.sink(**config)
    assert raised.value.key == key


class TestWikipediaDraftContract(SinkContract):
    """syndicate's sink contract, against the local wiki."""

    sink_class = WikipediaDraftSink

    @pytest.fixture
    def sink_config(self, wiki: LocalWiki, monkeypatch: pytest.MonkeyPatch
                    ) -> Mapping[str, Any]:
        monkeypatch.setenv("TEST_WIKI_USER", wiki.username)
        monkeypatch.setenv("TEST_WIKI_PASSWORD", wiki.password)
        return {"site": wiki.api_url,
                "username": Secret(env="TEST_WIKI_USER", key="username"),
                "password": Secret(env="TEST_WIKI_PASSWORD", key="password")}


def test_sink_is_registered_under_the_wikipedia_draft_entry_point() -> None:
    assert entry_points(group="syndicate.sinks")["wikipedia-draft"].load() is WikipediaDraftSink


FIGURE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Bandstand history | Example Borough Council</title></head><body>
<nav><a href="/">Home</a> <a href="/parks">Parks</a></nav>
<main><h1>Bandstand history</h1>
<p>The bandstand opened in 1881.<sup id="fnref1"><a href="#fn1">1</a></sup> It was restored
in 2004 with money from the <em>Heritage Fund</em>.</p>
<figure><img src="/media/bandstand.png" alt="The bandstand, seen from the lake">
<figcaption>The bandstand in 1905</figcaption></figure>
<p>Concerts run every Sunday in summer.</p>
<ol class="footnotes"><li id="fn1">Borough minutes, 1881. <a href="#fnref1">&#8617;</a></li></ol>
</main><footer>Text on this page may be reused under
<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</footer>
</body></html>"""

PIPELINE_CONFIG = """\
organisation: {{name: Example Borough Council, url: https://www.example.gov.uk,
               contact: webteam@example.gov.uk}}
sources:
  site: {{type: pages, urls: ["{url}"], allow_private: true}}
licensing:
  default: cc-by-4.0
  attribution: {{name: Example Borough Council, url: https://www.example.gov.uk}}
  evidence: https://www.example.gov.uk/copyright
sinks:
  commons:
    type: commons
    site: {api}
    username: {{env: TEST_WIKI_USER}}
    password: {{env: TEST_WIKI_PASSWORD}}
    categories: [Example Borough Council]
    kinds: [image]
    max_retries: 0
  wikipedia:
    type: wikipedia-draft
    site: {api}
    username: {{env: TEST_WIKI_USER}}
    password: {{env: TEST_WIKI_PASSWORD}}
"""


@pytest.mark.slow
def test_page_with_footnotes_and_a_figure_is_published_with_its_image(
        wiki: LocalWiki, tmp_path: Path, http_server: Any) -> None:
    """One run publishes the figure's image to Commons first and the draft shows it as a
    thumbnail with its caption; the footnote is a <ref> listed under References."""
    import subprocess
    import sys

    import yaml

    from tests.mediawiki import png_bytes

    wiki.configure('wfLoadExtension("Cite");')
    wiki.site(admin=True).pages["Template:Reflist"].edit("<references />", summary="test")
    http_server.add("/parks/bandstand", FIGURE_PAGE, content_type="text/html; charset=utf-8")
    http_server.add("/media/bandstand.png", png_bytes(7), content_type="image/png")
    (tmp_path / "syndicate.yaml").write_text(PIPELINE_CONFIG.format(
        url=http_server.url("/parks/bandstand"), api=wiki.api_url), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "TEST_WIKI_USER": wiki.username,
           "TEST_WIKI_PASSWORD": wiki.password}
    for args in (("collect",), ("queue", "approve", "--all"), ("run",)):
        done = subprocess.run([sys.executable, "-c", "from syndicate.cli import main; main()",
                               "--config",
                               str(tmp_path / "syndicate.yaml"), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, (args, done.stdout, done.stderr)

    queue = yaml.safe_load((tmp_path / "queue.yaml").read_text(encoding="utf-8"))["items"]
    assert sorted((i["kind"], i["status"]) for i in queue) == [("article", "published"),
                                                                 ("image", "published")]
    files = [image.name for image in wiki.site().allimages()]
    assert len(files) == 1
    text = latest(wiki, "Draft:Bandstand history")["text"]
    assert f"[[{files[0]}|thumb|The bandstand in 1905]]" in text
    assert "opened in 1881.<ref>Borough minutes, 1881.</ref> It was restored" in text
    assert "== References ==\n{{reflist}}" in text
    assert "Home" not in text and "fnref" not in text
    rendered = parsed(wiki, "Draft:Bandstand history")
    assert "Borough minutes, 1881." in rendered["text"]
    assert 'class="references"' in rendered["text"] and "<img" in rendered["text"]
