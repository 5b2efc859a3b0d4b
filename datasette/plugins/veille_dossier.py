"""The page of a bill, /dossier/<id> (or /loi/<numéro>, which redirects to it): its
dossier législatif and its stages as a timeline, from the named queries `dossier`,
`etapes_dossier` and `agenda_a_venir`; and, on the page of a document of that bill (the
dossier itself or an amendment on one of its texts), the link to it (`dossiers_du_document`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from pipelines.labels import STAGE_STEP_LABELS, french_date, stage_chamber, stage_step
from pipelines.site_data import check_view, named_rows, site_database, table_names


def dossier_path(dossier_id: str) -> str:
    """The path of a bill's page."""
    return "/dossier/" + quote(str(dossier_id), safe="")


def _votes(value: Any) -> int:
    """How many scrutins a stage names (its `scrutins` column is a JSON list)."""
    try:
        votes = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return 0
    return len(votes) if isinstance(votes, list) else 0


def timeline(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `etapes_dossier` as timeline entries: the date in Paris days (« à venir »
    while only scheduled), the step and the chamber in words, the reading shown once at its
    first stage."""
    entries, reading = [], None
    for s in stages:
        step = stage_step(s.get("code_etape"))
        entries.append({
            **s, "step": step, "step_label": STAGE_STEP_LABELS.get(step, step),
            "chamber": stage_chamber(s.get("code_etape")),
            "date_label": french_date(s.get("date")) if s.get("date") else "date à venir",
            "new_reading": s.get("lecture") != reading, "votes": _votes(s.get("scrutins")),
        })
        reading = s.get("lecture")
    return entries


async def dossier_page(request, datasette):
    """/dossier/<id>: the bill, its stages as a timeline and its coming agenda items."""
    await check_view(datasette, request)
    db = site_database(datasette)
    if db is None:
        raise NotFound("Dossier introuvable")
    key = request.url_vars["id"]
    tables = await table_names(db)
    found = await named_rows(db, "dossier", tables, dossier=key)
    if not found:
        raise NotFound("Dossier législatif introuvable")
    dossier = found[0]
    if dossier["dossier_id"] != key:  # a text uid or a number: the page has one address
        return Response.redirect(datasette.urls.path(dossier_path(dossier["dossier_id"])), status=302)
    stages = await named_rows(db, "etapes_dossier", tables, dossier=dossier["dossier_id"])
    agenda = [a for a in await named_rows(db, "agenda_a_venir", tables) if a.get("dossier_id") == dossier["dossier_id"]]
    context = {"dossier": dossier, "stages": timeline(stages), "agenda": agenda,
               "filed_label": french_date(dossier.get("depot")),
               "stage_date_label": french_date(dossier.get("date_etape"))}
    return Response.html(await datasette.render_template("veille_dossier.html", context, request=request))


async def law_page(request, datasette):
    """/loi/<numéro>: the page of the bill of that number (PPL n° 2504 → /dossier/DLR…)."""
    await check_view(datasette, request)
    db = site_database(datasette)
    found = await named_rows(db, "dossier", dossier=request.url_vars["numero"]) if db is not None else []
    if not found:
        raise NotFound("Aucun dossier législatif suivi pour ce numéro")
    return Response.redirect(datasette.urls.path(dossier_path(found[0]["dossier_id"])), status=302)


@hookimpl
def register_routes():
    """The bill pages."""
    return [(r"^/dossier/(?P<id>[^/]+)$", dossier_page), (r"^/loi/(?P<numero>[^/]+)$", law_page)]


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """On a document's page: the bills it belongs to (`veille_dossiers`)."""
    if template != "veille_document.html" or request is None:
        return None

    async def inner():
        db = site_database(datasette)
        document_id = (request.url_vars or {}).get("id")
        if db is None or not document_id:
            return {"veille_dossiers": []}
        rows = await named_rows(db, "dossiers_du_document", id=document_id)
        return {"veille_dossiers": [{**r, "path": dossier_path(r["dossier_id"])} for r in rows if r["dossier_id"]]}

    return inner
