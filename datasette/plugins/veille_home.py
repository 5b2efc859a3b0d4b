"""The home page: counts, the latest documents and the weekly chart, from the named queries
`accueil_chiffres`, `derniers_documents` and `mentions_par_semaine`; the site stylesheet."""

from __future__ import annotations

from datasette import hookimpl

from pipelines.queries import load_queries
from pipelines.site_chart import weekly_chart_svg
from pipelines.site_data import named_rows, site_database, table_names

CHART_WEEKS = 26


async def home_context(datasette) -> dict:
    """The variables of index.html; {"veille_ready": False} before the first crawl."""
    db = site_database(datasette)
    if db is None:
        return {"veille_ready": False}
    tables = await table_names(db)
    if "documents" not in tables:
        return {"veille_ready": False}
    chart_rows = await named_rows(db, "mentions_par_semaine", tables, depuis="")
    if not chart_rows:  # no recent document: chart the last weeks that have some
        chart_rows = await named_rows(db, "mentions_par_semaine", tables, depuis="0000")
        weeks = sorted({r["semaine"] for r in chart_rows})[-CHART_WEEKS:]
        chart_rows = [r for r in chart_rows if r["semaine"] in weeks]
    counts = (await named_rows(db, "accueil_chiffres", tables))[0]
    latest = await named_rows(db, "derniers_documents", tables)
    return {"veille_ready": True, "veille_chart": weekly_chart_svg(chart_rows),
            "veille_counts": counts, "veille_latest": latest, "veille_queries": load_queries()}


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
