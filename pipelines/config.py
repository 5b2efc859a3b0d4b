"""Load and validate `veille.toml`: the topic, the sources and the paths.

A malformed file stops with one `ConfigError` line naming the file, the key and the problem.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CONFIG_ENV = "VEILLE_CONFIG"
CONFIG_NAME = "veille.toml"
CADENCES = {"hourly", "daily", "weekly", "monthly"}


class ConfigError(ValueError):
    """A configuration problem, already phrased as one line for the user."""


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
    """One configured source: a feed or a dataset, with its spider family (`kind`)."""

    name: str
    kind: str
    url: str
    label: str = ""
    cadence: str = "daily"
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


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
    sections: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

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
    check = _Checker(file)
    topic_raw = check.table(raw, "topic")
    topic = Topic(
        name=check.string(topic_raw, "topic.name"),
        acronyms=check.strings(topic_raw, "topic.acronyms"),
        long_forms=check.strings(topic_raw, "topic.long_forms"),
        weak_signals=check.strings(topic_raw, "topic.weak_signals", required=False),
        exclusions=check.strings(topic_raw, "topic.exclusions", required=False),
        structures=check.structures(topic_raw, "topic.structures"),
    )
    storage = check.table(raw, "storage", required=False)
    crawl = check.table(raw, "crawl", required=False)
    base = file.absolute().parent  # not resolve(): a symlinked veille.toml keeps its own folder
    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(f"{file}: sources: doit être une liste [[sources]]")
    sources = tuple(check.source(s, i) for i, s in enumerate(sources_raw))
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{file}: sources: nom en double {duplicates[0]!r}")
    return Config(
        path=file,
        topic=topic,
        sources=sources,
        database=_under(base, os.environ.get("VEILLE_DB") or storage.get("database", "data/veille.db")),
        raw_dir=_under(base, storage.get("raw_dir", "data/raw")),
        user_agent=check.string(crawl, "crawl.user_agent", default="veille/0.1"),
        download_delay=check.number(crawl, "crawl.download_delay", default=1.0),
        download_timeout=check.number(crawl, "crawl.download_timeout", default=30.0),
        retry_times=int(check.number(crawl, "crawl.retry_times", default=2)),
        sections=raw,
    )


def _under(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path


class _Checker:
    """Typed accessors that turn a wrong value into a one-line `ConfigError`."""

    def __init__(self, file: Path):
        self.file = file

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.file}: {key}: {problem}")

    def table(self, data: dict, key: str, required: bool = True) -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "table manquante ou invalide" if value is None else "doit être une table")
        return value

    def string(self, data: dict, key: str, default: str | None = None) -> str:
        value = data.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "texte non vide attendu")
        return value

    def strings(self, data: dict, key: str, required: bool = True) -> tuple[str, ...]:
        value = data.get(key.rsplit(".", 1)[-1], [] if not required else None)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "liste de textes non vides attendue")
        if required and not value:
            raise self.fail(key, "la liste ne peut pas être vide")
        return tuple(value)

    def structures(self, data: dict, key: str) -> tuple[Structure, ...]:
        value = data.get(key.rsplit(".", 1)[-1], [])
        if not isinstance(value, list):
            raise self.fail(key, "liste de tables { name = \"...\", ville = \"...\" } attendue")
        found = []
        for index, item in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(item, dict):
                raise self.fail(where, "table { name = \"...\", ville = \"...\" } attendue")
            unknown = sorted(set(item) - {"name", "ville"})
            if unknown:
                raise self.fail(where, f"clé inconnue {unknown[0]!r} (attendu : name, ville)")
            found.append(Structure(self.string(item, f"{where}.name"), self.string(item, f"{where}.ville")))
        return tuple(found)

    def number(self, data: dict, key: str, default: float) -> float:
        value = data.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.fail(key, f"nombre positif attendu, pas {value!r}")
        return float(value)

    def source(self, data: Any, index: int) -> Source:
        where = f"sources[{index}]"
        if not isinstance(data, dict):
            raise self.fail(where, "doit être une table")
        name = self.string(data, f"{where}.name")
        where = f"sources[{index}] ({name})"
        kind = self.string(data, f"{where}.kind")
        url = self.string(data, f"{where}.url")
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise self.fail(f"{where}.url", f"URL http(s) attendue, pas {url!r}")
        cadence = data.get("cadence", "daily")
        if cadence not in CADENCES:
            raise self.fail(f"{where}.cadence", f"une valeur parmi {sorted(CADENCES)} attendue, pas {cadence!r}")
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            raise self.fail(f"{where}.enabled", "true ou false attendu")
        known = {"name", "kind", "url", "label", "cadence", "enabled"}
        return Source(
            name=name,
            kind=kind,
            url=url,
            label=str(data.get("label", name)),
            cadence=cadence,
            enabled=enabled,
            options={k: v for k, v in data.items() if k not in known},
        )
