"""Related-keyword discovery: the terms a campaign's relevant posts use far more than other
posts do, scored by log-odds with an informative Dirichlet prior, for query expansion."""

from __future__ import annotations

import pytest

from analysis.pipeline import BatchContext, build_pipeline
from nlp.related_keywords import (
    AspectEvidence,
    RelatedKeywords,
    RelatedTerm,
    discover,
    in_reports,
    log_odds_z,
    post_terms,
    text_terms,
)
from samples.build_corpus import COLLISIONS
from sensing.query import parse_query
from sensing.schemas import AspectSentiment, AspectSpec, Campaign, Post
from tests.nlp.conftest import LAUNCH, post
from tests.nlp.test_spam import mastodon_sample

CAMPAIGN = Campaign(id="x2", name="Nova Lumina X2", query='"nova lumina" OR 노바루미나',
                    launch_at=LAUNCH, relevance_threshold=0.5)


def analysed(n: int, text: str, *, tags: tuple[str, ...] = (), keywords: tuple[str, ...] = (),
             campaign: str = "x2", relevance: float = 1.0, spam: float = 0.0,
             duplicate_of: str | None = None, lang: str = "en") -> Post:
    """A post as the pipeline leaves it in the store."""
    p = post(n, text)
    p.text, p.lang, p.campaign_ids = text, lang, [campaign]
    p.hashtags, p.keywords = list(tags), list(keywords)
    p.relevance, p.spam_score, p.duplicate_of = relevance, spam, duplicate_of
    return p


def terms_of(found: RelatedKeywords) -> list[str]:
    return [t.term for t in found.terms]


# --- the score --------------------------------------------------------------------------------

def test_a_term_used_at_the_same_rate_in_both_corpora_scores_zero() -> None:
    """The informative prior puts the term's pooled rate (30 in 3000: 1% of alpha0) on both
    sides, so equal rates stay equal whatever the corpus sizes."""
    assert log_odds_z(10, 1000, 20, 2000, alpha=1, alpha0=100) == pytest.approx(0, abs=1e-9)


def test_a_term_that_is_all_either_side_says_is_no_difference_not_an_error() -> None:
    assert log_odds_z(5, 5, 7, 7, alpha=12, alpha0=12) == 0.0


def test_over_represented_terms_score_positive_and_under_represented_negative() -> None:
    assert log_odds_z(50, 1000, 10, 1000, alpha=6, alpha0=100) > 0
    assert log_odds_z(10, 1000, 50, 1000, alpha=6, alpha0=100) < 0


def test_the_same_ratio_on_more_evidence_is_more_significant() -> None:
    """What a plain frequency ratio cannot say: 40 against 10 is surer than 4 against 1."""
    rare = log_odds_z(4, 1000, 1, 1000, alpha=0.5, alpha0=100)
    common = log_odds_z(40, 1000, 10, 1000, alpha=5, alpha0=100)
    assert common > 2 * rare > 0


# --- which posts and which terms ------------------------------------------------------------

def test_the_foreground_is_relevant_original_non_spam_posts_of_the_campaign() -> None:
    assert in_reports(analysed(1, "x"), CAMPAIGN)
    assert not in_reports(analysed(2, "x", relevance=0.2), CAMPAIGN)  # another "nova"
    assert not in_reports(analysed(3, "x", spam=0.9), CAMPAIGN)
    assert not in_reports(analysed(4, "x", duplicate_of="mastodon:x/1"), CAMPAIGN)
    assert not in_reports(analysed(5, "x", campaign="other"), CAMPAIGN)


def test_text_gives_unigrams_and_bigrams_without_links_mentions_tags_or_stop_words() -> None:
    text = "The low light shots are stunning! @ann@x.social https://t.example/a #NovaLumina"
    assert text_terms(text, "en") == ["low", "light", "low light", "shots", "light shots",
                                      "stunning"]
    assert text_terms("La cámara del X2 es increíble", "es") == [
        "cámara", "x2", "increíble"]
    # English stop words go too: posts in every language mix English in.
    assert text_terms("La cámara del X2 is the best", "es") == ["cámara", "x2", "best"]
    assert text_terms("ノヴァルミナX2のカメラを店頭で試した", "ja") == [
        "ノヴァルミナ", "カメラ", "店頭"]
    assert text_terms("", "ko") == []


def test_keywords_stand_in_for_text_terms_when_the_keyword_step_has_run() -> None:
    with_keywords = analysed(1, "The camera is stunning", tags=("luminax2",),
                             keywords=("Camera", "stunning"))
    assert post_terms(with_keywords) == {("hashtag", "luminax2"), ("keyword", "camera"),
                                         ("keyword", "stunning")}
    without = analysed(2, "The camera is stunning")  # "is" parts them: no bigram
    assert post_terms(without) == {("keyword", "camera"), ("keyword", "stunning")}


# --- discovery ------------------------------------------------------------------------------

def launch_conversation() -> list[Post]:
    """20 relevant posts about the camera and the battery, 10 about paint ("Lumina paint")
    that the relevance step marked as another sense, 5 spam posts and a copy-pasta."""
    posts = [analysed(n, "nova lumina x2 periscope camera at night",
                      tags=("novalumina", "nightshot"), keywords=("periscope camera", "night"))
             for n in range(10)]
    for p in posts:
        p.hashtag_words = {"nightshot": ["night", "shot"]}
    posts += [analysed(10 + n, "nova lumina x2 battery drains by lunch",
                       tags=("novalumina",), keywords=("battery", "lunch"))
              for n in range(10)]
    posts += [analysed(20 + n, "lumina paint matte white on sale tonight", tags=("lumina",),
                       keywords=("paint", "matte white", "night"), relevance=0.1)
              for n in range(10)]
    posts += [analysed(30 + n, "free giveaway claim now", tags=("giveaway", "nightshot"),
                       keywords=("giveaway", "claim"), spam=0.99) for n in range(5)]
    posts += [analysed(40 + n, "best camera", keywords=("best camera",),
                       duplicate_of="mastodon:x/0") for n in range(5)]
    return posts


def other_campaign() -> list[Post]:
    """A different launch: people talk about the battery of every phone, not of periscopes."""
    return [analysed(100 + n, "aurora laptop battery and keyboard", campaign="aurora",
                     tags=("aurora14",), keywords=("battery", "keyboard", "night"))
            for n in range(60)]


def test_terms_of_the_relevant_posts_outrank_those_every_post_uses() -> None:
    found = discover(CAMPAIGN, launch_conversation(), other_campaign())
    assert not found.builtin_background
    assert (found.relevant_posts, found.background_posts) == (20, 75)
    ranked = terms_of(found)
    assert set(ranked[:2]) == {"periscope camera", "lunch"}  # 10 posts each, none elsewhere
    # Half the relevant posts speak of the battery, but nearly every post of the other
    # campaign does: not over-represented, not suggested.
    assert "battery" not in ranked and "night" not in ranked
    z = {t.term: t for t in found.terms}
    assert z["periscope camera"].z > 2  # significant: suggested for the query
    assert (z["periscope camera"].count, z["periscope camera"].background_count) == (10, 0)
    # The spam used #nightshot too: counted against it, so it ranks below the clean terms.
    assert (z["nightshot"].count, z["nightshot"].background_count) == (10, 5)
    assert z["nightshot"].z < z["lunch"].z
    # Paint, spam and copies are not in the foreground, so their words are not suggested.
    assert not {"paint", "giveaway", "best camera"} & set(ranked)


def test_terms_the_query_already_finds_are_not_suggested_in_any_spelling() -> None:
    found = discover(CAMPAIGN, launch_conversation(), other_campaign())
    # novalumina is the query's "nova lumina"; nothing about "lumina" alone widens it usefully.
    assert "novalumina" not in terms_of(found)
    assert all(t.kind in ("hashtag", "keyword") for t in found.terms)


def test_a_term_needs_min_count_relevant_posts() -> None:
    posts = launch_conversation() + [analysed(50, "nova lumina x2 in orange",
                                              keywords=("orange",))]
    assert "orange" in terms_of(discover(CAMPAIGN, posts, [], min_count=1))
    assert "orange" not in terms_of(discover(CAMPAIGN, posts, [], min_count=2))


def test_with_too_few_other_posts_general_english_is_the_background() -> None:
    """With nothing to compare with, a common word must not look special: "night" is used
    by as many relevant posts as "periscope camera", but every English text says it."""
    found = discover(CAMPAIGN, launch_conversation()[:20], [])
    assert found.builtin_background and found.background_posts == 0
    z = {t.term: t.z for t in found.terms}
    assert z["periscope camera"] > z.get("night", 0)


def test_the_suggested_query_ors_the_strongest_terms_and_parses() -> None:
    found = discover(CAMPAIGN, launch_conversation(), other_campaign())
    expansion = found.expansion
    assert set(expansion.terms[:2]) == {'"periscope camera"', "lunch"}
    assert 1 <= len(expansion.terms) <= 5
    assert expansion.query.startswith(f"({CAMPAIGN.query}) OR ")
    parse_query(expansion.query)


def test_nothing_relevant_means_nothing_suggested() -> None:
    found = discover(CAMPAIGN, [], [])
    assert found.terms == [] and found.expansion.terms == []
    assert found.expansion.query == CAMPAIGN.query


def test_on_the_sample_corpus_the_suggestions_name_the_product_and_its_aspects() -> None:
    """The bundled Mastodon corpus through the pipeline up to spam; the collisions ("Lumina
    paint", a supernova) marked irrelevant as the relevance step marks them."""
    campaign = Campaign(id="x2", name="Nova Lumina X2", launch_at=LAUNCH,
                        query='"nova lumina" OR 노바루미나 OR ノヴァルミナ')
    pipeline = build_pipeline([{"step": s} for s in ("clean", "hashtags", "dedupe", "spam")])
    posts = pipeline.run(mastodon_sample(), BatchContext(campaign=campaign))
    collisions = {text for _, text in COLLISIONS}
    for p in posts:
        p.campaign_ids = ["x2"]
        p.relevance = 0.1 if p.text in collisions else 1.0
    found = discover(campaign, posts, [])
    ranked = terms_of(found)
    assert found.builtin_background
    assert {"lumina x2", "luminax2", "camera"} <= set(ranked[:6])
    assert {"giveaway", "paint", "free", "nova", "lumina"}.isdisjoint(ranked)
    tag = next(t for t in found.terms if t.term == "luminax2")
    assert tag.kind == "hashtag" and tag.words == ["lumina", "x2"]
    assert '"lumina x2"' in found.expansion.terms


# --- aspect suggestions ---------------------------------------------------------------------

def about(n: int, text: str, *aspects: str, tags: tuple[str, ...] = ()) -> Post:
    """A relevant post as the aspects step leaves it: each aspect's evidence is the text."""
    p = analysed(n, text, tags=tags)
    p.aspects = [AspectSentiment(aspect=a, sentiment="positive", evidence=text) for a in aspects]
    return p


def suggestions(posts: list[Post], campaign: Campaign = CAMPAIGN) -> dict[str, RelatedTerm]:
    found = discover(campaign, posts, other_campaign(), min_count=2, limit=200)
    return {t.term: t for t in found.terms}


def test_a_term_used_inside_one_aspects_clauses_is_suggested_for_that_aspect() -> None:
    """Six posts praise the camera's bokeh; two say "bokeh" without naming the camera (no
    aspect clause there): bokeh extends camera."""
    posts = [about(n, "nova lumina portrait camera bokeh is dreamy", "camera") for n in range(6)]
    posts += [analysed(10 + n, "nova lumina bokeh shots are dreamy") for n in range(2)]
    bokeh = suggestions(posts)["bokeh"]
    assert bokeh.aspect == "camera" and bokeh.known_aspects == []
    assert bokeh.aspect_evidence == AspectEvidence(aspect="camera", posts=6, share=1.0)
    # A phrase with the camera's own name in it is already found by the lexicon.
    camera_bokeh = suggestions(posts)["camera bokeh"]
    assert camera_bokeh.aspect is None and camera_bokeh.known_aspects == ["camera"]


def test_a_term_the_taxonomy_already_knows_is_not_suggested() -> None:
    """"low light" is a built-in camera term: adding it again would change nothing."""
    posts = [about(n, "nova lumina camera in low light is superb", "camera") for n in range(5)]
    low_light = suggestions(posts)["low light"]
    assert low_light.aspect is None and low_light.known_aspects == ["camera"]
    assert low_light.aspect_evidence is not None and low_light.aspect_evidence.posts == 5


def test_a_term_spread_over_several_aspects_is_suggested_for_none() -> None:
    posts = [about(n, "nova lumina camera looks gorgeous", "camera") for n in range(4)]
    posts += [about(10 + n, "nova lumina screen looks gorgeous", "display") for n in range(3)]
    gorgeous = suggestions(posts)["gorgeous"]
    assert gorgeous.aspect_evidence == AspectEvidence(aspect="camera", posts=4, share=0.571)
    assert gorgeous.aspect is None  # 4/7 is below MIN_ASPECT_SHARE


def test_an_aspect_needs_enough_posts_and_enough_of_the_terms_posts() -> None:
    """Two camera clauses are an anecdote; three camera clauses among twenty posts that say
    "tiktok" are the conversation's word landing there by chance."""
    posts = [about(n, "nova lumina camera glare is annoying", "camera") for n in range(2)]
    posts += [about(10 + n, "nova lumina camera on tiktok", "camera") for n in range(3)]
    posts += [analysed(20 + n, "nova lumina unboxing on tiktok") for n in range(17)]
    found = suggestions(posts)
    assert found["glare"].aspect_evidence.posts == 2 and found["glare"].aspect is None
    assert found["tiktok"].aspect_evidence.posts == 3 and found["tiktok"].aspect is None


def test_a_hashtag_counts_in_a_clause_by_its_tag_or_its_words() -> None:
    posts = [about(n, "nova lumina camera nails every #NightShot", "camera",
                   tags=("nightshot",)) for n in range(3)]
    posts += [about(10 + n, "nova lumina camera night shot is clean", "camera",
                    tags=("nightshot",)) for n in range(3)]
    for p in posts:
        p.hashtag_words = {"nightshot": ["night", "shot"]}
    tag = next(t for t in discover(CAMPAIGN, posts, other_campaign()).terms
               if t.term == "nightshot" and t.kind == "hashtag")
    assert tag.aspect == "camera" and tag.aspect_evidence.posts == 6


def test_only_the_campaigns_own_aspects_are_suggested() -> None:
    """Posts analysed before the campaign dropped "sound" still carry it; it is not offered."""
    campaign = CAMPAIGN.model_copy(update={"aspects": [AspectSpec(name="camera")]})
    posts = [about(n, "nova lumina speakers boom loudly", "sound") for n in range(5)]
    boom = suggestions(posts, campaign)["boom"]
    assert boom.aspect is None and boom.aspect_evidence is None
