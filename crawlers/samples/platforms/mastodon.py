"""Mastodon's API (v1/v2 shapes) over the bundled corpus (``mastodon_statuses.json``).

``/api/v1/timelines/tag/:tag`` (``max_id``, ``since_id``, ``min_id``, ``limit``; newest
first; ``Link`` header with ``rel="next"``/``"prev"``), ``/api/v2/search`` (``q``,
``type=statuses``, ``limit``, ``offset``), ``/api/v1/accounts/:id``. One deviation: tag
timelines include boosts of tagged posts, so the reposts in the corpus reach the crawler.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlencode

from crawlers.samples.server import HERE, Platform, Reply, Request, Route, as_json
from sensing.query import QuerySyntaxError, matches, parse_query

TAG_STRIP = re.compile(r"<[^>]+>")


def load_statuses() -> list[dict[str, Any]]:
    return json.loads((HERE / "mastodon_statuses.json").read_text(encoding="utf-8"))


def _plain(status: dict) -> str:
    source = status["reblog"] or status
    return TAG_STRIP.sub(" ", source["content"])


class Mastodon(Platform):
    name = "mastodon"

    def __init__(self, server):
        super().__init__(server)
        self.statuses = sorted(load_statuses(), key=lambda s: int(s["id"]), reverse=True)

    def describe(self) -> str:
        return f"mastodon: {len(self.statuses)} statuses (/api/v1/timelines/tag/:tag, ...)"

    def routes(self) -> list[Route]:
        return [
            self.route("GET", r"/api/v1/timelines/tag/(?P<tag>[^/]+)", self.tag_timeline),
            self.route("GET", r"/api/v2/search", self.search),
            self.route("GET", r"/api/v1/accounts/(?P<account_id>\d+)", self.account),
        ]

    def add_statuses(self, statuses: list[dict]) -> None:
        """New posts appear, as on a live instance between two crawls."""
        with self.server.lock:
            self.statuses = sorted([*self.statuses, *statuses], key=lambda s: int(s["id"]),
                                   reverse=True)

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

    def tag_timeline(self, request: Request, tag: str) -> Reply:
        wanted = unquote(tag).casefold()
        limit = max(1, min(request.int_param("limit", 20) or 20, 40))
        max_id, since_id, min_id = (request.int_param(n) for n in ("max_id", "since_id",
                                                                   "min_id"))
        with self.server.lock:
            found = [s for s in self.statuses
                     if any(t["name"].casefold() == wanted for t in s["tags"])]
        found = [s for s in found if (max_id is None or int(s["id"]) < max_id)
                 and (since_id is None or int(s["id"]) > since_id)]
        if min_id is not None:  # the page just above min_id, still newest first
            found = [s for s in found if int(s["id"]) > min_id][-limit:]
        page = found[:limit]
        headers = {}
        if page:
            base = f"{self.server.base_url}{request.path}"
            links = [f'<{base}?{urlencode({"limit": limit, "max_id": page[-1]["id"]})}>; '
                     f'rel="next"',
                     f'<{base}?{urlencode({"limit": limit, "min_id": page[0]["id"]})}>; '
                     f'rel="prev"']
            headers["Link"] = ", ".join(links)
        return as_json([self.absolute(s) for s in page], **headers)

    def search(self, request: Request) -> Reply:
        try:
            node = parse_query(request.param("q", ""))
        except QuerySyntaxError as exc:
            return as_json({"error": f"bad query: {exc.message}"}, 422)
        limit = max(1, min(request.int_param("limit", 20) or 20, 40))
        offset = max(0, request.int_param("offset", 0) or 0)
        with self.server.lock:
            found = [s for s in self.statuses if not s["reblog"] and matches(node, _plain(s))]
        page = found[offset:offset + limit]
        return as_json({"accounts": [], "hashtags": [],
                        "statuses": [self.absolute(s) for s in page]})

    def account(self, request: Request, account_id: str) -> Reply:
        with self.server.lock:
            for status in self.statuses:
                if status["account"]["id"] == account_id:
                    return as_json(status["account"])
        return as_json({"error": "Record not found"}, 404)
