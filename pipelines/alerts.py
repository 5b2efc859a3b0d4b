"""Saved-search alerts by mail: a search (the site's, `pipelines.site_search`: texts and
actor names), recipients and a rhythm; each run mails the relevant documents that match
and were first seen since the alert was set up, each document once per alert.

- The first run of an alert records its start and mails nothing: documents already stored
  are not news (they are on the site). Later runs mail the new matches, then record them
  in `alert_sends` (schema: `pipelines.schema_alerts`), so the next run does not send them
  again, whatever the number of runs.
- `immediate`: every run (after each nightly); `daily`: at most one mail per Paris day.
- Links: the site's reading pages at its public address ([site] public_url, see
  `pipelines.digest_data.public_base`; none when it is empty or local) and the publishers'
  originals when http(s) (`pipelines.site_markup.safe_url`). Each mail says how to unsubscribe.

Alerts come from the `[[alerts]]` tables of the configuration (`alerts_of`), or from the
command line (`veille alertes --requete …`); `veille nightly` runs the configured ones after
tagging.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from html import escape
from typing import Any, Iterable
from urllib.parse import quote

from pipelines.config import Config
from pipelines.digest_data import public_base
from pipelines.labels import KIND_LABELS, plural
from pipelines.mail import MailError, build_message, send_message
from pipelines.site_feeds import inert_text
from pipelines.site_markup import safe_url
from pipelines.site_search import search_plan
from pipelines.transaction import write_unit
from pipelines.weeks import PARIS

CADENCES = ("immediate", "daily")
MAX_LISTED = 50


@dataclass(frozen=True)
class Alert:
    """One saved search: its name (the key of its record), the query as typed on the site,
    who receives it and how often."""

    name: str
    query: str
    recipients: tuple[str, ...]
    cadence: str = "immediate"
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def alerts_of(config: Config) -> list[Alert]:
    """The alerts configured in `[[alerts]]`."""
    return [Alert(a.name, a.query, a.recipients, a.cadence) for a in config.alerts]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _runs(db, alert: Alert) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM alert_runs WHERE alert = ? ORDER BY started", [alert.name]))


def new_matches(db, alert: Alert, since: str) -> list[dict[str, Any]]:
    """The relevant documents matching the alert's search, first seen at or after `since`
    (ISO, UTC) and never mailed for this alert, newest first."""
    tables = set(db.table_names())
    found = db.execute("SELECT topics FROM documents WHERE relevant = 1 AND topics != '' LIMIT 1").fetchone()
    topics = found[0] if found else ""
    plan = search_plan(alert.query, topics, tables)
    if plan.empty:
        return []
    where = ["d.relevant = 1", "d.first_seen >= :since",
             "NOT EXISTS (SELECT 1 FROM alert_sends s WHERE s.alert = :alert AND s.document_id = d.id)"]
    params: dict[str, Any] = {"since": since, "alert": alert.name}
    if plan.sql:
        rowids = [r[0] for r in db.execute(plan.sql, plan.params).fetchall()]
        where.append("d.rowid IN (SELECT value FROM json_each(:ids))")
        params["ids"] = json.dumps(rowids)
    sql = ("SELECT d.id, d.title, d.url, d.published, d.kind, coalesce(d.publisher, s.label, d.source) AS outlet, "
           "(SELECT m.snippet FROM mentions m WHERE m.document_id = d.id AND m.strength = 'strong' "
           "ORDER BY m.field = 'title', m.start LIMIT 1) AS snippet "
           "FROM documents d LEFT JOIN sources s ON s.name = d.source WHERE " + " AND ".join(where)
           + " ORDER BY d.published DESC")
    return list(db.query(sql, params))


def alert_subject(alert: Alert, documents: list[dict[str, Any]]) -> str:
    """« Alerte « Rist » : 2 nouveaux documents — <the newest title> »."""
    n = len(documents)
    count = f"{n} nouveau document" if n == 1 else f"{n} nouveaux documents"
    first = " ".join((documents[0]["title"] or "").split())[:90] if documents else ""
    return f"Alerte « {alert.query} » : {count}" + (f" — {inert_text(first)}" if first else "")


def alert_bodies(alert: Alert, documents: list[dict[str, Any]], site: str | None, contact: str) -> tuple[str, str]:
    """(plain text, HTML) of the alert mail: one entry per document, its outlet, date, extract
    and links (the site's page when it has a public address, the original when http(s))."""
    lines = [f"Nouveaux documents pour la recherche « {alert.query} » :", ""]
    items = []
    for d in documents[:MAX_LISTED]:
        page = f"{site}/document/{quote(d['id'], safe=':')}" if site else ""
        original = safe_url(d["url"])
        meta = " · ".join(filter(None, [d["outlet"] or "", (d["published"] or "")[:10], KIND_LABELS.get(d["kind"], d["kind"] or "")]))
        title = inert_text(" ".join((d["title"] or "(sans titre)").split()))
        snippet = inert_text(" ".join((d["snippet"] or "").split()))
        lines += [f"- {title}", f"  {meta}"] + ([f"  > {snippet}"] if snippet else [])
        lines += ([f"  Sur le site : {page}"] if page else []) + ([f"  Original : {original}"] if original else []) + [""]
        links = " · ".join(filter(None, [f'<a href="{escape(page)}">sur le site</a>' if page else "",
                                         f'<a href="{escape(original)}">original</a>' if original else ""]))
        items.append(f"<li><strong>{escape(title)}</strong><br><span style=\"color:#5f6b7a\">{escape(meta)}</span>"
                     + (f"<br><em>{escape(snippet)}</em>" if snippet else "") + (f"<br>{links}" if links else "") + "</li>")
    if len(documents) > MAX_LISTED:
        lines.append(f"… et {len(documents) - MAX_LISTED} de plus" + (f" : {site}/veille/documents?_q={quote(alert.query)}" if site else "."))
    leave = (f"Pour ne plus recevoir cette alerte, écrivez à {contact} (objet : désabonnement {alert.name})."
             if contact else "Pour ne plus recevoir cette alerte, répondez à ce message.")
    lines += ["", leave]
    html = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Alerte</title></head>'
            '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:21px;color:#1f2933;">'
            f"<p>Nouveaux documents pour la recherche « {escape(alert.query)} » :</p><ul>{''.join(items)}</ul>"
            f'<p style="color:#5f6b7a;font-size:12px;">{escape(leave)}</p></body></html>')
    return "\n".join(lines) + "\n", html


def run_alert(db, config: Config, alert: Alert, send: bool = True, now: datetime | None = None) -> dict[str, Any]:
    """Run one alert; return {alert, status, matches, recipients, error, message}. Status:
    "baseline" (first run, nothing mailed), "nothing" (no new match), "waiting" (daily, already
    mailed today), "sent", "failed" (SMTP), "dry" (not sent on request)."""
    now = now or _now()
    stamp = now.isoformat()
    runs = _runs(db, alert)
    outcome: dict[str, Any] = {"alert": alert.name, "matches": 0, "recipients": [], "error": None}
    if alert.cadence not in CADENCES:
        return {**outcome, "status": "failed", "error": f"rythme inconnu {alert.cadence!r} (immediate ou daily)"}
    if not runs:
        _record_run(db, alert, stamp, "baseline", 0, [], None)
        return {**outcome, "status": "baseline",
                "message": f"alerte « {alert.name} » créée : les documents déjà enregistrés ne sont pas envoyés"}
    if alert.cadence == "daily":
        today = now.astimezone(PARIS).date().isoformat()
        if any(r["status"] == "sent" and datetime.fromisoformat(r["started"]).astimezone(PARIS).date().isoformat() == today
               for r in runs):
            return {**outcome, "status": "waiting", "message": f"alerte « {alert.name} » déjà envoyée aujourd'hui"}
    documents = new_matches(db, alert, runs[0]["started"])
    outcome["matches"] = len(documents)
    if not documents:
        _record_run(db, alert, stamp, "nothing", 0, [], None)
        return {**outcome, "status": "nothing", "message": f"alerte « {alert.name} » : rien de nouveau"}
    if not send:
        return {**outcome, "status": "dry",
                "message": f"alerte « {alert.name} » : {plural(len(documents), 'document', 'documents')} à envoyer (non envoyés)"}
    site, local = public_base(config.digest.site_url)
    text, html = alert_bodies(alert, documents, None if local else site, config.mail.sender)
    settings = replace(config.mail, recipients=alert.recipients or config.mail.recipients)
    message = build_message(settings, alert_subject(alert, documents), text, html, unsubscribe=True)
    try:
        accepted = send_message(settings, message)
    except MailError as exc:
        _record_run(db, alert, stamp, "failed", len(documents), [], str(exc))
        return {**outcome, "status": "failed", "error": str(exc)}
    with write_unit(db):
        run_id = _record_run(db, alert, stamp, "sent", len(documents), accepted, None)
        db.table("alert_sends").insert_all(
            ({"alert": alert.name, "document_id": d["id"], "sent_at": stamp, "run_id": run_id} for d in documents),
            pk=("alert", "document_id"), ignore=True)
    return {**outcome, "status": "sent", "recipients": accepted,
            "message": f"alerte « {alert.name} » : {plural(len(documents), 'document envoyé', 'documents envoyés')} "
                       f"à {', '.join(accepted)}"}


def _record_run(db, alert: Alert, stamp: str, status: str, matches: int, recipients: Iterable[str],
                error: str | None) -> str:
    run_id = f"{alert.name}:{stamp}:{secrets.token_hex(4)}"
    with write_unit(db):
        db.table("alert_runs").insert({"id": run_id, "alert": alert.name, "started": stamp, "matches": matches,
                                       "status": status, "recipients": ", ".join(recipients), "error": error},
                                      pk="id")
    return run_id
