"""The skeleton analysis steps, one behaviour at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nlp.pipeline import DEFAULT_PIPELINE, BatchContext, build_pipeline, registered_steps
from nlp.steps.clean import mask_pii
from sensing.schemas import AuthorRef, Campaign, Post

PIPELINE = build_pipeline(DEFAULT_PIPELINE)


def post(n: int, raw: str, minutes: int = 0) -> Post:
    return Post(id=f"mastodon:x/{n}", source="mastodon", author=AuthorRef(id=f"mastodon:x/a{n}"),
                created_at=datetime(2026, 10, 16, tzinfo=UTC) + timedelta(minutes=minutes or n),
                raw_text=raw)


def analyse(*posts: Post, ctx: BatchContext | None = None) -> list[Post]:
    return PIPELINE.run(list(posts), ctx or BatchContext())


def test_clean_turns_mastodon_html_into_text_and_extracts_entities() -> None:
    raw = ('<p>Loving the <a href="https://m.s/tags/NovaLumina" class="hashtag">#<span>'
           'NovaLumina</span></a> cc <span class="h-card"><a href="https://m.s/@ana" '
           'class="u-url mention">@<span>ana</span></a></span> 😍🔥<br>more: '
           '<a href="https://lumina.example/x2">https://lumina.example/x2</a></p>')
    [done] = analyse(post(1, raw))
    assert done.text == "Loving the #NovaLumina cc @ana 😍🔥\nmore: https://lumina.example/x2"
    assert done.hashtags == ["novalumina"]
    assert done.mentions == ["@ana@m.s"]
    assert done.urls == ["https://lumina.example/x2"]
    assert done.emojis == ["😍", "🔥"]


def test_clean_applies_nfkc_and_drops_invisible_characters() -> None:
    [done] = analyse(post(1, "ＮＯＶＡ\u200b Ｌｕｍｉｎａ　Ｘ２"))
    assert done.text == "NOVA Lumina X2"


@pytest.mark.parametrize(("text", "masked"), [
    ("mail me at jo.doe+x2@example.co.kr", "mail me at [email]"),
    ("call 010-1234-5678 now", "call [phone] now"),
    ("call +1 (415) 555-0100", "call [phone]"),
    ("only $1,299 on 2026-10-15 for the X2", "only $1,299 on 2026-10-15 for the X2"),
    ("order #12345 shipped", "order #12345 shipped"),
])
def test_personal_data_is_masked_but_prices_dates_and_models_are_not(text: str,
                                                                    masked: str) -> None:
    assert mask_pii(text) == masked


def test_hashtags_are_normalised_and_deduplicated() -> None:
    p = post(1, "#NovaLumina #novalumina ＃ＬｕｍｉｎａＸ２")
    p.hashtags = ["NovaLumina"]
    [done] = analyse(p)
    assert done.hashtags == ["novalumina", "luminax2"]


@pytest.mark.parametrize(("text", "lang"), [
    ("The new phone's camera is honestly great", "en"),
    ("노바루미나 카메라 진짜 좋다", "ko"),
    ("ノヴァルミナのカメラすごい", "ja"),
    ("La cámara del teléfono es increíble", "es"),
    ("ok", "und"),
    ("https://lumina.example/x2 @ana", "und"),
])
def test_language_is_identified_among_campaign_languages(text: str, lang: str) -> None:
    [done] = analyse(post(1, text))
    assert done.lang == lang


def test_a_language_outside_the_campaign_is_never_guessed() -> None:
    campaign = Campaign(id="c", name="c", query="x", languages=["en", "es"],
                        launch_at=datetime(2026, 10, 15))
    [done] = analyse(post(1, "노바루미나 카메라 진짜 좋다"), ctx=BatchContext(campaign=campaign))
    assert done.lang != "ko"


def test_exact_duplicates_point_at_the_earliest_post() -> None:
    text = "WIN a Nova Lumina X2!!! Retweet and follow @promo https://spam.example/1"
    later, earlier, other = post(3, text), post(2, text.replace("/1", "/2")), post(4, "Nice")
    done = analyse(later, earlier, other)
    assert [p.duplicate_of for p in done] == ["mastodon:x/2", None, None]


def test_duplicates_resolve_to_the_stored_original_and_rerunning_changes_nothing() -> None:
    text = "Same copy-pasta about the Nova Lumina X2 launch"
    stored = {}

    def known(hashes: list[str]) -> dict[str, str]:
        return {h: stored[h] for h in hashes if h in stored}

    [first] = analyse(post(1, text), ctx=BatchContext(known_hashes=known))
    stored[first.content_hash] = first.id
    again = analyse(post(1, text), post(2, text), ctx=BatchContext(known_hashes=known))
    assert [p.duplicate_of for p in again] == [None, "mastodon:x/1"]


def test_english_sentiment_by_vader() -> None:
    good, bad, flat = analyse(post(1, "The camera is amazing, I love it!"),
                              post(2, "Battery is terrible, dead by noon."),
                              post(3, "The X2 ships on 15 October."))
    assert (good.sentiment.label, bad.sentiment.label, flat.sentiment.label) == \
        ("positive", "negative", "neutral")
    assert good.sentiment.score > 0.5 > -0.5 > bad.sentiment.score
    assert good.sentiment.model.startswith("vader-")


def test_other_languages_are_scored_by_emoji_or_marked_not_covered() -> None:
    emoji_post, plain = analyse(post(1, "노바루미나 카메라 진짜 😍😍"),
                                post(2, "La cámara del teléfono es increíble"))
    assert emoji_post.sentiment.label == "positive"
    assert emoji_post.sentiment.model.endswith(":emoji-only")
    assert plain.sentiment.label == "neutral" and plain.sentiment.score == 0.0
    assert plain.sentiment.model == "none:es-not-covered"


def test_every_post_records_the_steps_that_made_it() -> None:
    [done] = analyse(post(1, "hello world, this is the X2"))
    assert list(done.pipeline.steps) == ["clean", "hashtags", "langid", "dedupe", "sentiment"]
    assert done.pipeline.version == PIPELINE.version


def test_one_failing_post_is_a_problem_not_a_failed_batch() -> None:
    bad = post(1, "fine text here")
    bad.raw_text = 12345  # type: ignore[assignment]  # what a buggy caller could hand over
    ctx = BatchContext()
    good, broken = PIPELINE.run([post(2, "The camera is great"), bad], ctx)
    assert good.sentiment.label == "positive"
    assert any(p.startswith("mastodon:x/1: clean:") for p in ctx.problems)


def test_pipelines_are_built_from_config_and_steps_describe_themselves() -> None:
    with pytest.raises(ValueError, match="unknown analysis step 'nope'; known: clean"):
        build_pipeline([{"step": "nope"}])
    with pytest.raises(ValueError, match="bad options for step 'dedupe'"):
        build_pipeline([{"step": "dedupe", "options": {"min_chars": "many"}}])
    described = {s.name: s for s in registered_steps()}
    assert described["sentiment"].adds == ("sentiment",)
    assert all(s.title and s.description and s.version for s in described.values())
