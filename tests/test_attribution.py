"""Attribution in three forms: plain TASL text, HTML with ccREL RDFa, and safe wikitext."""

from __future__ import annotations

from typing import Any

import lxml.html
import mwparserfromhell
import pytest

from syndicate.attribution import Attributor, build_attribution
from syndicate.licences import registry
from syndicate.model import Attribution, Item

COUNCIL = Attributor("Example Borough Council", "https://www.example.gov.uk")
WORK = "https://www.example.gov.uk/news/snow"
CREATOR = "https://www.example.gov.uk/people/jo"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
OGL_3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL_STATEMENT = ("Contains public sector information licensed under the Open Government "
                 "Licence v3.0.")
HOSTILE = "}}{{subst:x}}[[Category:Y]]~~~~"


def make_item(**fields: Any) -> Item:
    values: dict[str, Any] = {"id": "news-1", "source": "news", "kind": "article",
                              "title": "Snow update", "url": WORK, "creator": "Jo Bloggs",
                              "creator_url": CREATOR}
    values.update(fields)
    return Item(**values)


def credit(licence_id: str = "cc-by-4.0", attributor: Attributor | None = COUNCIL,
           **fields: Any) -> Attribution:
    return build_attribution(make_item(**fields), registry().get(licence_id), attributor)


def parse_html(fragment: str) -> Any:
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True)
    return lxml.html.fragment_fromstring(fragment, parser=parser)


# --- plain text --------------------------------------------------------------------------

def test_text_is_title_author_source_licence() -> None:
    assert credit().text == (f"“Snow update” by Jo Bloggs ({WORK}) is licensed under "
                             f"CC BY 4.0 ({CC_BY_4})")


def test_text_says_modified_only_when_the_item_was_modified() -> None:
    assert "odified" not in credit().text
    assert "odified" not in credit(extra={"modified": False}).text
    assert credit(extra={"modified": True}).text.endswith("Modified from the original.")


def test_missing_creator_credits_the_council() -> None:
    text = credit(creator=None, creator_url=None).text
    assert "by Example Borough Council" in text


def test_missing_title_and_source_still_name_the_licence() -> None:
    text = credit(title="  ", url=None, creator=None, attributor=None).text
    assert text == f"This work is licensed under CC BY 4.0 ({CC_BY_4})"


def test_ogl_without_council_statement_uses_the_licence_statement() -> None:
    text = credit("ogl-uk-3.0").text
    assert text.startswith(f"“Snow update” by Jo Bloggs ({WORK}). ")
    # The fixed statement's words, verbatim, with the licence's address after its name.
    assert OGL_STATEMENT.replace("v3.0.", f"v3.0 ({OGL_3}).") in text


def test_ogl_keeps_the_licence_statement_after_a_council_copyright_line() -> None:
    council = Attributor(COUNCIL.name, COUNCIL.url, "© Example Borough Council 2026")
    text = credit("ogl-uk-3.0", council, creator=None).text
    assert "© Example Borough Council 2026. Contains public sector information" in text


def test_ogl_council_statement_naming_the_licence_replaces_the_fixed_one() -> None:
    statement = ("Contains information from Example Borough Council licensed under the "
                 "Open Government Licence v3.0.")
    text = credit("ogl-uk-3.0", Attributor(COUNCIL.name, None, statement), creator=None).text
    assert "Contains information from Example Borough Council" in text
    assert "public sector information" not in text


def test_council_statement_is_not_attached_to_a_third_partys_work() -> None:
    council = Attributor(COUNCIL.name, COUNCIL.url, "© Example Borough Council")
    assert "©" not in credit("ogl-uk-3.0", council).text
    assert "©" not in credit("cc-by-4.0", council).text
    assert "© Example Borough Council." in credit("cc-by-4.0", council, creator=None).text


def test_public_domain_is_still_credited_as_a_courtesy() -> None:
    text = credit("cc0-1.0").text
    assert text == ("“Snow update” by Jo Bloggs "
                    f"({WORK}) is marked with CC0 1.0 "
                    "(https://creativecommons.org/publicdomain/zero/1.0/)")


# --- HTML --------------------------------------------------------------------------------

def test_html_is_exactly_the_cc_chooser_form_with_cc_license() -> None:
    assert credit().html == (
        '<p xmlns:cc="http://creativecommons.org/ns#" xmlns:dct="http://purl.org/dc/terms/">'
        f'<a property="dct:title" rel="cc:attributionURL" href="{WORK}">Snow update</a> by '
        '<a rel="cc:attributionURL dct:creator" property="cc:attributionName" '
        f'href="{CREATOR}">Jo Bloggs</a> is licensed under '
        f'<a rel="license cc:license" href="{CC_BY_4}">CC BY 4.0</a></p>')


def test_html_carries_the_ccrel_attributes() -> None:
    root = parse_html(credit().html)
    assert root.tag == "p"
    assert root.get("xmlns:cc") == "http://creativecommons.org/ns#"
    assert root.get("xmlns:dct") == "http://purl.org/dc/terms/"
    (title,) = root.xpath('.//*[@property="dct:title"]')
    assert (title.text, title.get("href"), title.get("rel")) == \
        ("Snow update", WORK, "cc:attributionURL")
    (creator,) = root.xpath('.//*[@property="cc:attributionName"]')
    assert (creator.text, creator.get("href")) == ("Jo Bloggs", CREATOR)
    assert creator.get("rel").split() == ["cc:attributionURL", "dct:creator"]
    (licence,) = root.xpath('.//a[@rel="license cc:license"]')
    assert (licence.text, licence.get("href")) == ("CC BY 4.0", CC_BY_4)


def test_html_without_urls_uses_spans_that_keep_the_properties() -> None:
    root = parse_html(credit(url=None, creator_url=None).html)
    assert [a.get("rel") for a in root.iter("a")] == ["license cc:license"]
    (title,) = root.xpath('.//span[@property="dct:title"]')
    (creator,) = root.xpath('.//span[@property="cc:attributionName"]')
    assert (title.text, creator.text) == ("Snow update", "Jo Bloggs")


def test_html_ogl_links_the_licence_inside_its_statement() -> None:
    root = parse_html(credit("ogl-uk-3.0").html)
    (licence,) = root.xpath('.//a[@rel="license cc:license"]')
    assert (licence.text, licence.get("href")) == ("Open Government Licence v3.0", OGL_3)
    assert OGL_STATEMENT in root.text_content()


def test_html_public_domain_says_marked_with() -> None:
    root = parse_html(credit("cc0-1.0").html)
    assert "is marked with CC0 1.0" in root.text_content()


@pytest.mark.parametrize("title", ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
                                   HOSTILE, "Tom & Jerry's <b>"])
def test_html_escapes_hostile_text(title: str) -> None:
    html = credit(title=title, creator=title).html
    root = parse_html(html)
    assert not root.xpath(".//script | .//img | .//b")
    assert [el.tag for el in root.iter()] == ["p", "a", "a", "a"]
    (work,) = root.xpath('.//*[@property="dct:title"]')
    assert work.text == title


def test_html_never_links_a_non_web_url() -> None:
    html = credit(url="javascript:alert(1)", creator_url="data:text/html,<script>x</script>").html
    root = parse_html(html)
    hrefs = [a.get("href") for a in root.iter("a")]
    assert hrefs == [CC_BY_4]
    assert "javascript:" not in html and "<script>" not in html


def test_html_attribute_quotes_are_escaped() -> None:
    url = 'https://www.example.gov.uk/a?b="onmouseover=alert(1)'
    root = parse_html(credit(url=url).html)
    (work,) = root.xpath('.//*[@property="dct:title"]')
    assert work.get("href") == url
    assert work.get("onmouseover") is None


# --- wikitext ----------------------------------------------------------------------------

def embedded(wikitext: str) -> Any:
    return mwparserfromhell.parse("{{Information|author=" + wikitext + "|source=x}}")


def test_wikitext_links_title_creator_and_licence() -> None:
    wikitext = credit().wikitext
    assert wikitext == (f"[{WORK} “Snow update”] by [{CREATOR} Jo Bloggs] is licensed under "
                        f"[{CC_BY_4} CC BY 4.0]")


def test_hostile_wikitext_adds_no_templates_links_or_signatures() -> None:
    wikitext = credit(title=HOSTILE, creator="A|b=c]] [[User:X", extra={"modified": True},
                      url="https://www.example.gov.uk/a?x=}}{{y|z]]").wikitext
    code = embedded(wikitext)
    templates = code.filter_templates()
    assert [str(t.name) for t in templates] == ["Information"]
    assert [str(p.name) for p in templates[0].params] == ["author", "source"]
    assert code.filter_wikilinks() == []
    assert len(code.filter_external_links()) == 3  # work, creator, licence
    assert "~~~" not in wikitext and "__" not in wikitext


def test_hostile_wikitext_in_the_ogl_statement_form_is_safe_too() -> None:
    council = Attributor(HOSTILE, "https://www.example.gov.uk", "{{Delete}} ~~~~ [[Category:Z]]")
    wikitext = credit("ogl-uk-3.0", council, title=HOSTILE, creator=None).wikitext
    code = embedded(wikitext)
    assert [str(t.name) for t in code.filter_templates()] == ["Information"]
    assert code.filter_wikilinks() == []
    assert "~~~" not in wikitext


def test_wikitext_does_not_link_a_non_web_url() -> None:
    wikitext = credit(url="javascript:alert(1)", creator_url=None).wikitext
    links = [str(link.url) for link in embedded(wikitext).filter_external_links()]
    assert links == [CC_BY_4]


@pytest.mark.parametrize("licence_id", ["cc-by-4.0", "ogl-uk-3.0", "cc0-1.0"])
def test_the_ledger_keeps_the_credits_parts_and_reads_back_the_same_three_forms(
        licence_id: str) -> None:
    item = make_item(title=HOSTILE, creator="Jo <b>Bloggs</b>", extra={"modified": True})
    item.attribution = credit(licence_id, title=HOSTILE, creator="Jo <b>Bloggs</b>",
                              extra={"modified": True})
    stored = item.to_dict()["attribution"]
    assert set(stored) == {"parts"}     # the forms are written when asked for, not stored
    back = Item.from_dict(item.to_dict()).attribution
    assert back is not None
    assert (back.text, back.html, back.wikitext) == (
        item.attribution.text, item.attribution.html, item.attribution.wikitext)
    assert HOSTILE.split("{{")[0] in back.text


def test_a_ledger_row_written_before_parts_still_reads() -> None:
    old = make_item().to_dict() | {"attribution": {
        "text": "Snow update by Jo", "html": "<p>Snow update by Jo</p>",
        "wikitext": "Snow update by Jo"}}
    attribution = Item.from_dict(old).attribution
    assert attribution == Attribution("Snow update by Jo", "<p>Snow update by Jo</p>",
                                      "Snow update by Jo")
    assert attribution is not None and attribution.as_dict() == old["attribution"]
