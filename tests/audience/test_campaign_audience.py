"""A campaign's audience: who talks about the launch (engaged), who its authors reach (the
followers sampled), both, and the engaged by verdict; posts the reports leave out (spam,
copies, the query word in another sense) make nobody engaged."""

from __future__ import annotations

from datetime import UTC, datetime

from audience.campaign import campaign_audience, campaign_influencers
from sensing.schemas import Author, AuthorRef, Campaign, Interest, Post, Sentiment

CAMPAIGN = Campaign(id="x2", name="X2", query="x2", launch_at=datetime(2026, 10, 15, tzinfo=UTC))


def profile(author_id: str, category: str, **fields) -> Author:
    return Author(id=author_id, source="mastodon", campaign_ids=["x2"], interest_model="t@1",
                  interests=[Interest(category=category, share=1.0)], **fields)


def post(n: int, author_id: str, label: str, **fields) -> Post:
    return Post(id=f"mastodon:{n}", source="mastodon", campaign_ids=["x2"],
                created_at=datetime(2026, 10, 16, tzinfo=UTC), author=AuthorRef(id=author_id),
                sentiment=Sentiment(label=label), **fields)


def test_engaged_followers_and_the_split_by_verdict() -> None:
    authors = [profile("fan", "fashion_beauty"), profile("critic", "technology"),
               profile("follower", "travel", followers_of=["fan"]),
               profile("spammer", "nightlife"), profile("elsewhere", "sports")]
    posts = [post(1, "fan", "positive"), post(2, "critic", "negative"),
             post(3, "spammer", "positive", spam_score=0.99),
             post(4, "elsewhere", "positive", relevance=0.1)]
    found = campaign_audience(CAMPAIGN, posts, authors, {"travel": "Travel"})
    assert (found.engaged.share_of("fashion_beauty"), found.engaged.share_of("technology")) \
        == (0.5, 0.5)
    assert found.engaged.share_of("nightlife") == 0, "spam engages nobody"
    assert found.engaged.share_of("sports") == 0, "nor does another sense of the query word"
    assert found.followers.categories[0].name == "Travel"
    assert found.overall.sample_size == 3
    assert found.by_sentiment["positive"].share_of("fashion_beauty") == 1.0
    assert found.by_sentiment["negative"].share_of("technology") == 1.0


def test_influencers_are_voices_of_the_campaign_with_their_followers_interests() -> None:
    reviewer = profile("reviewer", "technology", follower_sample=["f1", "f2"])
    followers = [profile("f1", "travel"), profile("f2", "travel")]
    known = {a.id: a for a in [reviewer, *followers]}
    posts = [post(1, "reviewer", "positive"), post(2, "spammer", "positive", spam_score=0.99),
             post(3, "elsewhere", "positive", relevance=0.1), post(4, "fan", "positive")]
    ranked = campaign_influencers(CAMPAIGN, posts, lambda ids: [known[i] for i in ids
                                                                if i in known])
    assert {found.author_id for found in ranked} == {"reviewer", "fan"}, \
        "spam and another sense of the query word rank nobody"
    top = next(found for found in ranked if found.author_id == "reviewer")
    assert (top.followers_sampled, top.follower_audience.share_of("travel")) == (2, 1.0)
