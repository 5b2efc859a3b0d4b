"""Typed items of the parliamentary spiders.

Each item carries the metadata of one parliamentary object and builds the `Document`s
that go through topic matching (`documents()`); `pipelines.parliament` stores both. Like
`Document`, every item round-trips through the raw JSONL (`to_dict` with "item_type",
`from_dict`), so `veille import` replays parliamentary runs too.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self

from spiders.dates import parse_instant
from spiders.items import Document, copied


# Shared by the spiders and the store (the contract between them): the prefix of a hash of a
# member's raw bytes, and the version of the record an AN question member becomes.
RAW_HASH_PREFIX = "raw:"

# The version of what `spiders.an_parse.parse_an_question` gives: raise it with any change to the record a
# member becomes (a field added, a text cleaned otherwise). A stored question row's hash is
# derived from its member's bytes and this version (`pipelines.parliament.question_hash`): a
# question read again rewrites its row only when one of them changed.
QUESTION_RECORD_VERSION = 1


def is_raw_hash(value: str | None) -> bool:
    """True for a hash of a member's raw bytes (`spiders.an_parse.raw_hash`; False for a
    `stable_hash`, or none)."""
    return value is not None and value.startswith(RAW_HASH_PREFIX)

PUBLISHERS = {"AN": "Assemblée nationale", "Sénat": "Sénat"}

# Written questions (QE) must be answered « dans les deux mois suivant la publication des
# questions » in both chambers: Règlement de l'Assemblée nationale art. 135 al. 6 (« les deux
# mois », the wording a 2019 amendment proposed to shorten) and Règlement du Sénat art. 75
# al. 2 (« Ce délai ne comporte aucune interruption », wording in force since 2019; it was one
# month plus one). Oral and government questions have no such deadline.
ANSWER_MONTHS = 2
WRITTEN_KINDS = frozenset({"QE"})


def answer_deadline(kind: str | None, published: str | None) -> str | None:
    """The day a written question's answer is due (ISO), two calendar months after its
    publication (the 31st becomes the month's last day); None for other kinds or without a
    publication date."""
    if kind not in WRITTEN_KINDS or not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    month = day.month - 1 + ANSWER_MONTHS
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])).isoformat()


class _Item:
    """to_dict/from_dict for flat dataclasses (datetimes as ISO strings)."""

    item_type = ""
    _datetimes: tuple[str, ...] = ()
    if TYPE_CHECKING:
        # Every subclass is a dataclass; this lets `dataclasses.asdict`/`fields` accept it.
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict with "item_type"."""
        # What `dataclasses.asdict` gives for these flat items, without its recursion
        # through every field (a third of storing an AN question at a back-fill).
        data: dict[str, Any] = {}
        for item_field in dataclasses.fields(self):
            value = getattr(self, item_field.name)
            data[item_field.name] = copied(value) if isinstance(value, (dict, list, tuple)) else value
        for name in self._datetimes:
            data[name] = data[name].isoformat() if data[name] else None
        data["item_type"] = self.item_type
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for name in cls._datetimes:
            if values.get(name):
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)


@dataclass
class ParliamentQuestion(_Item):
    """A written, oral or government question (AN or Sénat) and its answer."""

    item_type = "parliament_question"

    uid: str
    source: str
    chamber: str
    kind: str
    number: str
    url: str
    title: str
    legislature: str | None = None
    rubrique: str | None = None
    tete_analyse: str | None = None
    analyses: list[str] = field(default_factory=list)
    author_id: str | None = None
    author_name: str | None = None
    group_id: str | None = None
    group_abbr: str | None = None
    group_name: str | None = None
    ministry_asked_id: str | None = None
    ministry_asked: str | None = None
    ministry_answering_id: str | None = None
    ministry_answering: str | None = None
    published: str | None = None
    answer_date: str | None = None
    answer_ministry: str | None = None
    question_text: str = ""
    answer_text: str = ""
    status: str = "pending"
    closure_code: str | None = None
    closure_label: str | None = None
    closure_date: str | None = None
    reminder_of: str | None = None
    reminders: int = 0
    source_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    answer_deadline: str | None = None

    def __post_init__(self) -> None:
        if self.answer_deadline is None:
            self.answer_deadline = answer_deadline(self.kind, self.published)

    @property
    def answer_id(self) -> str:
        """Document id of the answer."""
        return f"{self.uid}-reponse"

    def documents(self) -> tuple[Document, Document | None]:
        """The question document and, when there is one, the answer document.

        A QG has no question text: the whole oral exchange (question and answer) is
        its one document."""
        publisher = PUBLISHERS.get(self.chamber, self.chamber)
        extra = {"chamber": self.chamber, "question_kind": self.kind, "rubrique": self.rubrique,
                 "status": self.status, "group": self.group_abbr, "author_id": self.author_id, "keep_id": True}
        exchange = not self.question_text and bool(self.answer_text)
        question = Document(
            id=self.uid, url=self.url, kind="question", title=self.title,
            text=self.answer_text if exchange else (self.question_text or " ; ".join(self.analyses)),
            published=parse_instant(self.answer_date if exchange else self.published),
            author=self.author_name or "", extra=extra,
            source=self.source, publisher=publisher, access="full", guid=self.uid,
        )
        if exchange or not self.answer_text:
            return question, None
        answer = Document(
            id=self.answer_id, url=f"{self.url}#reponse", kind="reponse",
            title=f"Réponse — {self.title}", text=self.answer_text,
            published=parse_instant(self.answer_date), author=self.answer_ministry or "",
            extra={**extra, "question_id": self.uid},
            source=self.source, publisher=publisher, access="full", guid=self.answer_id,
        )
        return question, answer


@dataclass
class Amendment(_Item):
    """An AN amendment: author, group, dates, fate and its text."""

    item_type = "an_amendment"
    _datetimes = ("fate_date",)

    uid: str
    source: str
    url: str
    title: str
    legislature: str = ""
    number: str = ""
    examining_organe: str | None = None
    prefix: str | None = None
    bill_ref: str | None = None
    bill_number: str = ""
    bill_part: str | None = None
    commission_text: bool = False
    article: str = ""
    author_type: str | None = None
    author_id: str | None = None
    government_ref: str | None = None
    group_id: str | None = None
    cosigners: list[str] = field(default_factory=list)
    signatories: str = ""
    first_signatory: str = ""
    filed: str | None = None
    published: str | None = None
    fate: str | None = None
    fate_date: datetime | None = None
    state: str | None = None
    sub_state: str | None = None
    dispositif: str = ""
    expose: str = ""
    notice: str = ""
    mission: str | None = None
    credits: list[dict[str, Any]] = field(default_factory=list)
    balance_ae: int | None = None
    balance_cp: int | None = None

    def documents(self) -> tuple[Document]:
        """The amendment as one document: dispositif (for a budget amendment, its credits)
        then exposé sommaire; an amendment without them (irrecevable, retiré) has the AN's
        notice ("cartouche informatif") as its text."""
        text = f"{self.dispositif}\n\nExposé sommaire :\n{self.expose}".strip() if self.dispositif or self.expose else ""
        text = "\n\n".join(t for t in (self.notice, text) if t)
        return (Document(
            id=self.uid, source=self.source, url=self.url, kind="amendement", title=self.title,
            text=text, published=parse_instant(self.published or self.filed), guid=self.uid,
            publisher="Assemblée nationale", author=self.first_signatory, access="full",
            extra={"author_id": self.author_id, "group_id": self.group_id, "fate": self.fate,
                   "state": self.state, "bill": self.bill_ref, "article": self.article,
                   "mission": self.mission, "balance_ae": self.balance_ae, "balance_cp": self.balance_cp,
                   "keep_id": True},
        ),)


@dataclass
class DebatePassage(_Item):
    """One relevant passage of a sitting's compte rendu, with its speaker."""

    item_type = "an_debate_passage"
    _datetimes = ("sitting_start",)

    id: str
    source: str
    sitting_uid: str
    url: str
    sitting_start: datetime | None
    day_label: str = ""
    legislature: str = ""
    point_title: str = ""
    syceron_id: str | None = None
    order: str | None = None
    speaker_id: str | None = None
    speaker_name: str = ""
    speaker_quality: str = ""
    role: str | None = None
    text: str = ""

    def documents(self) -> tuple[Document]:
        """The passage as one document titled by its point, sitting and speaker."""
        day = self.sitting_start.strftime("%d/%m/%Y") if self.sitting_start else self.day_label
        who = self.speaker_name + (f", {self.speaker_quality}" if self.speaker_quality else "")
        title = f"{self.point_title or 'Séance publique'} — séance du {day}" + (f" — {who}" if who else "")
        return (Document(
            id=self.id, source=self.source, url=self.url, kind="debat", title=title, text=self.text,
            published=self.sitting_start, guid=self.id, publisher="Assemblée nationale",
            author=self.speaker_name, access="full",
            extra={"sitting": self.sitting_uid, "speaker_id": self.speaker_id, "role": self.role,
                   "point": self.point_title, "syceron_id": self.syceron_id, "keep_id": True},
        ),)


@dataclass
class AgendaItem(_Item):
    """One AN réunion of the agenda (a sitting or a committee meeting) and its points.

    Not a document: every réunion is kept as an `agenda_items` row (the « À venir » list
    reads the upcoming ones on the topic or on a followed bill)."""

    item_type = "an_agenda_item"
    _datetimes = ("start", "end")

    uid: str
    source: str
    url: str
    kind: str
    title: str
    start: datetime | None
    end: datetime | None = None
    day: str | None = None
    state: str | None = None
    organe_id: str | None = None
    place: str | None = None
    session: str | None = None
    report_ref: str | None = None
    agenda: list[str] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)
    dossiers: list[str] = field(default_factory=list)
    followed: bool = False

    def text(self) -> str:
        """What the meeting is about: its agenda lines, then the points not already listed."""
        lines = list(self.agenda)
        lines += [p["subject"] for p in self.points if p.get("subject") and p["subject"] not in lines]
        return "\n".join(lines)


@dataclass
class LegislativeDossier(_Item):
    """An AN dossier législatif (a bill or a resolution) and its journey: every act of its
    tree (dépôt, renvoi en commission, rapport, séance, décision, navette, CMP,
    promulgation…) as a stage, in the order of the tree.

    Each stage is a dict: uid, position, code ("AN1-COM-FOND-SAISIE"), phase (the reading:
    "1ère lecture (1ère assemblée saisie)"), path (the labels above it), label, kind (the
    act's type), date (ISO day or None), organe_id, text_ref, adopted_text_ref, decision
    ("adopté", "modifié", "Accord"), votes (scrutin uids), reunion_ref, rapporteurs (acteur
    uids), provenance (the chamber a navette text comes from), law_code."""

    item_type = "an_dossier"

    uid: str
    source: str
    url: str
    title: str
    legislature: str = ""
    kind: str = ""
    procedure: str = ""
    procedure_code: str | None = None
    senate_url: str | None = None
    initiators: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    filed: str | None = None
    current_stage: str = ""
    current_stage_date: str | None = None
    status: str = "en cours"
    law_code: str | None = None
    merged_into: str | None = None
    followed: bool = False

    def text(self) -> str:
        """The dossier's title, its procedure, then one line per dated stage."""
        lines = [self.title, self.procedure]
        for stage in self.stages:
            if stage.get("date"):
                decision = f" : {stage['decision']}" if stage.get("decision") else ""
                lines.append(f"{stage['date']} — {stage['phase']} — {stage['label']}{decision}")
        return "\n".join(line for line in lines if line)

    def documents(self) -> tuple[Document]:
        """The dossier as one document (kind "dossier"), dated by its first dépôt."""
        return (Document(
            id=self.uid, source=self.source, url=self.url, kind="dossier", title=self.title,
            text=self.text(), published=parse_instant(self.filed), guid=self.uid,
            publisher="Assemblée nationale", access="full",
            extra={"procedure": self.procedure, "status": self.status, "current_stage": self.current_stage,
                   "texts": self.texts, "keep_id": True},
        ),)


@dataclass
class ReferenceRecord(_Item):
    """One row of reference data: table "actors", "organes" or "mandates"."""

    item_type = "parliament_reference"

    source: str
    table: str
    record: dict[str, Any]


@dataclass
class DatasetVersion(_Item):
    """The version of an open-data archive that was fully read (emitted last)."""

    item_type = "dataset_version"

    source: str
    url: str
    sha256: str
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    members: int = 0
    skipped: int = 0
