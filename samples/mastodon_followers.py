"""Sample followers for the Mastodon corpus's accounts, built in code and deterministic
(seeded): who follows whom, and what those followers post about. Each influencer (more than
10,000 followers; all five are phone reviewers) has an audience with a *designed interest
mix* (:data:`DESIGNED_MIXES`, drawn by :mod:`samples.audiences`), and every other account a
handful of followers from those audiences. Followers post about their one or two interests
(:mod:`samples.interest_posts`) in Korean, English, Japanese or Spanish, half of an audience
in its influencer's language; a few name the phone, which is exactly what a crawl must NOT
count as a reaction to the launch.

The ground truth (the designed mixes, each post's category) is kept beside the API data in
:class:`Followers`, never inside it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from itertools import count
from typing import Any

from samples.audiences import Audiences, AudienceTruth, Interests, Mix
from samples.interest_posts import HASHTAG, LANGS, Labelled, bio, follower_posts, hashtags

HOST = "sample.social"
INFLUENCER = 10_000  # more followers than this: an influencer, with a large follower sample
SAMPLED = {"influencer": 120, "regular": 4}  # followers served per account, by kind
FIRST_ID = 20_000
SINCE = datetime(2026, 8, 1, tzinfo=UTC)
DAYS = 100  # follower posts spread over this many days from SINCE

DESIGNED_MIXES: dict[str, Mix] = {
    # the Spanish reviewer: football fans and news readers around a tech core
    "es_user44": {"technology": 0.5, "sports": 0.25, "news_politics": 0.25},
    # the Korean reviewer tests selfie cameras: a beauty and lifestyle crowd follows
    "ko_user22": {"technology": 0.3, "fashion_beauty": 0.35, "entertainment": 0.2,
                  "food_drink": 0.15},
    # the Japanese reviewer: gamers and night owls
    "ja_user33": {"technology": 0.4, "entertainment": 0.3, "nightlife": 0.15,
                  "food_drink": 0.15},
    # the English reviewers: one followed by runners and lifters, one by parents
    "en_user00": {"technology": 0.35, "health_fitness": 0.35, "sports": 0.15, "travel": 0.15},
    "en_user11": {"technology": 0.4, "parenting": 0.3, "food_drink": 0.2,
                  "news_politics": 0.1},
}
"""Influencer (acct) -> interest category -> share of its followers' attention."""


def snowflake(when: datetime, sequence: int) -> str:
    """A Mastodon-style id: milliseconds since the epoch shifted left 16 bits, so ids sort by
    time as the corpus's do."""
    return str((int(when.timestamp() * 1000) << 16) + sequence % 65536)


@dataclass
class Followers(AudienceTruth):
    """The sample's follow graph: ``accounts`` by id, ``followers_of`` (account id -> follower
    ids, most recent follow first), ``statuses_of`` (account id -> statuses, newest first),
    all as the API serves them; and the ground truth, for tests only: ``mixes`` (influencer id
    -> designed mix) and ``labels`` (status id -> category, subcategory)."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    followers_of: dict[str, list[str]] = field(default_factory=dict)
    statuses_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    mixes: dict[str, Mix] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)

    def post_labels(self, account_id: str) -> list[tuple[str, str]]:
        return [self.labels[s["id"]] for s in self.statuses_of.get(account_id, [])]


def build_followers(corpus_accounts: list[dict[str, Any]], seed: int = 20261015) -> Followers:
    """Followers for every corpus account and their recent posts, the same on every call."""
    rng = random.Random(seed)
    graph = Followers()
    serial = count()

    def new_follower(interests: Interests, lang: str) -> str:
        account = follower_account(next(serial), interests, lang, rng)
        posts = follower_posts(interests, lang, rng, launch_talk=True)
        graph.accounts[account["id"]] = account
        graph.statuses_of[account["id"]] = statuses(account, lang, posts, rng, graph.labels)
        return account["id"]

    audiences = Audiences(rng, new_follower)
    corpus = sorted(corpus_accounts, key=lambda a: int(a["id"]))
    for account in (a for a in corpus if a["followers_count"] > INFLUENCER):
        mix = DESIGNED_MIXES.get(account["acct"])
        if mix is None:
            raise ValueError(f"influencer {account['acct']} has no designed follower mix; "
                             f"add one to DESIGNED_MIXES")
        graph.mixes[account["id"]] = mix
        graph.followers_of[account["id"]] = audiences.draw(mix, SAMPLED["influencer"],
                                                           home_lang(account))
    pool = sorted(graph.accounts)
    for account in (a for a in corpus if a["id"] not in graph.followers_of):
        graph.followers_of[account["id"]] = rng.sample(
            pool, min(SAMPLED["regular"], account["followers_count"]))
    return graph


def home_lang(account: dict[str, Any]) -> str:
    """The corpus names its accounts by language (``es_user44``)."""
    prefix = account["acct"].partition("_")[0]
    return prefix if prefix in LANGS else "en"


def follower_account(n: int, interests: Interests, lang: str,
                     rng: random.Random) -> dict[str, Any]:
    handle = f"{lang}_fan{n:03d}"
    return {
        "id": str(FIRST_ID + n), "username": handle, "acct": handle,
        "display_name": handle.replace("_", " ").title(),
        "followers_count": rng.randrange(5, 3000), "following_count": rng.randrange(50, 1500),
        "statuses_count": rng.randrange(20, 4000), "bot": False,
        "note": f"<p>{escape(bio(interests, lang))}</p>", "url": f"https://{HOST}/@{handle}",
        "created_at": "2022-05-01T00:00:00.000Z",
    }


def statuses(account: dict[str, Any], lang: str, posts: list[Labelled], rng: random.Random,
             labels: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """The posts as Mastodon statuses, newest first, each one's label put in ``labels``."""
    minutes = sorted((rng.randrange(0, DAYS * 24 * 60) for _ in posts), reverse=True)
    found = []
    for n, ((category, subcategory, text), minute) in enumerate(zip(posts, minutes,
                                                                    strict=True)):
        when = SINCE + timedelta(minutes=minute)
        status_id = snowflake(when, int(account["id"]) * 8 + n)
        labels[status_id] = (category, subcategory)
        found.append({
            "id": status_id, "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
            "spoiler_text": "", "visibility": "public", "language": lang,
            "uri": f"https://{HOST}/users/{account['acct']}/statuses/{status_id}",
            "url": f"https://{HOST}/@{account['acct']}/{status_id}",
            "replies_count": 0, "reblogs_count": rng.randrange(0, 5),
            "favourites_count": rng.randrange(0, 40),
            "content": f"<p>{linked(text)}</p>", "reblog": None,
            "account": account, "media_attachments": [], "mentions": [],
            "tags": [{"name": tag, "url": f"https://{HOST}/tags/{tag}"}
                     for tag in dict.fromkeys(map(str.casefold, hashtags(text)))],
        })
    return found


def linked(text: str) -> str:
    """The text as Mastodon renders it: escaped, each hashtag a link to its timeline."""
    parts, last = [], 0
    for match in HASHTAG.finditer(text):
        tag = match.group(1)
        parts += [escape(text[last:match.start()]),
                  f'<a href="https://{HOST}/tags/{tag.casefold()}" class="mention hashtag" '
                  f'rel="tag">#<span>{escape(tag)}</span></a>']
        last = match.end()
    return "".join([*parts, escape(text[last:])])
