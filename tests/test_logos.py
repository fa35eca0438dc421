"""The one list of logo, crest and insignia words (syndicate.logos), and both its users:
the OGL exclusion check and the Commons restriction tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate import logos
from syndicate.model import Item
from syndicate.sinks.commons import filepage
from syndicate.sinks.commons.checks import restriction_tags


@pytest.mark.parametrize(("text", "word"), [
    ("Council logo", "logo"), ("CouncilLogo.png", "Logo"), ("council_logotype.svg", "logotype"),
    ("The wordmark", "wordmark"), ("brand-mark.png", "brand-mark")])
def test_logo_words(text: str, word: str) -> None:
    assert logos.logo_word(text) == word
    assert logos.insignia_word(text) is None
    assert logos.mark_word(text) == word


@pytest.mark.parametrize(("text", "word"), [
    ("Mayor's badge of office", "badge"), ("Borough emblem", "emblem"),
    ("coat-of-arms.png", "coat-of-arms"), ("Royal Arms over the door", "Royal Arms"),
    ("Regimental insignia", "insignia"), ("Heraldic shield", "Heraldic"),
    ("armorial bearings", "armorial"), ("The borough crest", "crest")])
def test_insignia_words_including_badges_and_emblems(text: str, word: str) -> None:
    assert logos.insignia_word(text) == word
    assert logos.logo_word(text) is None
    assert logos.mark_word(text) == word


@pytest.mark.parametrize("text", [
    "Hillcrest Park", "Crestwood library", "Badgers in the nature reserve", "Logopedics",
    "New Blue Badge scheme", "blue_badge_parking.jpg", "BlueBadgeBay.png"])
def test_words_that_only_contain_or_resemble_mark_words_pass(text: str) -> None:
    assert logos.mark_word(text) is None


def test_the_first_text_with_a_word_wins() -> None:
    assert logos.mark_word("Town hall", "", "the crest", "a logo") == "crest"


def _image(title: str = "Town hall", alt: str = "", name: str = "town-hall.jpg") -> Item:
    return Item(id="photos-1", source="photos", kind="image", title=title, alt=alt,
                path=Path(name))


def test_commons_tags_badges_and_emblems_as_insignia_like_the_ogl_check() -> None:
    # Before one list, "badge" made an OGL error but no {{Insignia}} tag on Commons.
    assert restriction_tags(_image(title="Mayor's badge of office")) == [filepage.INSIGNIA]
    assert restriction_tags(_image(alt="Borough emblem")) == [filepage.INSIGNIA]
    assert restriction_tags(_image(name="council_logo.png")) == [filepage.TRADEMARKED]
    assert restriction_tags(_image(title="Blue Badge parking bays")) == []
