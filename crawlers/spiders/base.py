"""The campaign spider every source builds on: the campaign's query, an optional base URL and
limit, local query filtering, and incremental state that survives between crawls."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider

from sensing.query import matches, parse_query

log = logging.getLogger(__name__)


class CampaignSpider(scrapy.Spider):
    """Arguments (``-a`` or ``run_crawl``): ``query``, ``campaign_id``, ``base_url``,
    ``limit``, ``state_dir``. State (e.g. the newest id seen per hashtag) is read at start and
    written only when the crawl finishes cleanly, so a killed crawl re-fetches from the last
    committed point and the idempotent sinks absorb the overlap."""

    default_base_url = ""

    def __init__(self, query: str, campaign_id: str | None = None, base_url: str | None = None,
                 limit: str | int | None = None, state_dir: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.query = query
        self.query_tree = parse_query(query)
        self.campaign_id = campaign_id or None
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.limit = int(limit) if limit else None
        self.emitted = 0
        key = hashlib.sha1(query.encode()).hexdigest()[:12]
        self.state_file = (Path(state_dir) / self.name / (campaign_id or "adhoc") / f"{key}.json"
                           if state_dir else None)
        self.state: dict[str, Any] = self._load_state()

    def _load_state(self) -> dict[str, Any]:
        if self.state_file and self.state_file.exists():
            return json.loads(self.state_file.read_text())
        return {}

    def save_state(self) -> None:
        """Atomic: a crash mid-write leaves the previous state, never half a file."""
        if not self.state_file:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1))
        os.replace(tmp, self.state_file)

    def closed(self, reason: str) -> None:
        if reason == "finished":
            self.save_state()

    def wanted(self, text: str) -> bool:
        """Platform search is loose; the campaign query decides."""
        return matches(self.query_tree, text)

    def emit(self, item: dict[str, Any]) -> dict[str, Any]:
        if self.limit is not None and self.emitted >= self.limit:
            raise CloseSpider("limit")
        self.emitted += 1
        if self.campaign_id:
            item["campaign_ids"] = [self.campaign_id]
        return item

    def parse_json(self, response: scrapy.http.Response) -> Any | None:
        """The body as JSON, or None (logged with the URL, counted) for HTML, truncated or
        malformed bodies: one bad page never ends the crawl."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if "json" not in content_type:
            self.crawler.stats.inc_value("sensing/bad_responses")
            log.warning("expected JSON from %s, got %r: skipped", response.url, content_type)
            return None
        try:
            return json.loads(response.text)
        except ValueError as exc:
            self.crawler.stats.inc_value("sensing/bad_responses")
            log.warning("malformed JSON from %s (%s): skipped", response.url, exc)
            return None
