"""Parsing helpers for the Sénat: the questions CSV (CP1252), question pages, and the senators' CSV.

Pure functions; a row that cannot be read raises `spiders.an_parse.BadRecord`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Any

from lxml import html as lxml_html

from nlp.text import clean_text
from spiders.an_parse import BadRecord
from spiders.dates import parse_day

SENAT_STATUS = (("reponse", "answered"), ("retir", "withdrawn"), ("cadu", "lapsed"),
                ("transform", "converted"), ("en cours", "pending"))


def decode_senat(body: bytes) -> str:
    """The Sénat CSV is CP1252 (a UTF-8 copy is accepted too)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def senat_rows(body: bytes) -> list[dict[str, str]]:
    """Rows of `questions-depuis-un-an.csv` as dicts keyed by the header."""
    reader = csv.DictReader(io.StringIO(decode_senat(body), newline=""), delimiter=";")
    if not reader.fieldnames or "Référence" not in reader.fieldnames:
        raise ValueError(f"en-tête inattendu : {(reader.fieldnames or [])[:5]}")
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def senat_status(label: str) -> str:
    """Lifecycle status from the Sénat "Sort" label."""
    key = clean_text(label).lower().replace("é", "e")
    return next((status for needle, status in SENAT_STATUS if needle in key), "pending")


def parse_senat_row(row: dict[str, str], source: str) -> dict[str, Any]:
    """One CSV row → a question record (the text comes later from the question page).

    The author's name is kept as the CSV gives it, « Civilité Prénom Nom » (« Mme Vivette
    Lopez »); `author_id` stays empty (the store step links it to a senator, reading the
    reference data). `group_id` is the organe id of the « Groupe » label, made by
    `senat_group_id` as for the senators' file (« SER » → "SENGP-SER")."""
    reference = row.get("Référence") or ""
    if not reference:
        raise BadRecord("?", "ligne sans référence")
    try:
        published = parse_day(row.get("Date de publication JO"))
        answered = parse_day(row.get("Date de réponse JO"))
    except ValueError as exc:
        raise BadRecord(reference, str(exc)) from None
    kind, number = row.get("Nature") or "QE", row.get("Numéro") or ""
    author = " ".join(p for p in (row.get("Civilité"), row.get("Prénom"), row.get("Nom")) if p)
    ministry_answering = row.get("Ministère de réponse") or row.get("Ministère de transmission") or row.get("Ministère de dépôt")
    url = (row.get("URL Question") or "").replace("http://", "https://", 1)
    themes = [t.strip() for t in (row.get("Thème(s)") or "").split(",") if t.strip()]
    group = row.get("Groupe") or None
    label = {"QE": "Question écrite", "QG": "Question d'actualité au Gouvernement",
             "QOSD": "Question orale sans débat"}.get(kind, f"Question {kind}")
    return {
        "uid": reference, "source": source, "chamber": "Sénat", "legislature": None, "kind": kind,
        "number": number, "url": url, "rubrique": themes[0] if themes else None, "tete_analyse": None,
        "analyses": [row["Titre"]] if row.get("Titre") else [], "author_id": None,
        "author_name": author, "group_id": senat_group_id(group) if group else None, "group_abbr": group,
        "group_name": group, "ministry_asked_id": None,
        "ministry_asked": row.get("Ministère de dépôt") or None, "ministry_answering_id": None,
        "ministry_answering": ministry_answering or None, "published": published,
        "answer_date": answered, "answer_ministry": row.get("Ministère de réponse") or None,
        "question_text": "", "answer_text": "", "status": senat_status(row.get("Sort") or ""),
        "closure_code": None, "closure_label": row.get("Sort") or None, "closure_date": answered,
        "reminder_of": row.get("Référence de la question rappelée") or None, "reminders": 0,
        "title": f"{label} n° {number} : {row.get('Titre', '')}".rstrip(" :"),
        "extra": {"circonscription": row.get("Circonscription"), "themes": themes,
                  "transmitted": row.get("Date de transmission") or None},
    }


# Labels of a senat.fr question page (the wording of the JO Sénat, also used on the site):
# « Question écrite n° 07591 de Mme Anne Souyris (Paris - GEST) », « publiée dans le JO Sénat
# du 05/02/2026 - page 512 », « Réponse du Ministère de la santé … publiée dans le JO Sénat du
# … », « En attente de réponse du Ministère … », « Transmise au Ministère … ». A real 2026 page
# was not found in any public store (research note §7): the reader keys on these labels,
# whatever element holds them (heading, paragraph, strong, div) and whatever the layout.
_QUESTION_HEAD = re.compile(r"^(?:question\s+(?:écrite|orale|d'actualité|crible)\b.*?\bn\s*[°o]|texte de la question)", re.I)
_ANSWER_HEAD = re.compile(r"^réponse\s+(?:du|de\s+la|de\s+l'|des|de)\b\s*(?P<who>.*)$", re.I)
_PUBLISHED = re.compile(r"publiée\s+dans\s+le\s+JO\s+Sénat\s+du\s+(?P<day>\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})", re.I)
_META_ONLY = re.compile(r"^[-–—\s]*publiée\s+dans\s+le\s+JO\s+Sénat\b[^.]*?(?:-\s*page\s+\d+)?\s*$", re.I)
_SECTION_END = re.compile(r"^(?:en attente de réponse|transmise? au|erratum|partager|imprimer|retour|"
                          r"question(?:\s+écrite)?\s+de\s+rappel|rappel(?:ée|\s+de\s+la\s+question)|"
                          r"réponse\s+à\s+la\s+question\s+de\s+rappel|voir\s+aussi)", re.I)
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "blockquote", "td", "div", "section", "article"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CHARSET = re.compile(rb"""(?:encoding|charset)\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def _blocks(tree) -> list[tuple[str, str]]:
    """(tag, text) of every innermost block of the page, in document order."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag not in _BLOCKS:
            continue
        if any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element.iterdescendants()):
            continue
        for br in element.iter("br"):
            br.tail = "\n" + (br.tail or "")
        value = "\n".join(clean_text(line) for line in element.text_content().split("\n"))
        value = "\n".join(line for line in value.split("\n") if line)
        if value:
            found.append((element.tag, value))
    return found


def parse_senat_page_details(html: str | bytes) -> dict[str, Any]:
    """What a senat.fr question page says: question_text, answer_text, published (the
    question's JO day), answer_date, answer_ministry (from « Réponse du … ») and pending
    (the « En attente de réponse du … » line, when there is no answer yet)."""
    if isinstance(html, bytes):
        declared = _CHARSET.search(html[:2048])
        try:
            page = html.decode(declared.group(1).decode("ascii") if declared else "utf-8")
        except (LookupError, UnicodeDecodeError):
            page = html.decode("cp1252", errors="replace")
    else:
        page = html
    tree = lxml_html.fromstring(_XML_DECLARATION.sub("", page, count=1))
    for bad in tree.xpath("//script|//style|//nav|//header|//footer|//form|//noscript"):
        bad.drop_tree()
    sections: dict[str, list[str]] = {"question": [], "reponse": []}
    details: dict[str, Any] = {"published": None, "answer_date": None, "answer_ministry": None, "pending": None}
    current = None
    for tag, value in _blocks(tree):
        first, _, rest = value.partition("\n")
        day = _PUBLISHED.search(value)
        if _QUESTION_HEAD.match(first):
            current = "question"
            details["published"] = details["published"] or (parse_day(day["day"]) if day else None)
            continue
        answer = _ANSWER_HEAD.match(first)
        if answer and (tag in _HEADINGS or day or len(first) < 200):
            current = "reponse"
            who = _PUBLISHED.split(answer["who"])[0] if _PUBLISHED.search(answer["who"]) else answer["who"]
            details["answer_ministry"] = clean_text(re.sub(r"\s*publiée.*$", "", who, flags=re.I)) or None
            details["answer_date"] = parse_day(day["day"]) if day else details["answer_date"]
            continue
        if _SECTION_END.match(first):
            if first.lower().startswith("en attente de réponse"):
                details["pending"] = first
            current = None
            continue
        if _META_ONLY.match(first):
            if day and current == "question" and not details["published"]:
                details["published"] = parse_day(day["day"])
            elif day and current == "reponse" and not details["answer_date"]:
                details["answer_date"] = parse_day(day["day"])
            if not rest:
                continue
            value = rest
        if tag in _HEADINGS and tag != "h1" and current and sections[current]:
            current = None  # another heading closes the section (« Sommaire », « Voir aussi »…)
        if current:
            sections[current].append(value)
    details["question_text"] = "\n".join(sections["question"])
    details["answer_text"] = "\n".join(sections["reponse"])
    return details


def parse_senat_page(html: str | bytes) -> tuple[str, str]:
    """(question text, answer text) of a senat.fr question page (`parse_senat_page_details`)."""
    details = parse_senat_page_details(html)
    return details["question_text"], details["answer_text"]


# ------------------------------------------------------------------ Sénat senators (ODSEN_GENERAL.csv)
# https://data.senat.fr/data/senateurs/ODSEN_GENERAL.csv: every senator of the Fifth Republic,
# in CP1252, after « % » lines quoting the SQL query; then a `,`-separated header
# (Matricule, Qualité, Nom usuel, Prénom usuel, État, Date naissance, Date de décès, Groupe
# politique, Type d'app au grp politique, Commission permanente, Circonscription, Fonction
# au Bureau du Sénat, Courrier électronique, PCS INSEE, Catégorie professionnelle,
# Description de la profession). « Groupe politique » is the group's short label, the one
# the questions CSV gives too (« Les Républicains », « SER », « UC »…). The file gives no
# date of mandate or of group membership: none is made up.
SENAT_ORGANE_ID = "SENAT"
SENAT_ACTOR_PREFIX = "SEN"
SENAT_GROUP_PREFIX = "SENGP-"
# Full names of the groups sitting since 2020 (and the 2023 CRCE-K), keyed by the file's label.
# Sources, read in stored public pages: the Sénat's « Informations sur la composition » 2021
# (senat.fr/themas/infocompo_2021/infocompo_20212.html, « Groupe communiste républicain
# citoyen et écologiste »); Public Sénat and 20 Minutes, October 2020 (RDPI, « Socialiste,
# Écologiste et Républicain », « Écologiste, Solidarité et Territoires »); Wikipédia (Union
# Centriste, RDSE, « Les Indépendants – République et Territoires »); Outremers360, October
# 2023 (CRCE-Kanaky); La Gazette des communes (the non-inscrits' « réunion administrative »).
# Any other label (an older group, only former senators') is kept as the name. Same names and
# labels as the gazetteer's list, nlp/patterns/sources/senate_groups.json (ids org:<code>).
SENAT_GROUP_NAMES = {
    "CRCE": "Communiste Républicain Citoyen et Écologiste",
    "CRCE-K": "Communiste Républicain Citoyen et Écologiste – Kanaky",
    "GEST": "Écologiste - Solidarité et Territoires",
    "Les Indépendants": "Les Indépendants – République et Territoires",
    "Les Républicains": "Les Républicains",
    "NI": "Réunion administrative des sénateurs ne figurant sur la liste d'aucun groupe",
    "RDPI": "Rassemblement des démocrates, progressistes et indépendants",
    "RDSE": "Rassemblement Démocratique et Social Européen",
    "SER": "Socialiste, Écologiste et Républicain",
    "UC": "Union Centriste",
}
# « Type d'app au grp politique » → (role, role for a senatrice); empty means a member.
SENAT_GROUP_ROLES = {"": ("Membre", "Membre"), "apparente": ("Apparenté", "Apparentée"),
                     "rattache": ("Rattaché", "Rattachée")}
SENAT_STATES = ("ACTIF", "ANCIEN")
_MATRICULE = re.compile(r"^[0-9A-Z]{6}$")


def senator_rows(body: bytes) -> list[dict[str, str]]:
    """Rows of `ODSEN_GENERAL.csv` (CP1252 or UTF-8, leading « % » lines skipped, `,` or `;`)
    as dicts keyed by the header; ValueError when the header is not the senators' one."""
    lines = decode_senat(body).splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("%")), len(lines))
    header = lines[start] if start < len(lines) else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO("".join(lines[start:]), newline=""), delimiter=delimiter)
    if not reader.fieldnames or "Matricule" not in reader.fieldnames or "Nom usuel" not in reader.fieldnames:
        raise ValueError(f"en-tête inattendu : {(reader.fieldnames or [])[:5]}")
    return [{k.strip(): " ".join((v or "").split()) for k, v in row.items() if k} for row in reader]


def senat_group_id(label: str) -> str:
    """The organe id of a Sénat group from its label in the file (« UC » → "SENGP-UC",
    « Les Républicains » → "SENGP-LES-REPUBLICAINS")."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return SENAT_GROUP_PREFIX + re.sub(r"[^A-Z0-9]+", "-", ascii_label.upper()).strip("-")


def senat_group_record(label: str) -> dict[str, Any]:
    """The organe row of a Sénat political group (kind "GP"): its full name when known
    (`SENAT_GROUP_NAMES`), else the label; the label is its `short_name`. No dates."""
    return {
        "id": senat_group_id(label), "kind": "GP", "name": SENAT_GROUP_NAMES.get(label, label),
        "short_name": label, "start": None, "end": None, "legislature": None,
        "extra": {"chamber": "SN", "abbrev": label, "named": label in SENAT_GROUP_NAMES},
    }


def senat_chamber_record() -> dict[str, Any]:
    """The organe row of the Sénat itself, holder of the « Sénateur » mandates."""
    return {"id": SENAT_ORGANE_ID, "kind": "SENAT", "name": "Sénat", "short_name": None, "start": None,
            "end": None, "legislature": None, "extra": {"chamber": "SN"}}


def _senat_day(row: dict[str, str], field: str, matricule: str) -> str | None:
    try:
        return parse_day(row.get(field))
    except ValueError:
        raise BadRecord(matricule, f"« {field} » illisible ({row.get(field)!r})") from None


def parse_senator_row(row: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One row of `ODSEN_GENERAL.csv` → (actor row, mandate rows): "SEN" + matricule, the
    name « Prénom Nom », civility, state, seat, committee, last group. A senator in office
    (ACTIF) gets a « Sénateur » mandate on the Sénat and one on his group (role Membre,
    Apparenté or Rattaché); a former one (ANCIEN), none. Neither has dates: the file gives
    none. Raises `BadRecord` naming the matricule and the field."""
    matricule = row.get("Matricule") or ""
    if not _MATRICULE.match(matricule):
        raise BadRecord(matricule or "?", f"« Matricule » illisible ({matricule!r})")
    first, last = row.get("Prénom usuel") or "", row.get("Nom usuel") or ""
    if not last:
        raise BadRecord(matricule, "« Nom usuel » absent")
    state = (row.get("État") or "").upper()
    if state not in SENAT_STATES:
        raise BadRecord(matricule, f"« État » inconnu ({row.get('État')!r})")
    group = row.get("Groupe politique") or None
    membership = row.get("Type d'app au grp politique") or ""
    roles = SENAT_GROUP_ROLES.get(unicodedata.normalize("NFKD", membership.lower()).encode("ascii", "ignore").decode())
    if roles is None:
        raise BadRecord(matricule, f"« Type d'app au grp politique » inconnu ({membership!r})")
    civ = row.get("Qualité") or None
    born, died = _senat_day(row, "Date naissance", matricule), _senat_day(row, "Date de décès", matricule)
    actor_id = SENAT_ACTOR_PREFIX + matricule
    actor = {
        "id": actor_id, "name": f"{first} {last}".strip(), "kind": "person",
        "extra": {"civ": civ, "prenom": first, "nom": last, "chamber": "SN", "matricule": matricule,
                  "etat": state, "circonscription": row.get("Circonscription") or None,
                  "commission": row.get("Commission permanente") or None, "groupe": group,
                  "appartenance": membership or None, "bureau": row.get("Fonction au Bureau du Sénat") or None,
                  "born": born, "died": died},
    }
    if state != "ACTIF":
        return actor, []
    female = (civ or "").lower() in ("mme", "mlle")
    mandates = [{
        "id": f"{actor_id}-SN", "actor_id": actor_id, "organe_id": SENAT_ORGANE_ID, "organe_kind": "SENAT",
        "role": "Sénateur", "start": None, "end": None,
        "extra": {"role_sex": "Sénatrice" if female else "Sénateur", "chamber": "SN",
                  "circonscription": row.get("Circonscription") or None},
    }]
    if group:
        mandates.append({
            "id": f"{actor_id}-GP", "actor_id": actor_id, "organe_id": senat_group_id(group), "organe_kind": "GP",
            "role": roles[0], "start": None, "end": None,
            "extra": {"role_sex": roles[1] if female else roles[0], "chamber": "SN", "groupe": group},
        })
    return actor, mandates
