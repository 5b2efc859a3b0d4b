"""Load and validate `veille.toml`: the topic, the sources, the paths and the settings of
the digest, the mail and the night's run.

The file is checked once, when it is loaded, against one schema (`pipelines.config_schema`):
unknown keys, wrong types and bad values stop with one `ConfigError` line naming the file,
the key and the problem. The result is typed: callers never re-check a section.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipelines import config_schema as schema
from pipelines.config_schema import CADENCES, FORMATS, TLS_MODES, WEEKDAYS

__all__ = [
    "CADENCES", "FORMATS", "TLS_MODES", "WEEKDAYS", "Config", "ConfigError", "DigestSettings", "MailSettings",
    "NightlySettings", "Source", "Structure", "Topic", "config_path", "load_config",
]

CONFIG_ENV = "VEILLE_CONFIG"
CONFIG_NAME = "veille.toml"


class ConfigError(ValueError):
    """A configuration problem, already phrased as one line for the user (the first one;
    `problems` lists every line found when the file was checked)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class Topic:
    """What veille watches: a canonical name, its spellings and its weak signals."""

    name: str
    acronyms: tuple[str, ...]
    long_forms: tuple[str, ...]
    weak_signals: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    structures: tuple["Structure", ...] = ()


@dataclass(frozen=True)
class Structure:
    """A structure of the experiment (`[topic] structures`): its name and its city."""

    name: str
    ville: str


@dataclass(frozen=True)
class Source:
    """One configured source: a feed or a dataset, with its spider family (`kind`).

    `options` holds the other keys of its entry, already checked against its kind's model
    (only the keys the file sets: a spider applies its own defaults)."""

    name: str
    kind: str
    url: str
    label: str = ""
    cadence: str = "daily"
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class DigestSettings:
    """The [digest] section: where and how the weekly digest is written (`weekday`: 0 = Monday)."""

    site_url: str
    out_dir: Path
    formats: tuple[str, ...]
    weekday: int
    max_items: int
    title: str


@dataclass(frozen=True)
class MailSettings:
    """The [mail] section (the password comes from the variable named by `password_env`)."""

    host: str
    port: int
    tls: str
    user: str
    sender: str
    recipients: tuple[str, ...]
    subject_prefix: str
    timeout: float
    password_env: str
    ca_file: Path | None

    @property
    def configured(self) -> bool:
        """True when there is somewhere to send the digest."""
        return bool(self.host and self.recipients)


@dataclass(frozen=True)
class NightlySettings:
    """The [nightly] section."""

    max_consecutive_failures: int
    lock_file: Path
    crawl_timeout_s: float
    tag_timeout_s: float
    publish_command: str


@dataclass(frozen=True)
class AlertSettings:
    """One [[alerts]] entry: a saved search (as typed in the site's search box), its
    recipients (default: [mail] recipients) and its rhythm (`immediate` or `daily`)."""

    name: str
    query: str
    recipients: tuple[str, ...]
    cadence: str


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    path: Path
    topic: Topic
    sources: tuple[Source, ...]
    database: Path
    raw_dir: Path
    user_agent: str
    download_delay: float
    download_timeout: float
    retry_times: int
    digest: DigestSettings
    mail: MailSettings
    nightly: NightlySettings
    alerts: tuple[AlertSettings, ...] = ()

    def enabled_sources(self, kinds: set[str] | None = None) -> list[Source]:
        """Return the enabled sources, optionally only those of the given kinds."""
        return [s for s in self.sources if s.enabled and (kinds is None or s.kind in kinds)]


def config_path(path: str | os.PathLike | None = None) -> Path:
    """The config file: the explicit path, else $VEILLE_CONFIG, else ./veille.toml (the one
    `veille init` writes). Never looked for elsewhere."""
    if path:
        return Path(path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return Path.cwd() / CONFIG_NAME


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read, validate and return the configuration; raise `ConfigError` on any problem."""
    file = config_path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: fichier de configuration introuvable"
                          " (créez-le avec « veille init » ou indiquez-le avec --config / VEILLE_CONFIG)") from None
    except OSError as exc:
        raise ConfigError(f"{file}: fichier de configuration illisible ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: TOML invalide ({exc})") from None
    return _build(file, raw)


def _build(file: Path, raw: dict[str, Any]) -> Config:
    try:
        checked = schema.validate(raw)
    except ValidationError as exc:
        found = [f"{file}: {line}" for line in schema.problems(exc, raw)]
        raise ConfigError(found[0], found) from None
    names = [s.name for s in checked.sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{file}: sources: nom en double {duplicates[0]!r}")
    alert_names = [a.name for a in checked.alerts]
    twice = sorted({n for n in alert_names if alert_names.count(n) > 1})
    if twice:
        raise ConfigError(f"{file}: alerts: nom en double {twice[0]!r}")
    base = file.absolute().parent  # not resolve(): a symlinked veille.toml keeps its own folder
    database = _under(base, os.environ.get("VEILLE_DB") or checked.storage.database)
    topic = checked.topic
    return Config(
        path=file,
        topic=Topic(
            name=topic.name,
            acronyms=tuple(topic.acronyms),
            long_forms=tuple(topic.long_forms),
            weak_signals=tuple(topic.weak_signals),
            exclusions=tuple(topic.exclusions),
            structures=tuple(Structure(s.name, s.ville) for s in topic.structures),
        ),
        sources=tuple(_source(s) for s in checked.sources),
        database=database,
        raw_dir=_under(base, checked.storage.raw_dir),
        user_agent=checked.crawl.user_agent,
        download_delay=checked.crawl.download_delay,
        download_timeout=checked.crawl.download_timeout,
        retry_times=checked.crawl.retry_times,
        digest=_digest(checked.digest, base, topic.name, checked.site.public_url),
        mail=_mail(checked.mail, base, topic.name),
        nightly=_nightly(checked.nightly, base, database),
        alerts=tuple(AlertSettings(a.name, a.query, tuple(a.recipients), a.cadence) for a in checked.alerts),
    )


def _source(entry: schema.SourceTable) -> Source:
    return Source(
        name=entry.name,
        kind=entry.kind,
        url=entry.url,
        label=entry.name if entry.label is None else entry.label,
        cadence=entry.cadence,
        enabled=entry.enabled,
        options=schema.source_options(entry),
    )


def _digest(table: schema.DigestTable, base: Path, topic: str, public_url: str) -> DigestSettings:
    return DigestSettings(
        site_url=(public_url or table.site_url).rstrip("/"),
        out_dir=_under(base, table.out_dir),
        formats=tuple(dict.fromkeys(table.formats)) or FORMATS,
        weekday=WEEKDAYS.index(table.weekday),
        max_items=table.max_items,
        title=table.title or f"Veille {topic}",
    )


def _mail(table: schema.MailTable, base: Path, topic: str) -> MailSettings:
    return MailSettings(
        host=table.host,
        port=table.port or {"ssl": 465, "starttls": 587, "none": 25}[table.tls],
        tls=table.tls,
        user=table.user,
        sender=table.sender,
        recipients=tuple(table.recipients),
        subject_prefix=f"[Veille {topic}]" if table.subject_prefix is None else table.subject_prefix,
        timeout=table.timeout,
        password_env=table.password_env,
        ca_file=_under(base, table.ca_file) if table.ca_file else None,
    )


def _nightly(table: schema.NightlyTable, base: Path, database: Path) -> NightlySettings:
    return NightlySettings(
        max_consecutive_failures=table.max_consecutive_failures,
        lock_file=_under(base, table.lock_file) if table.lock_file else database.parent / "nightly.lock",
        crawl_timeout_s=table.crawl_timeout_s,
        tag_timeout_s=table.tag_timeout_s,
        publish_command=table.publish_command,
    )


def _under(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path
