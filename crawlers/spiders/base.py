"""The campaign spider every source builds on: the campaign's query, an optional base URL and
limit, declared options and credentials, local query filtering, and incremental state that
survives between crawls."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

import scrapy
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from scrapy.exceptions import CloseSpider

from crawlers.items import AuthorItem
from sensing.config import Settings, get_settings
from sensing.query import matches, parse_query

log = logging.getLogger(__name__)


class CrawlOptions(BaseModel):
    """Options every source takes; a spider extends this with its own. Unknown options are
    errors, so a typo in a campaign's ``source_options`` is caught before the crawl runs."""

    model_config = ConfigDict(extra="forbid")
    since: datetime | None = Field(None, description="Back-fill: collect posts created at or "
                                   "after this time, ignoring the incremental state.")
    until: datetime | None = Field(None, description="Back-fill: ... and before this time.")

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


class AuthorModeOptions(CrawlOptions):
    """Options of a source with an author/follower mode, for influencer and audience
    analysis: instead of the campaign's posts, the profiles of ``authors``, a bounded sample
    of their followers, and everyone's recent posts (kept on the profiles)."""

    mode: Literal["posts", "authors"] = Field("posts", description="'posts' collects the "
                                              "campaign's posts; 'authors' collects profiles "
                                              "of `authors`, their followers and recent posts.")
    authors: list[str] = Field(default_factory=list, description="Author mode: the accounts "
                               "whose profiles and followers to collect (handles or the "
                               "platform's account ids).")
    follower_sample: int | None = Field(None, ge=0, le=10_000, description="Author mode: "
                                        "followers collected per author (default: "
                                        "SENSING_FOLLOWER_SAMPLE).")
    recent_posts: int = Field(10, ge=0, le=200, description="Author mode: recent posts kept "
                              "on each profile, for audience-interest analysis.")

    @model_validator(mode="after")
    def _authors_given(self) -> AuthorModeOptions:
        if self.mode == "authors" and not self.authors:
            raise ValueError("mode 'authors' needs `authors` (the accounts to collect)")
        return self


class ConfigurationError(ValueError):
    """A crawl that cannot start as configured: missing credentials, bad options."""


class CampaignSpider(scrapy.Spider):
    """Arguments (``-a`` or ``run_crawl``): ``query``, ``campaign_id``, ``base_url``,
    ``limit``, ``state_dir`` and ``options`` (a JSON object validated by ``Options``).
    State (e.g. the newest id seen per hashtag) is read at start and written only when the
    crawl finishes cleanly, so a killed crawl re-fetches from the last committed point and the
    idempotent sinks absorb the overlap.

    ``credentials`` names the Sensing settings a source cannot run without; they are checked
    before the crawl process starts (``check_configuration``) and again here."""

    Options: ClassVar[type[CrawlOptions]] = CrawlOptions
    credentials: ClassVar[tuple[str, ...]] = ()
    credentials_help: ClassVar[str] = ""

    def __init__(self, query: str, campaign_id: str | None = None, base_url: str | None = None,
                 limit: str | int | None = None, state_dir: str | None = None,
                 options: str | dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.sensing = get_settings()
        self.options = self.check_configuration(self.sensing, options)
        self.query = query
        self.query_tree = parse_query(query)
        self.campaign_id = campaign_id or None
        self.base_url = (base_url or getattr(self.sensing, f"{self.name}_base_url", "")
                         ).rstrip("/")
        self.limit = int(limit) if limit else None
        self.emitted = 0
        # State is per query and per what the options point at (a board, feeds, authors),
        # so two crawls of one source with different option sets never share a state file.
        # A back-fill's window is not part of it: a back-fill leaves the state alone.
        aims = self.options.model_dump(mode="json", exclude={"since", "until"},
                                       exclude_defaults=True)
        key = hashlib.sha1((query + (f"\n{json.dumps(aims, sort_keys=True)}" if aims else ""))
                           .encode()).hexdigest()[:12]
        self.state_file = (Path(state_dir) / self.name / (campaign_id or "adhoc") / f"{key}.json"
                           if state_dir else None)
        self.state: dict[str, Any] = self._load_state()

    @classmethod
    def check_configuration(cls, settings: Settings,
                            options: str | dict[str, Any] | None = None) -> CrawlOptions:
        """The validated options, or ConfigurationError naming what is missing or wrong."""
        missing = [name for name in cls.credentials if not getattr(settings, name, None)]
        if missing:
            names = ", ".join(f"SENSING_{name.upper()}" for name in missing)
            raise ConfigurationError(f"{cls.name} needs {names} (environment or .env)"
                                     + (f": {cls.credentials_help}" if cls.credentials_help
                                        else ""))
        return cls.validate_options(options)

    @classmethod
    def validate_options(cls, options: str | dict[str, Any] | None) -> CrawlOptions:
        """``options`` (a dict or a JSON object) as this spider's Options, or
        ConfigurationError naming each bad field."""
        if isinstance(options, str):
            try:
                options = json.loads(options) if options.strip() else {}
            except ValueError as exc:
                raise ConfigurationError(f"{cls.name} options are not JSON: {exc}") from None
        try:
            return cls.Options.model_validate(options or {})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}"
                                 for e in exc.errors())
            raise ConfigurationError(f"bad {cls.name} options: {problems}") from None

    @property
    def follower_bound(self) -> int:
        """Author mode: followers collected per author (the option, else the setting)."""
        sample = getattr(self.options, "follower_sample", None)
        return self.sensing.follower_sample if sample is None else sample

    def credential(self, name: str) -> str:
        """A credential's value (secrets unwrapped); presence was checked at start."""
        value = getattr(self.sensing, name)
        return value.get_secret_value() if isinstance(value, SecretStr) else value

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

    def emit_author(self, profile: dict[str, Any]) -> AuthorItem:
        """An author profile (author/follower mode), stamped with the campaign like a post;
        profiles do not count toward ``limit``."""
        if self.campaign_id:
            profile["campaign_ids"] = [self.campaign_id]
        return AuthorItem(profile)

    def in_window(self, created_at: datetime) -> bool:
        """Inside the back-fill range of ``since``/``until`` (always, when neither is set)."""
        since, until = self.options.since, self.options.until
        return (since is None or created_at >= since) and (until is None or created_at < until)

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
