"""Mastodon: hashtag timelines for the query's terms and the instance's status search.

Ids are ``mastodon:<host>/<status id>`` because status ids are per instance. Both are
incremental: the newest id seen per tag (and for the search) is kept, and the next crawl asks
timelines only for newer posts (``since_id``, following ``Link: rel="next"`` pages down to
it) and stops paging the search at the first known post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from w3lib.html import remove_tags

from crawlers.spiders.base import CampaignSpider
from sensing.query import positive_words

LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
PAGE = 40  # the API's maximum page size


def hashtags_for(query: str) -> list[str]:
    """Hashtag candidates: each positive word or phrase with spaces and punctuation removed
    ("nova lumina" -> novalumina), as people tag a product."""
    tags = (re.sub(r"[^\w]", "", word).casefold() for word in positive_words(query))
    return list(dict.fromkeys(tag for tag in tags if len(tag) >= 2))


class MastodonSpider(CampaignSpider):
    """Mastodon: hashtag timelines and status search of an instance (no credentials)."""

    name = "mastodon"
    # mastodon.social allows 300 requests / 5 min per IP for anonymous API calls.
    custom_settings = {"DOWNLOAD_DELAY": 0.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.host = urlsplit(self.base_url).netloc
        self.newest: dict[str, int] = {}

    async def start(self) -> Any:
        for tag in hashtags_for(self.query):
            params = {"limit": PAGE}
            if since := self.state.get("since_id", {}).get(tag):
                params["since_id"] = since
            yield scrapy.Request(f"{self.base_url}/api/v1/timelines/tag/{tag}?"
                                 f"{urlencode(params)}", callback=self.parse_timeline,
                                 cb_kwargs={"tag": tag})
        yield self.search_request(0)

    def search_request(self, offset: int) -> scrapy.Request:
        params = {"q": self.query, "type": "statuses", "limit": PAGE, "offset": offset}
        return scrapy.Request(f"{self.base_url}/api/v2/search?{urlencode(params)}",
                              callback=self.parse_search, cb_kwargs={"offset": offset})

    def parse_timeline(self, response: scrapy.http.Response, tag: str) -> Iterator[Any]:
        statuses = self.parse_json(response)
        if not isinstance(statuses, list):
            return
        for status in statuses:
            self.newest[tag] = max(self.newest.get(tag, 0), int(status["id"]))
            yield from self.posts(status, response)
        match = LINK_NEXT.search(response.headers.get("Link", b"").decode("latin-1"))
        if statuses and match:
            url = match.group(1)
            if since := self.state.get("since_id", {}).get(tag):
                url += f"&since_id={since}"
            yield response.follow(url, callback=self.parse_timeline, cb_kwargs={"tag": tag})

    def parse_search(self, response: scrapy.http.Response, offset: int) -> Iterator[Any]:
        found = self.parse_json(response)
        statuses = found.get("statuses", []) if isinstance(found, dict) else []
        since = int(self.state.get("search_since_id", 0))
        fresh = [s for s in statuses if int(s["id"]) > since]
        for status in fresh:
            self.newest["search"] = max(self.newest.get("search", 0), int(status["id"]))
            yield from self.posts(status, response)
        # Results come newest first: a page reaching known posts is the last one needed.
        if len(statuses) == PAGE and len(fresh) == len(statuses):
            yield self.search_request(offset + PAGE)

    def posts(self, status: dict[str, Any], response: scrapy.http.Response) -> Iterator[Any]:
        try:
            post = self.to_post(status)
        except (KeyError, TypeError, ValueError) as exc:
            self.crawler.stats.inc_value("sensing/unparsable_statuses")
            self.logger.warning("status %r from %s not understood (%s): skipped",
                                status.get("id") if isinstance(status, dict) else status,
                                response.url, exc)
            return
        if self.wanted(remove_tags(post["raw_text"])):
            yield self.emit(post)

    def to_post(self, status: dict[str, Any]) -> dict[str, Any]:
        """A Mastodon Status as a Post; a boost carries the boosted post's content."""
        original = status.get("reblog") or status
        account = status["account"]
        reply_to = original.get("in_reply_to_id")
        return {
            "id": f"mastodon:{self.host}/{status['id']}",
            "source": "mastodon",
            "url": status.get("url") or status.get("uri") or "",
            "created_at": status["created_at"],
            "author": {
                "id": f"mastodon:{self.host}/{account['id']}",
                "handle": f"@{account['acct']}",
                "name": account.get("display_name", ""),
                "followers": account.get("followers_count"),
                "following": account.get("following_count"),
                "bio": remove_tags(account.get("note") or ""),
                "bot": bool(account.get("bot")),
            },
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
            "in_reply_to": f"mastodon:{self.host}/{reply_to}" if reply_to else None,
            "thread_id": f"mastodon:{self.host}/{reply_to}" if reply_to else None,
            "is_repost": status.get("reblog") is not None,
            "repost_of": f"mastodon:{self.host}/{original['id']}" if status.get("reblog")
            else None,
        }

    def closed(self, reason: str) -> None:
        if reason == "finished":
            since = self.state.setdefault("since_id", {})
            for tag, newest in self.newest.items():
                if tag == "search":
                    self.state["search_since_id"] = max(
                        int(self.state.get("search_since_id", 0)), newest)
                else:
                    since[tag] = max(int(since.get(tag, 0)), newest)
        super().closed(reason)
