"""``langid``: the language of short social posts, among the campaign's languages."""

from __future__ import annotations

from datetime import datetime

import pytest

from analysis.pipeline import BatchContext
from sensing.schemas import Campaign
from tests.nlp.conftest import analyse, post


def campaign(*languages: str) -> BatchContext:
    return BatchContext(campaign=Campaign(id="c", name="c", query="x2", languages=list(languages),
                                          launch_at=datetime(2026, 10, 15)))


@pytest.mark.parametrize(("text", "lang"), [
    ("The new phone's camera is honestly great", "en"),
    ("Battery is bad", "en"),
    ("I don't like it 👎", "en"),
    ("노바루미나 카메라 진짜 좋다", "ko"),
    ("좋아요 #X2", "ko"),
    ("저도 그래요 ㅠㅠ Nova Lumina X2", "ko"),
    ("Nova Lumina X2 のカメラ最高", "ja"),
    ("ノヴァルミナのカメラすごい", "ja"),
    ("新しいカメラ最高", "ja"),
    ("La cámara del teléfono es increíble", "es"),
    ("muy bueno", "es"),
])
def test_short_posts_get_their_language(text: str, lang: str) -> None:
    [done] = analyse(post(1, text))
    assert done.lang == lang


@pytest.mark.parametrize("text", [
    "ok", "👍👍", "https://lumina.example/x2 @ana", "12:30 2026", "[email] [phone]",
])
def test_too_little_text_is_und(text: str) -> None:
    [done] = analyse(post(1, text))
    assert done.lang == "und"


@pytest.mark.parametrize("text", [
    "A câmera do novo telefone é ótima",  # Portuguese: must not be called Spanish
    "L'appareil photo est vraiment génial",
    "这个相机很好",  # Chinese, not Japanese, when Chinese is not a campaign language
])
def test_a_language_outside_the_campaign_is_und_not_the_nearest_one(text: str) -> None:
    [done] = analyse(post(1, text))
    assert done.lang == "und"


def test_only_the_campaign_languages_are_answered() -> None:
    ko_post, en_post = analyse(post(1, "노바루미나 카메라 진짜 좋다"),
                               post(2, "The camera is honestly great"), ctx=campaign("en"))
    assert (ko_post.lang, en_post.lang) == ("und", "en")


def hinted(text: str, hint: str | None):
    """A post whose platform declared ``hint`` as its language (``lang_hint``)."""
    found = post(1, text)
    found.lang_hint = hint
    return found


@pytest.mark.parametrize(("text", "hint", "lang"), [
    ("no me gusta", None, "und"),   # Spanish, Portuguese or Italian? a close call
    ("no me gusta", "es", "es"),    # the platform's Spanish tips it
    ("terrible", "en", "en"),       # the same word in English and Spanish
    ("terrible", "es", "es"),
    ("ok", "en", "en"),             # too short to read: the hint, when a campaign language
    ("ok", "fr", "und"),            # ... and never a language outside the campaign
])
def test_the_platforms_declared_language_is_a_prior(text: str, hint: str | None,
                                                    lang: str) -> None:
    [done] = analyse(hinted(text, hint))
    assert done.lang == lang


def test_a_clear_text_outweighs_a_wrong_hint() -> None:
    [done] = analyse(hinted("The battery easily lasts two days, very impressed", "es"))
    assert done.lang == "en"


def test_long_texts_take_the_fast_path_and_are_still_right() -> None:
    spanish = ("La cámara del nuevo teléfono saca fotos nocturnas muy nítidas y la batería "
               "aguanta todo el día sin problemas. ") * 4
    english = ("The camera takes sharp night photos and the battery lasts the whole day "
               "without trouble. ") * 4
    es_post, en_post = analyse(post(1, spanish), post(2, english))
    assert (es_post.lang, en_post.lang) == ("es", "en")
