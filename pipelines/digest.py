"""The weekly digest: which week, which settings, build it, write it in four formats.

`build_digest` gathers the sections through the named queries of `datasette/metadata.yml`
(`pipelines.digest_data`), `write_digest` renders them (`pipelines.digest_render`). Weeks are
ISO weeks in Paris time: 2026-W07 runs from Monday 9 to Sunday 15 February 2026.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.config import Config, ConfigError
from pipelines.labels import MONTHS, french_date

PARIS = ZoneInfo("Europe/Paris")
FORMATS = ("html", "md", "csv", "json")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
TLS_MODES = ("starttls", "ssl", "none")


class DigestError(ValueError):
    """A user error about the digest (week, format, settings), phrased as one line."""


@dataclass(frozen=True)
class Week:
    """One ISO week; `start` is its Monday, `end` its Sunday (dates in Paris time)."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """The ISO label, e.g. "2026-W07"."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def start(self) -> date:
        """Monday of the week."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> date:
        """Sunday of the week."""
        return self.start + timedelta(days=6)

    def shifted(self, weeks: int) -> "Week":
        """The week `weeks` weeks later (negative: earlier)."""
        return week_of(self.start + timedelta(weeks=weeks))

    def french(self) -> str:
        """"du 9 au 15 février 2026" (months and years only when they differ)."""
        s, e = self.start, self.end
        first = f"{s.day}{'er' if s.day == 1 else ''}"
        if s.year != e.year:
            first += f" {MONTHS[s.month - 1]} {s.year}"
        elif s.month != e.month:
            first += f" {MONTHS[s.month - 1]}"
        return f"du {first} au {french_date(e)}"




def week_of(d: date) -> Week:
    """The ISO week containing `d`."""
    year, number, _ = d.isocalendar()
    return Week(year, number)


def today_paris() -> date:
    """Today's date in Paris."""
    return datetime.now(PARIS).date()


def previous_week(today: date | None = None) -> Week:
    """The last complete week (the default digest week)."""
    return week_of((today or today_paris()) - timedelta(days=7))


WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(text: str | None, today: date | None = None) -> Week:
    """Parse "2026-W07" (also "2026W7"); None means the last complete week. Raise
    `DigestError` for anything else, including week 53 of a 52-week year and future weeks."""
    if text is None or text == "":
        return previous_week(today)
    match = WEEK_RE.match(text.strip())
    if not match:
        raise DigestError(f"semaine inconnue {text!r} : format attendu AAAA-Wnn, par exemple 2026-W07")
    year, number = int(match[1]), int(match[2])
    try:
        week = Week(year, number)
        week.start  # noqa: B018 (validates the week number)
    except ValueError:
        raise DigestError(f"semaine inconnue {text!r} : l'année {year} n'a pas de semaine {number}") from None
    if week.start > (today or today_paris()):
        raise DigestError(f"semaine {week.label} : elle n'a pas encore commencé")
    return week


def parse_formats(values: tuple[str, ...] | list[str] | None) -> list[str]:
    """Formats asked for ("html,md" or repeated options); all four by default."""
    wanted = [f.strip().lower() for v in (values or ()) for f in v.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise DigestError(f"format inconnu {unknown[0]!r} : formats possibles {', '.join(FORMATS)}")
    return list(dict.fromkeys(wanted)) or list(FORMATS)


@dataclass(frozen=True)
class DigestSettings:
    """The [digest] section of veille.toml."""

    site_url: str = ""
    database_name: str = "veille"
    out_dir: Path = Path("data/digests")
    formats: tuple[str, ...] = FORMATS
    weekday: int = 0
    max_items: int = 25
    title: str = "Veille SEC-Pa"


@dataclass(frozen=True)
class MailSettings:
    """The [mail] section of veille.toml (the password comes from $VEILLE_SMTP_PASSWORD)."""

    host: str = ""
    port: int = 587
    tls: str = "starttls"
    user: str = ""
    sender: str = ""
    recipients: tuple[str, ...] = ()
    subject_prefix: str = "[Veille SEC-Pa]"
    timeout: float = 30.0
    password_env: str = "VEILLE_SMTP_PASSWORD"
    ca_file: Path | None = None

    @property
    def configured(self) -> bool:
        """True when there is somewhere to send the digest."""
        return bool(self.host and self.recipients)


@dataclass(frozen=True)
class NightlySettings:
    """The [nightly] section of veille.toml."""

    max_consecutive_failures: int = 3
    lock_file: Path = Path("data/nightly.lock")
    crawl_timeout_s: float = 3600.0
    tag_timeout_s: float = 3600.0
    publish_command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _section(config: Config, name: str) -> dict[str, Any]:
    value = config.sections.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{config.path}: {name}: doit être une table")
    return value


def _typed(config: Config, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ConfigError(f"{config.path}: {key}: {what} attendu, pas {value!r}")
    if not isinstance(value, kind):
        raise ConfigError(f"{config.path}: {key}: {what} attendu, pas {value!r}")
    return value


def _path(config: Config, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else config.path.resolve().parent / path


def weekday_number(config: Config, value: str) -> int:
    """"lundi" → 0 … "dimanche" → 6 (one-line ConfigError otherwise)."""
    name = str(value).strip().lower()
    if name not in WEEKDAYS:
        raise ConfigError(f"{config.path}: digest.weekday: un jour parmi {', '.join(WEEKDAYS)} attendu, pas {value!r}")
    return WEEKDAYS.index(name)


def digest_settings(config: Config) -> DigestSettings:
    """Read and check [digest]."""
    raw = _section(config, "digest")
    formats = raw.get("formats", list(FORMATS))
    try:
        formats = tuple(parse_formats(_typed(config, "digest.formats", formats, list, "liste de formats")))
    except DigestError as exc:
        raise ConfigError(f"{config.path}: digest.formats: {exc}") from None
    return DigestSettings(
        site_url=_typed(config, "digest.site_url", raw.get("site_url", ""), str, "URL").rstrip("/"),
        database_name=config.database.stem,
        out_dir=_path(config, _typed(config, "digest.out_dir", raw.get("out_dir", "data/digests"), str, "chemin")),
        formats=formats,
        weekday=weekday_number(config, raw.get("weekday", "lundi")),
        max_items=_typed(config, "digest.max_items", raw.get("max_items", 25), int, "nombre entier"),
        title=_typed(config, "digest.title", raw.get("title", f"Veille {config.topic.name}"), str, "texte"),
    )


def mail_settings(config: Config) -> MailSettings:
    """Read and check [mail]."""
    raw = _section(config, "mail")
    tls = _typed(config, "mail.tls", raw.get("tls", "starttls"), str, "texte").lower()
    if tls not in TLS_MODES:
        raise ConfigError(f"{config.path}: mail.tls: une valeur parmi {', '.join(TLS_MODES)} attendue, pas {tls!r}")
    recipients = raw.get("recipients", [])
    if isinstance(recipients, str):
        recipients = [recipients]
    _typed(config, "mail.recipients", recipients, list, "liste d'adresses")
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[tls]
    return MailSettings(
        host=_typed(config, "mail.host", raw.get("host", ""), str, "nom d'hôte"),
        port=_typed(config, "mail.port", raw.get("port", default_port), int, "numéro de port"),
        tls=tls,
        user=_typed(config, "mail.user", raw.get("user", ""), str, "texte"),
        sender=_typed(config, "mail.sender", raw.get("sender", ""), str, "adresse"),
        recipients=tuple(str(r) for r in recipients if str(r).strip()),
        subject_prefix=_typed(config, "mail.subject_prefix", raw.get("subject_prefix", f"[Veille {config.topic.name}]"), str, "texte"),
        timeout=float(_typed(config, "mail.timeout", raw.get("timeout", 30), (int, float), "nombre")),
        password_env=_typed(config, "mail.password_env", raw.get("password_env", "VEILLE_SMTP_PASSWORD"), str, "nom de variable"),
        ca_file=_path(config, raw["ca_file"]) if _typed(config, "mail.ca_file", raw.get("ca_file", ""), str, "chemin") else None,
    )


def nightly_settings(config: Config) -> NightlySettings:
    """Read and check [nightly]."""
    raw = _section(config, "nightly")
    lock = raw.get("lock_file") or str(config.database.parent / "nightly.lock")
    return NightlySettings(
        max_consecutive_failures=_typed(config, "nightly.max_consecutive_failures",
                                        raw.get("max_consecutive_failures", 3), int, "nombre entier"),
        lock_file=_path(config, _typed(config, "nightly.lock_file", lock, str, "chemin")),
        crawl_timeout_s=float(_typed(config, "nightly.crawl_timeout_s", raw.get("crawl_timeout_s", 3600), (int, float), "nombre")),
        tag_timeout_s=float(_typed(config, "nightly.tag_timeout_s", raw.get("tag_timeout_s", 3600), (int, float), "nombre")),
        publish_command=_typed(config, "nightly.publish_command", raw.get("publish_command", ""), str, "commande"),
    )


def build_digest(config: Config, week: Week, db=None, today: date | None = None, progress=None) -> dict[str, Any]:
    """Gather every section of the digest of `week` as one JSON-ready dict."""
    from pipelines import db as database
    from pipelines.digest_data import gather

    db = db or database.open_db(config.database)
    return gather(db, week, digest_settings(config), config, today=today, progress=progress)


def write_digest(digest: dict[str, Any], out_dir: Path, formats: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Write the digest in each format into `out_dir`; return {format: path}."""
    from pipelines.digest_render import RENDERERS

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in formats:
        path = out_dir / f"veille-{digest['week']}.{fmt}"
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(RENDERERS[fmt](digest), encoding="utf-8", newline="")
        tmp.replace(path)
        written[fmt] = path
    return written
