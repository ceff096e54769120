"""Scrapy settings for Sensing's crawlers: polite by default.

``crawlers.runner`` starts from these and overrides what comes from Sensing's settings
(user agent, batch size, sink). Per-platform limits belong on the spider
(``custom_settings``), beside the API they describe.
"""

BOT_NAME = "sensing"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.2
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

RETRY_ENABLED = True
RETRY_TIMES = 5
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Longest wait a Retry-After header may impose before we give up on the request instead.
SENSING_RETRY_AFTER_MAX = 300
SENSING_BACKOFF_BASE = 0.5
# A platform's published limit, "<requests>/<seconds>" per host, declared by its spider in
# custom_settings (Mastodon: "300/300"); None keeps no limit of its own, but a host whose
# rate-limit headers say the quota is spent is held until the reset all the same.
SENSING_RATE_LIMIT = None

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.PoliteRetryMiddleware": 550,
    # Beside the downloader: it sees every response's headers before retry handles a 429,
    # and every retried request again on its way out.
    "crawlers.middlewares.RateLimitMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.ValidatePipeline": 100,
    "crawlers.pipelines.TextPipeline": 150,
    "crawlers.pipelines.DedupPipeline": 200,
    "crawlers.pipelines.BatchPipeline": 900,
}

# Where a batch goes: "jsonl:<path>" (sensing crawl --out) or the dotted path of a sink class
# (the runner sets Sensing's SENSING_CRAWL_SINK, by default the workers' analysis-task sink).
SENSING_SINK = "jsonl:crawl.jsonl"
SENSING_BATCH_SIZE = 100

LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
