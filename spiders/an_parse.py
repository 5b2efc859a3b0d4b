"""Parsing helpers for the Assemblée nationale open-data formats (Sénat: `spiders.senat_parse`).

Pure functions: bytes or decoded JSON in, plain values or typed items out. A record that
cannot be read raises `BadRecord(uid, cause)`; the spiders log it, skip it and record it in
the source's health. Format notes and their provenance: ../shared/research/parliament.md.

AN JSON quirks handled here: a "0..n" element is a dict when single and a list when
repeated; nulls are JSON null or `{"@xsi:nil": "true"}` objects; `acteur.uid` is an
object with "#text"; dates are ISO (L16/L17), DD/MM/YYYY (L15 and older), ISO datetimes
with an offset (`dateSort`) or 17 digits YYYYMMDDHHMMSSmmm (Syceron).
"""

from __future__ import annotations

import hashlib
import io
import json
import mmap
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from lxml import etree

from nlp.text import clean_text
from spiders.dates import parse_day, parse_instant
from spiders.parl_items import RAW_HASH_PREFIX

AN_SITE = "https://www.assemblee-nationale.fr"
QUESTION_KINDS = {"QE": "question écrite", "QG": "question au Gouvernement",
                  "QOSD": "question orale sans débat"}


class BadRecord(ValueError):
    """A record that cannot be read: `uid` names it, `cause` says why (in French)."""

    def __init__(self, uid: str, cause: str):
        super().__init__(f"{uid} : {cause}")
        self.uid, self.cause = uid, cause


# ------------------------------------------------------------------ generic JSON access
def is_nil(value: Any) -> bool:
    """True for JSON null, empty strings and `{"@xsi:nil": "true"}` objects."""
    kind = type(value)
    if kind is dict:  # the common cases first, by exact type (what json.loads gives)
        return value.get("@xsi:nil") == "true"
    if kind is str:
        return not value
    if value is None or value == "":
        return True
    return isinstance(value, dict) and value.get("@xsi:nil") == "true"


def text(value: Any) -> str | None:
    """A scalar as a string: nil → None, `{"#text": v}` → v, numbers → str."""
    if type(value) is str:  # the common case, first (str() of a str is itself)
        return value or None
    if is_nil(value):
        return None
    if isinstance(value, dict):
        inner = value.get("#text")
        return None if inner is None else str(inner)
    if isinstance(value, list):
        raise TypeError("liste trouvée à la place d'une valeur simple")
    return str(value)


def as_list(value: Any) -> list[Any]:
    """A "0..n" element as a list (nil → [], single dict or string → [it])."""
    if type(value) is list:
        return value
    if is_nil(value):
        return []
    return value if isinstance(value, list) else [value]


def obj(value: Any, where: str) -> dict[str, Any]:
    """A nested object, or {} when nil; anything else is a shape error."""
    if type(value) is dict:
        return {} if value.get("@xsi:nil") == "true" else value
    if is_nil(value):
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{where} : objet attendu, pas {type(value).__name__}")
    return value


def last(value: Any) -> Any:
    """The last element of a "0..n" element (re-published texts: the latest wins)."""
    items = as_list(value)
    return items[-1] if items else None


# ------------------------------------------------------------------ dates
def day_of(value: Any) -> str | None:
    """An AN date field (string, `{"#text": …}` or nil) as ISO YYYY-MM-DD."""
    return parse_day(text(value))


def instant_of(value: Any) -> datetime | None:
    """An AN date-time field (string, `{"#text": …}` or nil) as an aware UTC datetime."""
    return parse_instant(text(value))


def stable_hash(data: Any) -> str:
    """Hash of a JSON-able value, independent of key order."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# A hash of a member's bytes as they are in the archive is marked, so that it is never
# mistaken for a `stable_hash` of its decoded JSON (64 hex digits, what earlier versions stored).


def raw_hash(data: bytes) -> str:
    """Hash of a member's bytes as the archive holds them (a twelfth of `stable_hash`'s
    cost: no JSON decoded, nothing serialised again)."""
    return RAW_HASH_PREFIX + hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ zip archives
MB = 1024 * 1024
# No member of the AN or Sénat archives comes near this (a sitting's Syceron XML is a few
# MB): a bigger one is a zip bomb or a broken file, never read (its declared size is checked,
# then the bytes really decompressed are counted).
MAX_MEMBER_BYTES = 16 * MB


@dataclass
class Member:
    """One archive member: its name, the uid its file name suggests, and its bytes.

    A member that could not be read has no bytes and a `problem` (a French line): when
    `fatal` (too big: a zip bomb), its source fails; otherwise (unreadable data) it is
    skipped with a warning. Either way the archive is not read in full."""

    name: str
    uid: str
    data: bytes
    problem: str = ""
    fatal: bool = False


def safe_member_name(name: str) -> bool:
    """False for names that could escape a folder (absolute, `..`, backslashes, drive)."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/")[0]:
        return False
    return ".." not in name.split("/")  # PurePosixPath(name).parts without building a path


def _stem(name: str) -> str:
    """`PurePosixPath(name).stem` without building a path (its last part, "" and "."
    parts dropped, less its last suffix)."""
    parts = [part for part in name.split("/") if part and part != "."]
    last = parts[-1] if parts else ""
    dot = last.rfind(".")
    return last[:dot] if 0 < dot < len(last) - 1 else last


def _too_big(name: str, declared: int, limit: int, counted: int | None = None) -> str:
    what = f"{counted} octets ou plus une fois décompressé" if counted is not None else f"{declared} octets déclarés"
    return f"membre {name} trop gros ({what}, limite {limit // MB} Mo) : archive piégée ou endommagée, non lu"


def iter_zip(body: bytes | str | zipfile.ZipFile, suffixes: tuple[str, ...], skipped: list[tuple[str, str]],
             max_member_bytes: int = MAX_MEMBER_BYTES) -> Iterator[Member]:
    """Stream the members of an archive held in memory (bytes), in a file (its path) or
    already opened (a `ZipFile`, closed once read), one at a time, never writing to disk.

    Raises `zipfile.BadZipFile` when the archive itself is unreadable (truncated...). A
    member with an unsafe name is appended to `skipped` as (uid, cause); a member bigger
    than `max_member_bytes` (declared, or counted while decompressing) or unreadable is
    yielded without data, with its `problem`; the others go on."""
    if not isinstance(body, zipfile.ZipFile):
        body = zipfile.ZipFile(io.BytesIO(body) if isinstance(body, bytes) else body)
    with body as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            uid = _stem(info.filename.replace("\\", "/"))
            if not safe_member_name(info.filename):
                skipped.append((uid or info.filename, f"nom de fichier dangereux dans l'archive ({info.filename!r})"))
                continue
            if not info.filename.lower().endswith(suffixes):
                continue
            if info.file_size > max_member_bytes:
                yield Member(info.filename, uid, b"", _too_big(info.filename, info.file_size, max_member_bytes), True)
                continue
            try:
                with archive.open(info) as handle:
                    data = handle.read(max_member_bytes + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                yield Member(info.filename, uid, b"", f"membre illisible dans l'archive ({exc})")
                continue
            if len(data) > max_member_bytes:
                yield Member(info.filename, uid, b"", _too_big(info.filename, info.file_size, max_member_bytes,
                                                               len(data)), True)
                continue
            yield Member(info.filename, uid, data)


_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


def salvage_zip(body: bytes | mmap.mmap, suffixes: tuple[str, ...], skipped: list[tuple[str, str]],
                max_member_bytes: int = MAX_MEMBER_BYTES) -> Iterator[Member]:
    """Read the members of a truncated archive (no central directory) from their local
    headers, in order, until the data runs out; the member cut short is reported in
    `skipped`. Members written with a data descriptor (sizes after the data) stop it.
    Members bigger than `max_member_bytes` once decompressed are yielded with a problem."""
    offset = 0
    while body[offset:offset + 4] == b"PK\x03\x04" and offset + _LOCAL_HEADER.size <= len(body):
        (_, _, flags, method, _, _, _, size, _, name_len, extra_len) = _LOCAL_HEADER.unpack_from(body, offset)
        name = body[offset + 30: offset + 30 + name_len].decode("utf-8" if flags & 0x800 else "cp437", "replace")
        uid = _stem(name.replace("\\", "/")) or name
        start = offset + 30 + name_len + extra_len
        if flags & 0x08:
            skipped.append((uid, "archive tronquée : tailles inconnues (descripteur de données), lecture arrêtée"))
            return
        chunk = body[start:start + size]
        offset = start + size
        if len(chunk) < size:
            skipped.append((uid, "archive tronquée : membre incomplet"))
            return
        if name.endswith("/"):
            continue
        if not safe_member_name(name):
            skipped.append((uid, f"nom de fichier dangereux dans l'archive ({name!r})"))
            continue
        if not name.lower().endswith(suffixes):
            continue
        try:
            data = zlib.decompressobj(-15).decompress(chunk, max_member_bytes + 1) if method == 8 \
                else chunk if method == 0 else None
        except zlib.error as exc:
            yield Member(name, uid, b"", f"membre illisible dans l'archive ({exc})")
            continue
        if data is None:
            yield Member(name, uid, b"", f"méthode de compression non gérée ({method})")
            continue
        if len(data) > max_member_bytes:
            yield Member(name, uid, b"", _too_big(name, 0, max_member_bytes, len(data)), True)
            continue
        yield Member(name, uid, data)


def load_json(member: Member) -> Any:
    """Decode a JSON member or raise `BadRecord` naming its uid."""
    try:
        return json.loads(member.data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRecord(member.uid, f"JSON invalide ({type(exc).__name__}: {str(exc)[:80]})") from None


# ------------------------------------------------------------------ public URLs
def question_url(uid: str, legislature: str) -> str:
    """Public page of an AN question (research note §1.5)."""
    return f"{AN_SITE}/dyn/{legislature}/questions/{uid}"


# Amendment uids: AMANR5L{leg}PO{examining organe}B{bill}P{part}D{deliberation}N{order},
# the bill part being "B0325" for séance texts and "BTC0627" for commission texts (always
# digits after the letters). Part 1 and 2 are the two parts of a budget bill (PLF); D2 is a
# seconde délibération.
_AMENDMENT_UID = re.compile(
    r"^AMANR5L(?P<leg>\d+)PO(?P<organe>\d+)B(?P<commission>TC)?(?P<bill>\d+)"
    r"(?:P(?P<part>\d+))?(?:D(?P<deliberation>\d+))?(?:N(?P<order>\d+))?")
# The public page puts a budget bill's part after the text number: part 1 → "0324A", part 2
# → "1906C" (pages seen: …/1906A/AN/2531 for I-2531, …/1906C/AN/571, …/0324A/CION_FIN/CF962).
_PART_SUFFIX = {"1": "A", "2": "C"}
# numeroLong forms seen over 75,704 real amendments: "12", "I-848", "II-3080", "AS10",
# "I-CF1118", "II-CF904", "9 (Rect)", "615 (2ème Rect)", "AS576 (Rect)", "I-3719 (2ème Rect)".
_AMENDMENT_NUMBER = re.compile(
    r"^(?:(?P<roman>[IVX]+)-)?(?P<core>[A-Z]*\d+[A-Z]?)(?:\s*\((?P<rect>[^)]*rect[^)]*)\))?$", re.IGNORECASE)


def amendment_uid_parts(uid: str) -> dict[str, str] | None:
    """The parts of an amendment uid (leg, organe, commission, bill, part, deliberation,
    order), or None when it is not an amendment uid."""
    match = _AMENDMENT_UID.match(uid)
    if not match:
        return None
    return {k: v or "" for k, v in match.groupdict().items()}


def amendment_number_parts(number: str) -> tuple[str, str, str] | None:
    """("II", "CF615", "") for "II-CF615", ("", "615", "2ème Rect") for "615 (2ème Rect)";
    None for a number of another form."""
    match = _AMENDMENT_NUMBER.match(number.strip())
    if not match:
        return None
    return match["roman"] or "", match["core"], match["rect"] or ""


def amendment_url(uid: str, legislature: str, prefix: str | None, number: str) -> str:
    """Public page of an amendment, /dyn/{leg}/amendements/{text}{part}/{organe}/{number}:
    the text number is the uid's (séance or commission text), a budget part adds "A" or
    "C", the organe is the examining organe's prefix ("AN", "CION-SOC", "CION_FIN"), the
    number loses its budget part and its rectification ("II-CF615" → "CF615", "12 (Rect)"
    → "12"). A seconde délibération renumbers its amendments from 1 on the same text, so
    that form would name the first deliberation's amendment: it (like a number of another
    form) gets the page keyed by its uid, /dyn/{leg}/amendements/{uid}. Only a string that
    is not an amendment uid gets the per-item open-data page."""
    parts = amendment_uid_parts(uid)
    if not parts:
        return f"{AN_SITE}/dyn/opendata/{uid}.html"
    leg = legislature or parts["leg"]
    numbers = amendment_number_parts(number) if number else None
    if not numbers or not prefix or parts["deliberation"] not in ("", "1"):
        return f"{AN_SITE}/dyn/{leg}/amendements/{uid}"
    core = numbers[1]
    if core.isdigit():
        core = str(int(core))
    text = parts["bill"] + _PART_SUFFIX.get(parts["part"], "")
    return f"{AN_SITE}/dyn/{leg}/amendements/{text}/{prefix}/{core}"


def sitting_url(uid: str, legislature: str) -> str:
    """Public page of a sitting's compte rendu (research note §1.8)."""
    return f"{AN_SITE}/dyn/{legislature}/comptes-rendus/seance/{uid}"


# ------------------------------------------------------------------ AN questions
_CLOSURE_STATUS = (("rep", "answered"), ("retir", "withdrawn"), ("cadu", "lapsed"),
                   ("transfo", "converted"), ("conver", "converted"), ("fin de mandat", "lapsed"),
                   ("fin de legislature", "lapsed"))
_LEGACY_PREFIX = re.compile(r"^\s*\d+\.\s*[-—–]\s*\d{1,2}(?:er)?\s+\w+\s+\d{4}\.\s*[-—–]\s*")


def closure_status(code: str | None, label: str | None, has_answer: bool, reminded: bool) -> str:
    """Lifecycle status from the AN `cloture` block (REP_PUB seen; other codes are matched
    on their label: retirée, caduque, transformée...)."""
    if code or label:
        key = clean_text(f"{code or ''} {label or ''}").lower()
        key = key.replace("é", "e").replace("è", "e")
        if code == "REP_PUB":
            return "answered"
        for needle, status in _CLOSURE_STATUS:
            if needle in key:
                return status
    if has_answer:
        return "answered"
    return "reminded" if reminded else "pending"


def _ministry(block: Any, where: str) -> tuple[str | None, str | None]:
    block = obj(block, where)
    return text(block.get("organeRef")), text(block.get("developpe")) or text(block.get("abrege"))


def _analyses(indexation: dict[str, Any]) -> list[str]:
    analyses = obj(indexation.get("analyses"), "indexationAN.analyses").get("analyse")
    if analyses is None and "ANALYSE" in indexation:  # L15 legacy keys
        analyses = obj(indexation.get("ANALYSE"), "indexationAN.ANALYSE").get("ANA")
    return [clean_text(text(a)) for a in as_list(analyses) if text(a)]


def parse_an_question(data: Any, source: str, default_uid: str = "?") -> dict[str, Any]:
    """An AN question JSON object → a flat record (the fields of `ParliamentQuestion`)."""
    if not isinstance(data, dict) or not isinstance(data.get("question"), dict):
        raise BadRecord(default_uid, "objet « question » absent")
    q = data["question"]
    uid = text(q.get("uid")) or default_uid
    try:
        return _question_record(q, uid, source)
    except BadRecord:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadRecord(uid, f"forme inattendue ({exc})") from None


def _question_record(q: dict[str, Any], uid: str, source: str) -> dict[str, Any]:
    ident = obj(q.get("identifiant"), "identifiant")
    legislature = text(ident.get("legislature")) or re.sub(r"^QANR5L(\d+).*", r"\1", uid)
    kind = text(q.get("type")) or re.sub(r"^QANR5L\d+([A-Z]+)\d+$", r"\1", uid)
    number = text(ident.get("numero")) or ""
    indexation = obj(q.get("indexationAN"), "indexationAN")
    author = obj(q.get("auteur"), "auteur")
    group = obj(author.get("groupe"), "auteur.groupe")
    asked_id, asked = _ministry(q.get("minInt"), "minInt")
    attribution = obj(last(obj(q.get("minAttribs"), "minAttribs").get("minAttrib")), "minAttrib")
    answering_id, answering = _ministry(attribution.get("denomination"), "minAttrib.denomination")
    question = obj(last(obj(q.get("textesQuestion"), "textesQuestion").get("texteQuestion")), "texteQuestion")
    answer = obj(last(obj(q.get("textesReponse"), "textesReponse").get("texteReponse")), "texteReponse")
    closure = obj(q.get("cloture"), "cloture")
    question_info = obj(question.get("infoJO"), "texteQuestion.infoJO")
    answer_info = obj(answer.get("infoJO"), "texteReponse.infoJO")
    question_text = _LEGACY_PREFIX.sub("", clean_text(text(question.get("texte"))))
    answer_text = clean_text(text(answer.get("texte")))
    reminders = [r for r in as_list(q.get("renouvellements")) + as_list(q.get("signalement")) if not is_nil(r)]
    published = (day_of(question_info.get("dateJO")) or day_of(obj(attribution.get("infoJO"), "infoJO").get("dateJO"))
                 or day_of(answer_info.get("dateJO")))
    answered = day_of(answer_info.get("dateJO")) if answer_text else None
    code, label = text(closure.get("codeCloture")), text(closure.get("libelleCloture"))
    analyses = _analyses(indexation)
    return {
        "uid": uid, "source": source, "chamber": "AN", "legislature": legislature, "kind": kind,
        "number": number, "url": question_url(uid, legislature),
        "rubrique": clean_text(text(indexation.get("rubrique"))) or None,
        "tete_analyse": clean_text(text(indexation.get("teteAnalyse"))) or None,
        "analyses": analyses,
        "author_id": text(obj(author.get("identite"), "auteur.identite").get("acteurRef")),
        "author_name": None,
        "group_id": text(group.get("organeRef")), "group_abbr": text(group.get("abrege")),
        "group_name": text(group.get("developpe")),
        "ministry_asked_id": asked_id, "ministry_asked": asked,
        "ministry_answering_id": answering_id, "ministry_answering": answering,
        "published": published, "answer_date": answered,
        "answer_ministry": answering if answer_text else None,
        "question_text": question_text, "answer_text": answer_text,
        "status": closure_status(code, label, bool(answer_text), bool(reminders)),
        "closure_code": code, "closure_label": label,
        "closure_date": day_of(closure.get("dateCloture")),
        "reminder_of": None, "reminders": len(reminders),
        "title": question_title(kind, number, analyses, indexation, question_text or answer_text),
    }


def question_title(kind: str, number: str, analyses: list[str], indexation: dict[str, Any] | None = None,
                   body: str = "") -> str:
    """"Question écrite n° 5268 : Révision de la terminologie…"; a question without
    indexation (no analyse, no rubrique) is titled from the start of its text."""
    label = QUESTION_KINDS.get(kind, f"question {kind}")
    subject = " ; ".join(analyses) or clean_text(text((indexation or {}).get("rubrique"))) or text_subject(body)
    head = f"{label[0].upper()}{label[1:]} n° {number}"
    return f"{head} : {subject}" if subject else head


# A sentence ends at ".", "!" or "?" and a space, not after "M.", "MM.", "Mme.", "Dr.", "St.".
_SENTENCE_END = re.compile(r"(?<!\bM\.)(?<!\bMM\.)(?<!\bMme\.)(?<!\bDr\.)(?<!\bSt\.)(?<=[.!?])\s+")


def text_subject(body: str, limit: int = 100) -> str:
    """The first sentence of a text, cut at a word boundary after `limit` characters ("…")."""
    first = _SENTENCE_END.split(clean_text(body).strip(), maxsplit=1)[0].strip() if body else ""
    if len(first) <= limit:
        return first.rstrip(".")
    return first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


# ------------------------------------------------------------------ AN amendments
def parse_amendment(data: Any, source: str, default_uid: str = "?") -> dict[str, Any]:
    """An AN amendment JSON object (with or without the "amendement" wrapper) → a record."""
    if not isinstance(data, dict):
        raise BadRecord(default_uid, "objet JSON attendu")
    a = data.get("amendement", data)
    if not isinstance(a, dict) or "uid" not in a:
        raise BadRecord(default_uid, "objet « amendement » absent")
    uid = text(a.get("uid")) or default_uid
    try:
        return _amendment_record(a, uid, source)
    except BadRecord as exc:
        raise BadRecord(uid, exc.cause) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadRecord(uid, f"forme inattendue ({exc})") from None


def _amendment_record(a: dict[str, Any], uid: str, source: str) -> dict[str, Any]:
    ident = obj(a.get("identification"), "identification")
    legislature = text(a.get("legislature")) or re.sub(r"^AMANR5L(\d+).*", r"\1", uid)
    number = text(ident.get("numeroLong")) or text(ident.get("numeroOrdreDepot")) or ""
    prefix = text(ident.get("prefixeOrganeExamen"))
    signatories = obj(a.get("signataires"), "signataires")
    author = obj(signatories.get("auteur"), "signataires.auteur")
    cosigners = [text(c) for c in as_list(obj(signatories.get("cosignataires"), "cosignataires").get("acteurRef"))]
    pointer = obj(a.get("pointeurFragmentTexte"), "pointeurFragmentTexte")
    division = obj(pointer.get("division"), "division")
    corps = obj(a.get("corps"), "corps")
    body = obj(corps.get("contenuAuteur"), "corps.contenuAuteur")
    life = obj(a.get("cycleDeVie"), "cycleDeVie")
    states = obj(life.get("etatDesTraitements"), "etatDesTraitements")
    label = clean_text(text(signatories.get("libelle")))
    suffix = clean_text(text(signatories.get("suffixe")))
    bill = text(a.get("texteLegislatifRef"))
    parts = amendment_uid_parts(uid)
    if parts is None:
        raise BadRecord(uid, "uid d'amendement de forme inconnue (champ uid)")
    article = clean_text(text(division.get("articleDesignationCourte")))
    mission = clean_text(text(obj(pointer.get("missionVisee"), "missionVisee").get("libelleMission")))
    credits, balance = _credits(body)
    dispositif = clean_text(text(body.get("dispositif")))
    if credits is not None:
        dispositif = "\n".join(p for p in (credit_text(mission, credits, balance), dispositif) if p)
    expose = clean_text(text(body.get("exposeSommaire")))
    bill_number = parts["bill"]
    budget_part = {"1": "première partie", "2": "seconde partie"}.get(parts["part"], "")
    if parts["deliberation"] not in ("", "1"):
        budget_part = ", ".join(p for p in (budget_part, "seconde délibération") if p)
    return {
        "uid": uid, "source": source, "legislature": legislature, "number": number,
        "examining_organe": f"PO{parts['organe']}", "prefix": prefix,
        "bill_ref": bill, "bill_number": bill_number, "bill_part": parts["part"] if parts["part"] not in ("", "0") else None,
        "commission_text": bool(parts["commission"]), "article": article,
        "author_type": text(author.get("typeAuteur")), "author_id": text(author.get("acteurRef")),
        "government_ref": text(author.get("gouvernementRef")),
        "group_id": text(author.get("groupePolitiqueRef")),
        "cosigners": [c for c in cosigners if c],
        "signatories": f"{label} {suffix}" if suffix and suffix not in label else label,
        "first_signatory": label.split(",")[0].strip() if label else "",
        "filed": day_of(life.get("dateDepot")), "published": day_of(life.get("datePublication")),
        "fate": text(life.get("sort")), "fate_date": instant_of(life.get("dateSort")),
        "state": text(obj(states.get("etat"), "etat").get("libelle")),
        "sub_state": text(obj(states.get("sousEtat"), "sousEtat").get("libelle")),
        "dispositif": dispositif, "expose": expose,
        "notice": clean_text(text(corps.get("cartoucheInformatif"))),
        "mission": mission or None, "credits": credits or [],
        "balance_ae": balance[0], "balance_cp": balance[1],
        "url": amendment_url(uid, legislature, prefix, number),
        "title": f"Amendement n° {number}" + (f" ({article})" if article else "")
                 + (f" au texte n° {int(bill_number)}" if bill_number else "")
                 + (f" ({budget_part})" if budget_part else ""),
    }


# ------------------------------------------------------------------ budget (PLF/PLFR) credit amendments
_CREDIT_BLOCKS = ("dispositifAmdtCreditPLF", "dispositifAmdtCreditPLFR")


def _euros(value: Any, where: str) -> int:
    """An amount field ("-50000000", "0", nil) as whole euros."""
    raw = text(value)
    if raw is None:
        return 0
    try:
        return int(raw.strip())
    except ValueError:
        raise BadRecord("?", f"montant illisible {raw!r} ({where})") from None


def _credits(body: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, tuple[int | None, int | None]]:
    """The programmes of a credit amendment (`dispositifAmdtCreditPLF`, or the PLFR form
    with opened and cancelled amounts) and its balance (AE, CP); (None, (None, None)) for
    an amendment without one. Each programme: name, ref, action (modification, création,
    suppression), ae and cp (net change in euros)."""
    block_name = next((k for k in _CREDIT_BLOCKS if not is_nil(body.get(k))), None)
    if block_name is None:
        return None, (None, None)
    block = obj(body[block_name], block_name)
    programmes: list[dict[str, Any]] = []
    for programme in as_list(obj(block.get("listeProgrammes"), "listeProgrammes").get("programme")):
        programme = obj(programme, "programme")
        if "autorisationEngagement" in programme or "creditPaiement" in programme:
            ae = _euros(programme.get("autorisationEngagement"), "autorisationEngagement")
            cp = _euros(programme.get("creditPaiement"), "creditPaiement")
        else:  # PLFR: opened ("Supplementaire") and cancelled ("Annule", negative) amounts
            ae = (_euros(programme.get("autorisationEngagementSupplementaire"), "autorisationEngagementSupplementaire")
                  + _euros(programme.get("autorisationEngagementAnnule"), "autorisationEngagementAnnule"))
            cp = (_euros(programme.get("creditPaiementSupplementaire"), "creditPaiementSupplementaire")
                  + _euros(programme.get("creditPaiementAnnule"), "creditPaiementAnnule"))
        programmes.append({"programme": clean_text(text(programme.get("libelle"))),
                           "ref": text(programme.get("programmeRef")),
                           "action": text(programme.get("action")) or "modification", "ae": ae, "cp": cp})
    if "soldeAE" in block or "soldeCP" in block:
        balance = (_euros(block.get("soldeAE"), "soldeAE"), _euros(block.get("soldeCP"), "soldeCP"))
    else:
        balance = (sum(p["ae"] for p in programmes), sum(p["cp"] for p in programmes))
    return programmes, balance


def format_euros(amount: int, signed: bool = True) -> str:
    """20000000 → "+ 20 000 000 €", -1 → "- 1 €" (the form the commitment stage reads)."""
    sign = ("+ " if amount > 0 else "- " if amount < 0 else "") if signed else ""
    return f"{sign}{abs(amount):,} €".replace(",", " ")


def credit_text(mission: str, programmes: list[dict[str, Any]], balance: tuple[int | None, int | None]) -> str:
    """The French text of a credit amendment: the mission, each programme that moves (or
    is created or deleted) with its amounts, then the balance."""
    head = f"Mission « {mission} » : modification des crédits." if mission else "Modification des crédits."
    lines = [head]
    for p in programmes:
        if not (p["ae"] or p["cp"]) and p["action"] == "modification":
            continue
        action = "" if p["action"] == "modification" else f" ({p['action']})"
        lines.append(f"Programme « {p['programme']} »{action} : autorisations d'engagement {format_euros(p['ae'])}, "
                     f"crédits de paiement {format_euros(p['cp'])}.")
    if len(lines) == 1:
        lines.append("Aucun programme ne change de montant.")
    ae, cp = balance
    if ae is not None or cp is not None:
        lines.append(f"Solde : autorisations d'engagement {format_euros(ae or 0)}, "
                     f"crédits de paiement {format_euros(cp or 0)}.")
    return "\n".join(lines)


_INDEX_LINE = re.compile(r"/(?P<uid>AMAN[A-Z0-9]+)\.(?:xml|json)\b")


def publication_index_uids(body: str) -> list[str]:
    """Amendment uids listed in a daily publication index (`timestamp;url` lines, no
    header), in order, without duplicates."""
    seen: dict[str, None] = {}
    for line in body.splitlines():
        _, _, url = line.strip().partition(";")
        match = _INDEX_LINE.search(url)
        if match:
            seen.setdefault(match["uid"], None)
    return list(seen)


# ------------------------------------------------------------------ AN acteurs / organes / mandats
# The one reader of AN reference JSON: the spider, the gazetteer generation and `veille
# evaluate` all go through `parse_reference`. Its records are the rows of these tables.
REFERENCE_TABLES = {"actor": "actors", "organe": "organes", "mandate": "mandates"}


def parse_reference(data: Any, default_uid: str = "?") -> Iterator[tuple[str, dict[str, Any]]]:
    """Records ("actor" | "organe" | "mandate", record) of one AMO JSON object: a split
    file ({"acteur"}, {"organe"} or {"mandat"}) or a whole export ({"export": ...})."""
    if not isinstance(data, dict):
        raise BadRecord(default_uid, "objet JSON attendu")
    if "export" in data:
        export = obj(data["export"], "export")
        for organe in as_list(obj(export.get("organes"), "organes").get("organe")):
            yield from parse_reference({"organe": organe}, default_uid)
        for acteur in as_list(obj(export.get("acteurs"), "acteurs").get("acteur")):
            yield from parse_reference({"acteur": acteur}, default_uid)
        return
    kind = next((k for k in ("acteur", "organe", "mandat") if k in data), None)
    if kind is None:
        raise BadRecord(default_uid, "ni acteur, ni organe, ni mandat")
    uid = default_uid
    try:
        uid = text(obj(data[kind], kind).get("uid")) or default_uid
        if kind == "acteur":
            actor, mandates = _actor_record(data["acteur"], uid)
            yield "actor", actor
            for mandate in mandates:
                yield "mandate", mandate
        elif kind == "organe":
            yield "organe", _organe_record(data["organe"], uid)
        else:
            yield "mandate", _mandate_record(data["mandat"], None)
    except BadRecord:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadRecord(uid, f"forme inattendue ({exc})") from None


def _actor_record(a: dict[str, Any], uid: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    ident = obj(obj(a.get("etatCivil"), "etatCivil").get("ident"), "etatCivil.ident")
    first, last_name = text(ident.get("prenom")) or "", text(ident.get("nom")) or ""
    if not last_name:
        raise BadRecord(uid, "nom absent")
    actor = {
        "id": uid, "name": f"{first} {last_name}".strip(), "kind": "person",
        "extra": {"civ": text(ident.get("civ")), "prenom": first, "nom": last_name,
                  "alpha": text(ident.get("alpha")), "trigramme": text(ident.get("trigramme")),
                  "chamber": "AN", "hatvp": text(a.get("uri_hatvp")),
                  "born": day_of(obj(obj(a.get("etatCivil"), "etatCivil").get("infoNaissance"), "infoNaissance").get("dateNais"))},
    }
    mandates = [_mandate_record(m, uid) for m in as_list(obj(a.get("mandats"), "mandats").get("mandat"))]
    return actor, mandates


def _organe_record(o: dict[str, Any], uid: str) -> dict[str, Any]:
    # `short_name` is `libelleAbrege`, the AN's display label ("EcoS", "LECORNU II",
    # "Affaires sociales"); `libelleAbrev` is a code ("ECOS", "CION-SOC", and "GVT" for
    # every government, so it cannot tell two cabinets apart): kept as `extra.abbrev`.
    dates = obj(o.get("viMoDe"), "viMoDe")
    return {
        "id": uid, "kind": text(o.get("codeType")), "name": clean_text(text(o.get("libelle"))),
        "short_name": clean_text(text(o.get("libelleAbrege"))) or None,
        "start": day_of(dates.get("dateDebut")), "end": day_of(dates.get("dateFin")),
        "legislature": text(o.get("legislature")),
        "extra": {"abbrev": text(o.get("libelleAbrev")), "edition": clean_text(text(o.get("libelleEdition"))) or None,
                  "parent": text(o.get("organeParent")), "previous": text(o.get("organePrecedentRef")),
                  "type": text(o.get("@xsi:type")), "color": text(o.get("couleurAssociee"))},
    }


def _mandate_record(m: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    m = obj(m, "mandat")
    uid = text(m.get("uid"))
    if not uid:
        raise BadRecord(actor_id or "?", "mandat sans uid")
    quality = obj(m.get("infosQualite"), "infosQualite")
    organes = [text(r) for r in as_list(obj(m.get("organes"), "organes").get("organeRef"))]
    return {
        "id": uid, "actor_id": text(m.get("acteurRef")) or actor_id,
        "organe_id": organes[0] if organes else None, "organe_kind": text(m.get("typeOrgane")),
        "role": clean_text(text(quality.get("libQualite"))) or None,
        "start": day_of(m.get("dateDebut")), "end": day_of(m.get("dateFin")),
        "extra": {"role_sex": clean_text(text(quality.get("libQualiteSex"))) or None,
                  "legislature": text(m.get("legislature")), "published": day_of(m.get("datePublication")),
                  "organes": organes, "principal": text(m.get("nominPrincipale"))},
    }


# ------------------------------------------------------------------ AN agenda (réunions)
# Three réunion types seen over 4,601 real records: "seance_type" (plenary sittings, with
# `pointsODJ` and `identifiants`), "reunionCommission_type" (committees, with
# `convocationODJ`/`resumeODJ` items: a string or a list) and "reunionInitParlementaire_type".
AGENDA_KINDS = {"seance_type": "seance", "reunionCommission_type": "commission",
                "reunionInitParlementaire_type": "initiative"}


def agenda_url(uid: str) -> str:
    """The per-item open-data page of a réunion (the public agenda page pattern was not seen)."""
    return f"{AN_SITE}/dyn/opendata/{uid}.html"


def parse_reunion(data: Any, source: str, default_uid: str = "?",
                  follow: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """An AN agenda JSON object ({"reunion": …}) → a flat record (the fields of
    `AgendaItem`). `follow`: dossier or text uids whose meetings are marked `followed`."""
    if not isinstance(data, dict) or not isinstance(data.get("reunion"), dict):
        raise BadRecord(default_uid, "objet « reunion » absent")
    r = data["reunion"]
    uid = text(r.get("uid")) or default_uid
    try:
        return _reunion_record(r, uid, source, follow)
    except BadRecord as exc:
        raise BadRecord(uid, exc.cause) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadRecord(uid, f"forme inattendue ({exc})") from None


def _agenda_point(point: Any) -> dict[str, Any]:
    point = obj(point, "pointODJ")
    dossiers = [text(d) for d in as_list(obj(point.get("dossiersLegislatifsRefs"), "dossiersLegislatifsRefs").get("dossierRef"))]
    texts = [text(t) for t in as_list(obj(point.get("textesAssocies"), "textesAssocies").get("texteAssocie"))
             if not isinstance(t, dict) or "#text" in t]
    return {"uid": text(point.get("uid")), "subject": clean_text(text(point.get("objet"))),
            "type": text(point.get("typePointODJ")), "state": text(obj(point.get("cycleDeVie"), "cycleDeVie").get("etat")),
            "dossiers": [d for d in dossiers if d], "texts": [t for t in texts if t]}


def _reunion_record(r: dict[str, Any], uid: str, source: str, follow: frozenset[str] | set[str]) -> dict[str, Any]:
    kind = AGENDA_KINDS.get(text(r.get("@xsi:type")) or "", "autre")
    start = instant_of(r.get("timeStampDebut"))
    if start is None:
        raise BadRecord(uid, "date de début absente (timeStampDebut)")
    odj = obj(r.get("ODJ"), "ODJ")
    points = [_agenda_point(p) for p in as_list(obj(odj.get("pointsODJ"), "pointsODJ").get("pointODJ"))]
    agenda = [clean_text(text(i)) for i in as_list(obj(odj.get("convocationODJ"), "convocationODJ").get("item"))]
    if not agenda:
        agenda = [clean_text(text(i)) for i in as_list(obj(odj.get("resumeODJ"), "resumeODJ").get("item"))]
    agenda = [i for i in agenda if i] or [p["subject"] for p in points if p["subject"]]
    dossiers = sorted({d for p in points for d in p["dossiers"] + p["texts"]})
    ident = obj(r.get("identifiants"), "identifiants")
    place = obj(r.get("lieu"), "lieu")
    life = obj(r.get("cycleDeVie"), "cycleDeVie")
    local_day = parse_day(text(ident.get("DateSeance"))) or _paris_day(start)
    sitting = clean_text(text(ident.get("quantieme")))
    label = {"seance": "Séance publique", "commission": "Réunion de commission",
             "initiative": "Réunion"}.get(kind, "Réunion")
    when = date_label(local_day) + (f" ({sitting.lower()} séance)" if sitting else "")
    head = agenda[0] if agenda else ""
    return {
        "uid": uid, "source": source, "url": agenda_url(uid), "kind": kind,
        "title": f"{label} du {when}" + (f" — {head[:160]}" if head else ""),
        "start": start, "end": instant_of(r.get("timeStampFin")), "day": local_day,
        "state": text(life.get("etat")), "organe_id": text(r.get("organeReuniRef")),
        "place": clean_text(text(place.get("libelleLong"))) or None,
        "session": text(r.get("sessionRef")), "report_ref": text(r.get("compteRenduRef")),
        "agenda": agenda, "points": points, "dossiers": dossiers,
        "followed": bool(follow and (set(dossiers) & set(follow))),
    }


def _paris_day(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()


def date_label(day: str) -> str:
    """"2025-11-17" → "17/11/2025"."""
    return f"{day[8:10]}/{day[5:7]}/{day[:4]}"


# ------------------------------------------------------------------ Syceron comptes rendus
_NS = "{http://schemas.assemblee-nationale.fr/referentiel}"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _xml_text(element: etree._Element | None) -> str:
    """Plain text of an element: <br/> as line breaks, italics kept as text."""
    if element is None:
        return ""
    raw = etree.tostring(element, encoding="unicode", method="xml")
    return clean_text(raw)


def parse_sitting(data: bytes, default_uid: str = "?") -> dict[str, Any]:
    """A Syceron compte rendu → {uid, legislature, date, day_label, passages: [...]}.

    Each passage is one `paragraphe` with its speaker (acteur id, name, quality), debate
    role, point title (top-level point, then sub-point) and text."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise BadRecord(default_uid, f"XML invalide ({exc})") from None
    if _local(root) != "compteRendu":
        raise BadRecord(default_uid, f"racine <{_local(root)}> au lieu de <compteRendu>")
    uid = (root.findtext(f"{_NS}uid") or default_uid).strip()
    meta = root.find(f"{_NS}metadonnees")
    if meta is None:
        raise BadRecord(uid, "métadonnées absentes")
    try:
        started = instant_of(meta.findtext(f"{_NS}dateSeance"))
    except ValueError as exc:
        raise BadRecord(uid, str(exc)) from None
    legislature = (meta.findtext(f"{_NS}legislature") or "").strip()
    passages = []
    for paragraph in root.iter(f"{_NS}paragraphe"):
        passage = _passage(paragraph)
        if passage["text"]:
            passages.append(passage)
    return {"uid": uid, "legislature": legislature, "started": started,
            "day_label": (meta.findtext(f"{_NS}dateSeanceJour") or "").strip(),
            "url": sitting_url(uid, legislature), "passages": passages}


def _passage(paragraph: etree._Element) -> dict[str, Any]:
    titles = []
    for ancestor in reversed(list(paragraph.iterancestors(f"{_NS}point"))):
        title = _xml_text(ancestor.find(f"{_NS}texte"))
        if title and ancestor.get("nivpoint") != "99":
            titles.append(title)
    speaker = paragraph.find(f"{_NS}orateurs/{_NS}orateur")
    speaker_id = paragraph.get("id_acteur")
    if not speaker_id and speaker is not None and (speaker.findtext(f"{_NS}id") or "").strip():
        speaker_id = "PA" + speaker.findtext(f"{_NS}id").strip()
    return {
        "syceron_id": paragraph.get("id_syceron"), "order": paragraph.get("ordre_absolu_seance"),
        "speaker_id": speaker_id or None,
        "speaker_name": (speaker.findtext(f"{_NS}nom") or "").strip() if speaker is not None else "",
        "speaker_quality": _xml_text(speaker.find(f"{_NS}qualite")) if speaker is not None else "",
        "role": paragraph.get("roledebat") or None, "grammar": paragraph.get("code_grammaire"),
        "point_title": " — ".join(titles), "text": _xml_text(paragraph.find(f"{_NS}texte")),
    }


# ------------------------------------------------------------------ AN dossiers législatifs
# One file per dossier, `{"dossierParlementaire": {…}}` (members `json/dossierParlementaire/
# DLR….json` of Dossiers_Legislatifs.json.zip, next to `json/document/….json`). The journey
# is a tree of `actesLegislatifs.acteLegislatif` (a dict or a list): readings ("AN1", "SN1",
# "CMP", "PROM", "ANLUNI"…, `Etape_Type`, no date) hold steps ("AN1-COM", "AN1-DEBATS")
# that hold dated acts (`DepotInitiative_Type`, `SaisieComFond_Type`, `DepotRapport_Type`,
# `DiscussionSeancePublique_Type`, `Decision_Type` with `statutConclusion`, `Promulgation_Type`
# with `codeLoi`…). Shapes seen over real L17 dossiers: tests/fixtures/an_dossiers/SOURCES.md.
DOSSIER_STATUS = (("PROM-PUB", "promulguée"),)


def dossier_url(uid: str, legislature: str) -> str:
    """Public page of a dossier législatif, /dyn/{leg}/dossiers/{uid}."""
    return f"{AN_SITE}/dyn/{legislature}/dossiers/{uid}"


def parse_dossier(data: Any, source: str, default_uid: str = "?",
                  follow: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """An AN dossier JSON object ({"dossierParlementaire": …}) → a flat record (the fields
    of `LegislativeDossier`). `follow`: dossier or text uids (any text of its journey) whose
    dossier is marked `followed`."""
    if not isinstance(data, dict) or not isinstance(data.get("dossierParlementaire"), dict):
        raise BadRecord(default_uid, "objet « dossierParlementaire » absent")
    d = data["dossierParlementaire"]
    uid = text(d.get("uid")) or default_uid
    try:
        return _dossier_record(d, uid, source, follow)
    except BadRecord as exc:
        raise BadRecord(uid, exc.cause) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadRecord(uid, f"forme inattendue ({exc})") from None


def _act_label(act: dict[str, Any]) -> str:
    label = obj(act.get("libelleActe"), "libelleActe")
    return clean_text(text(label.get("nomCanonique")) or text(label.get("libelleCourt")) or "") or text(act.get("codeActe")) or ""


def _texts_of(act: dict[str, Any]) -> list[str]:
    """Text uids an act names: `texteAssocie` (a uid), `textesAssocies.texteAssocie` (objects
    with `refTexteAssocie`), `texteAdopte`, `texteLoiRef`."""
    refs = [text(act.get("texteAssocie")) if not isinstance(act.get("texteAssocie"), dict) else None]
    for item in as_list(obj(act.get("textesAssocies"), "textesAssocies").get("texteAssocie")):
        refs.append(text(obj(item, "texteAssocie").get("refTexteAssocie")) if isinstance(item, dict) else text(item))
    refs += [text(act.get("texteAdopte")), text(act.get("texteLoiRef"))]
    return [r for r in refs if r]


def _stage(act: dict[str, Any], position: int, phase: str, path: list[str]) -> dict[str, Any]:
    decision = obj(act.get("statutConclusion"), "statutConclusion")
    votes = [text(v) for v in as_list(obj(act.get("voteRefs"), "voteRefs").get("voteRef"))]
    rapporteurs = [text(obj(r, "rapporteur").get("acteurRef"))
                   for r in as_list(obj(act.get("rapporteurs"), "rapporteurs").get("rapporteur"))]
    return {
        "uid": text(act.get("uid")), "position": position, "code": text(act.get("codeActe")) or "",
        "phase": phase, "path": " › ".join(path), "label": _act_label(act), "kind": text(act.get("@xsi:type")),
        "date": day_of(act.get("dateActe")), "organe_id": text(act.get("organeRef")),
        "text_ref": text(act.get("texteAssocie")) if not isinstance(act.get("texteAssocie"), dict) else None,
        "adopted_text_ref": text(act.get("texteAdopte")) or text(act.get("texteLoiRef")),
        "decision": clean_text(text(decision.get("libelle"))) or None,
        "votes": [v for v in votes if v], "reunion_ref": text(act.get("reunionRef")),
        "rapporteurs": [r for r in rapporteurs if r], "provenance": text(act.get("provenance")),
        "law_code": text(act.get("codeLoi")),
    }


def _walk_acts(acts: Any, path: list[str], phase: str, stages: list[dict[str, Any]], texts: list[str]) -> None:
    """Append every leaf act of the tree to `stages` (document order); the acts holding
    others give the phase (top level) and the path."""
    for act in as_list(acts):
        act = obj(act, "acteLegislatif")
        if not act:
            continue
        texts += [t for t in _texts_of(act) if t not in texts]
        children = obj(act.get("actesLegislatifs"), "actesLegislatifs").get("acteLegislatif")
        label = _act_label(act)
        if not is_nil(children):
            _walk_acts(children, path + [label], phase or label, stages, texts)
        else:
            stages.append(_stage(act, len(stages) + 1, phase or label, path))


def _dossier_record(d: dict[str, Any], uid: str, source: str, follow: frozenset[str] | set[str]) -> dict[str, Any]:
    legislature = text(d.get("legislature")) or re.sub(r"^DLR5L(\d+)N.*", r"\1", uid)
    titles = obj(d.get("titreDossier"), "titreDossier")
    title = clean_text(text(titles.get("titre")))
    if not title:
        raise BadRecord(uid, "titre absent (titreDossier.titre)")
    procedure = obj(d.get("procedureParlementaire"), "procedureParlementaire")
    initiators = [text(obj(a, "acteur").get("acteurRef"))
                  for a in as_list(obj(obj(d.get("initiateur"), "initiateur").get("acteurs"), "acteurs").get("acteur"))]
    stages: list[dict[str, Any]] = []
    texts: list[str] = []
    _walk_acts(obj(d.get("actesLegislatifs"), "actesLegislatifs").get("acteLegislatif"), [], "", stages, texts)
    dated = [s for s in stages if s["date"]]
    latest = max(dated, key=lambda s: (s["date"], s["position"])) if dated else None
    filed = next((s["date"] for s in stages if s["code"].endswith("-DEPOT") and s["date"]), None)
    fusion = obj(d.get("fusionDossier"), "fusionDossier")
    law = next((s for s in stages if s["code"] == "PROM-PUB"), None)
    status = "promulguée" if law else "absorbé" if fusion else "en cours"
    current = ""
    if latest:
        current = f"{latest['phase']} — {latest['label']}" + (f" : {latest['decision']}" if latest["decision"] else "")
    followed = bool(follow and ({uid, *texts} & set(follow)))
    return {
        "uid": uid, "source": source, "url": dossier_url(uid, legislature), "title": title,
        "legislature": legislature, "kind": text(d.get("@xsi:type")) or "",
        "procedure": clean_text(text(procedure.get("libelle"))), "procedure_code": text(procedure.get("code")),
        "senate_url": (text(titles.get("senatChemin")) or "").replace("http://", "https://", 1) or None,
        "initiators": [i for i in initiators if i], "texts": texts, "stages": stages, "filed": filed,
        "current_stage": current, "current_stage_date": latest["date"] if latest else None,
        "status": status, "law_code": law["law_code"] if law else None,
        "merged_into": text(fusion.get("dossierAbsorbantRef")), "followed": followed,
    }
