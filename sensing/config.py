"""One settings object, read from the environment (``SENSING_*``) or a ``.env`` file.

The defaults describe the embedded deployment (SQLite store, file-system Celery broker, data
under ``./sensing-data``), so a fresh checkout runs with no configuration at all. Production
sets ``SENSING_STORE=elasticsearch``, ``SENSING_ES_URL`` and ``SENSING_BROKER_URL``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

CHECKOUT = Path(__file__).resolve().parents[1]
"""The source checkout (the package is installed editable by `make setup`)."""

DEFAULT_LANGUAGES: tuple[str, ...] = (
    "en", "ko", "ja", "es", "fr", "de", "pt", "zh",  # the project's evaluated languages
    "it", "nl", "pl", "tr", "id", "vi",              # more Latin-script ones lingua reads well
    "ru", "ar", "hi", "th", "el", "he",              # one per script: no model ever loaded
)
"""The languages answered without a campaign (``SENSING_LANGUAGES``); see nlp.steps.langid
for why these and what they cost."""


class Webhook(BaseModel):
    """An alert destination: a URL receiving a POST of the alert, as Sensing's own JSON or as
    a Slack-compatible message (``text`` and ``blocks``)."""

    url: str = Field(pattern=r"^https?://")
    format: Literal["json", "slack"] = "json"


class Settings(BaseSettings):
    """Every knob of the service, with defaults that make the embedded mode work."""

    model_config = SettingsConfigDict(env_prefix="SENSING_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("sensing-data"), description="Where the embedded store, broker "
                           "folders, crawl state and reports live.")
    store: Literal["sqlite", "elasticsearch"] = "sqlite"
    sqlite_path: Path | None = Field(None, description="Defaults to DATA_DIR/sensing.db.")
    es_url: str = "http://127.0.0.1:9200"
    es_index_prefix: str = Field("sensing", description="Prefix of every index, alias and "
                                 "template, so several deployments can share one cluster.")
    es_shards: int = 1
    es_replicas: int = 0

    broker_url: str | None = Field(None, description="Celery broker; None means the embedded "
                                   "file-system broker under DATA_DIR/broker.")
    redis_url: str = "redis://127.0.0.1:6379/0"
    crawl_sink: str = Field("workers.crawl_sink.CelerySink", description="Where a crawl started "
                            "by a campaign hands its batches: the dotted path of a sink class "
                            "(crawlers.sinks); the default queues analysis tasks.")
    analyze_batch_size: int = Field(100, ge=1, le=5000, description="Posts per analysis task.")

    languages: list[str] = Field(default_factory=lambda: list(DEFAULT_LANGUAGES),
                                 description="The languages (ISO 639-1) language ID answers "
                                 "for posts analysed without a campaign; a campaign's own "
                                 "languages replace them. The default set costs ~270 MB "
                                 "of lingua models per worker (nlp.steps.langid).")
    user_agent: str = ("SensingBot/0.1 (+https://github.com/sensing-project/sensing; "
                       "social listening)")

    # Sources: where each platform's API is, and the credentials it needs. A crawl of a
    # source whose credentials are missing stops before it starts, naming the variables.
    mastodon_base_url: str = "https://mastodon.social"
    mastodon_access_token: SecretStr | None = Field(None, description="Optional: instances "
                                                    "answer full-text status search only to "
                                                    "logged-in accounts.")
    bluesky_base_url: str = "https://bsky.social"
    bluesky_handle: str | None = None
    bluesky_app_password: SecretStr | None = Field(None, description="An app password (Settings "
                                                   "-> App passwords), never the main one.")
    youtube_base_url: str = "https://www.googleapis.com/youtube/v3"
    youtube_api_key: SecretStr | None = None
    youtube_daily_quota: int = Field(10_000, ge=1, description="Quota units a day (search.list "
                                     "costs 100, list calls 1); crawls stop before spending it.")
    reddit_base_url: str = "https://oauth.reddit.com"
    reddit_auth_url: str = "https://www.reddit.com/api/v1/access_token"
    reddit_client_id: str | None = None
    reddit_client_secret: SecretStr | None = None
    crawl_every_minutes: int = Field(60, ge=1, description="How often the schedule re-crawls "
                                     "each source of an active campaign.")
    crawl_every_minutes_near_launch: int = Field(10, ge=1, description="... within "
                                                 "NEAR_LAUNCH_HOURS of the launch.")
    near_launch_hours: int = Field(48, ge=0, description="Before and after the launch, the "
                                   "hours in which crawls run at the faster rate.")
    schedule_check_seconds: int = Field(60, ge=1, description="How often Celery beat looks for "
                                        "crawls that are due.")
    replan_wait_minutes: int = Field(120, ge=0, description="After a scheduled crawl, how long "
                                     "the re-plan waits for the crawl's analysis to land "
                                     "before it plans on what has (and says so).")
    replan_poll_seconds: int = Field(15, ge=1, description="How often the waiting re-plan "
                                     "looks whether the analysis has landed.")
    alert_webhooks: dict[str, Webhook] = Field(default_factory=dict, description="Where alerts "
                                               "go, by name: JSON, e.g. "
                                               "'{\"ops\": {\"url\": \"https://hooks.example"
                                               "/T1\", \"format\": \"slack\"}}'.")
    alert_check_minutes: int = Field(15, ge=1, description="How often Celery beat looks for "
                                     "spikes and negative turns, and re-sends deliveries a "
                                     "restart left pending.")
    alert_max_attempts: int = Field(8, ge=1, le=50, description="Deliveries of an alert to one "
                                    "webhook before it is marked failed (back-off doubles "
                                    "from 10 s to 10 min).")
    follower_sample: int = Field(200, ge=0, le=10_000, description="Followers per author "
                                 "collected in author mode (profiles and recent posts).")
    models_dir: Path = Field(CHECKOUT / "models", description="Where `sensing models build` "
                             "writes the offline models: by default the checkout's models/, "
                             "so that every command finds them whatever its working directory.")
    encoder_model: str | None = Field(None, description="Multilingual sentence encoder, a "
                                      "Hugging Face directory or name (relevance); "
                                      "defaults to MODELS_DIR/multilingual-e5-small.")
    sentiment_model: str | None = Field(None, description="Any Hugging Face sequence-"
                                        "classification model by path or name; defaults to "
                                        "MODELS_DIR/sentiment-e5-small, built offline.")
    image_model: str | None = Field(None, description="A zero-shot image classification model "
                                    "(CLIP-style, a local Hugging Face directory) for subject "
                                    "labels; unset: the offline ImageNet classifier mapped to "
                                    "the marketing taxonomy (vision/taxonomy.py).")
    interest_taxonomy: Path = Field(CHECKOUT / "audience" / "data" / "interests.json",
                                    description="The interest taxonomy (a JSON file: two "
                                    "levels, names and descriptions per language) authors are "
                                    "classified against; default: the packaged one "
                                    "(audience/taxonomy.py).")
    tesseract_cmd: str = Field("tesseract", description="The tesseract program that reads "
                               "Korean text in images (vision/ocr.py).")
    torch_threads: int = Field(0, ge=0, le=256, description="Threads torch uses in a worker "
                               "(0: torch's default, one per core).")
    quantize_int8: bool = Field(False, description="Dynamic int8 quantisation of the models' "
                                "linear layers: faster on CPU, slightly less accurate.")
    media_fetch_allow: list[str] = Field(default_factory=list, description="Hosts or addresses "
                                         "that image fetching may reach although private "
                                         "(e.g. 127.0.0.1 for the demo's sample server); "
                                         "public hosts need no entry.")
    media_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Larger images are "
                                 "refused ('too-large').")
    media_max_pixels: int = Field(40_000_000, ge=1, description="Images with more pixels are "
                                  "refused before decoding (decompression bombs).")
    media_timeout_seconds: float = Field(10.0, gt=0, description="Per image fetch.")
    media_max_redirects: int = Field(5, ge=0)
    media_fetch_concurrency: int = Field(8, ge=1, le=64, description="Images fetched at once "
                                         "per batch.")
    max_post_bytes: int = Field(200_000, description="Posts with a longer raw text are rejected "
                                "with a reason instead of slowing a whole batch.")
    api_max_body_bytes: int = Field(1024 * 1024, ge=1, description="Request bodies larger "
                                    "than this are answered 413 before the rest is read "
                                    "(a campaign is a few kilobytes).")
    api_max_import_bytes: int = Field(200 * 1024 * 1024, ge=1, description="The limit for a "
                                      "customer file posted to /segments/import instead.")
    customer_salt: SecretStr | None = Field(None, description="The salt customer ids are "
                                            "hashed with before they are stored; default: one "
                                            "drawn once into DATA_DIR/customer-salt.")

    def with_values(self, values: dict[str, Any]) -> Settings:
        """A validated copy with ``values`` changed (secrets wrapped, types checked), for
        code that configures a deployment in-process, as the demo does for its sample
        sources."""
        return type(self).model_validate({**self.model_dump(), **values})

    @property
    def encoder_path(self) -> str:
        return self.encoder_model or str(self.models_dir / "multilingual-e5-small")

    @property
    def sentiment_path(self) -> str:
        return self.sentiment_model or str(self.models_dir / "sentiment-e5-small")

    @property
    def sqlite_file(self) -> Path:
        return self.sqlite_path or self.data_dir / "sensing.db"

    @property
    def broker_dir(self) -> Path:
        return self.data_dir / "broker"

    @property
    def state_dir(self) -> Path:
        return self.data_dir / "crawl-state"

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url is None


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings`` instead of patching this."""
    return Settings()
