"""Parsing helpers for the Sénat questions: the rolling CSV (CP1252) and question pages.

Pure functions; a row that cannot be read raises `spiders.an_parse.BadRecord`.
"""

from __future__ import annotations

import csv
import io
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


def parse_senat_page(html: str) -> tuple[str, str]:
    """(question text, answer text) of a senat.fr question page.

    The 2026 layout was not seen (research note §7): the text under a heading that starts
    with "Question" is the question, under one that starts with "Réponse" the answer."""
    tree = lxml_html.fromstring(html)
    for bad in tree.xpath("//script|//style|//nav|//header|//footer"):
        bad.drop_tree()
    sections: dict[str, list[str]] = {"question": [], "reponse": []}
    current = None
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("h1", "h2", "h3", "h4"):
            heading = clean_text(element.text_content()).lower()
            current = "reponse" if heading.startswith("réponse") else (
                "question" if heading.startswith(("question", "texte de la question")) else None)
            continue
        if current and element.tag == "p":
            sections[current].append(clean_text(element.text_content()))
    return "\n".join(p for p in sections["question"] if p), "\n".join(p for p in sections["reponse"] if p)
