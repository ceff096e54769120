"""Bluesky (AT Protocol): post search with reply threads, or author profiles with a follower
sample, through the XRPC API of a PDS (``bsky.social`` by default).

Bluesky disabled anonymous search, so every crawl first opens a session
(``com.atproto.server.createSession`` with an app password) and sends its access token as a
bearer. An expired token (400 ``ExpiredToken``) is refreshed once
(``com.atproto.server.refreshSession``) and the request re-sent; a refused login ends the
crawl with one log line.

Posts mode searches each positive word of the query (``app.bsky.feed.searchPosts``,
``sort=latest``), keeps what the campaign query matches, and fetches the reply thread of every
kept post that has replies (``app.bsky.feed.getPostThread``): replies answer a post about the
product even when they do not name it. Post authors are hydrated with
``app.bsky.actor.getProfiles`` (follower counts). Incremental per search word: the newest
``indexedAt`` seen is kept, the next crawl asks ``since`` it and stops paging at known posts.

Authors mode collects the profiles of ``authors``, a bounded sample of their followers and
every profile's recent posts (what audience-interest analysis reads).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from pydantic import Field
from scrapy.exceptions import CloseSpider

from crawlers.spiders.base import AuthorModeOptions, CampaignSpider
from sensing.query import positive_words
from sensing.text import plain_text

PAGE = 100  # searchPosts' and getFollowers' maximum page size
PROFILES_PER_CALL = 25  # getProfiles' maximum
TOKEN_RETRIES = 3  # refreshes in a row, none followed by an accepted request, before giving up


class BlueskyOptions(AuthorModeOptions):
    thread_depth: int = Field(6, ge=0, le=1000, description="Posts mode: levels of replies "
                              "fetched under each collected post with replies (0: none).")


def iso(when: datetime) -> str:
    """The API's datetime format (UTC, milliseconds, Z)."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def at_parts(uri: str) -> tuple[str, str]:
    """``at://<did>/app.bsky.feed.post/<rkey>`` -> (did, rkey)."""
    did, _, rkey = uri.removeprefix("at://").split("/", 2)
    return did, rkey


def post_id(uri: str) -> str:
    did, rkey = at_parts(uri)
    return f"bluesky:{did}/{rkey}"


def normalised_tag(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag).casefold().lstrip("#")


def facet_features(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(kind, feature, the text it covers) per rich-text facet; indexes are UTF-8 bytes."""
    encoded = record.get("text", "").encode()
    for facet in record.get("facets") or []:
        index = facet.get("index", {})
        covered = encoded[index.get("byteStart", 0):index.get("byteEnd", 0)]
        for feature in facet.get("features", []):
            kind = feature.get("$type", "").rpartition("#")[2]
            yield kind, feature, covered.decode("utf-8", "replace")


def image_views(embed: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The images of a hydrated embed, alone or beside a quoted record."""
    if not embed:
        return []
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.images#view":
        return embed.get("images", [])
    if kind == "app.bsky.embed.recordWithMedia#view":
        return image_views(embed.get("media"))
    return []


def external_link(embed: dict[str, Any] | None) -> str | None:
    if embed and embed.get("$type") == "app.bsky.embed.external#view":
        return embed.get("external", {}).get("uri")
    return None


class BlueskySpider(CampaignSpider):
    """Bluesky: post search with reply threads, or author profiles and follower samples."""

    name = "bluesky"
    Options = BlueskyOptions
    options: BlueskyOptions
    credentials = ("bluesky_handle", "bluesky_app_password")
    credentials_help = ("Bluesky disabled anonymous search, so crawling needs an account: set "
                        "its handle and an app password (Bluesky: Settings -> Privacy and "
                        "security -> App passwords), never the main password.")
    # Bluesky's PDS allows 3000 requests / 5 minutes per account (published rate limits).
    custom_settings = {"SENSING_RATE_LIMIT": "3000/300", "DOWNLOAD_DELAY": 0.0,
                       "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    # XRPC errors (expired token, refused login, not found) are answers to read, not drop.
    handle_httpstatus_list = [400, 401]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.access_token = ""
        self.refresh_token = ""
        self.refreshing = False
        self.parked: list[scrapy.Request] = []  # waiting for a refreshed token
        self.fruitless_refreshes = 0  # refreshes since the last answer that was not refused
        self.newest: dict[str, dict[str, Any]] = {}  # search word -> newest indexedAt + URIs
        self.authors: dict[str, dict[str, Any]] = {}  # posts' author id -> full author ref
        self.author_dids: list[str] = []  # authors mode: the crawled authors
        self.profiles: dict[str, dict[str, Any]] = {}  # DID -> profile view
        self.followers: dict[str, list[str]] = {}  # author DID -> sampled follower DIDs
        self.pending_authors = len(self.options.authors)

    # --- sessions --------------------------------------------------------------------------

    async def start(self) -> Any:
        body = {"identifier": self.credential("bluesky_handle"),
                "password": self.credential("bluesky_app_password")}
        yield scrapy.Request(f"{self.base_url}/xrpc/com.atproto.server.createSession",
                             method="POST", body=json.dumps(body),
                             headers={"Content-Type": "application/json"},
                             callback=self.on_session, dont_filter=True,
                             meta={"handle_httpstatus_all": True})  # refusals are read

    def on_session(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        self.session_from(response)
        if self.options.mode == "authors":
            yield from (self.xrpc("app.bsky.actor.getProfile",
                                  {"actor": actor.removeprefix("@")},  # as a Post's handle
                                  self.on_author_profile) for actor in self.options.authors)
        else:
            yield from (self.search_request(word) for word in self.search_words())

    def session_from(self, response: scrapy.http.Response) -> None:
        """Keeps the tokens of a createSession/refreshSession answer; a refusal ends the crawl
        with one clear line."""
        answer = self.parse_json(response) if response.status == 200 else None
        if not (isinstance(answer, dict) and answer.get("accessJwt")):
            error = self.error_of(response)
            self.logger.error("Bluesky refused the session for %s at %s (HTTP %s %s): check "
                              "SENSING_BLUESKY_HANDLE and SENSING_BLUESKY_APP_PASSWORD",
                              self.credential("bluesky_handle"), response.url,
                              response.status, error or "unreadable answer")
            raise CloseSpider("bluesky_login_refused")
        self.access_token, self.refresh_token = answer["accessJwt"], answer["refreshJwt"]

    def error_of(self, response: scrapy.http.Response) -> str:
        try:
            body = json.loads(response.text)
        except ValueError:
            return ""
        return f"{body.get('error')}: {body.get('message')}" if isinstance(body, dict) else ""

    def xrpc(self, nsid: str, params: dict[str, Any], handler: Callable[..., Iterator[Any]],
             **kwargs: Any) -> scrapy.Request:
        """A query to the API whose JSON answer goes to ``handler(answer, **kwargs)``."""
        return scrapy.Request(f"{self.base_url}/xrpc/{nsid}?{urlencode(params, doseq=True)}",
                              headers={"Authorization": f"Bearer {self.access_token}"},
                              callback=self.on_answer, errback=self.on_failure,
                              cb_kwargs={"handler": handler, **kwargs})

    def on_answer(self, response: scrapy.http.Response, handler: Callable[..., Iterator[Any]],
                  **kwargs: Any) -> Iterator[Any]:
        if response.status in (400, 401) and self.token_refused(response):
            if self.fruitless_refreshes < TOKEN_RETRIES:
                yield from self.after_refresh(response.request)
                return
            self.logger.error("Bluesky refuses even fresh tokens (%d refreshes in a row)",
                              self.fruitless_refreshes)
        if response.status != 200:
            self.crawler.stats.inc_value("sensing/bad_responses")
            self.logger.warning("%s answered %s (%s): skipped", response.url, response.status,
                                self.error_of(response))
            yield from handler(None, **kwargs)
            return
        self.fruitless_refreshes = 0
        yield from handler(self.parse_json(response), **kwargs)

    def on_failure(self, failure: Any) -> Iterator[Any]:
        """A request that failed for good (retries spent, connection lost): its handler still
        learns of it, so author bookkeeping completes."""
        request = failure.request
        self.logger.warning("%s failed: %s", request.url, failure.getErrorMessage())
        yield from request.cb_kwargs["handler"](
            None, **{k: v for k, v in request.cb_kwargs.items() if k != "handler"})

    def token_refused(self, response: scrapy.http.Response) -> bool:
        """An expired access token (400 ExpiredToken) or any refused one (401)."""
        return response.status == 401 or self.error_of(response).startswith("ExpiredToken")

    def after_refresh(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Re-sends ``request`` with a fresh token: at once if the session was refreshed since
        it left, else once the one refresh in flight answers."""
        retry = request.replace(dont_filter=True)
        used = request.headers.get("Authorization", b"").decode().removeprefix("Bearer ")
        if used != self.access_token:
            yield self.authorised(retry)
            return
        self.parked.append(retry)
        if not self.refreshing:
            self.refreshing = True
            self.logger.info("Bluesky access token expired; refreshing the session")
            yield scrapy.Request(f"{self.base_url}/xrpc/com.atproto.server.refreshSession",
                                 method="POST",
                                 headers={"Authorization": f"Bearer {self.refresh_token}"},
                                 callback=self.on_refresh, dont_filter=True,
                                 meta={"handle_httpstatus_all": True})

    def on_refresh(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        self.refreshing = False
        self.fruitless_refreshes += 1
        self.session_from(response)
        self.crawler.stats.inc_value("sensing/session_refreshes")
        parked, self.parked = self.parked, []
        yield from (self.authorised(request) for request in parked)

    def authorised(self, request: scrapy.Request) -> scrapy.Request:
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        return request

    # --- posts mode ------------------------------------------------------------------------

    def search_words(self) -> list[str]:
        return positive_words(self.query) or [self.query]

    def search_request(self, word: str, cursor: str | None = None) -> scrapy.Request:
        params: dict[str, Any] = {"q": word, "sort": "latest", "limit": PAGE}
        since = iso(self.options.since) if self.options.since else \
            self.state.get("newest", {}).get(word, {}).get("at")
        if since:
            params["since"] = since
        if self.options.until:
            params["until"] = iso(self.options.until)
        if cursor:
            params["cursor"] = cursor
        return self.xrpc("app.bsky.feed.searchPosts", params, self.on_search, word=word)

    def known(self, word: str, view: dict[str, Any]) -> bool:
        """Seen by an earlier crawl: older than the newest post then, or that post itself."""
        newest = self.state.get("newest", {}).get(word)
        return bool(newest) and (view["indexedAt"] < newest["at"] or (
            view["indexedAt"] == newest["at"] and view["uri"] in newest["uris"]))

    def on_search(self, answer: Any, word: str) -> Iterator[Any]:
        views = answer.get("posts") if isinstance(answer, dict) else None
        if not isinstance(views, list):
            return
        fresh = [view for view in views if not self.known(word, view)]
        kept = []
        for view in fresh:
            self.note_newest(word, view)
            post = self.to_post_or_none(view)
            if post and self.wanted(post["raw_text"]):
                kept.append(post)
                if view.get("replyCount") and self.options.thread_depth:
                    yield self.xrpc("app.bsky.feed.getPostThread",
                                    {"uri": view["uri"], "depth": self.options.thread_depth,
                                     "parentHeight": 0}, self.on_thread)
        yield from self.with_profiles(kept)
        # newest first: a page reaching known posts is the last one needed
        if answer.get("cursor") and len(fresh) == len(views):
            yield self.search_request(word, answer["cursor"])

    def note_newest(self, word: str, view: dict[str, Any]) -> None:
        newest = self.newest.setdefault(word, {"at": "", "uris": []})
        if view["indexedAt"] > newest["at"]:
            newest.update(at=view["indexedAt"], uris=[view["uri"]])
        elif view["indexedAt"] == newest["at"]:
            newest["uris"].append(view["uri"])

    def on_thread(self, answer: Any) -> Iterator[Any]:
        thread = answer.get("thread") if isinstance(answer, dict) else None
        if isinstance(thread, dict):
            yield from self.with_profiles(list(self.replies_in(thread)))

    def replies_in(self, thread: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every reply under ``thread``, depth first; missing or blocked replies are skipped."""
        for reply in thread.get("replies") or []:
            if reply.get("$type") != "app.bsky.feed.defs#threadViewPost":
                continue
            if post := self.to_post_or_none(reply["post"]):
                yield post
            yield from self.replies_in(reply)

    def with_profiles(self, posts: list[dict[str, Any]]) -> Iterator[Any]:
        """Emits the posts inside the back-fill window with their authors' full profiles:
        search and threads carry only ProfileViewBasic (no follower counts, which influencer
        ranking needs), so unknown authors are fetched, 25 a call, once a crawl."""
        posts = [p for p in posts if self.in_window(datetime.fromisoformat(p["created_at"]))]
        for start in range(0, len(posts), PROFILES_PER_CALL):
            chunk = posts[start:start + PROFILES_PER_CALL]
            missing = list(dict.fromkeys(p["author"]["id"].removeprefix("bluesky:")
                                         for p in chunk if p["author"]["id"] not in self.authors))
            if missing:
                # never dropped as a repeat: the same authors may miss in two chunks
                yield self.xrpc("app.bsky.actor.getProfiles", {"actors": missing},
                                self.on_profiles, posts=chunk).replace(dont_filter=True)
            else:
                yield from self.emit_with_authors(chunk)

    def on_profiles(self, answer: Any, posts: list[dict[str, Any]]) -> Iterator[Any]:
        profiles = answer.get("profiles") if isinstance(answer, dict) else None
        for profile in profiles if isinstance(profiles, list) else []:
            self.authors[f"bluesky:{profile['did']}"] = self.author_ref(profile)
        yield from self.emit_with_authors(posts)  # a failed lookup leaves the basic view

    def emit_with_authors(self, posts: list[dict[str, Any]]) -> Iterator[Any]:
        for post in posts:
            post["author"] = self.authors.get(post["author"]["id"], post["author"])
            yield self.emit(post)

    def to_post_or_none(self, view: Any) -> dict[str, Any] | None:
        try:
            return self.to_post(view)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.crawler.stats.inc_value("sensing/unparsable_posts")
            self.logger.warning("post %r not understood (%s): skipped",
                                view.get("uri") if isinstance(view, dict) else view, exc)
            return None

    def to_post(self, view: dict[str, Any]) -> dict[str, Any]:
        """A PostView (app.bsky.feed.defs#postView) as a Post."""
        record, author = view["record"], view["author"]
        did, rkey = at_parts(view["uri"])
        reply = record.get("reply") or {}
        features = list(facet_features(record))
        link = external_link(view.get("embed"))
        return {
            "id": post_id(view["uri"]),
            "source": "bluesky",
            "url": f"https://bsky.app/profile/{author['handle']}/post/{rkey}",
            "created_at": datetime.fromisoformat(record["createdAt"]).isoformat(),
            "indexed_at": view.get("indexedAt"),
            "author": self.author_ref(author),
            "raw_text": record.get("text", ""),
            "lang_hint": (record.get("langs") or [None])[0],
            "hashtags": [normalised_tag(f["tag"]) for kind, f, _ in features if kind == "tag"],
            "mentions": [text for kind, _, text in features if kind == "mention"],
            "urls": [f["uri"] for kind, f, _ in features if kind == "link"]
            + ([link] if link else []),
            "media": [{"url": image["fullsize"], "type": "image",
                       "description": image.get("alt")} for image in
                      image_views(view.get("embed"))],
            "metrics": {"likes": view.get("likeCount", 0), "replies": view.get("replyCount", 0),
                        "shares": view.get("repostCount", 0),
                        "quotes": view.get("quoteCount", 0)},
            "in_reply_to": post_id(reply["parent"]["uri"]) if reply else None,
            "thread_id": post_id(reply["root"]["uri"]) if reply else None,
            "is_repost": False,  # search and threads return posts; reposts are feed reasons
            "uri": view["uri"],
        }

    def author_ref(self, author: dict[str, Any]) -> dict[str, Any]:
        """A ProfileView (basic or detailed) as the Post's author."""
        return {
            "id": f"bluesky:{author['did']}",
            "handle": f"@{author['handle']}",
            "name": author.get("displayName") or "",
            "followers": author.get("followersCount"),
            "following": author.get("followsCount"),
            "verified": (author.get("verification") or {}).get("verifiedStatus") == "valid",
            "bio": author.get("description") or "",
        }

    # --- authors mode ----------------------------------------------------------------------

    def on_author_profile(self, profile: Any) -> Iterator[Any]:
        if not (isinstance(profile, dict) and profile.get("did")):
            yield from self.author_done()
            return
        did = profile["did"]
        self.profiles[did] = profile
        self.author_dids.append(did)
        self.followers[did] = []
        yield from self.followers_page(did, None)

    def followers_page(self, did: str, cursor: str | None) -> Iterator[Any]:
        wanted = self.follower_bound - len(self.followers[did])
        if wanted <= 0:
            yield from self.author_done()
            return
        params: dict[str, Any] = {"actor": did, "limit": min(PAGE, wanted)}
        if cursor:
            params["cursor"] = cursor
        yield self.xrpc("app.bsky.graph.getFollowers", params, self.on_followers, did=did)

    def on_followers(self, answer: Any, did: str) -> Iterator[Any]:
        found = answer.get("followers") if isinstance(answer, dict) else None
        if not isinstance(found, list):
            yield from self.author_done()  # a broken page ends this author's sample
            return
        room = self.follower_bound - len(self.followers[did])
        for follower in found[:room]:
            self.profiles.setdefault(follower["did"], follower)
            self.followers[did].append(follower["did"])
        if answer.get("cursor") and found:
            yield from self.followers_page(did, answer["cursor"])
        else:
            yield from self.author_done()

    def author_done(self) -> Iterator[Any]:
        """When every author's follower sample is in, each profile is fetched once (a follower
        of two authors too), so ``followers_of`` is complete when it is emitted."""
        self.pending_authors -= 1
        if self.pending_authors:
            return
        for did in dict.fromkeys([*self.author_dids, *(d for dids in self.followers.values()
                                                       for d in dids)]):
            if did in self.author_dids:
                yield from self.with_recent_posts(self.profiles[did])
            else:
                yield self.xrpc("app.bsky.actor.getProfile", {"actor": did},
                                self.on_follower_profile, did=did)

    def on_follower_profile(self, profile: Any, did: str) -> Iterator[Any]:
        yield from self.with_recent_posts(profile if isinstance(profile, dict)
                                          and profile.get("did") else self.profiles[did])

    def with_recent_posts(self, profile: dict[str, Any]) -> Iterator[Any]:
        if not self.options.recent_posts:
            yield self.emit_author(self.to_author(profile, []))
            return
        yield self.xrpc("app.bsky.feed.getAuthorFeed",
                        {"actor": profile["did"], "limit": self.options.recent_posts,
                         "filter": "posts_no_replies"}, self.on_author_feed, profile=profile)

    def on_author_feed(self, answer: Any, profile: dict[str, Any]) -> Iterator[Any]:
        feed = answer.get("feed") if isinstance(answer, dict) else None
        own = [item["post"] for item in feed or [] if not item.get("reason")
               and item.get("post", {}).get("author", {}).get("did") == profile["did"]]
        yield self.emit_author(self.to_author(profile, own[:self.options.recent_posts]))

    def to_author(self, profile: dict[str, Any], posts: list[dict[str, Any]]
                  ) -> dict[str, Any]:
        did = profile["did"]
        return {
            **self.author_ref(profile),
            "source": "bluesky",
            "url": f"https://bsky.app/profile/{profile['handle']}",
            "follower_sample": [f"bluesky:{f}" for f in self.followers.get(did, [])],
            "followers_of": sorted(f"bluesky:{author}" for author in self.author_dids
                                   if did in self.followers[author]),
            "recent_posts": self.recent_posts(posts),
        }

    def recent_posts(self, views: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The RecentPost shape: what audience-interest analysis reads of a profile."""
        posts = (self.to_post_or_none(view) for view in views)
        return [{"id": post["id"], "created_at": post["created_at"],
                 "text": plain_text(post["raw_text"]), "hashtags": post["hashtags"],
                 "lang": post["lang_hint"]}
                for post in posts if post]

    def closed(self, reason: str) -> None:
        if reason == "finished":
            newest = self.state.setdefault("newest", {})
            for word, seen in self.newest.items():
                known = newest.get(word, {"at": ""})
                if seen["at"] > known["at"]:
                    newest[word] = seen
                elif seen["at"] == known["at"]:
                    known["uris"] = sorted(set(known["uris"]) | set(seen["uris"]))
        super().closed(reason)
