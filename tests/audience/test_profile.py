"""The audience table: category shares over authors, subcategory shares within a category,
95% bootstrap intervals, the sample size, and the split by what authors said of the launch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audience.profile import audience_profile, author_stances, sentiment_split
from sensing.schemas import Author, AuthorRef, Interest, Post, Sentiment

MODEL = "interests-test@1"


def author(author_id: str, **shares: float) -> Author:
    """A classified author whose interests are ``category=share`` (subcategory after '__')."""
    interests = []
    for key, share in shares.items():
        category, _, sub = key.partition("__")
        interests.append(Interest(category=category, subcategory=sub or None, share=share,
                                  subcategory_shares={sub: 1.0} if sub else {}))
    return Author(id=author_id, source="mastodon", interests=interests, interest_model=MODEL)


def test_category_shares_are_means_over_authors_largest_first() -> None:
    table = audience_profile([author("a", technology=1.0),
                              author("b", technology=0.5, sports=0.5),
                              author("c", sports=0.25, travel=0.75),
                              author("d", technology=1.0)])
    assert [(row.category, row.share) for row in table.categories] == [
        ("technology", 0.625), ("sports", 0.1875), ("travel", 0.1875)], "ties by id"
    assert table.sample_size == 4
    assert sum(row.share for row in table.categories) == pytest.approx(1.0)
    assert {row.category: row.authors for row in table.categories} == {
        "technology": 3, "sports": 2, "travel": 1}


def test_subcategories_are_shares_within_their_category() -> None:
    table = audience_profile([author("a", fashion_beauty__make_up=0.5, travel=0.5),
                              author("b", fashion_beauty__shoes=1.0),
                              author("c", fashion_beauty__shoes=0.5, travel__beach=0.5)])
    fashion = table.categories[0]
    assert fashion.category == "fashion_beauty"
    assert [(sub.subcategory, round(sub.share, 3)) for sub in fashion.subcategories] == [
        ("shoes", 0.75), ("make_up", 0.25)]


def test_intervals_hold_the_share_and_narrow_as_the_sample_grows() -> None:
    def mixed(n: int):
        return [author(f"a{i}", technology=1.0) if i % 4 == 0 else author(f"a{i}", sports=1.0)
                for i in range(n)]

    small, large = audience_profile(mixed(20)), audience_profile(mixed(400))
    tech = {t.sample_size: next(r for r in t.categories if r.category == "technology")
            for t in (small, large)}
    for row in tech.values():
        assert 0 <= row.ci_low < row.share == 0.25 < row.ci_high <= 1
    assert (tech[400].ci_high - tech[400].ci_low) < (tech[20].ci_high - tech[20].ci_low) / 3
    assert audience_profile(mixed(20)) == small, "the same audience gets the same table"


def test_unclassifiable_authors_are_counted_not_guessed_and_unclassified_are_left_out() -> None:
    too_little = Author(id="quiet", source="mastodon", interests=[], interest_model=MODEL)
    never_seen = Author(id="new", source="mastodon")
    table = audience_profile([author("a", travel=1.0), too_little, never_seen])
    assert (table.sample_size, table.unclassified) == (1, 1)
    assert audience_profile([too_little]).categories == []


def test_rows_carry_the_taxonomy_names_and_the_table_its_sample_size() -> None:
    table = audience_profile([author("a", travel__beach=1.0)],
                             {"travel": "Travel", "travel/beach": "Beach"})
    assert (table.sample_size, table.confidence) == (1, 0.95)
    row = table.categories[0]
    assert (row.category, row.name, row.share) == ("travel", "Travel", 1.0)
    assert row.subcategories[0].name == "Beach"
    assert audience_profile([author("a", travel=1.0)]).categories[0].name == "travel"


def post(post_id: str, author_id: str, label: str) -> Post:
    return Post(id=f"mastodon:{post_id}", source="mastodon", author=AuthorRef(id=author_id),
                created_at=datetime(2026, 10, 20, tzinfo=UTC), sentiment=Sentiment(label=label))


def test_an_authors_stance_is_their_majority_verdict_and_a_tie_is_neutral() -> None:
    stances = author_stances([post("1", "fan", "positive"), post("2", "fan", "positive"),
                              post("3", "fan", "negative"), post("4", "critic", "negative"),
                              post("5", "torn", "positive"), post("6", "torn", "negative")])
    assert stances == {"fan": "positive", "critic": "negative", "torn": "neutral"}


def test_the_sentiment_split_profiles_who_loves_it_and_who_hates_it() -> None:
    authors = [author("fan", fashion_beauty=1.0), author("critic", technology=1.0),
               author("lurker", travel=1.0)]
    split = sentiment_split(authors, {"fan": "positive", "critic": "negative"})
    assert split["positive"].share_of("fashion_beauty") == 1.0
    assert split["negative"].share_of("technology") == 1.0
    assert split["neutral"].sample_size == 0, "authors without a verdict are not in the split"
