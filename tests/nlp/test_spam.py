"""``spam``: a 0..1 score from transparent signals, with the codes of the signals that raised
it. Bots, giveaways, coupons, easy money, link farms and stuffed tags score high, in any of
the eight languages; enthusiastic, linked or heavily tagged genuine posts stay low."""

from __future__ import annotations

import pytest

import nlp.steps.spam  # noqa: F401 - registers the step for pipelines built here
from analysis.pipeline import BatchContext, build_pipeline
from lab.evals.spam import evaluate
from nlp.steps.spam import Spam, SpamOptions, suspicious_host
from samples.platforms.mastodon import load_statuses
from samples.platforms.reddit import GIVEAWAY, SPAM_REPLY
from sensing.schemas import AuthorRef, Campaign, Post
from tests.nlp.conftest import LAUNCH, post

UP_TO_SPAM = [{"step": "clean"}, {"step": "hashtags"}, {"step": "langid"},
              {"step": "dedupe"}, {"step": "spam"}]
PIPELINE = build_pipeline(UP_TO_SPAM)
EVERY_LANGUAGE = BatchContext(campaign=Campaign(
    id="x2", name="X2", query="lumina", launch_at=LAUNCH,
    languages=["en", "es", "ko", "ja", "fr", "de", "pt", "zh"]))


def scored(*posts: Post) -> list[Post]:
    return PIPELINE.run(list(posts), EVERY_LANGUAGE)


def one(raw: str, **author: object) -> Post:
    """``raw`` posted by an author with the given profile fields, analysed alone."""
    found = post(1, raw)
    found.author = AuthorRef(id=found.author.id, **author)
    return scored(found)[0]


def test_an_ordinary_opinion_scores_near_zero_with_no_reasons() -> None:
    found = one("Day three with the Nova Lumina X2. Camera great, battery okay, still testing")
    assert found.spam_score < 0.1
    assert found.spam_reasons == []


@pytest.mark.parametrize("raw", [
    "🎁 FREE Nova Lumina X2 GIVEAWAY 🎁 Follow + repost to win!!!",
    "🎁 SORTEO de un Nova Lumina X2 🎁 sigue a @regalos y comparte para participar",
    "노바루미나 X2 증정 이벤트! 팔로우하고 리트윗하면 추첨으로 드려요",
    "【プレゼント企画】ノヴァルミナX2を抽選で10名様に！フォロー＆リツイートで応募完了",
    "GEWINNSPIEL: Nova Lumina X2 gratis! Folgen + teilen und gewinnen",
    "免费送 Nova Lumina X2！关注并转发即可参与抽奖",
])
def test_giveaways_with_a_call_to_action_are_spam_in_every_language(raw: str) -> None:
    found = one(raw)
    assert found.spam_score >= 0.5
    assert {"giveaway-words", "call-to-action"} <= set(found.spam_reasons)


def test_a_coupon_behind_a_shortened_link_is_spam() -> None:
    found = one("Nova Lumina X2 coupon 90% OFF today only 👉 https://bit.ly/x2deal")
    assert found.spam_score >= 0.5
    assert {"coupon-words", "suspicious-link"} <= set(found.spam_reasons)


def test_easy_money_offers_are_spam_even_without_a_link() -> None:
    found = one("Earn $500/day from home, no experience needed, DM me")
    assert found.spam_score >= 0.5
    assert found.spam_reasons[:2] == ["earn-money-words", "call-to-action"]


@pytest.mark.parametrize(("host", "suspicious"), [
    ("bit.ly", True), ("is.gd", True),              # shorteners hide where they lead
    ("cheap-x2.top", True), ("x2-store.xyz", True),  # top-level domains spam favours
    ("win-x2.example", True), ("free-x2.example", True),  # hosts named like a prize
    ("news.example", False), ("github.com", False), ("myblog.example", False),
])
def test_suspicious_hosts(host: str, suspicious: bool) -> None:
    assert suspicious_host(host) is suspicious


def test_many_links_make_a_link_farm_but_a_review_with_one_link_is_fine() -> None:
    farm = one("best x2 price https://a.example/1 https://b.example/2 https://c.example/3")
    review = one("Full review of the Nova Lumina X2 is up on my blog, battery test "
                 "included: https://myblog.example/x2-review")
    assert "link-farm" in farm.spam_reasons
    assert review.spam_score < 0.1 and review.spam_reasons == []


def test_a_bare_shortened_link_counts_as_a_link() -> None:
    found = one("Want a free Nova Lumina X2? Winners picked daily at bit.ly/x2-claim-now 🎁")
    assert "suspicious-link" in found.spam_reasons
    assert found.spam_score >= 0.5


def test_hashtag_stuffing_is_spam_but_news_with_many_hashtags_is_not() -> None:
    stuffed = one("#NovaLumina #LuminaX2 #X2 #phone #tech #android #deal #sale #promo "
                  "#shopping #win")
    news = one("Lumina confirms the X2 launch event for October 15 in Seoul. Pricing starts "
               "at $1,299 according to the press release https://news.example/lumina-x2 "
               "#NovaLumina #LuminaX2 #smartphones #tech #launch #Korea")
    assert stuffed.spam_score >= 0.5
    assert {"hashtag-stuffing", "mostly-links-and-tags"} <= set(stuffed.spam_reasons)
    assert news.spam_score < 0.1 and news.spam_reasons == []


def test_mention_stuffing_is_named() -> None:
    found = one("@ana @ben @cho @dee @eli @fay check out my page")
    assert "mention-stuffing" in found.spam_reasons


def test_shouting_raises_the_score_but_enthusiasm_alone_stays_low() -> None:
    shouting = one("CHEAP FOLLOWERS!!!! 10k followers for $5 DM NOW")
    excited = one("OMG the X2 arrived!!!! unboxing tonight, soooo excited 🎉🎉🎉")
    assert shouting.spam_score >= 0.5 and "all-caps" in shouting.spam_reasons
    assert excited.spam_score < 0.3


def test_a_warning_about_the_scam_is_not_the_scam() -> None:
    found = one("PSA: the Nova Lumina X2 giveaway posts going around are a scam, do not click "
                "those links or enter your card")
    assert found.spam_score < 0.3


def test_text_no_campaign_language_fits_is_a_mild_signal() -> None:
    english_only = BatchContext(campaign=Campaign(id="x2", name="X2", query="lumina",
                                                  launch_at=LAUNCH, languages=["en"]))
    step = Spam(SpamOptions(reason_min=0.5))
    junk, = build_pipeline(UP_TO_SPAM[:-1]).run(
        [post(1, "Заработок в интернете без вложений, пишите в личку")], english_only)
    verdict = step.verdict(junk)
    assert junk.lang == "und" and "off-language" in verdict.reasons
    assert verdict.score < 0.5


@pytest.mark.parametrize(("profile", "reason"), [
    ({"bot": True}, "bot-account"),                          # Mastodon's bot flag
    ({"followers": 20, "following": 5000}, "follow-ratio"),  # follows everyone back
    ({"handle": "@win_free_phones"}, "promo-handle"),
])
def test_a_bot_like_author_raises_the_score(profile: dict, reason: str) -> None:
    text = "Nova Lumina X2 is out today"
    plain, botlike = one(text), one(text, **profile)
    assert reason in botlike.spam_reasons
    assert botlike.spam_score > plain.spam_score


def test_an_ordinary_author_is_no_signal() -> None:
    found = one("Nova Lumina X2 is out today", handle="@en_user03", followers=33,
                following=1259, bot=False)
    assert found.spam_reasons == []


def test_being_one_of_many_copies_is_a_mild_signal() -> None:
    text = "Nova Lumina X2 launch is next week, who is getting one?"
    original, copy = scored(post(1, text), post(2, text))
    assert copy.duplicate_of == original.id
    assert original.spam_score < copy.spam_score < 0.5


def test_options_override_weights_and_reject_unknown_signals() -> None:
    raw = "Earn $500/day from home, no experience needed, DM me"
    quiet = build_pipeline([*UP_TO_SPAM[:-1], {"step": "spam", "options": {
        "weights": {"earn-money-words": 0, "call-to-action": 0}}}])
    found, = quiet.run([post(1, raw)], EVERY_LANGUAGE)
    assert found.spam_score < 0.1 and found.spam_reasons == []
    with pytest.raises(ValueError, match="unknown spam signals"):
        build_pipeline([{"step": "spam", "options": {"weights": {"free-stuff": 2}}}])


def mastodon_sample() -> list[Post]:
    """The bundled Mastodon corpus as the crawler hands it over (author bot flag and counts)."""
    posts = []
    for status in load_statuses():
        original, account = status["reblog"] or status, status["account"]
        posts.append(Post(
            id=f"mastodon:sample.social/{status['id']}", source="mastodon",
            created_at=status["created_at"], raw_text=original["content"],
            hashtags=[tag["name"] for tag in original["tags"]],
            author=AuthorRef(id=f"mastodon:sample.social/{account['id']}",
                             handle=f"@{account['acct']}", bot=account["bot"],
                             followers=account["followers_count"],
                             following=account["following_count"])))
    return posts


def test_the_mastodon_samples_bots_score_high_and_its_people_low() -> None:
    posts = PIPELINE.run(mastodon_sample(), BatchContext(campaign=Campaign(
        id="x2", name="X2", query="lumina", launch_at=LAUNCH,
        languages=["en", "ko", "ja", "es"])))
    bots = [p for p in posts if p.author.bot]
    people = [p for p in posts if not p.author.bot]
    assert len(bots) == 12 and len(people) == 276
    assert all(p.spam_score >= 0.9 for p in bots)  # measured: >= 0.998
    assert all(p.spam_score < 0.3 for p in people)  # measured: <= 0.15


def test_the_bot_texts_are_spam_on_their_own_without_the_account() -> None:
    for status in load_statuses():
        if status["account"]["bot"]:
            found = one(status["content"])
            assert found.spam_score >= 0.5, found.text
    assert one(GIVEAWAY).spam_score >= 0.5
    assert one(SPAM_REPLY).spam_score >= 0.5


def test_the_labelled_set_is_separated_at_the_default_threshold() -> None:
    found, _ = evaluate()
    assert found.true_positives + found.false_negatives >= 60  # ~30% of 250 posts are spam
    assert found.f1 >= 0.93  # measured 1.000 (84 of 84 spam, no false alarm)
    assert found.precision >= 0.95
