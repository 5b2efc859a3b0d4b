"""The home page: counts, the latest documents and the weekly chart, from the named queries
`accueil_chiffres`, `derniers_documents` and `mentions_par_semaine`; « À venir » (the next
agenda items on the topic or a followed bill, the next promise deadlines, the written
questions past their two-month deadline, the followed bills) from `agenda_a_venir`,
`promesses_a_venir`, `questions_hors_delai` and `dossiers_suivis`; the site stylesheet."""

from __future__ import annotations

from datetime import date, timedelta

from datasette import hookimpl

from pipelines.queries import load_queries
from pipelines.site_chart import weekly_chart_svg
from pipelines.site_data import check_view, named_rows, remembered_rows, site_database, table_names

CHART_WEEKS = 26
EARLIEST = "1900-01-01"
COMING_SHOWN = 6  # lines of each part of « À venir »


async def coming(db, tables: set[str]) -> dict:
    """« À venir »: the next agenda items, promise deadlines, overdue written questions (the
    most late first, with their total) and the followed bills, each with its page."""
    from urllib.parse import quote

    agenda = await named_rows(db, "agenda_a_venir", tables)
    promises = await named_rows(db, "promesses_a_venir", tables)
    overdue = await named_rows(db, "questions_hors_delai", tables)
    overdue.sort(key=lambda q: -(q.get("jours_de_retard") or 0))
    bills = [b for b in await named_rows(db, "dossiers_suivis", tables) if b.get("dossier_id")]
    for row in [*agenda, *bills]:
        row["dossier_path"] = "/dossier/" + quote(row["dossier_id"], safe="") if row.get("dossier_id") else None
    return {"agenda": agenda[:COMING_SHOWN], "agenda_total": len(agenda),
            "promises": promises[:COMING_SHOWN], "promises_total": len(promises),
            "overdue": overdue[:COMING_SHOWN], "overdue_total": len(overdue),
            "bills": bills[:COMING_SHOWN], "bills_total": len(bills)}


async def home_context(datasette) -> dict:
    """The variables of index.html; {"veille_ready": False} before the first crawl."""
    db = site_database(datasette)
    if db is None:
        return {"veille_ready": False}
    tables = await table_names(db)
    if "documents" not in tables:
        return {"veille_ready": False}
    chart_rows = await remembered_rows(db, "mentions_par_semaine", tables, depuis="")
    last = None
    if chart_rows:  # the last 26 weeks, up to this one
        last = date.today().isoformat()
    else:  # no recent document: the 26 weeks ending with the last week that has some
        chart_rows = await remembered_rows(db, "mentions_par_semaine", tables, depuis=EARLIEST)
        weeks = sorted({r["semaine"] for r in chart_rows if r["semaine"]})
        if weeks:
            start = (date.fromisoformat(weeks[-1]) - timedelta(weeks=CHART_WEEKS - 1)).isoformat()
            chart_rows = [r for r in chart_rows if r["semaine"] and r["semaine"] >= start]
    first = None
    if chart_rows:
        end = date.fromisoformat(last or max(r["semaine"] for r in chart_rows if r["semaine"]))
        first = (end - timedelta(days=end.weekday(), weeks=CHART_WEEKS - 1)).isoformat()
        chart_rows = [r for r in chart_rows if r["semaine"] and r["semaine"] >= first]
    counts = (await remembered_rows(db, "accueil_chiffres", tables))[0]
    latest = await named_rows(db, "derniers_documents", tables)
    return {"veille_ready": True, "veille_chart": weekly_chart_svg(chart_rows, first=first, last=last),
            "veille_counts": counts, "veille_latest": latest, "veille_queries": load_queries(),
            "veille_a_venir": await coming(db, tables)}


async def home_page(request, datasette):
    """/: the home page, rendered from its own data only (Datasette's index would first list
    and count every table of the database: about a hundred queries at each visit)."""
    from datasette.utils.asgi import Response

    await check_view(datasette, request)
    return Response.html(await datasette.render_template("index.html", {}, request=request))


@hookimpl
def register_routes():
    """The home page."""
    return [(r"^/$", home_page)]


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """Home page: counts, latest documents and the weekly chart."""
    if template != "index.html":
        return None

    async def inner():
        return await home_context(datasette)

    return inner


@hookimpl
def extra_css_urls(datasette):
    """The site stylesheet (served from datasette/static, no network)."""
    return [datasette.urls.path("/static/veille.css")]
