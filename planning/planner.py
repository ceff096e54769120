"""The campaign plan from what the store holds now: the market signals of the campaign's
counted posts (relevant, original, not spam) read once, then matched to each customer segment.

Signals, all from store aggregations and searches (so a campaign of a million posts is never
streamed through here):

- **message**: per aspect, its posts before and after the launch. An aspect is *emphasised*
  when its net sentiment after the launch is positive and higher than before (or new);
  *addressed* when it is negative after the launch, or fell by more than ``WORSENING``. Each
  choice carries the counts, shares, the change, a two-proportion test and the most engaged
  posts behind it.
- **hashtags**: those used more after the launch than before (share of posts, smoothed).
- **timing**: posts and engagement per hour of the week, in the campaign's time zone (from
  the same two aggregations, before and after the launch, by the hour).
- **channels**: each platform's share of the posts after the launch, the share of them that
  are positive, and the fit of its authors' interests with the segment's.
- **influencers**: the campaign's authors whose followers were sampled, by the followers
  expected to match the segment (followers × the fit of their follower sample's interests).

The fit of two interest profiles is their overlap, the sum over categories of the smaller
share: 1 for the same mix, 0 for nothing in common.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from nlp.related_keywords import reports_filter
from planning.plan import (
    AspectChoice,
    AspectEvidence,
    CampaignPlan,
    ChannelChoice,
    HashtagChoice,
    InfluencerChoice,
    Message,
    OfferChoice,
    SegmentPlan,
    Slot,
    Timing,
)
from reports.examples import most_engaged
from reports.statistics import two_proportion_test
from sensing.schemas import Author, Campaign, Interest, utcnow
from sensing.segments import Segment
from sensing.store import Aggregations, AspectBucket, PostFilter, Store
from sensing.store.base import Section

MIN_MENTIONS = 5       # posts after the launch an aspect needs before the plan speaks of it
WORSENING = 0.1        # a fall of net sentiment this large puts an aspect under "address"
EXAMPLES = 3
EXAMPLE_POOL = 50      # newest posts of an aspect searched for its most engaged ones
TOP_TERMS = 50         # aspects and hashtags read per window
HASHTAGS = 5
INFLUENCERS = 5
CHANNELS = 3
BEST_SLOTS = 3
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def fit(a: Mapping[str, float], b: Mapping[str, float]) -> float | None:
    """The overlap of two interest profiles (see the module docstring); None if either is
    empty."""
    if not a or not b:
        return None
    return round(sum(min(share, b.get(category, 0.0)) for category, share in a.items()), 4)


def shares(interests: Iterable[Interest]) -> dict[str, float]:
    return {i.category: i.share for i in interests}


def mean_profile(authors: Iterable[Author]) -> dict[str, float]:
    """The mean interest shares of the classified ``authors`` (the rest are left out)."""
    totals: dict[str, float] = defaultdict(float)
    known = 0
    for author in authors:
        if author.interests:
            known += 1
            for interest in author.interests:
                totals[interest.category] += interest.share
    return {c: v / known for c, v in totals.items()} if known else {}


@dataclass
class Candidate:
    author: Author
    followers_sampled: int
    profile: dict[str, float]


@dataclass
class Signals:
    """What the campaign's posts and authors say, read once for every segment."""

    message: Message
    hashtags: list[HashtagChoice]
    timing: Timing
    sources: list[tuple[str, int, int]]          # (source, counted posts, positive ones)
    source_profiles: dict[str, dict[str, float]]
    candidates: list[Candidate]


PLAN_SECTIONS: tuple[Section, ...] = ("volume", "engagement", "sources", "hashtags", "aspects")


def read_signals(store: Store, campaign: Campaign) -> Signals:
    before = reports_filter(campaign, campaign.window_start, campaign.launch_at)
    after = reports_filter(campaign, campaign.launch_at, campaign.window_end)
    # two aggregations by the hour, of the sections the plan reads: every count of the plan
    # and the timing from both; then the positive posts per platform
    pre = store.aggregate(before, interval="hour", top=TOP_TERMS, sections=PLAN_SECTIONS)
    post = store.aggregate(after, interval="hour", top=TOP_TERMS, sections=PLAN_SECTIONS)
    positive = store.aggregate(after.model_copy(update={"sentiment": ["positive"]}),
                               sections=["sources"])
    good = {b.key: b.count for b in positive.sources}
    authors = list(store.campaign_authors(campaign.id))
    by_source: dict[str, list[Author]] = defaultdict(list)
    for author in authors:
        by_source[author.source].append(author)
    return Signals(
        message=_message(store, after, {a.aspect: a for a in pre.aspects}, post.aspects),
        hashtags=_hashtags({b.key: b.count for b in pre.hashtags}, pre.total,
                           [(b.key, b.count) for b in post.hashtags], post.total),
        timing=_timing(campaign, [pre, post]),
        sources=[(b.key, b.count, good.get(b.key, 0)) for b in post.sources],
        source_profiles={s: mean_profile(found) for s, found in by_source.items()},
        candidates=_candidates(store, authors))


def _evidence(before: AspectBucket | None, after: AspectBucket, basis: str) -> AspectEvidence:
    n0 = before.total if before else 0
    n1 = after.total
    k0 = getattr(before, basis) if before else 0
    _, p_value = two_proportion_test(k0, n0, getattr(after, basis), n1)

    def share(bucket: AspectBucket | None, label: str) -> float:
        return getattr(bucket, label) / bucket.total if bucket and bucket.total else 0.0

    net0 = share(before, "positive") - share(before, "negative")
    net1 = share(after, "positive") - share(after, "negative")
    return AspectEvidence(mentions_pre=n0, mentions_post=n1,
                          positive_pre=round(share(before, "positive"), 4),
                          positive_post=round(share(after, "positive"), 4),
                          negative_pre=round(share(before, "negative"), 4),
                          negative_post=round(share(after, "negative"), 4),
                          change=round(net1 - net0, 4), p_value=round(p_value, 4))


def _message(store: Store, after: PostFilter, before: dict[str, AspectBucket],
             aspects: list[AspectBucket]) -> Message:
    emphasise: list[tuple[float, AspectChoice]] = []
    address: list[tuple[float, AspectChoice]] = []
    for bucket in aspects:
        if bucket.total < MIN_MENTIONS:
            continue
        pre = before.get(bucket.aspect)
        net = (bucket.positive - bucket.negative) / bucket.total
        rising = _evidence(pre, bucket, "positive")
        if net > 0 and (pre is None or rising.change > 0):
            why = (f"praised in {rising.positive_post:.0%} of {bucket.total} posts after the "
                   + ("launch, new since it" if pre is None else
                      f"launch, net sentiment {rising.change:+.0%} since it"))
            rising.posts = _examples(store, after, f"{bucket.aspect}:positive")
            emphasise.append((net * bucket.total, AspectChoice(aspect=bucket.aspect, why=why,
                                                               evidence=rising)))
            continue
        falling = _evidence(pre, bucket, "negative")
        if net < 0 or falling.change <= -WORSENING:
            why = (f"criticised in {falling.negative_post:.0%} of {bucket.total} posts after "
                   f"the launch" + ("" if pre is None else
                                    f", net sentiment {falling.change:+.0%} since it"))
            falling.posts = _examples(store, after, f"{bucket.aspect}:negative")
            address.append((bucket.negative, AspectChoice(aspect=bucket.aspect, why=why,
                                                          evidence=falling)))
    return Message(emphasise=[c for _, c in sorted(emphasise, key=lambda x: -x[0])],
                   address=[c for _, c in sorted(address, key=lambda x: -x[0])])


def _examples(store: Store, after: PostFilter, aspect: str) -> list[str]:
    """The most engaged original posts with that verdict on the aspect, after the launch."""
    return most_engaged(store, after.model_copy(update={"aspects": [aspect]}), EXAMPLES,
                        EXAMPLE_POOL)


def _hashtags(before: dict[str, int], n_before: int, after: list[tuple[str, int]],
              n_after: int) -> list[HashtagChoice]:
    found = []
    for tag, count in after:
        growth = ((count + 1) / (n_after + 1)) / ((before.get(tag, 0) + 1) / (n_before + 1))
        if growth > 1:
            found.append(HashtagChoice(tag=tag, posts_post=count,
                                       posts_pre=before.get(tag, 0),
                                       growth=round(growth, 3)))
    return found[:HASHTAGS]


def _timing(campaign: Campaign, windows: list[Aggregations]) -> Timing:
    """Posts and engagement per hour of the week over the windows' hourly volumes, in the
    campaign's zone."""
    zone = ZoneInfo(campaign.timezone)
    posts: dict[tuple[int, int], int] = defaultdict(int)
    engagement: dict[tuple[int, int], int] = defaultdict(int)
    hourly = [pair for agg in windows for pair in zip(agg.volume, agg.engagement, strict=True)]
    for volume, engaged in hourly:
        local = datetime.fromisoformat(volume.key).astimezone(zone)
        slot = (local.weekday(), local.hour)
        posts[slot] += volume.count
        engagement[slot] += engaged.count
    slots = [Slot(day=DAYS[d], hour=h, posts=posts[(d, h)], engagement=engagement[(d, h)])
             for d, h in posts if posts[(d, h)]]
    best = sorted(slots, key=lambda s: (-s.engagement, -s.posts, DAYS.index(s.day), s.hour))

    def fold(index: int, label: Callable[[int, int, int], Slot]) -> list[Slot]:
        total_posts: dict[int, int] = defaultdict(int)
        total_engaged: dict[int, int] = defaultdict(int)
        for key, count in posts.items():
            total_posts[key[index]] += count
            total_engaged[key[index]] += engagement[key]
        return [label(k, total_posts[k], total_engaged[k]) for k in sorted(total_posts)]

    return Timing(timezone=campaign.timezone, best=best[:BEST_SLOTS],
                  hours=fold(1, lambda k, p, e: Slot(hour=k, posts=p, engagement=e)),
                  days=fold(0, lambda k, p, e: Slot(day=DAYS[k], posts=p, engagement=e)))


def _candidates(store: Store, authors: list[Author]) -> list[Candidate]:
    """The campaign's authors whose followers were sampled, with their followers' profile."""
    found = []
    for author in authors:
        if author.follower_sample:
            profile = mean_profile(store.get_authors(author.follower_sample))
            found.append(Candidate(author, len(author.follower_sample), profile))
    return found


def _influencers(signals: Signals, segment: dict[str, float]) -> list[InfluencerChoice]:
    found = []
    for candidate in signals.candidates:
        matched = fit(segment, candidate.profile)
        followers = candidate.author.followers
        shared = sorted((c for c in segment if c in candidate.profile),
                        key=lambda c: -min(segment[c], candidate.profile[c]))[:3]
        found.append(InfluencerChoice(
            author_id=candidate.author.id, handle=candidate.author.handle or "",
            source=candidate.author.source, followers=followers,
            followers_sampled=candidate.followers_sampled, fit=matched,
            expected_reach=None if matched is None or followers is None
            else round(followers * matched, 1), shared_interests=shared))
    found.sort(key=lambda i: (-(i.expected_reach if i.expected_reach is not None
                                else (i.followers or 0)), i.author_id))
    return found[:INFLUENCERS]


def _channels(signals: Signals, segment: dict[str, float]) -> list[ChannelChoice]:
    total = sum(posts for _, posts, _ in signals.sources)
    found = []
    for source, posts, positive in signals.sources:
        matched = fit(segment, signals.source_profiles.get(source, {}))
        share = posts / total if total else 0.0
        positive_share = positive / posts if posts else 0.0
        found.append(ChannelChoice(source=source, posts=posts, share=round(share, 4),
                                   positive_share=round(positive_share, 4), fit=matched,
                                   score=round(share * positive_share
                                               * (matched if matched is not None else 1.0),
                                               4)))
    found.sort(key=lambda c: (-c.score, c.source))
    return found[:CHANNELS]


def _offer(segment: Segment) -> OfferChoice | None:
    best = next((o for o in segment.offers if o.offer == segment.best_offer), None)
    if best is None:
        return None
    return OfferChoice(offer=best.offer, rate=best.rate, uplift=best.uplift,
                       uplift_low=best.uplift_low, uplift_high=best.uplift_high)


def plan_campaign(store: Store, campaign: Campaign, threshold: float = 0.5,
                  segments: list[str] | None = None) -> CampaignPlan:
    """The plan for the campaign's current segments (those named in ``segments``, by name or
    id, if given), targets at ``threshold``."""
    signals = read_signals(store, campaign)
    record = store.current_import(campaign.id)
    rows = {row.segment_id: row for row in store.targeting(campaign.id, threshold)}
    wanted = set(segments or ())
    plans = []
    for segment in store.list_segments(campaign.id):
        if wanted and not wanted & {segment.id, segment.name}:
            continue
        profile = shares(segment.interests)
        row = rows.get(segment.id)
        plans.append(SegmentPlan(
            segment=segment.id, name=segment.name, count=segment.size,
            target_count=row.target_count if row else 0,
            mean_propensity=segment.mean_propensity,
            interests=[i.category for i in segment.interests[:3]],
            message=signals.message, hashtags=signals.hashtags,
            influencers=_influencers(signals, profile), channels=_channels(signals, profile),
            timing=signals.timing, offer=_offer(segment)))
    order = {row.segment_id: i for i, row in enumerate(rows.values())}
    plans.sort(key=lambda p: order.get(p.segment, len(order)))
    return CampaignPlan(campaign=campaign.id, generated_at=utcnow(), threshold=threshold,
                        import_id=record.id if record else None,
                        model_run=record.run_id if record else None, segments=plans)
