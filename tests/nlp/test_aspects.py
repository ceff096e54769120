"""``aspects``: which product aspects a post names, in eight languages, and the sentiment of
the clause that names each one, so a post that praises the camera and damns the battery
says both."""

from __future__ import annotations

import pytest

from analysis.pipeline import BatchContext, build_pipeline
from nlp.aspects import Lexicon, builtin_lexicon, clauses, normalise, opinion
from sensing.schemas import AspectSpec, Campaign, Sentiment
from tests.nlp.conftest import LAUNCH, post

ANALYSIS = build_pipeline([{"step": "clean"}, {"step": "sentiment"}, {"step": "aspects"}])
ASPECTS_ONLY = build_pipeline([{"step": "clean"}, {"step": "aspects"}])
LEXICON = builtin_lexicon()


def named(text: str, lang: str) -> list[str]:
    """The aspects the built-in taxonomy finds in ``text``, in order, once each."""
    return list(dict.fromkeys(m.aspect for m in LEXICON.mentions(text, lang)))


def analysed(text: str, lang: str, campaign: Campaign | None = None) -> dict[str, str]:
    found = post(1, text)
    found.lang = lang
    ctx = BatchContext(campaign=campaign)
    [done] = ANALYSIS.run([found], ctx)
    assert ctx.problems == []
    return {a.aspect: a.sentiment for a in done.aspects}


# --- finding aspect names -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["배터리가 금방 닳아요", "배터리는 괜찮음", "배터리도 별로"])
def test_korean_particles_attach_to_the_noun_and_still_match(text: str) -> None:
    assert named(text, "ko") == ["battery"]
    assert named("카메라랑 화면이 좋아요", "ko") == ["camera", "display"]


def test_slang_names_its_aspect() -> None:
    assert named("폰값 실화냐", "ko") == ["price"]
    assert named("배터리 광탈 ㅠㅠ", "ko") == ["battery"]
    assert named("バッテリー持ちが最高", "ja") == ["battery"]
    assert named("性价比很高，续航也不错", "zh") == ["price", "battery"]
    assert named("batt is fine, cam is meh", "en") == ["battery", "camera"]


def test_case_width_and_accents_do_not_matter() -> None:
    assert named("ＣＡＭＥＲＡ IS INSANE", "en") == ["camera"]
    assert named("la bateria dura poco", "es") == ["battery"]   # written without the accent
    assert named("La BATERÍA dura poco", "es") == ["battery"]
    assert normalise("BATERÍA Ｘ2") == "bateria x2"


def test_latin_terms_match_whole_words_only() -> None:
    assert named("going to camp with my old phone", "en") == []     # not "cam"
    assert named("the cam is great", "en") == ["camera"]
    assert named("Die Hauptkamera und das Kamerasystem", "de") == ["camera"]   # *kamera*


def test_a_money_amount_is_a_price_mention() -> None:
    assert named("$999 for this?", "en") == ["price"]
    assert named("폰 하나에 150만원", "ko") == ["price"]
    assert named("9999元买个手机", "zh") == ["price"]
    assert named("R$ 9.999 num celular", "pt") == ["price"]
    assert named("I have 2 kids and 3 phones", "en") == []


@pytest.mark.parametrize(("text", "lang"), [
    ("The new ad campaign is on display all over downtown", "en"),
    ("That keynote sounds like it was a mess", "en"),
    ("Le Grand Prix de Monaco ce week-end", "fr"),
    ("헛소리 하지 마", "ko"),
    ("사전예약 마감 임박", "ko"),
    ("料理の作り方動画", "ja"),
    ("我把他屏蔽了", "zh"),
])
def test_a_word_used_in_another_sense_is_not_an_aspect(text: str, lang: str) -> None:
    assert named(text, lang) == []


def test_the_same_word_is_an_aspect_in_one_language_and_not_in_another() -> None:
    assert named("a tela é linda", "pt") == ["display"]       # Portuguese: screen
    assert named("compré tela para una funda", "es") == []     # Spanish: fabric
    assert named("os bugs do sistema", "pt") == ["software"]   # "os" is an article here


def test_a_display_as_a_noun_is_the_aspect_and_on_display_is_not() -> None:
    assert named("the display is gorgeous", "en") == ["display"]
    assert named("phones on display at the store", "en") == []


def test_a_campaign_extends_built_in_aspects_and_adds_its_own() -> None:
    lexicon = Lexicon.for_campaign([AspectSpec(name="battery", terms=["juice"]),
                                    AspectSpec(name="stylus", terms=["S Pen", "펜"])])
    assert lexicon.aspects == ("battery", "stylus")
    found = [m.aspect for m in lexicon.mentions("the juice lasts, the s pen rocks", "en")]
    assert found == ["battery", "stylus"]
    assert [m.aspect for m in lexicon.mentions("배터리 좋고 펜도 좋아요", "ko")] == [
        "battery", "stylus"]
    # Aspects a campaign does not list are not tracked.
    assert lexicon.mentions("great camera", "en") == []


def test_a_campaign_aspect_without_terms_finds_nothing_and_hides_nothing() -> None:
    lexicon = Lexicon.for_campaign([AspectSpec(name="vibes"), AspectSpec(name="camera")])
    assert [m.aspect for m in lexicon.mentions("the vibes and the camera", "en")] == ["camera"]
    assert Lexicon.for_campaign([AspectSpec(name="vibes")]).mentions("vibes", "en") == []


# --- clauses ------------------------------------------------------------------------------

def clause_texts(text: str, lang: str) -> list[str]:
    return [text[c.start:c.end].strip() for c in clauses(text, lang, LEXICON.mentions(text, lang))]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("The camera is great but the battery dies by noon", "en",
     ["The camera is great", "but the battery dies by noon"]),
    ("카메라는 진짜 좋은데 배터리가 광탈함", "ko", ["카메라는 진짜 좋은데", "배터리가 광탈함"]),
    ("카메라는 좋지만 배터리는 별로", "ko", ["카메라는 좋지만", "배터리는 별로"]),
    ("디자인은 예쁜데 무게가 무거워요", "ko", ["디자인은 예쁜데", "무게가 무거워요"]),
    ("카메라는 최고인데 배터리는 최악", "ko", ["카메라는 최고인데", "배터리는 최악"]),
    ("カメラは最高だけど、バッテリーがすぐ減る", "ja",
     ["カメラは最高だけど", "、バッテリーがすぐ減る"]),
    ("La cámara es increíble, pero la batería es malísima", "es",
     ["La cámara es increíble,", "pero la batería es malísima"]),
    ("相机很好，但是电池不行", "zh", ["相机很好，", "但是电池不行"]),
])
def test_a_post_is_cut_at_contrast_words(text: str, lang: str, expected: list[str]) -> None:
    assert clause_texts(text, lang) == expected


def test_a_post_in_an_unknown_language_is_cut_at_every_languages_contrast_words() -> None:
    assert clause_texts("La cámara es increíble pero la batería es malísima", "und") == [
        "La cámara es increíble", "pero la batería es malísima"]
    assert clause_texts("카메라는 진짜 좋은데 배터리가 광탈함", "und") == [
        "카메라는 진짜 좋은데", "배터리가 광탈함"]


def test_a_comma_cuts_only_between_different_aspects() -> None:
    assert clause_texts("Great camera, awful battery.", "en") == ["Great camera,",
                                                                  "awful battery."]
    assert clause_texts("The camera, which I love, is great.", "en") == [
        "The camera, which I love, is great."]


def test_a_fragment_that_is_only_an_aspect_name_stays_with_its_opinion() -> None:
    assert clause_texts("The battery, however, is awful.", "en") == [
        "The battery, however, is awful."]


def test_the_model_reads_a_clause_without_its_concessive_ending() -> None:
    assert opinion("카메라는 진짜 최고인데", "ko") == "카메라는 진짜 최고"
    assert opinion("カメラは最高だけど", "ja") == "カメラは最高"
    assert opinion("The camera is great", "en") == "The camera is great"


def test_sentences_end_at_punctuation_but_not_inside_numbers() -> None:
    assert clause_texts("Price is 9.99 dollars. Screen is nice!", "en") == [
        "Price is 9.99 dollars.", "Screen is nice!"]


# --- the step -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang"), [
    ("The camera is absolutely amazing but the battery is terrible, dead by noon", "en"),
    ("카메라는 진짜 최고인데 배터리는 완전 최악이에요", "ko"),
    ("カメラは本当に最高だけど、バッテリーは最悪", "ja"),
    ("La cámara es increíble, pero la batería es malísima", "es"),
])
def test_a_mixed_post_gives_each_aspect_its_own_sentiment(text: str, lang: str) -> None:
    assert analysed(text, lang) == {"camera": "positive", "battery": "negative"}


def test_each_aspect_carries_the_clause_as_evidence() -> None:
    found = post(1, "The camera is absolutely amazing but the battery is terrible")
    found.lang = "en"
    [done] = ANALYSIS.run([found], BatchContext())
    assert [(a.aspect, a.evidence) for a in done.aspects] == [
        ("camera", "The camera is absolutely amazing"),
        ("battery", "but the battery is terrible")]


def test_a_post_naming_no_aspect_has_none() -> None:
    assert analysed("Best phone I've had in years, love it", "en") == {}
    assert analysed("", "en") == {}


def test_a_clause_that_is_only_the_aspect_name_takes_the_posts_sentiment() -> None:
    found = post(1, "Camera!")
    found.lang = "en"
    found.sentiment = Sentiment(label="negative", score=-0.8, model="given")
    [done] = ASPECTS_ONLY.run([found], BatchContext())
    assert [(a.aspect, a.sentiment) for a in done.aspects] == [("camera", "negative")]


def test_a_campaign_aspect_is_scored_like_a_built_in_one() -> None:
    campaign = Campaign(id="x2", name="X2", query="x2", launch_at=LAUNCH,
                        aspects=[AspectSpec(name="stylus", terms=["stylus", "S Pen"])])
    assert analysed("The S Pen is fantastic, I love writing with it", "en", campaign) == {
        "stylus": "positive"}


def test_an_aspect_named_in_several_clauses_is_reported_once() -> None:
    found = analysed("The camera is amazing. Really, the camera is stunning at night.", "en")
    assert found == {"camera": "positive"}


def test_a_one_megabyte_post_is_analysed_with_short_evidence() -> None:
    text = "The camera is great but the battery is awful. " * 23_000
    assert len(text) > 1_000_000
    big = post(1, text)
    big.lang = "en"
    small = post(2, "the screen is gorgeous")
    small.lang = "en"
    ctx = BatchContext()
    done, other = ANALYSIS.run([big, small], ctx)
    assert ctx.problems == []
    assert {a.aspect: a.sentiment for a in done.aspects} == {"camera": "positive",
                                                           "battery": "negative"}
    assert all(len(a.evidence) <= 200 for a in done.aspects)
    assert [a.aspect for a in other.aspects] == ["display"]


def test_a_post_in_an_unknown_language_is_read_with_every_language() -> None:
    found = post(1, "la batería dura poco")
    found.lang = "und"
    [done] = ASPECTS_ONLY.run([found], BatchContext())
    assert [a.aspect for a in done.aspects] == ["battery"]


def test_posts_keep_their_order_and_ids_in_a_batch() -> None:
    posts = [post(i, text) for i, text in enumerate(
        ["great camera", "nothing to see here", "awful battery"])]
    for p in posts:
        p.lang = "en"
    done = ASPECTS_ONLY.run(posts, BatchContext())
    assert [p.id for p in done] == [p.id for p in posts]
    assert [[a.aspect for a in p.aspects] for p in done] == [["camera"], [], ["battery"]]

