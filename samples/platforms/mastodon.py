"""Mastodon's API (v1/v2 shapes) over the bundled corpus (``mastodon_statuses.json``) and its
generated follow graph (:mod:`samples.mastodon_followers`).

``/api/v1/timelines/tag/:tag`` (``max_id``, ``since_id``, ``min_id``, ``limit``; newest
first; ``Link`` header with ``rel="next"``/``"prev"``), ``/api/v2/search`` (``q``,
``type=statuses``, ``limit``, ``offset``), ``/api/v1/accounts/:id``,
``/api/v1/accounts/lookup?acct=``, ``/api/v1/accounts/:id/followers`` (``limit`` <= 80,
``max_id``; ``Link`` pagination over follow ids) and ``/api/v1/accounts/:id/statuses``
(``limit`` <= 40, ``max_id``, ``since_id``, ``exclude_reblogs``).

Every API answer carries Mastodon's rate-limit headers (``X-RateLimit-Limit``,
``-Remaining``, ``-Reset`` as an ISO 8601 time) from one window per server (300 requests /
5 minutes, as mastodon.social; tests shrink it with ``rate_window``); past the limit the
answer is 429. A bearer token, when sent, must be the sample one (401 otherwise).

Deviations, to keep the sample small: tag timelines include boosts of tagged posts, so the
reposts in the corpus reach the crawler; status search answers anonymous requests too.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from samples.mastodon_followers import build_followers
from samples.server import HERE, Platform, Reply, Request, Route, as_json
from sensing.query import QuerySyntaxError, matches, parse_query

TAG_STRIP = re.compile(r"<[^>]+>")
NOT_FOUND = {"error": "Record not found"}


def load_statuses() -> list[dict[str, Any]]:
    return json.loads((HERE / "mastodon_statuses.json").read_text(encoding="utf-8"))


def _plain(status: dict) -> str:
    source = status["reblog"] or status
    return TAG_STRIP.sub(" ", source["content"])


def bounded(request: Request, default: int, most: int) -> int:
    """The ``limit`` parameter, clamped to the API's range as Mastodon does."""
    return max(1, min(request.int_param("limit", default) or default, most))


@dataclass
class RateWindow:
    """Mastodon's fixed rate-limit window: ``limit`` requests per ``seconds``, counted from
    the window's first request."""

    limit: int = 300
    seconds: float = 300.0
    resets_at: float = 0.0  # wall-clock time, as the Reset header says it
    used: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> tuple[bool, dict[str, str]]:
        """Counts one request: whether it is within the limit, and the headers to send."""
        with self.lock:
            now = time.time()
            if now >= self.resets_at:
                self.resets_at, self.used = now + self.seconds, 0
            self.used += 1
            reset = datetime.fromtimestamp(math.ceil(self.resets_at * 1000) / 1000, UTC)
            return self.used <= self.limit, {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
                "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
            }


class Mastodon(Platform):
    name = "mastodon"
    sample_credentials = {"mastodon_access_token": "sample-mastodon-token"}

    def __init__(self, server):
        super().__init__(server)
        self.statuses = sorted(load_statuses(), key=lambda s: int(s["id"]), reverse=True)
        self.hits: dict[str, list[dict]] = {}  # search query -> matching statuses
        self.accounts = {s["account"]["id"]: s["account"] for s in self.statuses}
        self.follows = build_followers(list(self.accounts.values()))
        self.rate_window = RateWindow()

    def describe(self) -> str:
        return (f"mastodon: {len(self.statuses)} statuses, {len(self.follows.accounts)} "
                f"followers (/api/v1/timelines/tag/:tag, /api/v1/accounts/:id/followers, ...)")

    def routes(self) -> list[Route]:
        api = {
            r"/api/v1/timelines/tag/(?P<tag>[^/]+)": self.tag_timeline,
            r"/api/v2/search": self.search,
            r"/api/v1/accounts/lookup": self.lookup,
            r"/api/v1/accounts/(?P<account_id>\d+)": self.account,
            r"/api/v1/accounts/(?P<account_id>\d+)/followers": self.followers,
            r"/api/v1/accounts/(?P<account_id>\d+)/statuses": self.account_statuses,
        }
        return [self.route("GET", pattern, self.guarded(handler))
                for pattern, handler in api.items()]

    def guarded(self, handler: Callable[..., Reply]) -> Callable[..., Reply]:
        """The handler behind Mastodon's token check and rate limit, its answer carrying the
        rate-limit headers."""
        def answer(request: Request, **groups: str) -> Reply:
            token = request.bearer()
            if token is not None and token != self.sample_credentials["mastodon_access_token"]:
                return as_json({"error": "The access token is invalid"}, 401)
            allowed, headers = self.rate_window.count()
            reply = (handler(request, **groups) if allowed
                     else as_json({"error": "Too many requests"}, 429))
            reply.headers.update(headers)
            return reply
        return answer

    def add_statuses(self, statuses: list[dict]) -> None:
        """New posts appear, as on a live instance between two crawls."""
        with self.server.lock:
            self.statuses = sorted([*self.statuses, *statuses], key=lambda s: int(s["id"]),
                                   reverse=True)
            self.hits.clear()

    def absolute(self, status: dict) -> dict:
        """Media URLs in the corpus are paths; a real API answers with full URLs."""
        base = self.server.base_url
        out = dict(status)
        out["media_attachments"] = [{**m, "url": base + m["url"],
                                     "preview_url": base + m["preview_url"]}
                                    for m in status["media_attachments"]]
        if status.get("reblog"):
            out["reblog"] = self.absolute(status["reblog"])
        return out

    def link_header(self, request: Request, limit: int, newest: str, oldest: str) -> str:
        base = f"{self.server.base_url}{request.path}"
        return (f'<{base}?{urlencode({"limit": limit, "max_id": oldest})}>; rel="next", '
                f'<{base}?{urlencode({"limit": limit, "min_id": newest})}>; rel="prev"')

    def status_page(self, request: Request, statuses: list[dict], limit: int) -> Reply:
        """A newest-first page of ``statuses`` by ``max_id``/``since_id``/``min_id``."""
        max_id, since_id, min_id = (request.int_param(n) for n in ("max_id", "since_id",
                                                                   "min_id"))
        found = [s for s in statuses if (max_id is None or int(s["id"]) < max_id)
                 and (since_id is None or int(s["id"]) > since_id)]
        if min_id is not None:  # the page just above min_id, still newest first
            found = [s for s in found if int(s["id"]) > min_id][-limit:]
        page = found[:limit]
        headers = {"Link": self.link_header(request, limit, page[0]["id"], page[-1]["id"])
                   } if page else {}
        return as_json([self.absolute(s) for s in page], **headers)

    def tag_timeline(self, request: Request, tag: str) -> Reply:
        wanted = unquote(tag).casefold()
        with self.server.lock:
            found = [s for s in self.statuses
                     if any(t["name"].casefold() == wanted for t in s["tags"])]
        return self.status_page(request, found, bounded(request, 20, 40))

    def search(self, request: Request) -> Reply:
        try:
            node = parse_query(request.param("q", ""))
        except QuerySyntaxError as exc:
            return as_json({"error": f"bad query: {exc.message}"}, 422)
        limit = bounded(request, 20, 40)
        offset = max(0, request.int_param("offset", 0) or 0)
        page = self.search_hits(request.param("q", ""), node)[offset:offset + limit]
        return as_json({"accounts": [], "hashtags": [],
                        "statuses": [self.absolute(s) for s in page]})

    def search_hits(self, query: str, node: Any) -> list[dict]:
        """Every status matching ``query``, newest first, worked out once per query while
        the corpus is unchanged: a crawl pages through one search with offsets, and a rescan
        of the corpus per page would make the server, not the crawler, what a benchmark
        measures."""
        with self.server.lock:
            if query not in self.hits:
                self.hits[query] = [s for s in self.statuses
                                    if not s["reblog"] and matches(node, _plain(s))]
            return self.hits[query]

    def find_account(self, account_id: str) -> dict | None:
        return self.accounts.get(account_id) or self.follows.accounts.get(account_id)

    def account(self, request: Request, account_id: str) -> Reply:
        found = self.find_account(account_id)
        return as_json(found) if found else as_json(NOT_FOUND, 404)

    def lookup(self, request: Request) -> Reply:
        """``acct`` is ``user`` or ``user@this-host``; other hosts' accounts are unknown here."""
        acct = (request.param("acct") or "").lstrip("@")
        user, _, host = acct.partition("@")
        if host and host != self.server.base_url.removeprefix("http://"):
            return as_json(NOT_FOUND, 404)
        known = [*self.accounts.values(), *self.follows.accounts.values()]
        found = next((a for a in known if a["acct"].casefold() == user.casefold()), None)
        return as_json(found) if found else as_json(NOT_FOUND, 404)

    def followers(self, request: Request, account_id: str) -> Reply:
        """Followers, most recent follow first; pages by follow id (``max_id``), which is not
        an account id, as on Mastodon."""
        if self.find_account(account_id) is None:
            return as_json(NOT_FOUND, 404)
        follower_ids = self.follows.followers_of.get(account_id, [])
        limit = bounded(request, 40, 80)
        max_id = request.int_param("max_id")
        # follow ids count down from the account's newest follow
        edges = [(len(follower_ids) - n, fid) for n, fid in enumerate(follower_ids)]
        page = [e for e in edges if max_id is None or e[0] < max_id][:limit]
        headers = {"Link": self.link_header(request, limit, str(page[0][0]), str(page[-1][0]))
                   } if page else {}
        return as_json([self.find_account(fid) for _, fid in page], **headers)

    def account_statuses(self, request: Request, account_id: str) -> Reply:
        if self.find_account(account_id) is None:
            return as_json(NOT_FOUND, 404)
        with self.server.lock:
            own = [s for s in self.statuses if s["account"]["id"] == account_id]
        own = own or self.follows.statuses_of.get(account_id, [])
        if request.param("exclude_reblogs") in ("true", "1"):
            own = [s for s in own if not s.get("reblog")]
        return self.status_page(request, own, bounded(request, 20, 40))
