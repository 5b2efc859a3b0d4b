"""Scrapy add-on: the [crawl] section of the config becomes Scrapy settings.

The config file is the VEILLE_CONFIG setting (or $VEILLE_CONFIG, or ./veille.toml), so
`scrapy crawl`, Scrapyd and `veille crawl` read the same file, and nothing is read when
the settings module is imported. A config that cannot be read leaves Scrapy's defaults;
the spider then stops on it with one French line. The values take the project's
priority (they are the project's settings, written in the config instead of
`spiders/settings.py`), so `-s NAME=value` still overrides them.
"""

from __future__ import annotations

import logging

from pipelines.config import ConfigError, load_config

logger = logging.getLogger(__name__)


class ConfigAddon:
    """Apply `[crawl]` (user agent, delay, timeout, retries) and the cache folder."""

    def update_settings(self, settings) -> None:
        """Set the crawl settings from the config named by VEILLE_CONFIG."""
        try:
            config = load_config(settings.get("VEILLE_CONFIG") or None)
        except ConfigError:
            return
        settings.set("VEILLE_CONFIG", str(config.path), priority="project")
        settings.set("USER_AGENT", config.user_agent, priority="project")
        settings.set("DOWNLOAD_DELAY", config.download_delay, priority="project")
        settings.set("AUTOTHROTTLE_START_DELAY", config.download_delay, priority="project")
        settings.set("DOWNLOAD_TIMEOUT", config.download_timeout, priority="project")
        settings.set("RETRY_TIMES", config.retry_times, priority="project")
        settings.set("HTTPCACHE_DIR", str(config.database.parent / "httpcache"), priority="project")
