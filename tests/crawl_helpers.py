"""A crawler stand-in for driving the crawl's item pipelines (`pipelines.crawl_steps`)
without a Scrapy engine: real settings and config, signals that connect nothing."""

from __future__ import annotations

from scrapy.settings import Settings


class _Signals:
    def connect(self, *args, **kwargs):
        """Nothing is connected: the test calls the pipelines' hooks itself."""


class _Spider:
    name = "essai"

    def __init__(self, config):
        self.config = config
        self.sources: list = []
        self.health: dict = {}


class StandInCrawler:
    """What `CrawlContext` reads of a crawler: settings (a run id), signals and the spider."""

    def __init__(self, config, run_id: str = "run-essai"):
        self.settings = Settings({"VEILLE_RUN_ID": run_id})
        self.signals = _Signals()
        self.spider = _Spider(config)
