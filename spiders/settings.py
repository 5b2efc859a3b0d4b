"""Scrapy settings of veille, shared by `veille crawl` and `scrapy crawl <spider>`.

Values a user may change live in `veille.toml` ([crawl]); environment variables
override them for one run: VEILLE_CONFIG (config file), VEILLE_REPLAY (base URL of a
recorded copy of the sources, e.g. http://127.0.0.1:8765), VEILLE_RUN_ID.
"""

import os

from pipelines.config import ConfigError, load_config

BOT_NAME = "veille"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# A spider module that fails to import must not stop the other sources.
SPIDER_LOADER_CLASS = "spiders.loader.IsolatingSpiderLoader"

try:
    _crawl = load_config()
except ConfigError:
    _crawl = None  # reported by the command that needs the config

USER_AGENT = _crawl.user_agent if _crawl else "veille/0.1"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = _crawl.download_delay if _crawl else 1.0
DOWNLOAD_DELAY_JITTER = 0.5
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
DOWNLOAD_TIMEOUT = _crawl.download_timeout if _crawl else 30.0
RETRY_ENABLED = True
RETRY_TIMES = _crawl.retry_times if _crawl else 2
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Conditional requests: cached responses are revalidated with If-None-Match /
# If-Modified-Since, and a 304 serves the cached body.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = str(_crawl.database.parent / "httpcache") if _crawl else "httpcache"
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 404, 403, 429]

VEILLE_REPLAY = os.environ.get("VEILLE_REPLAY", "")
VEILLE_RUN_ID = os.environ.get("VEILLE_RUN_ID", "")

DOWNLOADER_MIDDLEWARES = {
    "spiders.replay.ReplayMiddleware": 950,
}

ITEM_PIPELINES = {
    "pipelines.raw.RawItemsPipeline": 100,
    "pipelines.store.StorePipeline": 300,
    "pipelines.archive.ArchivePipeline": 400,
}

LOG_LEVEL = os.environ.get("VEILLE_LOG_LEVEL", "INFO")
LOG_INSTALL_ROOT_HANDLER = True
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
