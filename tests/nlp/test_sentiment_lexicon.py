"""``sentiment-lexicon``, the baseline: VADER for English, emoji for every language, and an
honest marker where nothing was measured."""

from __future__ import annotations

from analysis.pipeline import BatchContext, build_pipeline
from nlp.steps.sentiment_lexicon import LexiconSentiment, emoji_valences
from sensing.schemas import Post
from tests.nlp.conftest import post

LEXICON = build_pipeline([{"step": "clean"}, {"step": "langid"}, {"step": "sentiment-lexicon"}])


def analyse(*posts: Post) -> list[Post]:
    return LEXICON.run(list(posts), BatchContext())


def test_english_is_scored_by_vader() -> None:
    good, bad, flat = analyse(post(1, "The camera is amazing, I love it!"),
                              post(2, "Battery is terrible, dead by noon."),
                              post(3, "The X2 ships on 15 October."))
    assert [p.sentiment.label for p in (good, bad, flat)] == ["positive", "negative", "neutral"]
    assert good.sentiment.score > 0.5 and bad.sentiment.score < -0.5
    assert flat.sentiment.score == 0.0
    assert good.sentiment.model == "vader-3.3.2+emoji"


def test_emoji_count_as_social_media_uses_them() -> None:
    fire, thumbs_down = analyse(post(1, "This camera is fire 🔥🔥"),
                                post(2, "I don't like it 👎"))
    assert fire.sentiment.label == "positive", "VADER alone reads 'fire' as negative"
    assert thumbs_down.sentiment.label == "negative", "the negation is not the emoji's"


def test_other_languages_are_scored_by_their_emoji_only() -> None:
    loved, angry = analyse(post(1, "노바루미나 카메라 진짜 😍😍"), post(2, "배터리 최악 😡"))
    assert (loved.lang, loved.sentiment.label) == ("ko", "positive")
    assert angry.sentiment.label == "negative"
    assert loved.sentiment.model == "vader-3.3.2+emoji:emoji-only"


def test_an_uncovered_language_without_emoji_is_marked_not_measured() -> None:
    plain, camera_emoji = analyse(post(1, "La cámara del teléfono es increíble"),
                                  post(2, "카메라 📷"))
    assert plain.sentiment.model == "none:es-not-covered"
    assert (plain.sentiment.label, plain.sentiment.score) == ("neutral", 0.0)
    assert camera_emoji.sentiment.model == "none:ko-not-covered", "📷 carries no valence"


def test_the_threshold_is_an_option() -> None:
    p = Post.model_validate({**post(1, "").model_dump(), "text": "It is ok", "lang": "en"})
    strict = LexiconSentiment(LexiconSentiment.Options(threshold=0.9))
    [done] = strict([p], BatchContext())
    assert done.sentiment.label == "neutral" and done.sentiment.score > 0


def test_emoji_valences_are_read_in_order_with_skin_tones_and_variants() -> None:
    """The model step counts emoji through this function."""
    loved, thumbs, camera = emoji_valences("❤️ 👍🏽 📷")
    assert loved > 2 and thumbs > 1 and camera == 0.0
    assert emoji_valences("no emoji here") == []
