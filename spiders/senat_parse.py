"""Parsing helpers for the Sénat questions: the rolling CSV (CP1252) and question pages.

Pure functions; a row that cannot be read raises `spiders.an_parse.BadRecord`.
"""

from __future__ import annotations

import csv
import io
import re
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
    """One CSV row → a question record (the text comes later from the question page)."""
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
    label = {"QE": "Question écrite", "QG": "Question d'actualité au Gouvernement",
             "QOSD": "Question orale sans débat"}.get(kind, f"Question {kind}")
    return {
        "uid": reference, "source": source, "chamber": "Sénat", "legislature": None, "kind": kind,
        "number": number, "url": url, "rubrique": themes[0] if themes else None, "tete_analyse": None,
        "analyses": [row["Titre"]] if row.get("Titre") else [], "author_id": None,
        "author_name": author, "group_id": None, "group_abbr": row.get("Groupe") or None,
        "group_name": row.get("Groupe") or None, "ministry_asked_id": None,
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
