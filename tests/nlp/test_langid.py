"""``langid``: the language of short social posts, among the campaign's languages, or among
every language the project analyses when there is no campaign."""

from __future__ import annotations

from datetime import datetime

import pytest

from analysis.pipeline import BatchContext, build_pipeline
from nlp.steps import langid
from sensing.config import DEFAULT_LANGUAGES, Settings
from sensing.schemas import Campaign
from tests.nlp.conftest import analyse, post

TODAYS_DEFAULT = ("en", "ko", "ja", "es")
"""The languages answered without a campaign before every project language was."""


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
    [done] = analyse(post(1, text), ctx=campaign(*TODAYS_DEFAULT))
    assert done.lang == "und"


@pytest.mark.parametrize(("text", "lang"), [
    ("L'appareil photo est vraiment génial", "fr"),
    ("Franchement la batterie tient super bien, je recommande 👍", "fr"),
    ("Die Kamera ist echt super, bin total begeistert", "de"),
    ("Akku hält locker zwei Tage #NovaLuminaX2", "de"),
    ("这个相机很好", "zh"),
    ("电池续航太差了，一天要充两次", "zh"),
    ("A câmera do novo telefone é ótima", "pt"),
    ("a bateria dura o dia todo, adorei 😍 https://lumina.example/x2", "pt"),
    ("la batteria dura tutto il giorno, lo consiglio", "it"),
    ("de batterij gaat echt de hele dag mee, top", "nl"),
    ("батарея держит весь день, очень доволен", "ru"),
    ("bateria wytrzymuje cały dzień, jestem zachwycony", "pl"),
    ("pil bütün gün dayanıyor, çok memnunum", "tr"),
    ("baterainya awet seharian, mantap banget", "id"),
    ("pin dùng cả ngày luôn, rất hài lòng", "vi"),
    ("البطارية تدوم طوال اليوم، ممتاز", "ar"),
    ("बैटरी पूरे दिन चलती है, बहुत बढ़िया", "hi"),
    ("แบตอยู่ได้ทั้งวัน ชอบมาก", "th"),
    ("η μπαταρία κρατάει όλη τη μέρα, τέλειο", "el"),
    ("הסוללה מחזיקה יום שלם, ממליץ", "he"),
])
def test_without_a_campaign_every_project_language_is_answered(text: str, lang: str) -> None:
    [done] = analyse(post(1, text))
    assert done.lang == lang


def test_the_default_set_holds_the_project_languages_and_the_setting_names_it() -> None:
    assert set(DEFAULT_LANGUAGES) >= {"ko", "en", "ja", "es", "fr", "de", "pt", "zh"}
    assert langid.Langid().languages(BatchContext()) == list(DEFAULT_LANGUAGES)
    assert Settings(languages=list(DEFAULT_LANGUAGES)).languages == list(DEFAULT_LANGUAGES)
    assert Settings.model_fields["languages"].get_default(call_default_factory=True) == list(
        DEFAULT_LANGUAGES)


def test_a_campaign_keeps_its_own_languages() -> None:
    """A campaign restricted to English and Spanish answers only those: French and Portuguese
    read as the decoys they are ('und'), Chinese and Russian have no candidate ('und')."""
    found = analyse(post(1, "The new phone's camera is honestly great"),
                    post(2, "La cámara del teléfono es increíble"),
                    post(3, "L'appareil photo est vraiment génial"),
                    post(4, "A câmera do novo telefone é ótima"),
                    post(5, "这个相机很好"),
                    post(6, "батарея держит весь день, очень доволен"), ctx=campaign("en", "es"))
    assert [done.lang for done in found] == ["en", "es", "und", "und", "und", "und"]


def test_the_languages_setting_replaces_the_default_set() -> None:
    """SENSING_LANGUAGES: a deployment may answer fewer languages without a campaign."""
    narrow = build_pipeline([{"step": "clean", "options": {}}, {"step": "langid", "options": {}}],
                            Settings(languages=["en", "es"]))
    found = narrow.run([post(1, "L'appareil photo est vraiment génial"),
                        post(2, "La cámara del teléfono es increíble")], BatchContext())
    assert [done.lang for done in found] == ["und", "es"]


def test_one_detector_per_language_set_whatever_the_batches() -> None:
    analyse(post(1, "L'appareil photo est vraiment génial"))
    built = langid._detector.cache_info().misses
    analyse(post(1, "Die Kamera ist echt super, bin total begeistert"))
    analyse(post(1, "la batteria dura tutto il giorno"), post(2, "pil bütün gün dayanıyor"))
    assert langid._detector.cache_info().misses == built
    assert langid.detector(("fr", "en")) is langid.detector(("en", "fr", "en"))


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
    [done] = analyse(hinted(text, hint), ctx=campaign(*TODAYS_DEFAULT))
    assert done.lang == lang


@pytest.mark.parametrize(("text", "hint", "lang"), [
    ("ok", "fr", "fr"),     # without a campaign French is one of the languages answered
    ("ok", "sw", "und"),    # ... Swahili is not
    ("no me gusta", "es", "es"),
])
def test_without_a_campaign_the_hint_counts_among_the_default_set(text: str, hint: str,
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
