"""The actor page, /acteur/<id>: the documents citing an actor with an extract, its
statements and commitments, mandates and questions, from the named queries `acteur`,
`acteur_chronologie`, `acteur_mandats` and `acteur_questions`."""

from __future__ import annotations

import json
from collections import Counter

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from pipelines.labels import ACTOR_KIND_LABELS
from pipelines.site_chart import monthly_chart_svg
from pipelines.site_data import check_view, named_rows, site_database, table_names
from pipelines.site_markup import mark_extract

MAX_CITATIONS = 200


def reference_data(extra: str | None) -> dict:
    """The actor's reference data (the JSON of actors.extra), {} when absent or unreadable."""
    try:
        value = json.loads(extra or "{}") or {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def citation_chart(citations: list[dict]):
    """Documents citing the actor per month, or None when there is none."""
    monthly = Counter((c["date"] or "")[:7] for c in citations if c["date"])
    rows = [{"semaine": f"{m}-01", "type": "citations", "documents": n} for m, n in sorted(monthly.items())]
    return monthly_chart_svg(rows) if rows else None


def actor_id_of(request) -> str:
    """The actor id of /acteur/<id>: Datasette redirects %-escapes (role%3Aministre) to its
    tilde encoding (role~3Aministre), decoded here."""
    value = request.url_vars["id"]
    return tilde_decode(value) if "~" in value else value


async def actor_page(request, datasette):
    """/acteur/<id>: mentions, statements and commitments of one actor over time."""
    await check_view(datasette, request)
    db = site_database(datasette)
    actor_id = actor_id_of(request)
    tables = await table_names(db)
    found = await named_rows(db, "acteur", tables, acteur=actor_id)
    if not found:
        raise NotFound("Acteur introuvable")
    actor = found[0]
    timeline = await named_rows(db, "acteur_chronologie", tables, acteur=actor_id)
    citations = [r for r in timeline if r["element"] == "citation"][:MAX_CITATIONS]
    for c in citations:
        c["extract"] = mark_extract(c["avant"], c["cite"], c["apres"], "hl-actor")
    context = {"person": actor, "kind_label": ACTOR_KIND_LABELS.get(actor["type"], actor["type"] or ""),
               "mandates": await named_rows(db, "acteur_mandats", tables, acteur=actor_id),
               "citations": citations, "commitments": [r for r in timeline if r["element"] != "citation"],
               "questions": await named_rows(db, "acteur_questions", tables, acteur=actor_id),
               "extra": reference_data(actor["extra"]), "chart": citation_chart(citations)}
    return Response.html(await datasette.render_template("veille_acteur.html", context, request=request))


@hookimpl
def register_routes():
    """The actor page."""
    return [(r"^/acteur/(?P<id>(?:(?!\.atom$)[^/])+)$", actor_page)]
