"""Sample followers for the Mastodon corpus's accounts, built in code and deterministic
(seeded): who follows whom, and what those followers post about. Each influencer (more than
10,000 followers) has an audience of its own with a *designed interest mix*
(:data:`DESIGNED_MIXES`: the tech reviewer whose followers are mostly technology, sports and
news; the one whose audience leans to beauty, travel, entertainment and food), and every other
account a handful of followers from a shared pool. A follower posts about one interest
category (:mod:`samples.interest_posts`) in Korean, English, Japanese or Spanish, so a test can
hold the computed audience shares against the mix that was designed.

Followers are ordered so that any first N of an audience (a crawl samples the most recent
follows first) carries the mix as closely as N allows: each next follower is of the category
furthest below its share so far.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from samples.interest_posts import OPENERS, POSTS

HOST = "sample.social"
INFLUENCER = 10_000  # more followers than this: an influencer, with a large follower sample
SAMPLED = {"influencer": 120, "regular": 4}  # followers served per account, by kind
POOL = 100  # followers shared by the accounts that are not influencers
SHARED = 0.25  # chance that an influencer's follower also follows an earlier influencer
FIRST_ID = 20_000
LANGS = ("ko", "en", "ja", "es")
SINCE = datetime(2026, 8, 1, tzinfo=UTC)

DESIGNED_MIXES: dict[str, dict[str, float]] = {
    "es_user44": {"technology": 0.45, "sports": 0.25, "news_politics": 0.2,
                  "entertainment": 0.1},
    "ko_user22": {"fashion_beauty": 0.4, "travel": 0.25, "entertainment": 0.2,
                  "food_drink": 0.15},
    "ja_user33": {"technology": 0.4, "entertainment": 0.3, "nightlife": 0.3},
    "en_user00": {"technology": 0.35, "health_fitness": 0.35, "travel": 0.3},
    "en_user11": {"technology": 0.4, "parenting": 0.3, "food_drink": 0.3},
}
"""Influencer (acct) -> interest category -> share of its followers posting about it."""
OWN_FIELDS = ("interest", "lang")
"""The builder's fields of a follower account, never served."""


def snowflake(when: datetime, sequence: int) -> str:
    """A Mastodon-style id: milliseconds since the epoch shifted left 16 bits, so ids sort by
    time as the corpus's do."""
    return str((int(when.timestamp() * 1000) << 16) + sequence % 65536)


@dataclass
class Followers:
    """The sample's follow graph: ``accounts`` by id, ``followers_of`` (account id -> follower
    ids, most recent follow first), ``statuses_of`` (account id -> statuses, newest first)."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    followers_of: dict[str, list[str]] = field(default_factory=dict)
    statuses_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def truth(self, follower_id: str) -> dict[str, float]:
        """What the follower posts about: category -> share of their posts."""
        return {self.accounts[follower_id]["interest"]: 1.0}

    def audience_truth(self, follower_ids: list[str]) -> dict[str, float]:
        """The mean of the followers' truths: what an audience table of them should say."""
        mix: dict[str, float] = {}
        for follower in follower_ids:
            for category, share in self.truth(follower).items():
                mix[category] = mix.get(category, 0.0) + share / len(follower_ids)
        return mix


def quota_order(mix: dict[str, float], count: int) -> list[str]:
    """``count`` categories in an order whose every prefix is as close to ``mix`` as its
    length allows: each next one is the category furthest below its share."""
    assigned = dict.fromkeys(mix, 0)
    order = []
    for n in range(1, count + 1):
        category = max(sorted(mix), key=lambda c: mix[c] * n - assigned[c])
        assigned[category] += 1
        order.append(category)
    return order


def build_followers(corpus_accounts: list[dict[str, Any]], seed: int = 20261015) -> Followers:
    """Followers for every corpus account and their recent posts, the same on every call."""
    rng = random.Random(seed)
    graph = Followers()
    serial = iter(range(10_000))

    def new_follower(category: str) -> str:
        account = follower_account(next(serial), category, rng)
        graph.accounts[account["id"]] = account
        graph.statuses_of[account["id"]] = interest_statuses(account, rng)
        return account["id"]

    pool = [new_follower(rng.choice(sorted(POSTS))) for _ in range(POOL)]
    fans: dict[str, list[str]] = {}  # category -> followers of earlier influencers
    for account in sorted(corpus_accounts, key=lambda a: int(a["id"])):
        if account["followers_count"] > INFLUENCER:
            audience: list[str] = []
            for category in quota_order(DESIGNED_MIXES[account["acct"]], SAMPLED["influencer"]):
                # audiences overlap, as real ones do: a quarter already follow someone else
                known = [f for f in fans.get(category, []) if f not in audience]
                follower = (rng.choice(known) if known and rng.random() < SHARED
                            else new_follower(category))
                fans.setdefault(category, []).append(follower)
                audience.append(follower)
            graph.followers_of[account["id"]] = audience
        else:
            count = min(SAMPLED["regular"], account["followers_count"])
            graph.followers_of[account["id"]] = rng.sample(pool, count)
    return graph


def follower_account(n: int, category: str, rng: random.Random) -> dict[str, Any]:
    lang = LANGS[n % len(LANGS)]
    handle = f"{lang}_fan{n:03d}"
    bio = POSTS[category][lang][2]
    return {
        "id": str(FIRST_ID + n), "username": handle, "acct": handle,
        "display_name": handle.replace("_", " ").title(),
        "followers_count": rng.randrange(5, 3000), "following_count": rng.randrange(50, 1500),
        "statuses_count": rng.randrange(20, 4000), "bot": False,
        "note": f"<p>{escape(bio)}</p>", "url": f"https://{HOST}/@{handle}",
        "created_at": "2022-05-01T00:00:00.000Z", "interest": category, "lang": lang,
    }


def interest_statuses(account: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Four to seven posts about the account's interest in its language, newest first."""
    lang = account["lang"]
    texts, tags, _ = POSTS[account["interest"]][lang]
    statuses = []
    for n in range(rng.randrange(4, 8)):
        when = SINCE + timedelta(minutes=rng.randrange(0, 100 * 24 * 60))
        text = rng.choice(OPENERS[lang]) + rng.choice(texts)
        links = " ".join(f'<a href="https://{HOST}/tags/{t}" class="mention hashtag" '
                         f'rel="tag">#<span>{escape(t)}</span></a>' for t in tags)
        status_id = snowflake(when, int(account["id"]) * 8 + n)
        statuses.append({
            "id": status_id, "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
            "spoiler_text": "", "visibility": "public", "language": lang,
            "uri": f"https://{HOST}/users/{account['acct']}/statuses/{status_id}",
            "url": f"https://{HOST}/@{account['acct']}/{status_id}",
            "replies_count": 0, "reblogs_count": rng.randrange(0, 5),
            "favourites_count": rng.randrange(0, 40),
            "content": f"<p>{escape(text)} {links}</p>", "reblog": None,
            "account": public(account), "media_attachments": [], "mentions": [],
            "tags": [{"name": t.casefold(), "url": f"https://{HOST}/tags/{t.casefold()}"}
                     for t in tags],
        })
    return sorted(statuses, key=lambda s: int(s["id"]), reverse=True)


def public(account: dict[str, Any]) -> dict[str, Any]:
    """The account as the API shows it (the builder's own fields removed)."""
    return {k: v for k, v in account.items() if k not in OWN_FIELDS}
