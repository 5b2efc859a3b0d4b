"""The commitments ledger on the site: /engagements (one row per promise, whatever the number
of outlets repeating it) and /engagement/<id> (its statements in date order, its status
history, the staff's decisions), from the named queries `registre_engagements`,
`engagement_fil`, `engagement_declarations`, `engagement_historique`,
`engagement_decisions` and `engagements_ecartes`.

Logged-in staff decide from the thread page (POST /engagement/<id>, CSRF-protected by
Datasette's asgi-csrf like the login form): the decision goes to `pipelines.ledger.decide`,
which records it in the curation file and rebuilds the ledger. Anonymous visitors never write.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from pipelines import ledger
from pipelines.curation import CURATION_ENV, CurationError, CurationUnavailable, curation_path, unavailable
from pipelines.labels import (
    COMMITMENT_LABELS, CURATION_ACTION_LABELS, THREAD_STATUS_HELP, THREAD_STATUS_LABELS, french_amount, plural,
)
from pipelines.serve import STAFF_ACTOR, login_enabled
from pipelines.site_data import check_view, named_rows, site_database, table_names

FIELD_LABELS = {"amount_eur": "montant", "deadline": "échéance", "actor_id": "acteur", "kind": "type"}
DONE = {
    "confirm": "Déclaration confirmée.", "reject": "Déclaration écartée : elle ne compte plus dans le registre.",
    "correct": "Correction enregistrée.", "move": "Déclaration déplacée.", "split": "Déclaration séparée en un nouvel engagement.",
    "merge": "Engagements fusionnés.", "status": "Statut fixé.", "note": "Note enregistrée.", "owner": "Responsable enregistré.",
    "irrelevant": "Document marqué hors sujet.", "undo": "Décision annulée.",
}


def shown_value(field: str | None, raw: str | None) -> str:
    """A value of the decisions' log as staff read it: "14 000 000 €", "31 décembre 2026"."""
    if raw is None:
        return "∅"
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if value is None:
        return "∅"
    if field == "amount_eur" and isinstance(value, (int, float)):
        return french_amount(value)
    if isinstance(value, dict) and "deadline" in value:
        return ledger.deadline_text(value.get("deadline"), value.get("deadline_precision")) or "∅"
    if isinstance(value, dict) and "thread" in value:
        return "écartée" if value.get("thread") else "∅"
    return THREAD_STATUS_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def is_staff(request) -> bool:
    """Only the logged-in staff may decide (never an anonymous visitor, never a feed reader)."""
    return bool(login_enabled() and request.actor and request.actor.get("id") == STAFF_ACTOR["id"])


def _paths(db) -> tuple[Path, Path]:
    database = Path(db.path)
    return database, curation_path(database)


async def ledger_page(request, datasette):
    """/engagements: the register, one row per promise."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    filters = {k: request.args.get(k, "") for k in ("statut", "acteur", "type")}
    rows = await named_rows(db, "registre_engagements", tables, **filters)
    rows = [r for r in rows if r["id"]]
    rejected = [r for r in await named_rows(db, "engagements_ecartes", tables) if r["commitment_id"]]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["code_statut"]] = counts.get(r["code_statut"], 0) + 1
    context = {"threads": rows, "rejected": rejected, "filters": filters, "counts": counts,
               "statuses": THREAD_STATUS_LABELS, "status_help": THREAD_STATUS_HELP, "kinds": COMMITMENT_LABELS,
               "as_of": rows[0]["situation_au"] if rows else None, "ready": "commitment_threads" in tables,
               "message": DONE.get(request.args.get("fait", ""))}
    return Response.html(await datasette.render_template("veille_engagements.html", context, request=request))


async def thread_page(request, datasette):
    """/engagement/<id>: one promise; POST: a staff decision about it."""
    await check_view(datasette, request)
    db = site_database(datasette)
    thread_id = request.url_vars["id"]
    error, status = None, 200
    if request.method == "POST":
        if not is_staff(request):
            return Response.html(await datasette.render_template(
                "veille_engagement_refus.html", {"login_enabled": login_enabled()}, request=request), status=403)
        form = await request.post_vars()
        outcome, error = await _decide(db, thread_id, form, request.actor)
        if outcome is not None:
            destination = _destination(form, thread_id, outcome)
            query = {"fait": form.get("action", "")}
            if not outcome.applied:
                query["attente"] = "1"
            return Response.redirect(destination + "?" + urlencode(query))
        status = 400
    return await _render_thread(request, datasette, db, thread_id, error, status)


async def _decide(db, thread_id: str, form: dict, actor: dict):
    database, curation_file = _paths(db)
    action = form.get("action", "")
    target = form.get("cible") or thread_id
    try:
        outcome = await asyncio.to_thread(
            ledger.decide, database, action, target, actor.get("name") or actor.get("id") or "équipe",
            field=form.get("champ") or None, value=form.get("valeur"), note=form.get("note"),
            curation_file=curation_file, apply=db.is_mutable)
        return outcome, None
    except CurationError as exc:
        return None, str(exc)
    except CurationUnavailable:
        return None, "Les corrections sont indisponibles pour le moment (fichier des corrections verrouillé ou illisible) : réessayez."


def _destination(form: dict, thread_id: str, outcome) -> str:
    """Where to go after a decision: the thread (or the one it was merged into, or the new
    thread split off); the register when the thread is gone."""
    action = form.get("action")
    value = outcome.row.get("value") or ""
    target = value.strip('"') if action in ("merge", "split") else thread_id
    return "/engagement/" + quote(target, safe="")


async def _render_thread(request, datasette, db, thread_id: str, error: str | None, status: int):
    tables = await table_names(db)
    found = [r for r in await named_rows(db, "engagement_fil", tables, fil=thread_id) if r["id"]]
    statements = [r for r in await named_rows(db, "engagement_declarations", tables, fil=thread_id) if r["commitment_id"]]
    if not found:
        if statements:  # every statement of the thread was rejected: the page says so
            return Response.html(await datasette.render_template(
                "veille_engagement_vide.html", {"statements": statements, "thread_id": thread_id,
                                                "message": DONE.get(request.args.get("fait", ""))}, request=request))
        if request.args.get("fait"):
            return Response.redirect("/engagements?" + urlencode({"fait": request.args["fait"]}))
        raise NotFound("Engagement introuvable")
    thread = found[0]
    staff = is_staff(request)
    curation_problem = None
    others: list[dict] = []
    if staff:
        curation_problem = await asyncio.to_thread(unavailable, _paths(db)[1])
        others = [r for r in await named_rows(db, "registre_engagements", tables) if r["id"] and r["id"] != thread_id]
    context = {
        "thread": thread, "statements": [s for s in statements if s["code_decision"] != "rejected"],
        "rejected": [s for s in statements if s["code_decision"] == "rejected"],
        "history": await named_rows(db, "engagement_historique", tables, fil=thread_id),
        "decisions": [{**d, "avant": shown_value(d["champ"], d["avant"]), "apres": shown_value(d["champ"], d["apres"])}
                      for d in await named_rows(db, "engagement_decisions", tables, fil=thread_id) if d["id"]],
        "staff": staff, "login_enabled": login_enabled(), "others": others, "error": error,
        "message": DONE.get(request.args.get("fait", "")), "pending": bool(request.args.get("attente")),
        "curation_problem": curation_problem, "statuses": THREAD_STATUS_LABELS, "kinds": COMMITMENT_LABELS,
        "fields": FIELD_LABELS, "actions": CURATION_ACTION_LABELS, "immutable": not db.is_mutable,
        "curation_env": CURATION_ENV,
    }
    return Response.html(await datasette.render_template("veille_engagement.html", context, request=request),
                         status=status)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Amounts and deadlines as the ledger shows them."""
    env.filters["montant_fr"] = french_amount
    env.filters["echeance_fr"] = lambda deadline, precision=None: ledger.deadline_text(deadline, precision)
    env.filters["compte_fr"] = plural


@hookimpl
def register_routes():
    """The register and the thread pages."""
    return [(r"^/engagements$", ledger_page), (r"^/engagement/(?P<id>[^/]+)$", thread_page)]
