"""Run the spiders of the configured sources in one Scrapy process, as one recorded run."""

from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from spiders.loader import IsolatingSpiderLoader as SpiderLoader

from pipelines import db as database
from pipelines.config import Config
from pipelines.crawl_steps import regroup
from pipelines.nightly import NightlyLock


def scrapy_settings(config: Config, run_id: str = "", replay: str = "", timeout: float | None = None,
                    log_level: str = "WARNING") -> Settings:
    """The project settings, pointed at this run, this database and (optionally) the replay."""
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("VEILLE_CONFIG", str(config.path), priority="cmdline")
    settings.set("VEILLE_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_LEVEL", os.environ.get("VEILLE_LOG_LEVEL", log_level), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(config.database.parent / "httpcache"), priority="cmdline")
    if replay:
        # Politeness protects real hosts; the local replay needs none.
        settings.set("VEILLE_REPLAY", replay, priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    if timeout is not None:
        settings.set("DOWNLOAD_TIMEOUT", timeout, priority="cmdline")
    return settings


def spiders_for(config: Config, settings: Settings, names: list[str] | None = None) -> list[str]:
    """Spider names that serve at least one enabled source (or the names asked for)."""
    loader = SpiderLoader.from_settings(settings)
    kinds = {s.kind for s in config.enabled_sources()}
    available = [n for n in loader.list() if kinds & set(getattr(loader.load(n), "source_kinds", set()))]
    if names:
        unknown = sorted(set(names) - set(loader.list()))
        if unknown:
            raise ValueError(f"araignée inconnue : {', '.join(unknown)} (disponibles : {', '.join(loader.list())})")
        return names
    return available


def unserved_sources(config: Config, settings: Settings) -> list[str]:
    """Enabled sources whose kind no spider serves (a config mistake worth reporting)."""
    loader = SpiderLoader.from_settings(settings)
    kinds = set().union(*(getattr(loader.load(n), "source_kinds", set()) for n in loader.list()))
    return [f"{s.name} (kind {s.kind!r})" for s in config.enabled_sources() if s.kind not in kinds]


def check_options(config: Config, replay: str = "", sources: list[str] | None = None,
                  timeout: float | None = None) -> None:
    """Refuse, in one French line (ValueError), a `--replay` that is not an http(s) URL, a
    `--timeout` that is not a positive number and `--source` names the config does not know."""
    if replay:
        parts = urlsplit(replay)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--replay : URL http(s) attendue (par exemple http://127.0.0.1:8765), pas {replay!r}")
    if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError(f"--timeout : nombre de secondes strictement positif attendu, pas {timeout:g}")
    known = {s.name for s in config.sources}
    unknown = sorted(set(sources or ()) - known)
    if unknown:
        raise ValueError(f"--source : source inconnue {', '.join(unknown)} (voir « veille sources »)")
    disabled = sorted(s.name for s in config.sources if s.name in set(sources or ()) and not s.enabled)
    if disabled:
        raise ValueError(f"--source : source désactivée dans la configuration : {', '.join(disabled)}")


def crawl_lock(config: Config) -> NightlyLock:
    """The lock that keeps one crawl at a time per data folder (its HTTP cache and its
    database): `crawl.lock` beside the database."""
    return NightlyLock(config.database.parent / "crawl.lock",
                       busy=f"une autre collecte est déjà en cours dans {config.database.parent}")


def run_crawl(config: Config, replay: str = "", spiders: list[str] | None = None,
              sources: list[str] | None = None, timeout: float | None = None) -> dict:
    """Crawl, store and record one run; return the `runs` row (status "failed" when a
    source failed). Raise `LockBusy` when another crawl of the same data folder runs."""
    with crawl_lock(config):
        return _run_crawl(config, replay, spiders, sources, timeout)


def _run_crawl(config: Config, replay: str, spiders: list[str] | None, sources: list[str] | None,
               timeout: float | None) -> dict:
    check_options(config, replay, sources, timeout)
    names = spiders_for(config, scrapy_settings(config, "", replay, timeout), spiders)  # unknown names: ValueError
    db = database.open_db(config.database)
    database.sync_sources(db, config.sources)
    run_id = database.start_run(db, "crawl" + (" (replay)" if replay else ""))
    settings = scrapy_settings(config, run_id, replay, timeout)
    errors = [f"aucune araignée pour la source {s}" for s in unserved_sources(config, settings)]
    errors += [f"module d'araignée {m} ignoré : {cause}" for m, cause in SpiderLoader.from_settings(settings).broken.items()]
    process = CrawlerProcess(settings)
    for name in names:
        kwargs = {"sources": ",".join(sources)} if sources else {}
        process.crawl(name, **kwargs)
    process.start()
    regroup(db)
    raw = Path(config.raw_dir) / run_id
    return database.finish_run(db, run_id, raw_path=str(raw) if raw.exists() else None, errors=errors)
