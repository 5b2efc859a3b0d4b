"""Scrapy settings of veille, shared by `veille crawl`, `scrapy crawl <spider>` and Scrapyd.

Values a user may change live in `veille.toml` ([crawl]), applied by the add-on
`spiders.addon.ConfigAddon`. Settings (`-s NAME=value`, Scrapyd's `setting=`) or
environment variables choose for one run: VEILLE_CONFIG (config file), VEILLE_REPLAY
(base URL of a recorded copy of the sources, e.g. http://127.0.0.1:8765), VEILLE_RUN_ID.
"""

import os

BOT_NAME = "veille"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# A spider module that fails to import must not stop the other sources.
SPIDER_LOADER_CLASS = "spiders.loader.IsolatingSpiderLoader"

VEILLE_CONFIG = os.environ.get("VEILLE_CONFIG", "")
ADDONS = {"spiders.addon.ConfigAddon": 0}

USER_AGENT = "veille/0.1"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
DOWNLOAD_TIMEOUT = 30.0
RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Conditional requests: cached responses are revalidated with If-None-Match /
# If-Modified-Since, and a 304 serves the cached body. Archive requests bypass the cache
# (`dont_cache`, spiders/opendata.py): they carry the validators of the version last read,
# so an unchanged archive is a 304 with no body, and nothing is read or written.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_STORAGE = "spiders.http_cache.CrashSafeCacheStorage"
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 404, 403, 429]

VEILLE_REPLAY = os.environ.get("VEILLE_REPLAY", "")
VEILLE_RUN_ID = os.environ.get("VEILLE_RUN_ID", "")

# Archives (requests of `OpenDataSpider.archive_request`) are streamed to a file, hashed on
# the way, never held in memory; every other request goes to Scrapy's HTTP/1.1 handler.
DOWNLOAD_HANDLERS = {
    "http": "spiders.streaming.ArchiveDownloadHandler",
    "https": "spiders.streaming.ArchiveDownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    "spiders.replay.ReplayMiddleware": 950,
}

# The raw JSONL is written after the store step: it keeps what was stored (and what could
# not be), not the off-topic items turned down.
ITEM_PIPELINES = {
    "pipelines.crawl_steps.StorePipeline": 300,
    "pipelines.crawl_steps.RawItemsPipeline": 350,
    "pipelines.crawl_steps.ArchivePipeline": 400,
}

LOG_LEVEL = os.environ.get("VEILLE_LOG_LEVEL", "INFO")
LOG_INSTALL_ROOT_HANDLER = True
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
