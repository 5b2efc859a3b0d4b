"""The actor page, /acteur/<id>: the documents citing an actor with an extract, its
statements and commitments, mandates and questions, from the named queries `acteur`,
`acteur_chronologie`, `acteur_mandats` and `acteur_questions`."""

from __future__ import annotations

import json
from collections import Counter

from datasette import hookimpl
from datasette.utils import path_with_replaced_args, tilde_decode
from datasette.utils.asgi import NotFound, Response

from pipelines.labels import ACTOR_KIND_LABELS
from pipelines.site_chart import monthly_chart_svg
from pipelines.site_data import check_view, named_rows, remembered_rows, site_database, table_names
from pipelines.labels import mandate_words
from pipelines.site_markup import mark_extract

PAGE_ROWS = 100  # citations and statements per page: a most-cited actor's page stays small


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
    page = int(request.args.get("page", "1")) if (request.args.get("page") or "1").isdigit() else 1
    page = max(page, 1)
    timeline = await remembered_rows(db, "acteur_chronologie", tables, acteur=actor_id, limite=str(PAGE_ROWS + 1),
                                decalage=str((page - 1) * PAGE_ROWS))
    has_next, timeline = len(timeline) > PAGE_ROWS, timeline[:PAGE_ROWS]
    citations = [r for r in timeline if r["element"] == "citation"]
    for c in citations:
        c["extract"] = mark_extract(c["avant"], c["cite"], c["apres"], "hl-actor")
    counts = (await remembered_rows(db, "acteur_compte", tables, acteur=actor_id))[0]
    mandates = await named_rows(db, "acteur_mandats", tables, acteur=actor_id)
    for m in mandates:
        m["words"] = mandate_words(m["fonction"], m["organe"], m["type_organe"])
    mandates = list({m["words"] + (m["debut"] or ""): m for m in mandates}.values())  # one line per mandate
    activity = await named_rows(db, "acteur_interventions", tables, acteur=actor_id)
    context = {"person": actor, "kind_label": ACTOR_KIND_LABELS.get(actor["type"], actor["type"] or ""),
               "mandates": mandates, "counts": counts, "page": page,
               "next_url": path_with_replaced_args(request, {"page": str(page + 1)}) if has_next else None,
               "previous_url": path_with_replaced_args(request, {"page": str(page - 1)}) if page > 1 else None,
               "citations": citations, "commitments": [r for r in timeline if r["element"] != "citation"],
               "questions": await named_rows(db, "acteur_questions", tables, acteur=actor_id),
               "interventions": [r for r in activity if r["element"] == "intervention"],
               "amendments": [r for r in activity if r["element"] == "amendement"],
               "extra": reference_data(actor["extra"]), "chart": citation_chart(citations) if page == 1 else None}
    return Response.html(await datasette.render_template("veille_acteur.html", context, request=request))


@hookimpl
def register_routes():
    """The actor page."""
    return [(r"^/acteur/(?P<id>(?:(?!\.atom$)[^/])+)$", actor_page)]
