"""Reddit through its OAuth Data API: submissions found by search (site-wide or in chosen
subreddits) and every comment under the submissions the campaign query keeps.

Auth is application-only OAuth: the client id and secret buy a bearer token at
``Settings.reddit_auth_url``; API calls go to ``Settings.reddit_base_url``. When the crawl is
given a base URL (``--base-url``, e.g. the sample server), the token endpoint is on that same
base: ``<base>/api/v1/access_token``. A token that stops working (401) is renewed once and
the refused request retried; client credentials the token endpoint refuses end the crawl
(finish reason ``reddit_credentials_refused``).

Incremental per search (site-wide, or each subreddit): the newest ``created_utc`` seen is kept,
and the next crawl pages ``sort=new`` only down to it, so it fetches new submissions and their
comments. New comments on submissions collected earlier are not revisited.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from pydantic import Field, field_validator
from scrapy.exceptions import CloseSpider
from twisted.python.failure import Failure

from crawlers.spiders.base import CampaignSpider, CrawlOptions
from sensing.query import positive_words

WWW = "https://www.reddit.com"
PAGE = 100  # the API's largest search page
MORE_BATCH = 100  # ids per /api/morechildren call, the API's maximum
COMMENT_LIMIT = 500  # comments asked for per tree; the API folds the rest into "more" stubs
SITE_WIDE = "all"
DELETED = "[deleted]"
GONE_BODIES = {"[deleted]", "[removed]"}
SUBREDDIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}")
USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")


def reddit_query(query: str) -> str:
    """The campaign query as Reddit search understands it: its words and phrases ORed.
    Reddit has no NEAR or bigram matching, so the search is kept loose and the campaign
    query decides locally."""
    terms = (f'"{term}"' if " " in term else term for term in positive_words(query))
    return " OR ".join(dict.fromkeys(terms))


def timestamp(created_utc: float) -> datetime:
    return datetime.fromtimestamp(float(created_utc), UTC)


def outbound(link: dict[str, Any]) -> list[str]:
    """The page a link post points to (not the picture of an image post, nor itself)."""
    url = link.get("url")
    return [url] if url and not link.get("is_self") and link.get("post_hint") != "image" else []


def children(listing: Any) -> list[dict[str, Any]]:
    """A Listing's things, or none for anything else (``replies`` is "" when empty)."""
    data = listing.get("data") if isinstance(listing, dict) else None
    found = data.get("children") if isinstance(data, dict) else None
    return found if isinstance(found, list) else []


def needs_token(parse: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """An API callback whose 401 answers renew the token instead of reaching ``parse``."""

    @functools.wraps(parse)
    def checked(self: RedditSpider, response: scrapy.http.Response,
                **kwargs: Any) -> Iterator[Any]:
        if response.status == 401:
            return self.reauthorize(response)
        return parse(self, response, **kwargs)

    return checked


class RedditOptions(CrawlOptions):
    subreddits: list[str] = Field(default_factory=list, description="Search only these "
                                  "subreddits (names, with or without r/), each with its own "
                                  "incremental state; empty searches all of Reddit.")

    @field_validator("subreddits")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        names = [re.sub(r"^/?r/", "", name.strip()).strip("/") for name in value]
        if bad := [name for name in names if not SUBREDDIT.fullmatch(name)]:
            raise ValueError(f"not subreddit names: {', '.join(bad)}")
        return names


class RedditSpider(CampaignSpider):
    """Reddit: searched submissions and all their comments (OAuth app id and secret).

    Options: ``subreddits`` (search only these), plus ``since``/``until`` back-fills."""

    name = "reddit"
    Options = RedditOptions
    credentials = ("reddit_client_id", "reddit_client_secret")
    credentials_help = ("create a 'script' or 'web app' application at "
                        "https://www.reddit.com/prefs/apps; its id is under the name, the "
                        "secret beside 'secret'")
    custom_settings = {
        # Reddit's Data API allows 100 queries a minute per OAuth client.
        "SENSING_RATE_LIMIT": "100/60",
        # An authenticated API under Reddit's Data API terms, not pages of a site: the
        # website's robots.txt (which disallows crawling it) does not govern these calls.
        "ROBOTSTXT_OBEY": False,
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        default_base = self.sensing.reddit_base_url.rstrip("/")
        self.token_url = (self.sensing.reddit_auth_url if self.base_url == default_base
                          else f"{self.base_url}/api/v1/access_token")
        self.token: str | None = None
        self.renewing = False
        self.waiting: list[scrapy.Request] = []  # refused with a stale token, to resend
        self.newest: dict[str, dict[str, Any]] = {}

    @property
    def parts(self) -> list[str]:
        """The searches this crawl runs, each with its own state."""
        return [f"r/{sub}" for sub in self.options.subreddits] or [SITE_WIDE]

    async def start(self) -> Any:
        yield self.token_request()

    # --- auth ------------------------------------------------------------------------------

    def token_request(self) -> scrapy.FormRequest:
        pair = f"{self.credential('reddit_client_id')}:{self.credential('reddit_client_secret')}"
        return scrapy.FormRequest(
            self.token_url, formdata={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()},
            callback=self.parse_token, errback=self.token_failed, dont_filter=True,
            meta={"handle_httpstatus_list": [401]})

    def token_failed(self, failure: Failure) -> None:
        """The token endpoint unreachable or failing past the retries: nothing can follow."""
        self.logger.error("no access token from %s (%s): the crawl cannot go on",
                          failure.request.url, failure.value)
        raise CloseSpider("reddit_no_token")

    def parse_token(self, response: scrapy.http.Response) -> Iterator[Any]:
        if response.status == 401:
            self.logger.error("%s refused the client credentials (401): check "
                              "SENSING_REDDIT_CLIENT_ID and SENSING_REDDIT_CLIENT_SECRET",
                              response.url)
            raise CloseSpider("reddit_credentials_refused")
        grant = self.parse_json(response)
        token = grant.get("access_token") if isinstance(grant, dict) else None
        if not token:
            self.logger.error("no access token from %s (%s): the crawl cannot go on",
                              response.url, grant.get("error") if isinstance(grant, dict)
                              else "unreadable answer")
            raise CloseSpider("reddit_no_token")
        first = self.token is None
        self.token, self.renewing = token, False
        if first:
            for part in self.parts:
                yield self.search_request(part)
        waiting, self.waiting = self.waiting, []
        for request in waiting:
            yield self.with_token(request)

    def reauthorize(self, response: scrapy.http.Response) -> Iterator[Any]:
        """A refused request is sent again once with a new token (one renewal serves every
        request refused meanwhile); refused again, it is skipped."""
        request = response.request
        if request.meta.get("token_renewed"):
            self.crawler.stats.inc_value("sensing/bad_responses")
            self.logger.warning("%s refused a renewed token too (401): skipped", request.url)
            return
        retry = request.replace(dont_filter=True,
                                meta={**request.meta, "token_renewed": True})
        if request.meta.get("token") != self.token:
            yield self.with_token(retry)  # renewed since this request left
            return
        self.waiting.append(retry)
        if not self.renewing:
            self.renewing = True
            self.crawler.stats.inc_value("sensing/token_renewals")
            self.logger.info("%s refused the token (401): fetching a new one", request.url)
            yield self.token_request()

    def with_token(self, request: scrapy.Request) -> scrapy.Request:
        request.headers["Authorization"] = f"bearer {self.token}"
        request.meta["token"] = self.token
        return request

    def api_request(self, path: str, params: dict[str, Any], callback: Callable[..., Any],
                    **cb_kwargs: Any) -> scrapy.Request:
        return self.with_token(scrapy.Request(
            f"{self.base_url}{path}?{urlencode(params)}", callback=callback,
            cb_kwargs=cb_kwargs, meta={"handle_httpstatus_list": [401]}))

    # --- search ----------------------------------------------------------------------------

    def search_request(self, part: str, after: str | None = None) -> scrapy.Request:
        params: dict[str, Any] = {"q": reddit_query(self.query), "sort": "new", "t": "all",
                                  "type": "link", "limit": PAGE, "raw_json": 1}
        path = "/search"
        if part != SITE_WIDE:
            path = f"/{part}/search"
            params["restrict_sr"] = 1
        if after:
            params["after"] = after
        return self.api_request(path, params, self.parse_search, part=part)

    @needs_token
    def parse_search(self, response: scrapy.http.Response, part: str) -> Iterator[Any]:
        found = self.parse_json(response)
        done = False  # sort=new: past the known submissions (or the window), nothing is new
        for thing in children(found):
            link = thing.get("data") or {}
            if self.known(part, link) or self.before_window(link):
                done = True
                continue
            if self.in_window(timestamp(link.get("created_utc", 0))):
                self.note_newest(part, link)  # what a back-fill skips stays to collect
            yield from self.submission(link, response)
        after = found["data"].get("after") if children(found) else None
        if after and not done:
            yield self.search_request(part, after)

    def known(self, part: str, link: dict[str, Any]) -> bool:
        """Collected by an earlier crawl of this search (back-fills ignore the state)."""
        mark = self.state.get("newest", {}).get(part)
        if not mark or self.options.since or self.options.until:
            return False
        created = float(link.get("created_utc", 0))
        return created < mark["created_utc"] or (created == mark["created_utc"]
                                                 and link.get("name") in mark["names"])

    def before_window(self, link: dict[str, Any]) -> bool:
        since = self.options.since
        return since is not None and timestamp(link.get("created_utc", 0)) < since

    def note_newest(self, part: str, link: dict[str, Any]) -> None:
        created, name = float(link.get("created_utc", 0)), link.get("name")
        mark = self.newest.setdefault(part, {"created_utc": created, "names": []})
        if created > mark["created_utc"]:
            mark.update(created_utc=created, names=[])
        if created == mark["created_utc"]:
            mark["names"].append(name)

    def submission(self, link: dict[str, Any], response: scrapy.http.Response) -> Iterator[Any]:
        """The submission, if the query wants it, and a request for its comment tree."""
        post = self.converted(self.submission_post, link, response)
        if post is None or not self.wanted(post["raw_text"]) \
                or not self.in_window(post["created_at"]):
            return
        yield self.emit(post)
        if link.get("num_comments"):
            yield self.api_request(f"/r/{link['subreddit']}/comments/{link['id']}",
                                   {"sort": "new", "limit": COMMENT_LIMIT, "raw_json": 1},
                                   self.parse_comments, link_id=link["name"])

    # --- comments --------------------------------------------------------------------------

    @needs_token
    def parse_comments(self, response: scrapy.http.Response, link_id: str) -> Iterator[Any]:
        listings = self.parse_json(response)
        if not (isinstance(listings, list) and len(listings) == 2):
            if listings is not None:
                self.logger.warning("%s is not [post, comments]: skipped", response.url)
            return
        yield from self.comments(children(listings[1]), link_id, response)

    @needs_token
    def parse_more(self, response: scrapy.http.Response, link_id: str) -> Iterator[Any]:
        found = self.parse_json(response)
        try:
            things = found["json"]["data"]["things"]
        except (KeyError, TypeError):
            if found is not None:
                self.logger.warning("%s has no json.data.things: skipped", response.url)
            return
        yield from self.comments(things, link_id, response)

    def comments(self, things: list[dict[str, Any]], link_id: str,
                 response: scrapy.http.Response) -> Iterator[Any]:
        """Every comment of a listing, nested ones included, and requests for those folded
        into ``more`` stubs."""
        folded: list[str] = []
        for comment in self.comments_in(things, folded):
            post = self.converted(self.comment_post, comment, response)
            if post and comment.get("body") not in GONE_BODIES \
                    and self.in_window(post["created_at"]):
                yield self.emit(post)
        for start in range(0, len(folded), MORE_BATCH):
            yield self.api_request("/api/morechildren", {
                "link_id": link_id, "children": ",".join(folded[start:start + MORE_BATCH]),
                "api_type": "json", "sort": "new", "raw_json": 1},
                self.parse_more, link_id=link_id)

    def comments_in(self, things: list[dict[str, Any]],
                    folded: list[str]) -> Iterator[dict[str, Any]]:
        """t1 data depth first; the ids a ``more`` stub stands for go to ``folded`` (a
        "continue this thread" stub has none and is not followed)."""
        for thing in things:
            kind, data = thing.get("kind"), thing.get("data") or {}
            if kind == "more":
                folded.extend(data.get("children", []))
            elif kind == "t1":
                yield data
                yield from self.comments_in(children(data.get("replies")), folded)

    # --- posts -----------------------------------------------------------------------------

    def converted(self, convert: Callable[[dict[str, Any]], dict[str, Any]],
                  thing: dict[str, Any], response: scrapy.http.Response) -> dict | None:
        """``convert(thing)``, or None (logged with the URL) for a thing missing its fields."""
        try:
            return convert(thing)
        except (KeyError, TypeError, ValueError) as exc:
            self.crawler.stats.inc_value("sensing/unparsable_things")
            self.logger.warning("thing %r from %s not understood (%s): skipped",
                                thing.get("name"), response.url, exc)
            return None

    def submission_post(self, link: dict[str, Any]) -> dict[str, Any]:
        """A t3 as a Post; a crosspost is a repost."""
        text = "\n\n".join(part for part in (link["title"], link.get("selftext")) if part)
        images = (link.get("preview") or {}).get("images", [])
        return {
            **self.common(link, text),
            "urls": outbound(link),
            "media": [{"url": image["source"]["url"], "type": "image"} for image in images],
            "metrics": {"likes": link.get("score", 0), "replies": link.get("num_comments", 0),
                        "shares": link.get("num_crossposts", 0)},
            "thread_id": f"reddit:{link['name']}",
            "is_repost": bool(link.get("crosspost_parent")),
            "repost_of": f"reddit:{link['crosspost_parent']}"
            if link.get("crosspost_parent") else None,
            "over_18": bool(link.get("over_18")),
        }

    def comment_post(self, comment: dict[str, Any]) -> dict[str, Any]:
        """A t1 as a Post: a reply to its parent (comment or submission) in the submission's
        thread."""
        return {
            **self.common(comment, comment["body"]),
            "metrics": {"likes": comment.get("score", 0),
                        "replies": len(children(comment.get("replies")))},
            "in_reply_to": f"reddit:{comment['parent_id']}",
            "thread_id": f"reddit:{comment['link_id']}",
        }

    def common(self, thing: dict[str, Any], text: str) -> dict[str, Any]:
        """What submissions and comments share: identity, author, time, text."""
        return {
            "id": f"reddit:{thing['name']}",
            "source": "reddit",
            "url": WWW + thing["permalink"],
            "created_at": timestamp(thing["created_utc"]),
            "author": self.author(thing),
            "raw_text": text,
            "mentions": list(dict.fromkeys(f"u/{name}" for name in USER_MENTION.findall(text))),
            "subreddit": thing.get("subreddit"),
        }

    def author(self, thing: dict[str, Any]) -> dict[str, Any]:
        """Reddit shows no follower counts on posts; a deleted account has no fullname."""
        name = thing.get("author") or DELETED
        if name == DELETED:
            return {"id": "reddit:u/[deleted]", "handle": DELETED, "deleted": True}
        fullname = thing.get("author_fullname")
        return {"id": f"reddit:{fullname}" if fullname else f"reddit:u/{name}",
                "handle": f"u/{name}", "name": name}

    def closed(self, reason: str) -> None:
        if reason == "finished":
            marks = self.state.setdefault("newest", {})
            for part, mark in self.newest.items():
                old = marks.get(part)
                if not old or mark["created_utc"] > old["created_utc"]:
                    marks[part] = mark
                elif mark["created_utc"] == old["created_utc"]:
                    old["names"] = sorted({*old["names"], *mark["names"]})
        super().closed(reason)
