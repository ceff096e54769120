"""Mastodon: hashtag timelines for the query's terms and the status search, on one or more
instances; or, in author mode, the profiles, follower samples and recent posts of given
accounts.

Ids are ``mastodon:<host>/<status id>`` (and ``mastodon:<host>/<account id>`` for authors)
because ids are per instance. Post crawls are incremental per instance: the newest id seen per
tag (and for the search) is kept, and the next crawl asks timelines only for newer posts
(``since_id``, following ``Link: rel="next"`` pages down to it) and stops paging the search at
the first known post. A back-fill (``since``/``until``) pages down from ``until`` with
``max_id`` to ``since`` instead, and leaves that state alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from pydantic import Field, field_validator
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.python.failure import Failure
from w3lib.html import remove_tags
from w3lib.url import add_or_replace_parameter

from crawlers.middlewares import parse_rate_limit
from crawlers.spiders.base import AuthorModeOptions, CampaignSpider
from sensing.query import positive_words
from sensing.text import plain_text

LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
PAGE = 40  # the API's maximum page of statuses
FOLLOWERS_PAGE = 80  # ... and of accounts


def hashtags_for(query: str) -> list[str]:
    """Hashtag candidates: each positive word or phrase with spaces and punctuation removed
    ("nova lumina" -> novalumina), as people tag a product."""
    tags = (re.sub(r"[^\w]", "", word).casefold() for word in positive_words(query))
    return list(dict.fromkeys(tag for tag in tags if len(tag) >= 2))


def snowflake_at(when: datetime) -> int:
    """The smallest Mastodon status id of that moment (ids are milliseconds << 16), so a
    timeline can be entered at a date with ``max_id``."""
    return int(when.timestamp() * 1000) << 16


def created(status: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))


def next_link(response: scrapy.http.Response) -> str | None:
    match = LINK_NEXT.search(response.headers.get("Link", b"").decode("latin-1"))
    return match.group(1) if match else None


class MastodonOptions(AuthorModeOptions):
    instances: list[str] = Field(default_factory=list, description="More instances to crawl "
                                 "(base URLs) besides the base URL; each keeps its own state; "
                                 "author-mode accounts are looked up on every instance.")
    rate_limit: str | None = Field(None, description="The instances' published limit as "
                                   "'<requests>/<seconds>' when it is not mastodon.social's "
                                   "'300/300'.")

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit(cls, value: str | None) -> str | None:
        if value is not None:
            parse_rate_limit(value)
        return value


class MastodonSpider(CampaignSpider):
    """Mastodon: hashtag timelines and status search, or authors with follower samples.

    Any number of instances per campaign; the optional access token goes only to the base
    URL's instance, since tokens are per instance."""

    name = "mastodon"
    Options = MastodonOptions
    options: MastodonOptions
    # mastodon.social allows 300 requests / 5 min per IP for anonymous API calls.
    custom_settings = {"DOWNLOAD_DELAY": 0.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
                       "SENSING_RATE_LIMIT": "300/300"}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> MastodonSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.options.rate_limit:
            crawler.settings.set("SENSING_RATE_LIMIT", spider.options.rate_limit, "spider")
        if spider.options.mode == "authors":
            crawler.signals.connect(spider.fetch_recent_posts, signals.spider_idle)
        return spider

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instances = list(dict.fromkeys(url.rstrip("/") for url in
                                            [self.base_url, *self.options.instances]))
        self.backfill = bool(self.options.since or self.options.until)
        self.newest: dict[tuple[str, str], int] = {}  # (host, "#tag" | "search") -> status id
        self.profiles: dict[str, dict[str, Any]] = {}  # author mode: profile id -> profile
        self.homes: dict[str, tuple[str, str]] = {}  # profile id -> (instance, account id)
        self.recent_requested = False
        token = self.sensing.mastodon_access_token
        # A token belongs to one instance: only the base URL's ever sees it.
        self.token_host = urlsplit(self.base_url).netloc if token else None
        self.token = token.get_secret_value() if token else None

    def request(self, url: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        headers = ({"Authorization": f"Bearer {self.token}"}
                   if urlsplit(url).netloc == self.token_host else {})
        return scrapy.Request(url, callback=callback, headers=headers, cb_kwargs=cb_kwargs,
                              errback=self.failed)

    def failed(self, failure: Failure) -> Iterator[Any]:
        """A request that failed for good (after retries, or a 4xx): logged, then the crawl
        goes on. An author-mode profile whose posts could not be had is emitted without."""
        request = failure.request
        self.logger.warning("%s failed: %s", request.url, failure.getErrorMessage())
        if request.callback == self.parse_recent:
            yield self.emit_author(self.profiles[request.cb_kwargs["profile_id"]])

    async def start(self) -> Any:
        for base in self.instances:
            requests = (self.author_requests(base) if self.options.mode == "authors"
                        else self.post_requests(base))
            for request in requests:
                yield request

    # Posts: hashtag timelines and the status search, per instance.

    def since_id(self, host: str, key: str) -> int:
        """The newest id a previous crawl saw for this timeline; 0 in a back-fill."""
        if self.backfill:
            return 0
        return int(self.state.get(host, {}).get("since_id", {}).get(key, 0))

    def post_requests(self, base: str) -> Iterator[scrapy.Request]:
        host = urlsplit(base).netloc
        for tag in hashtags_for(self.query):
            params: dict[str, Any] = {"limit": PAGE}
            if since := self.since_id(host, f"#{tag}"):
                params["since_id"] = since
            if self.options.until:
                params["max_id"] = snowflake_at(self.options.until)
            yield self.request(f"{base}/api/v1/timelines/tag/{quote(tag)}?{urlencode(params)}",
                               self.parse_timeline, host=host, tag=tag)
        yield self.search_request(base, 0)

    def search_request(self, base: str, offset: int) -> scrapy.Request:
        params = {"q": self.query, "type": "statuses", "limit": PAGE, "offset": offset}
        return self.request(f"{base}/api/v2/search?{urlencode(params)}", self.parse_search,
                            base=base, offset=offset)

    def parse_timeline(self, response: scrapy.http.Response, host: str,
                       tag: str) -> Iterator[Any]:
        statuses = self.parse_json(response)
        if not isinstance(statuses, list):
            return
        yield from self.posts(statuses, response, host, f"#{tag}")
        url = next_link(response)
        if statuses and url and not self.older_than_window(statuses[-1]):
            if since := self.since_id(host, f"#{tag}"):
                url += f"&since_id={since}"
            yield self.request(url, self.parse_timeline, host=host, tag=tag)

    def parse_search(self, response: scrapy.http.Response, base: str,
                     offset: int) -> Iterator[Any]:
        found = self.parse_json(response)
        statuses = found.get("statuses", []) if isinstance(found, dict) else []
        host = urlsplit(base).netloc
        known = self.since_id(host, "search")
        fresh = [s for s in statuses if int(s["id"]) > known]
        yield from self.posts(fresh, response, host, "search")
        # Results come newest first: a page reaching known (or too old) posts is the last.
        if len(statuses) == PAGE and len(fresh) == len(statuses) \
                and not self.older_than_window(statuses[-1]):
            yield self.search_request(base, offset + PAGE)

    def older_than_window(self, status: dict[str, Any]) -> bool:
        """Past the back-fill's ``since``: paging further down only finds older posts."""
        since = self.options.since
        try:
            return since is not None and created(status) < since
        except (KeyError, TypeError, ValueError):
            return False

    def posts(self, statuses: list[Any], response: scrapy.http.Response, host: str,
              timeline: str) -> Iterator[Any]:
        for status in statuses:
            try:
                post = self.to_post(status, host)
                when = created(status)
            except (KeyError, TypeError, ValueError) as exc:
                self.crawler.stats.inc_value("sensing/unparsable_statuses")
                self.logger.warning("status %r from %s not understood (%s): skipped",
                                    status.get("id") if isinstance(status, dict) else status,
                                    response.url, exc)
                continue
            if not self.backfill:
                key = (host, timeline)
                self.newest[key] = max(self.newest.get(key, 0), int(status["id"]))
            if self.in_window(when) and self.wanted(remove_tags(post["raw_text"])):
                yield self.emit(post)

    def to_post(self, status: dict[str, Any], host: str) -> dict[str, Any]:
        """A Mastodon Status as a Post; a boost carries the boosted post's content."""
        original = status.get("reblog") or status
        reply_to = original.get("in_reply_to_id")
        return {
            "id": f"mastodon:{host}/{status['id']}",
            "source": "mastodon",
            "url": status.get("url") or status.get("uri") or "",
            "created_at": status["created_at"],
            "author": self.author_ref(status["account"], host),
            "raw_text": original.get("content") or "",
            "lang_hint": original.get("language"),
            "hashtags": [t["name"] for t in original.get("tags", [])],
            "mentions": [f"@{m['acct']}" for m in original.get("mentions", [])],
            "media": [{"url": m["url"], "type": m.get("type", "image"),
                       "description": m.get("description")}
                      for m in original.get("media_attachments", [])],
            "metrics": {"likes": original.get("favourites_count", 0),
                        "replies": original.get("replies_count", 0),
                        "shares": original.get("reblogs_count", 0)},
            "in_reply_to": f"mastodon:{host}/{reply_to}" if reply_to else None,
            "thread_id": f"mastodon:{host}/{reply_to}" if reply_to else None,
            "is_repost": status.get("reblog") is not None,
            "repost_of": f"mastodon:{host}/{original['id']}" if status.get("reblog") else None,
        }

    @staticmethod
    def author_ref(account: dict[str, Any], host: str) -> dict[str, Any]:
        """An Account as the author of a post (and the start of an author profile)."""
        return {
            "id": f"mastodon:{host}/{account['id']}",
            "handle": f"@{account['acct']}",
            "name": account.get("display_name", ""),
            "followers": account.get("followers_count"),
            "following": account.get("following_count"),
            "bio": plain_text(account.get("note") or ""),
            "bot": bool(account.get("bot")),
        }

    # Authors: profile, follower sample, then every profile's recent posts.

    def author_requests(self, base: str) -> Iterator[scrapy.Request]:
        for ref in self.options.authors:
            ref = ref.strip().lstrip("@")
            url = (f"{base}/api/v1/accounts/{ref}" if ref.isdigit()
                   else f"{base}/api/v1/accounts/lookup?{urlencode({'acct': ref})}")
            yield self.request(url, self.parse_author, base=base)

    def profile(self, account: dict[str, Any], base: str) -> dict[str, Any]:
        """The profile of ``account``, made once however many times it is met."""
        host = urlsplit(base).netloc
        profile_id = f"mastodon:{host}/{account['id']}"
        if profile_id not in self.profiles:
            self.profiles[profile_id] = {
                **self.author_ref(account, host), "source": "mastodon",
                "url": account.get("url") or "",
                "follower_sample": [], "followers_of": [], "recent_posts": []}
            self.homes[profile_id] = (base, str(account["id"]))
        return self.profiles[profile_id]

    def parse_author(self, response: scrapy.http.Response, base: str) -> Iterator[Any]:
        account = self.parse_json(response)
        if not isinstance(account, dict) or "id" not in account:
            return
        author = self.profile(account, base)
        if self.follower_bound:
            yield self.followers_request(
                f"{base}/api/v1/accounts/{account['id']}/followers", base, author["id"])

    def followers_request(self, url: str, base: str, author_id: str) -> scrapy.Request:
        """The next page of an author's followers, no larger than the sample still needs."""
        asked = min(FOLLOWERS_PAGE,
                    self.follower_bound - len(self.profiles[author_id]["follower_sample"]))
        url = add_or_replace_parameter(url, "limit", str(asked))
        return self.request(url, self.parse_followers, base=base, author_id=author_id,
                            asked=asked)

    def parse_followers(self, response: scrapy.http.Response, base: str, author_id: str,
                        asked: int) -> Iterator[Any]:
        accounts = self.parse_json(response)
        if not isinstance(accounts, list):
            return
        author = self.profiles[author_id]
        for account in accounts[:self.follower_bound - len(author["follower_sample"])]:
            follower = self.profile(account, base)
            if follower["id"] not in author["follower_sample"]:
                author["follower_sample"].append(follower["id"])
                follower["followers_of"].append(author_id)
        wanted = self.follower_bound - len(author["follower_sample"])
        # a short page is the last one: no request for the empty page after it
        if wanted > 0 and len(accounts) >= asked and (url := next_link(response)):
            yield self.followers_request(url, base, author_id)

    def fetch_recent_posts(self) -> None:
        """When every profile and follower sample is in (the crawl is idle), fetch each
        profile's recent posts; a profile is emitted with them, its follow links complete."""
        if self.recent_requested:
            return
        self.recent_requested = True
        for profile_id, (base, account_id) in self.homes.items():
            limit = min(PAGE, self.options.recent_posts)
            self.crawler.engine.crawl(self.request(
                f"{base}/api/v1/accounts/{account_id}/statuses?limit={limit}"
                "&exclude_reblogs=true", self.parse_recent, profile_id=profile_id))
        if self.homes:
            raise DontCloseSpider

    def parse_recent(self, response: scrapy.http.Response, profile_id: str) -> Iterator[Any]:
        statuses = self.parse_json(response)
        profile = self.profiles[profile_id]
        recent = profile["recent_posts"]
        host = urlsplit(response.url).netloc
        for status in statuses if isinstance(statuses, list) else []:
            if len(recent) < self.options.recent_posts and isinstance(status, dict):
                recent.append({"id": f"mastodon:{host}/{status['id']}",
                               "created_at": status["created_at"],
                               "text": plain_text(status.get("content") or ""),
                               "hashtags": [t["name"] for t in status.get("tags", [])],
                               "lang": status.get("language")})
        url = next_link(response)
        if statuses and url and len(recent) < self.options.recent_posts:
            yield self.request(url, self.parse_recent, profile_id=profile_id)
        else:
            yield self.emit_author(profile)

    def closed(self, reason: str) -> None:
        if reason == "finished":
            for (host, timeline), newest in self.newest.items():
                since = self.state.setdefault(host, {}).setdefault("since_id", {})
                since[timeline] = max(int(since.get(timeline, 0)), newest)
        super().closed(reason)
