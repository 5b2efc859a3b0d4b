"""The schema of `veille.toml` (pydantic 2): every section, every key, every source option.

Each table is a model that forbids unknown keys and checks types strictly (TOML values are
already typed: "16" is not a number, 2.7 is not a whole number). A `[[sources]]` entry's
`kind` picks its model, so a source only accepts the options its spider reads. Defaults
that depend on other sections (mail port, lock file, titles) are resolved by
`pipelines.config`, which turns this model into the settings objects the program uses.

`problems(exc, raw)` turns pydantic's errors into French lines "key.path: problem".
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal, Union, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, ValidationError,
)
from pydantic_core import PydanticCustomError

Cadence = Literal["hourly", "daily", "weekly", "monthly"]
Format = Literal["html", "md", "csv", "json"]
Weekday = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
TlsMode = Literal["starttls", "ssl", "none"]
CADENCES: tuple[str, ...] = get_args(Cadence)
FORMATS: tuple[str, ...] = get_args(Format)
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
TLS_MODES: tuple[str, ...] = get_args(TlsMode)

_URL_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("non_empty_text", "texte non vide attendu")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or _URL_FORBIDDEN.search(value):
        raise PydanticCustomError("http_url", "URL http(s) attendue, pas {value}", {"value": repr(value)})
    return value


def _optional_http_url(value: str) -> str:
    return _http_url(value) if value else value


def _address(value: str) -> str:
    if value and not _ADDRESS.match(value):
        raise PydanticCustomError("address", "adresse électronique attendue, pas {value}", {"value": repr(value)})
    return value


def _css(value: str) -> str:
    from cssselect import SelectorError
    from cssselect.xpath import ExpressionError
    from parsel.csstranslator import css2xpath

    try:
        css2xpath(value)
    except (SelectorError, ExpressionError):
        raise PydanticCustomError("css_selector", "sélecteur CSS invalide : {value}", {"value": repr(value)}) from None
    return value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Text = Annotated[str, PlainValidator(_text)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Address = Annotated[str, AfterValidator(_address)]
Css = Annotated[str, AfterValidator(_css)]
Positive = Annotated[int, Field(gt=0)]
NonNegative = Annotated[int, Field(ge=0)]


class Table(BaseModel):
    """A TOML table: unknown keys rejected, types checked strictly, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StructureTable(Table):
    """One structure of the experiment, `{ name = "...", ville = "..." }`."""

    name: Text
    ville: Text


class TopicTable(Table):
    """[topic]: the watched subject and its spellings."""

    name: Text
    acronyms: Annotated[list[Text], Field(min_length=1)]
    long_forms: Annotated[list[Text], Field(min_length=1)]
    weak_signals: list[Text] = []
    exclusions: list[Text] = []
    structures: list[StructureTable] = []


class StorageTable(Table):
    """[storage]: paths relative to the config file ($VEILLE_DB overrides `database`)."""

    database: Text = "data/veille.db"
    raw_dir: Text = "data/raw"


class CrawlTable(Table):
    """[crawl]: politeness settings shared by every spider."""

    user_agent: Text = "veille/0.1"
    download_delay: Annotated[float, Field(ge=0)] = 1.0
    download_timeout: Annotated[float, Field(gt=0)] = 30.0
    retry_times: NonNegative = 2


class SourceTable(Table):
    """The keys every `[[sources]]` entry has. Options (the other keys) are declared by the
    model of the source's kind; left out, they take the spider's default."""

    name: Text
    kind: str
    url: HttpUrl
    label: Text | None = None
    cadence: Cadence = "daily"
    enabled: bool = True


class FeedSource(SourceTable):
    """RSS/Atom feeds and news searches (`spiders.feeds`)."""

    kind: Literal["rss", "google_news", "bing_news"]
    articles: Literal["auto", "always", "never"] | None = None     # fetch the article page
    article_max_bytes: Positive | None = None


class ListingSource(SourceTable):
    """News pages without a feed, read with CSS selectors (`spiders.press_listings`)."""

    kind: Literal["listing"]
    item: Css
    link: Css | None = None
    title: Css | None = None
    date: Css | None = None
    summary: Css | None = None
    max_items: Positive | None = None
    doc_kind: Text | None = None
    publisher: Text | None = None
    article_max_bytes: Positive | None = None
    # false: the page's address or selectors were not checked against a copy of the real page
    # (`veille sources` says « non vérifiée », `pipelines.labels.source_verification_label`).
    verified: bool | None = None


class ArchiveSource(SourceTable):
    """Open-data archives (`spiders.opendata`): debates, the AN and Sénat reference data."""

    kind: Literal["an_debates", "an_reference", "senat_reference"]
    max_mb: Positive | None = None


class AnQuestionsSource(SourceTable):
    """AN written and government questions, one archive per legislature."""

    kind: Literal["an_questions"]
    max_mb: Positive | None = None
    legislature: Positive | None = None
    backfill: list[Positive] | None = None


class AnAmendmentsSource(SourceTable):
    """AN amendments: the daily index (`days_back` days) or the whole archive (`mode = "zip"`)."""

    kind: Literal["an_amendments"]
    max_mb: Positive | None = None
    mode: Literal["index", "zip"] | None = None
    days_back: NonNegative | None = None
    legislature: Positive | None = None


class SenatQuestionsSource(SourceTable):
    """Sénat questions (CSV, then each question's page)."""

    kind: Literal["senat_questions"]


class AnAgendaSource(SourceTable):
    """AN agenda (réunions: sittings, committee meetings): `follow` lists the dossier
    législatif or text uids whose meetings count as followed whatever their wording."""

    kind: Literal["an_agenda"]
    max_mb: Positive | None = None
    follow: list[Text] | None = None


class AnDossiersSource(SourceTable):
    """AN dossiers législatifs (bills and their stages): `follow` lists the dossier or text
    uids ("DLR5L17N52922", "PIONANR5L17B2504") kept whatever their title."""

    kind: Literal["an_dossiers"]
    max_mb: Positive | None = None
    follow: list[Text] | None = None


SOURCE_MODELS: tuple[type[SourceTable], ...] = (
    FeedSource, ListingSource, ArchiveSource, AnQuestionsSource, AnAmendmentsSource, SenatQuestionsSource,
    AnAgendaSource, AnDossiersSource,
)
KIND_MODELS: dict[str, type[SourceTable]] = {
    kind: model for model in SOURCE_MODELS for kind in get_args(model.model_fields["kind"].annotation)
}
AnySource = Annotated[Union[FeedSource, ListingSource, ArchiveSource, AnQuestionsSource, AnAmendmentsSource,
                            SenatQuestionsSource, AnAgendaSource, AnDossiersSource], Field(discriminator="kind")]
BASE_KEYS = frozenset(SourceTable.model_fields)


class SiteTable(Table):
    """[site]: the staff site as its readers reach it."""

    public_url: Annotated[str, AfterValidator(_optional_http_url)] = ""


class DigestTable(Table):
    """[digest]: the weekly digest (`site_url` is the older name of [site] public_url)."""

    site_url: Annotated[str, AfterValidator(_optional_http_url)] = ""
    out_dir: Text = "data/digests"
    formats: list[Format] = ["html", "md", "csv", "json"]
    weekday: Annotated[Weekday, BeforeValidator(_lower)] = "lundi"
    max_items: Positive = 25
    title: Text | None = None


class MailTable(Table):
    """[mail]: SMTP server and recipients (the password comes from the environment)."""

    host: str = ""
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    tls: Annotated[TlsMode, BeforeValidator(_lower)] = "starttls"
    user: str = ""
    sender: Address = ""
    recipients: Annotated[list[Address], BeforeValidator(_listed)] = []
    subject_prefix: str | None = None
    timeout: Annotated[float, Field(gt=0)] = 30.0
    password_env: Text = "VEILLE_SMTP_PASSWORD"
    ca_file: str = ""


class NightlyTable(Table):
    """[nightly]: the night's run."""

    max_consecutive_failures: NonNegative = 3
    lock_file: str = ""
    crawl_timeout_s: Annotated[float, Field(gt=0)] = 3600.0
    tag_timeout_s: Annotated[float, Field(gt=0)] = 3600.0
    publish_command: str = ""


class AlertTable(Table):
    """[[alerts]]: a saved search mailed when new documents match it."""

    name: Text
    query: Text
    recipients: Annotated[list[Address], BeforeValidator(_listed)] = []
    cadence: Literal["immediate", "daily"] = "immediate"


class ConfigFile(Table):
    """The whole file."""

    topic: TopicTable
    storage: StorageTable = StorageTable()
    crawl: CrawlTable = CrawlTable()
    sources: list[AnySource] = []
    site: SiteTable = SiteTable()
    digest: DigestTable = DigestTable()
    mail: MailTable = MailTable()
    nightly: NightlyTable = NightlyTable()
    alerts: list[AlertTable] = []


def validate(raw: dict[str, Any]) -> ConfigFile:
    """The validated file; raise pydantic's `ValidationError` (see `problems`)."""
    return ConfigFile.model_validate(raw)


def source_options(source: SourceTable) -> dict[str, Any]:
    """The options a source's file entry sets (validated values, the user's keys only)."""
    return {k: v for k, v in source.model_dump(exclude_unset=True).items() if k not in BASE_KEYS}


# ---------------------------------------------------------------- errors, in French

_MESSAGES = {
    "missing": "clé obligatoire absente",
    "string_type": "texte attendu, pas {input}",
    "int_type": "nombre entier attendu, pas {input}",
    "float_type": "nombre attendu, pas {input}",
    "bool_type": "true ou false attendu, pas {input}",
    "list_type": "liste attendue, pas {input}",
    "model_type": "doit être une table",
    "model_attributes_type": "doit être une table",
    "dict_type": "doit être une table",
    "too_short": "la liste ne peut pas être vide",
    "greater_than": "nombre supérieur à {gt} attendu, pas {input}",
    "greater_than_equal": "nombre supérieur ou égal à {ge} attendu, pas {input}",
    "less_than_equal": "nombre inférieur ou égal à {le} attendu, pas {input}",
}
_CUSTOM = {"non_empty_text", "http_url", "address", "css_selector"}  # raised above, already in French


def problems(exc: ValidationError, raw: dict[str, Any]) -> list[str]:
    """One French line "key.path: problem" per error of `exc` (raised validating `raw`), in
    file order; within a table an unknown key comes first (a misspelt key is also missing)."""
    errors = exc.errors(include_url=False)
    tables = list(dict.fromkeys(tuple(e["loc"][:-1]) for e in errors))
    errors.sort(key=lambda e: (tables.index(tuple(e["loc"][:-1])), e["type"] != "extra_forbidden"))
    return [_problem(error, raw) for error in errors]


def _problem(error: Any, raw: dict[str, Any]) -> str:
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"{_where(loc, raw)}: clé inconnue{_suggest(str(loc[-1]), _keys_at(loc[:-1]), 'clés')}"
    if kind == "union_tag_not_found":
        return f"{_where(loc, raw)}.kind: clé obligatoire absente"
    if kind == "union_tag_invalid":
        return f"{_where(loc, raw)}.kind: kind inconnu {ctx.get('tag')!r}{_suggest(str(ctx.get('tag')), KIND_MODELS, 'kinds')}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = _suggest(value, allowed, "") if isinstance(value, str) else ""
        return f"{_where(loc, raw)}: une valeur parmi {', '.join(allowed)} attendue, pas {_shown(value)}{hint}"
    if kind == "missing" and _keys_at(loc):
        return f"{_where(loc, raw)}: table obligatoire absente"
    if kind in ("greater_than", "greater_than_equal") and (ctx.get("gt") == 0 or ctx.get("ge") == 0):
        sign = "strictement positif" if kind == "greater_than" else "positif ou nul"
        return f"{_where(loc, raw)}: nombre {sign} attendu, pas {_shown(value)}"
    template = _MESSAGES.get(kind)
    if template is None:
        return f"{_where(loc, raw)}: {error['msg'] if kind in _CUSTOM else 'valeur invalide : ' + str(error['msg'])}"
    return f"{_where(loc, raw)}: {template.format(input=_shown(value), **ctx)}"


def _where(loc: tuple, raw: dict[str, Any]) -> str:
    """"sources[3] (lemonde_sante).enabeld" from ('sources', 3, 'rss', 'enabeld')."""
    text = ""
    for position, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
            if position == 1 and loc[0] == "sources":
                text += _source_name(raw, part)
        elif position == 2 and loc[0] == "sources" and part in KIND_MODELS:
            continue  # the discriminated union's tag
        else:
            text += f".{part}" if text else str(part)
    return text or "(fichier)"


def _source_name(raw: dict[str, Any], index: int) -> str:
    sources = raw.get("sources")
    entry = sources[index] if isinstance(sources, list) and index < len(sources) else None
    name = entry.get("name") if isinstance(entry, dict) else None
    return f" ({name})" if isinstance(name, str) and name.strip() else ""


def _keys_at(loc: tuple) -> list[str]:
    """The keys of the table at `loc` (empty when `loc` is not a table)."""
    model: Any = ConfigFile
    for position, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if position == 2 and loc[0] == "sources" and part in KIND_MODELS:
            model = KIND_MODELS[part]
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return []
        model = _table_of(field.annotation)
        if model is None and part != "sources":
            return []
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _table_of(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as `list[StructureTable]` (None if none or several)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    found = {m for m in (_table_of(a) for a in get_args(annotation)) if m is not None}
    return found.pop() if len(found) == 1 else None


def _suggest(word: str, choices: Any, plural: str) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f" — vouliez-vous dire « {close[0]} » ?"
    return f" ({plural} possibles : {', '.join(choices)})" if plural and choices else ""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
