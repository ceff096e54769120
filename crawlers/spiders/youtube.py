"""YouTube (Data API v3): videos whose title or description matches the campaign query, and
every comment and reply on them.

Search is loose (any word of the query), so each found video's full title and description
(``videos.list``) go through the query before the video is kept; its comments are all kept,
since they react to the video whether they name the product or not.

Quota is the real limit: ``search.list`` costs 100 units, the other calls 1, and a project
gets ``youtube_daily_quota`` units a day, reset at midnight Pacific time. Every YouTube crawl
books its units in one ledger file under the state folder *before* a request is sent
(:class:`QuotaMiddleware`); a request the rest of the day's budget cannot cover is not sent
and the crawl stops with finish reason ``quota``.

Incremental, per campaign query: the newest ``publishedAt`` of the videos found (the next
search asks ``publishedAfter`` it) and, per kept video, the newest comment seen (the next crawl
stops paging comment threads, newest first, at a page that reaches it, and re-reads the
statistics of the most recent known videos). Replies posted later to an old thread that is
no longer on the first pages are missed by design: finding them costs a page per thread.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import scrapy
from pydantic import Field
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.utils.defer import deferred_from_coro

from crawlers.spiders.base import CampaignSpider, CrawlOptions
from sensing.query import positive_words

QUOTA_DAY = ZoneInfo("America/Los_Angeles")  # the quota resets at midnight Pacific time
COST = {"search": 100, "videos": 1, "commentThreads": 1, "comments": 1}
SEARCH_PAGE, IDS_PER_CALL, COMMENT_PAGE = 50, 50, 100  # the API's maxima
HASHTAG = re.compile(r"#(\w+)")
MENTION = re.compile(r"(?<![\w@])@([\w.-]+)")
URL = re.compile(r"https?://[^\s<>\"')]+")


def search_terms(query: str) -> str:
    """The query's positive words as a YouTube OR search (``a|"b c"``): YouTube's own operators
    differ from ours, so it is asked loosely and the campaign query decides locally."""
    return "|".join(f'"{word}"' if " " in word else word for word in positive_words(query))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def published(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class QuotaLedger:
    """Units spent on the current quota day, in a JSON file every YouTube crawl on this
    machine shares (an API key's quota is per project, not per campaign). Each booking locks
    the file and is written at once, so a crawl killed midway has still paid for what it
    sent. Without a file (no state folder) the ledger lives in memory."""

    def __init__(self, path: Path | None, daily: int):
        self.path = path
        self.daily = daily
        self.memory = {"day": "", "spent": 0}
        self.spent_here = 0

    @staticmethod
    def today() -> str:
        return datetime.now(QUOTA_DAY).date().isoformat()

    @contextmanager
    def _booked(self) -> Iterator[dict[str, Any]]:
        """The day's record, locked, written back on exit; a new day starts at zero."""
        if self.path is None:
            record = self.memory
            if record["day"] != self.today():
                record.update(day=self.today(), spent=0)
            yield record
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            record = json.loads(self.path.read_text()) if self.path.exists() else {}
            if record.get("day") != self.today():
                record = {"day": self.today(), "spent": 0}
            yield record
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(record))
            os.replace(tmp, self.path)

    def spend(self, units: int) -> bool:
        """Book ``units`` if today's budget still covers them."""
        with self._booked() as record:
            if record["spent"] + units > self.daily:
                return False
            record["spent"] += units
        self.spent_here += units
        return True

    def exhaust(self) -> None:
        """YouTube says the quota is spent (another client shares the key): believe it."""
        with self._booked() as record:
            record["spent"] = max(record["spent"], self.daily)

    def spent_today(self) -> int:
        with self._booked() as record:
            return record["spent"]


class QuotaMiddleware:
    """Books each API request's cost (``meta["youtube_quota"]``) just before it is sent,
    retries included, as YouTube charges them; a request the day's budget cannot cover is
    dropped and the crawl closes with reason ``quota``."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: scrapy.Request) -> None:
        cost = request.meta.get("youtube_quota")
        spider = self.crawler.spider
        if cost is None or not isinstance(spider, YoutubeSpider):
            return
        if spider.quota.spend(cost):
            self.crawler.stats.inc_value("youtube/quota_units", cost)
            return
        spider.out_of_quota(request.url, cost)
        raise IgnoreRequest(f"quota: {request.url} needs {cost} units")


class YoutubeOptions(CrawlOptions):
    search_pages: int = Field(4, ge=1, description="Most search pages per crawl (50 videos "
                              "and 100 quota units each).")
    comment_pages: int = Field(10, ge=0, description="Most comment-thread pages per video and "
                               "crawl (100 threads and 1 unit each); 0 collects videos only.")
    recheck_videos: int = Field(50, ge=0, le=IDS_PER_CALL, description="How many of the most "
                                "recent videos collected before are re-read each crawl for new "
                                "statistics and new comments (1 unit plus their comment "
                                "pages).")


class YoutubeSpider(CampaignSpider):
    """YouTube: videos matching the query (Data API v3 search) and all their comments."""

    name = "youtube"
    Options = YoutubeOptions
    credentials = ("youtube_api_key",)
    credentials_help = ("an API key of a Google Cloud project with the YouTube Data API v3 "
                        "enabled (console.cloud.google.com > APIs & Services > Credentials)")
    # Requests are cheap to send and dear to pay for: the daily quota is the real limit. The
    # quota is booked last before the downloader, once the rate limit has let a request go.
    custom_settings = {
        "SENSING_RATE_LIMIT": "100/1",
        "DOWNLOADER_MIDDLEWARES": {"crawlers.spiders.youtube.QuotaMiddleware": 960},
    }
    # Google's errors (bad key, quota, comments disabled) reach the callbacks to be read.
    handle_httpstatus_list = [400, 403, 404]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        state_dir = kwargs.get("state_dir")
        self.quota = QuotaLedger(Path(state_dir) / self.name / "quota.json" if state_dir
                                 else None, self.sensing.youtube_daily_quota)
        self.key = self.credential("youtube_api_key")
        self.known: dict[str, dict[str, Any]] = self.state.setdefault("videos", {})
        self.newest_video: str | None = None
        self.newest_comment: dict[str, str] = {}  # video id -> newest comment emitted
        self.handled: set[str] = set()  # videos whose comments this crawl already asked for
        self.stopping = False

    # --- requests ----------------------------------------------------------------------------

    def api_request(self, method: str, params: dict[str, Any], callback: Any,
                    **cb_kwargs: Any) -> scrapy.Request:
        """The key goes in Google's ``X-Goog-Api-Key`` header rather than ``key=``, so it never
        appears in logged URLs."""
        return scrapy.Request(f"{self.base_url}/{method}?{urlencode(params)}",
                              headers={"X-Goog-Api-Key": self.key}, callback=callback,
                              cb_kwargs=cb_kwargs, meta={"youtube_quota": COST[method]})

    def window(self) -> dict[str, str]:
        """publishedAfter/Before: the back-fill range when one is set, else the state's."""
        since, until = self.options.since, self.options.until
        if not (since or until):
            after = self.state.get("published_after")
            return {"publishedAfter": after} if after else {}
        bounds = {"publishedAfter": since, "publishedBefore": until}
        return {name: rfc3339(moment) for name, moment in bounds.items() if moment}

    def search_request(self, page: int = 1, token: str | None = None) -> scrapy.Request:
        params = {"part": "snippet", "q": search_terms(self.query), "type": "video",
                  "order": "date", "maxResults": SEARCH_PAGE, **self.window()}
        if token:
            params["pageToken"] = token
        return self.api_request("search", params, self.parse_search, page=page)

    def videos_request(self, ids: list[str], known: bool) -> scrapy.Request:
        return self.api_request("videos", {"part": "snippet,statistics", "id": ",".join(ids)},
                                self.parse_videos, known=known)

    def threads_request(self, video_id: str, page: int = 1,
                        token: str | None = None) -> scrapy.Request:
        params = {"part": "snippet,replies", "videoId": video_id, "order": "time",
                  "maxResults": COMMENT_PAGE, "textFormat": "plainText"}
        if token:
            params["pageToken"] = token
        return self.api_request("commentThreads", params, self.parse_threads,
                                video_id=video_id, page=page)

    def replies_request(self, parent_id: str, video_id: str,
                        token: str | None = None) -> scrapy.Request:
        params = {"part": "snippet", "parentId": parent_id, "maxResults": COMMENT_PAGE,
                  "textFormat": "plainText"}
        if token:
            params["pageToken"] = token
        return self.api_request("comments", params, self.parse_replies, parent_id=parent_id,
                                video_id=video_id)

    async def start(self) -> Any:
        recent = sorted(self.known, key=lambda v: self.known[v]["published"], reverse=True)
        backfill = self.options.since or self.options.until
        if recent and self.options.recheck_videos and not backfill:
            yield self.videos_request(recent[:self.options.recheck_videos], known=True)
        yield self.search_request()

    # --- responses ---------------------------------------------------------------------------

    def api_json(self, response: scrapy.http.Response) -> dict[str, Any] | None:
        """The answer as a dict, or None for an error or broken body (logged with the URL).
        A rejected key or a spent quota ends the crawl: no later request can succeed."""
        data = self.parse_json(response)
        if response.status < 400:
            if data is not None and not isinstance(data, dict):
                self.crawler.stats.inc_value("sensing/bad_responses")
                self.logger.warning("unexpected JSON from %s: skipped", response.url)
                return None
            return data
        error = data.get("error", {}) if isinstance(data, dict) else {}
        reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
        message = error.get("message", "") if isinstance(error, dict) else ""
        if reasons & {"keyInvalid", "forbidden"} or "API key" in message:
            self.logger.error("YouTube rejected the API key (%s): %s Check "
                              "SENSING_YOUTUBE_API_KEY: %s", response.status, message,
                              self.credentials_help)
            raise CloseSpider("bad_api_key")
        if "quotaExceeded" in reasons:
            self.quota.exhaust()
            self.logger.error("YouTube says the daily quota is spent (%s): stopping until "
                              "midnight Pacific time", response.url)
            raise CloseSpider("quota")
        if "commentsDisabled" in reasons:
            self.crawler.stats.inc_value("youtube/comments_disabled")
            self.logger.info("comments are disabled on %s: skipped", response.url)
            return None
        self.crawler.stats.inc_value("sensing/bad_responses")
        self.logger.warning("%s answered %s %s: skipped", response.url, response.status,
                            ", ".join(sorted(filter(None, reasons))) or message)
        return None

    def parse_search(self, response: scrapy.http.Response, page: int) -> Iterator[Any]:
        found = self.api_json(response)
        if found is None:
            return
        ids = [item["id"]["videoId"] for item in found.get("items", [])
               if isinstance(item.get("id"), dict) and item["id"].get("videoId")]
        fresh = [video_id for video_id in ids if video_id not in self.handled]
        if fresh:
            yield self.videos_request(fresh, known=False)
        if found.get("nextPageToken") and page < self.options.search_pages:
            yield self.search_request(page + 1, found["nextPageToken"])

    def parse_videos(self, response: scrapy.http.Response, known: bool) -> Iterator[Any]:
        found = self.api_json(response)
        for video in (found or {}).get("items", []):
            post = self.parsed(self.video_post, video, response)
            if post is None or video["id"] in self.handled:
                continue
            created = published(post["created_at"])
            if not known:
                if not self.in_window(created):
                    continue
                self.newest_video = max(filter(None, (self.newest_video, post["created_at"])))
                if not self.wanted(post["raw_text"]):
                    continue
            self.handled.add(video["id"])
            self.known.setdefault(video["id"], {"published": post["created_at"]})
            yield self.emit(post)
            if self.options.comment_pages:
                yield self.threads_request(video["id"])

    def parse_threads(self, response: scrapy.http.Response, video_id: str,
                      page: int) -> Iterator[Any]:
        found = self.api_json(response)
        if found is None:
            return
        seen_before = self.known.get(video_id, {}).get("newest_comment") or ""
        reached_known = False
        for thread in found.get("items", []):
            snippet = thread.get("snippet", {})
            top = snippet.get("topLevelComment", {})
            reached_known |= top.get("snippet", {}).get("publishedAt", "") <= seen_before
            yield from self.comments([top], video_id, response)
            embedded = thread.get("replies", {}).get("comments", [])
            if snippet.get("totalReplyCount", 0) > len(embedded):
                yield self.replies_request(top["id"], video_id)
            else:
                yield from self.comments(embedded, video_id, response)
        token = found.get("nextPageToken")
        if token and not reached_known and page < self.options.comment_pages:
            yield self.threads_request(video_id, page + 1, token)

    def parse_replies(self, response: scrapy.http.Response, parent_id: str,
                      video_id: str) -> Iterator[Any]:
        found = self.api_json(response)
        if found is None:
            return
        yield from self.comments(found.get("items", []), video_id, response)
        if token := found.get("nextPageToken"):
            yield self.replies_request(parent_id, video_id, token)

    def comments(self, resources: list[dict[str, Any]], video_id: str,
                 response: scrapy.http.Response) -> Iterator[Any]:
        """Comments newer than the newest one a previous crawl saw on this video."""
        seen_before = self.known.get(video_id, {}).get("newest_comment") or ""
        for resource in resources:
            post = self.parsed(self.comment_post, resource, response)
            if post is None or post["created_at"] <= seen_before \
                    or not self.in_window(published(post["created_at"])):
                continue
            self.newest_comment[video_id] = max(post["created_at"],
                                                self.newest_comment.get(video_id, ""))
            yield self.emit(post)

    def parsed(self, convert: Any, resource: Any,
               response: scrapy.http.Response) -> dict[str, Any] | None:
        """``convert(resource)``, or None (logged, counted) for a resource not understood."""
        try:
            return convert(resource)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.crawler.stats.inc_value("sensing/unparsable_items")
            self.logger.warning("resource %r from %s not understood (%s): skipped",
                                resource.get("id") if isinstance(resource, dict) else resource,
                                response.url, exc)
            return None

    # --- posts -------------------------------------------------------------------------------

    @staticmethod
    def entities(text: str) -> dict[str, list[str]]:
        return {"hashtags": list(dict.fromkeys(t.casefold() for t in HASHTAG.findall(text))),
                "mentions": list(dict.fromkeys(f"@{m}" for m in MENTION.findall(text))),
                "urls": list(dict.fromkeys(URL.findall(text)))}

    def video_post(self, video: dict[str, Any]) -> dict[str, Any]:
        snippet, statistics = video["snippet"], video.get("statistics", {})
        text = f"{snippet['title']}\n\n{snippet.get('description', '')}"
        thumbnail = max(snippet.get("thumbnails", {}).values(),
                        key=lambda t: t.get("width", 0), default=None)
        post_id = f"youtube:{video['id']}"
        published(snippet["publishedAt"])  # an unreadable time is a resource not understood
        return {
            "id": post_id, "source": "youtube",
            "url": f"https://www.youtube.com/watch?v={video['id']}",
            "created_at": snippet["publishedAt"],
            "author": {"id": f"youtube:{snippet['channelId']}",
                       "handle": snippet.get("channelTitle", ""),
                       "name": snippet.get("channelTitle", "")},
            "raw_text": text, "title": snippet["title"],
            "lang_hint": snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage"),
            **self.entities(text),
            "media": [{"url": thumbnail["url"], "type": "image"}] if thumbnail else [],
            "metrics": {"likes": int(statistics.get("likeCount", 0)),
                        "replies": int(statistics.get("commentCount", 0)),
                        "shares": 0, "views": int(statistics.get("viewCount", 0))},
            "in_reply_to": None, "thread_id": post_id, "is_repost": False,
        }

    def comment_post(self, comment: dict[str, Any]) -> dict[str, Any]:
        snippet = comment["snippet"]
        text = snippet.get("textOriginal") or snippet.get("textDisplay", "")
        video_post_id = f"youtube:{snippet['videoId']}"
        parent = snippet.get("parentId")
        published(snippet["publishedAt"])
        return {
            "id": f"youtube:{comment['id']}", "source": "youtube",
            "url": f"https://www.youtube.com/watch?v={snippet['videoId']}&lc={comment['id']}",
            "created_at": snippet["publishedAt"],
            "author": {"id": f"youtube:{snippet['authorChannelId']['value']}",
                       "handle": snippet.get("authorDisplayName", ""),
                       "name": snippet.get("authorDisplayName", "")},
            "raw_text": text, **self.entities(text), "media": [],
            "metrics": {"likes": int(snippet.get("likeCount", 0)), "replies": 0, "shares": 0},
            "in_reply_to": f"youtube:{parent}" if parent else video_post_id,
            "thread_id": video_post_id, "is_repost": False,
        }

    # --- quota and state ---------------------------------------------------------------------

    def out_of_quota(self, url: str, cost: int) -> None:
        """The day's budget cannot pay for ``url``: close the crawl (once) with ``quota``."""
        if self.stopping:
            return
        self.stopping = True
        left = self.quota.daily - self.quota.spent_today()
        self.logger.warning("YouTube quota: %s needs %d units but %d of today's %d are left: "
                            "stopping", url, cost, left, self.quota.daily)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="quota"))

    def closed(self, reason: str) -> None:
        self.logger.info("YouTube quota: this crawl spent %d units; %d of %d spent today "
                         "(resets at midnight Pacific time)", self.quota.spent_here,
                         self.quota.spent_today(), self.quota.daily)
        if reason == "finished":
            if self.newest_video:
                self.state["published_after"] = max(
                    filter(None, (self.state.get("published_after"), self.newest_video)))
            for video_id, newest in self.newest_comment.items():
                record = self.known[video_id]
                record["newest_comment"] = max(newest, record.get("newest_comment") or "")
        super().closed(reason)
