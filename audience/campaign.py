"""A campaign's audience, in the three readings a marketer asks for: the people talking
about the launch (``engaged``: the authors of the posts its reports count), the people its
influencers reach (``followers``: the follower samples author mode collected), both together
(``overall``), and the engaged split by their verdict (who loves it, who hates it).

Reads posts and profiles, as a store streams them; decides nothing about where they live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pydantic import BaseModel, Field

from audience.influence import InfluencerScore, InfluenceWeights, rank_influencers
from audience.profile import AudienceTable, audience_profile, author_stances, sentiment_split
from nlp.related_keywords import in_reports
from sensing.schemas import Author, Campaign, Post, SentimentLabel


class CampaignAudience(BaseModel):
    campaign_id: str
    overall: AudienceTable = Field(description="Every classified profile of the campaign: "
                                   "its engaged authors and the followers sampled.")
    engaged: AudienceTable = Field(description="Authors of the campaign's counted posts "
                                   "(relevant, original, not spam).")
    followers: AudienceTable = Field(description="Followers sampled from the campaign's "
                                     "authors (author mode) who did not post themselves.")
    by_sentiment: dict[SentimentLabel, AudienceTable] = Field(
        description="The engaged authors by the verdict most of their posts carry.")


def campaign_audience(campaign: Campaign, posts: Iterable[Post], authors: Iterable[Author],
                      names: Mapping[str, str] | None = None) -> CampaignAudience:
    """The campaign's audience tables from its posts and its author profiles; ``names``
    are the taxonomy's display names (:meth:`audience.taxonomy.Taxonomy.names`)."""
    counted = [post for post in posts if in_reports(post, campaign)]
    posting = {post.author.id for post in counted}
    profiles = list(authors)
    engaged = [a for a in profiles if a.id in posting]
    followers = [a for a in profiles if a.id not in posting and a.followers_of]
    return CampaignAudience(
        campaign_id=campaign.id,
        overall=audience_profile([*engaged, *followers], names),
        engaged=audience_profile(engaged, names),
        followers=audience_profile(followers, names),
        by_sentiment=sentiment_split(engaged, author_stances(counted), names),
    )


class Influencer(InfluencerScore):
    """A ranked author with the interests of the followers sampled from them: what their
    audience cares about, to pick influencers whose followers match the target."""

    followers_sampled: int
    follower_audience: AudienceTable


def campaign_influencers(campaign: Campaign, posts: Iterable[Post],
                         profiles: Callable[[list[str]], list[Author]], top: int | None = 20,
                         weights: InfluenceWeights | None = None,
                         names: Mapping[str, str] | None = None) -> list[Influencer]:
    """The campaign's ``top`` influencers among the authors of at least one counted post,
    each with their follower sample's audience table; ``profiles`` reads stored profiles by
    id (the authors' own, then each one's followers)."""
    posts = list(posts)
    authors = {a.id: a for a in profiles(sorted({post.author.id for post in posts}))}
    found = []
    # a voice of the campaign has said something its reports count: spam and posts using
    # the query word in another sense rank nobody
    ranked = [score for score in rank_influencers(posts, authors, campaign, None, weights)
              if score.counted_posts]
    for score in ranked[:top] if top is not None else ranked:
        sample = authors[score.author_id].follower_sample if score.author_id in authors else []
        followers = profiles(sample) if sample else []
        found.append(Influencer(**score.model_dump(), followers_sampled=len(sample),
                                follower_audience=audience_profile(followers, names)))
    return found
