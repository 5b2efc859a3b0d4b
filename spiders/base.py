"""Base spider: the sources a spider serves, their requests and their health.

Each spider serves the enabled sources of some `kind`s in `veille.toml`. A source that
fails (HTTP error, timeout, bad content) is recorded with a one-line cause; the other
sources go on. The store step (`pipelines.crawl_steps`) writes the health at the end of the crawl
and hands the spider the state of earlier runs (`self.previous`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import scrapy
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from pipelines.config import Source, load_config
from spiders.items import CrawlState, FetchRecord

logger = logging.getLogger(__name__)


@dataclass
class SourceHealth:
    """What happened to one source during one crawl."""

    source: str
    status: str = "ok"
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def touch(self) -> None:
        """Note that the source just answered (for its duration)."""
        self.finished = time.monotonic()

    @property
    def duration_s(self) -> float:
        """Seconds from the first request to the last answer."""
        return round((self.finished or time.monotonic()) - self.started, 3)


class VeilleSpider(scrapy.Spider):
    """A spider that serves the configured sources of its `source_kinds`.

    `scrapy crawl <name> -a sources=a,b` limits the run to some sources.
    """

    source_kinds: set[str] = set()

    def __init__(self, *args, sources: str | None = None, config_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = load_config(config_path)
        wanted = set(sources.split(",")) if sources else None
        self.sources: list[Source] = [
            s for s in self.config.enabled_sources(self.source_kinds)
            if wanted is None or s.name in wanted
        ]
        self.health: dict[str, SourceHealth] = {}
        self.previous = CrawlState()  # replaced by the store step when the crawl opens

    @classmethod
    def update_settings(cls, settings) -> None:
        """The spider's settings, plus the middleware that turns an unexpected exception in
        a callback into its source's failure (`SourceFailureMiddleware`)."""
        super().update_settings(settings)
        settings.set("SPIDER_MIDDLEWARES", {FAILURE_MIDDLEWARE: 10}, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """The config file is the crawl's VEILLE_CONFIG setting unless `-a config_path=` names one."""
        kwargs.setdefault("config_path", crawler.settings.get("VEILLE_CONFIG") or None)
        return super().from_crawler(crawler, *args, **kwargs)

    def source_request(self, source: Source, url: str | None = None, callback=None, **meta) -> scrapy.Request:
        """A request on behalf of `source`, whose failures are charged to it."""
        self.health.setdefault(source.name, SourceHealth(source.name))
        return scrapy.Request(
            url or source.url,
            callback=callback or self.parse,
            errback=self.on_error,
            meta={"source": source, **meta},
            dont_filter=True,
        )

    def answered(self, response) -> Source:
        """The source a response belongs to (and note its answer time)."""
        source = response.meta["source"]
        self.health[source.name].touch()
        return source

    def fail(self, source: Source, cause: str, status: str = "failed") -> None:
        """Record a source failure (or warning) with its cause, in one log line."""
        health = self.health.setdefault(source.name, SourceHealth(source.name))
        health.touch()
        if health.status != "failed":
            health.status, health.error = status, cause
        log = logger.error if status == "failed" else logger.warning
        log("source %s %s : %s (%s)", source.name, "en échec" if status == "failed" else "avertissement", cause, source.url)

    def on_error(self, failure) -> None:
        """Errback: turn a download failure into a one-line cause for its source."""
        source = failure.request.meta["source"]
        self.fail(source, describe_failure(failure, self.settings.getfloat("DOWNLOAD_TIMEOUT")))


FAILURE_MIDDLEWARE = "spiders.base.SourceFailureMiddleware"


def unexpected_cause(exception: BaseException, where: str = "") -> str:
    """One French line for an exception nobody expected (its type and its first line)."""
    message = " ".join(str(exception).split())[:140]
    detail = f"{type(exception).__name__}: {message}" if message else type(exception).__name__
    return f"erreur inattendue ({detail})" + (f" en lisant {where[:120]}" if where else "")


class SourceFailureMiddleware:
    """Spider middleware: any exception a callback raises (a RecursionError from a deeply
    nested JSON, a MemoryError, a bad selector...) becomes the failure of the response's
    source, in one line with the exception's type. What the callback yielded before is
    kept; the rest of the crawl goes on. Added to every `VeilleSpider` by `update_settings`."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        """The crawler gives the spider."""
        return cls(crawler)

    def process_spider_exception(self, response, exception):
        """Charge the exception to the response's source and swallow it (None: not ours)."""
        spider = getattr(self.crawler, "spider", None)
        try:
            source = response.meta.get("source")
        except AttributeError:  # a response built without a request
            source = None
        if not isinstance(spider, VeilleSpider) or not isinstance(source, Source):
            return None
        spider.fail(source, unexpected_cause(exception, response.url))
        return ()


def describe_failure(failure, timeout: float) -> str:
    """One French line saying why a download failed."""
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"HTTP {status}" + {404: " (introuvable)", 403: " (accès refusé)", 429: " (trop de requêtes)"}.get(
            status, " (erreur du serveur)" if status >= 500 else ""
        )
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return f"délai dépassé (pas de réponse en {timeout:g} s)"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "nom de domaine introuvable (DNS)"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connexion refusée"
    if failure.check(ResponseDataLossError):
        return "réponse tronquée (connexion coupée avant la fin)"
    return f"échec du téléchargement ({failure.type.__name__} : {failure.getErrorMessage()})"


def fetch_record(response, requested_url: str = "") -> FetchRecord:
    """The record of a Scrapy response (production URLs, even on the replay)."""
    return FetchRecord(
        body=response.body,
        sha256=hashlib.sha256(response.body).hexdigest(),
        fetched=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        status=response.status,
        url=requested_url or response.url,
        final_url=response.url,
        content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
    )
