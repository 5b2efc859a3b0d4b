"""Render a gathered digest (the dict of `pipelines.digest_data.gather`) as HTML mail,
Markdown (also the plain-text part of the mail), CSV and JSON.

The HTML is built for mail clients: tables for layout, inline styles only, no script, no
external image; the weekly chart is a table of bars.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipelines.resources import package_path
from pipelines.site_feeds import inert_text

TEMPLATES = package_path("templates")

CSV_COLUMNS = ("semaine", "section", "rubrique", "date", "titre", "source", "type", "acteur",
               "montant_eur", "echeance", "pourquoi", "extrait", "lien_original", "lien_base")


def _number(value: Any) -> str:
    """French thousands separator: 12 345."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """"1 document", "2 documents"."""
    return f"{_number(count)} {singular if count in (0, 1) else (plural or singular + 's')}"


def _euros(value: Any) -> str:
    """"1,5 M€", "250 000 €"."""
    if value in (None, ""):
        return ""
    value = float(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} M€".replace(".0 ", " ").replace(".", ",")
    return f"{_number(round(value))} €"


def _inert(value: Any) -> Any:
    """Every text printed by a template, without `javascript:`/`data:`/`file:` URLs in it
    (a mail client may turn a URL written in text into a link)."""
    if isinstance(value, Markup):  # a macro's output: its own texts went through here already
        return value
    return inert_text(value) if isinstance(value, str) else value


def environment() -> Environment:
    """The Jinja2 environment of the digest templates (HTML autoescaped; every printed text
    made inert, see `_inert`)."""
    env = Environment(
        finalize=_inert,
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(number=_number, plural=_plural, euros=_euros)
    return env


def render_html(digest: dict[str, Any]) -> str:
    """The HTML mail."""
    return environment().get_template("digest.html").render(d=digest)


def render_markdown(digest: dict[str, Any]) -> str:
    """Markdown; readable as plain text, so it is also the text part of the mail."""
    text = environment().get_template("digest.md").render(d=digest)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def render_json(digest: dict[str, Any]) -> str:
    """The whole digest as JSON (UTF-8, indented)."""
    return json.dumps(digest, ensure_ascii=False, indent=2) + "\n"


def csv_rows(digest: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per item of every section (sources included)."""
    week = digest["week"]
    rows: list[dict[str, Any]] = []

    def item_row(section: str, part: str, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
        why = item.get("why") or []
        return {
            "semaine": week, "section": section, "rubrique": part, "date": item.get("date") or "",
            "titre": item.get("title") or "", "source": item.get("source_label") or item.get("source") or "",
            "type": item.get("kind_label") or item.get("kind") or "",
            "pourquoi": " ; ".join(f"{w['matched']} ({w['rule_label']})" for w in why),
            "extrait": why[0]["snippet"] if why else "",
            "lien_original": item.get("url") or "", "lien_base": item.get("datasette_url") or "",
            **extra,
        }

    for line in digest.get("highlights") or []:
        rows.append({"semaine": week, "section": "à retenir", "rubrique": line.get("label") or "",
                     "titre": line["text"], "source": ", ".join(line.get("outlets") or []),
                     "lien_base": line.get("url") or ""})
    for group in digest["parliament"]["groups"]:
        for item in group["items"]:
            rows.append(item_row("parlement", group["label"], item))
    for story in digest["press"]["stories"]:
        rows.append(item_row("presse", "article principal", story["lead"]))
        for pickup in story["pickups"]:
            rows.append(item_row("presse", f"reprise de « {story['lead']['title']} »", pickup))
    for item in digest["other"]["items"]:
        rows.append(item_row("autres documents", item.get("kind_label") or "", item))
    for part, label in (("new", "nouveaux"), ("upcoming", "échéance dans les 30 jours"), ("overdue", "en retard")):
        for c in digest["commitments"][part]:
            rows.append({
                "semaine": week, "section": "engagements", "rubrique": label, "date": c.get("date") or "",
                "titre": c["text"], "source": c.get("document_title") or "", "type": c.get("kind_label") or "",
                "acteur": c.get("actor") or "", "montant_eur": c.get("amount_eur") or "",
                "echeance": c.get("deadline") or "", "lien_original": c.get("url") or "",
                "lien_base": c.get("datasette_url") or "",
            })
    for actor in digest["actors"]["items"]:
        rows.append({"semaine": week, "section": "acteurs", "rubrique": actor.get("kind_label") or "",
                     "titre": actor["name"], "acteur": actor["name"],
                     "pourquoi": _plural(actor["documents"], "document"), "lien_base": actor.get("datasette_url") or ""})
    for source in digest["coverage"]["sources"]:
        rows.append({"semaine": week, "section": "sources", "rubrique": source["status_label"],
                     "titre": source["label"], "source": source["name"],
                     "pourquoi": source["detail"], "extrait": source.get("error") or "",
                     "lien_original": source.get("url") or "", "lien_base": source.get("datasette_url") or ""})
    return [{c: row.get(c, "") for c in CSV_COLUMNS} for row in rows]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\ufe62", "\ufe63", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text made inert (`_inert`), and text starting like a
    formula (=, +, -, @, tab…) gets a leading apostrophe (OWASP's advice against CSV
    injection); numbers are left alone."""
    if not isinstance(value, str):
        return value
    value = _inert(value)
    if value.lstrip(" \u00a0").startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(digest: dict[str, Any]) -> str:
    """CSV for French spreadsheets: semicolon-separated, UTF-8 with BOM (Excel in French reads
    the accents and the columns), cells escaped against formulas (`csv_cell`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in csv_rows(digest))
    return "\ufeff" + buffer.getvalue()


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "html": render_html, "md": render_markdown, "csv": render_csv, "json": render_json,
}
