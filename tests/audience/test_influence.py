"""The influence score, part by part: reach, engagement per follower, posts on the topic,
centrality in who-answers-whom, and the spam and bot penalty; then the ranking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from audience.graph import interaction_graph
from audience.influence import InfluenceWeights, rank_influencers
from sensing.schemas import Author, AuthorRef, Campaign, Metrics, Post

CAMPAIGN = Campaign(id="x2", name="X2", query="x2", launch_at=datetime(2026, 10, 15, tzinfo=UTC))
_n = iter(range(10_000))


def post(author: str, followers: int = 100, *, likes: int = 0, reply_to: str | None = None,
         mentions: tuple[str, ...] = (), **fields) -> Post:
    n = next(_n)
    return Post(id=f"mastodon:h/{n}", source="mastodon", campaign_ids=["x2"],
                created_at=datetime(2026, 10, 16, tzinfo=UTC),
                author=AuthorRef(id=f"mastodon:h/{author}", handle=f"@{author}",
                                 followers=followers, bot=fields.pop("bot", False)),
                metrics=Metrics(likes=likes), in_reply_to=reply_to, mentions=list(mentions),
                **fields)


def ranked(posts: list[Post], **kwargs) -> dict[str, dict[str, float]]:
    """handle -> {score, penalty, each component's value}."""
    return {s.handle: {"score": s.score, "penalty": s.penalty,
                       **{c.name: c.value for c in s.components}}
            for s in rank_influencers(posts, campaign=CAMPAIGN, top=None, **kwargs)}


def test_replies_and_mentions_make_the_answered_author_central() -> None:
    hub = post("hub")
    posts = [hub, *(post(f"fan{i}", reply_to=hub.id) for i in range(4)),
             post("other", mentions=("@hub",)), post("loner")]
    graph = interaction_graph(posts)
    assert graph["mastodon:h/fan0"]["mastodon:h/hub"]["replies"] == 1
    assert graph["mastodon:h/other"]["mastodon:h/hub"]["mentions"] == 1
    found = ranked(posts)
    assert found["@hub"]["centrality"] == 1.0
    assert found["@loner"]["centrality"] < 0.3


def test_self_replies_and_unknown_mentions_add_no_edge() -> None:
    first = post("ana")
    graph = interaction_graph([first, post("ana", reply_to=first.id, mentions=("@ana", "@ghost"))])
    assert graph.number_of_edges() == 0


def test_reach_is_log_scaled_and_zero_followers_do_not_crash() -> None:
    found = ranked([post("big", 100_000), post("small", 1_000), post("none", 0)])
    assert found["@big"]["reach"] == pytest.approx(5 / 6, abs=0.01)
    assert found["@small"]["reach"] == pytest.approx(0.5, abs=0.01)
    assert found["@none"]["reach"] == 0.0


def test_engagement_is_per_follower_so_a_big_account_with_few_likes_ranks_low() -> None:
    found = ranked([post("big", 100_000, likes=100), post("small", 500, likes=50),
                    post("mid", 5_000, likes=50)])
    assert found["@small"]["engagement"] > found["@mid"]["engagement"] > found["@big"][
        "engagement"]


def test_only_posts_the_reports_count_are_activity_on_the_topic() -> None:
    found = ranked([post("on"), post("on"), post("off", relevance=0.1),
                    post("off", relevance=0.2)])
    assert found["@on"]["topic"] == 1.0
    assert found["@off"]["topic"] == 0.0


def test_spam_and_automation_multiply_the_score_down() -> None:
    found = ranked([post("clean", 5_000), post("spammy", 5_000, spam_score=0.6),
                    post("robot", 5_000, bot=True)])
    assert found["@clean"]["penalty"] == 1.0
    assert found["@spammy"]["penalty"] == pytest.approx(0.4)
    assert found["@robot"]["penalty"] == 0.5
    assert found["@spammy"]["score"] < found["@robot"]["score"] < found["@clean"]["score"]


def test_profiles_supply_fresher_follower_counts() -> None:
    profile = Author(id="mastodon:h/ana", source="mastodon", followers=1_000_000)
    found = ranked([post("ana", 10)], authors={profile.id: profile})
    assert found["@ana"]["reach"] == 1.0


def test_each_component_explains_its_part_of_the_score() -> None:
    hub = post("hub", 20_000, likes=300)
    best = rank_influencers([hub, post("fan", 50, reply_to=hub.id)], campaign=CAMPAIGN)[0]
    assert best.handle == "@hub"
    assert best.score == pytest.approx(sum(c.contribution for c in best.components), abs=1e-3)
    assert {c.name for c in best.components} == {"reach", "engagement", "topic", "centrality"}
    assert "20,000 followers" in best.explanation and "1 counted posts" in best.explanation


def test_the_ranking_is_deterministic_and_bounded_by_top() -> None:
    posts = [post(f"a{i % 7}", 100 * (i % 5 + 1), likes=i % 3) for i in range(40)]
    first = rank_influencers(posts, campaign=CAMPAIGN, top=5)
    assert len(first) == 5
    assert first == rank_influencers(list(reversed(posts)), campaign=CAMPAIGN, top=5)
    assert [s.score for s in first] == sorted((s.score for s in first), reverse=True)


def test_weights_must_be_non_negative_and_sum_to_one() -> None:
    with pytest.raises(ValidationError, match="sum to 1"):
        InfluenceWeights(reach=0.5, engagement=0.5, topic=0.5, centrality=0.0)
    with pytest.raises(ValidationError):
        InfluenceWeights(reach=-0.25, engagement=0.5, topic=0.5, centrality=0.25)
    reach_only = InfluenceWeights(reach=1.0, engagement=0, topic=0, centrality=0)
    found = ranked([post("big", 100_000), post("small", 10)], weights=reach_only)
    assert found["@big"]["score"] == pytest.approx(found["@big"]["reach"], abs=1e-3)


def test_no_follower_count_means_no_engagement_rate_rather_than_a_made_up_one() -> None:
    unknown = post("channel", likes=5_000)
    unknown.author.followers = None
    found = ranked([unknown, post("known", 1_000, likes=10)])
    assert found["@channel"]["engagement"] == 0.0
    assert found["@known"]["engagement"] == 1.0
    best = rank_influencers([unknown], campaign=CAMPAIGN)[0]
    assert "followers unknown" in best.explanation
