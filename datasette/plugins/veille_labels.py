"""French wording on the site: the Jinja filters of the templates and the SQL function
`veille_label(table, code)`, both read from the one table of labels in `pipelines.labels`
(the digest uses the same table); links from query results to the reading pages."""

from __future__ import annotations

from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

from pipelines.labels import (
    ACCESS_LABELS, COMMITMENT_LABELS, KIND_LABELS, french_date, french_month, register_sql_functions, rule_label,
)
from pipelines.site_markup import safe_url


@hookimpl
def prepare_connection(conn, database, datasette):
    """`veille_label(table, code)` in every SQL the site runs (canned queries, feeds)."""
    register_sql_functions(conn)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """French formatting filters for the templates."""
    env.filters["date_fr"] = french_date
    # Paris time; the hour only when the source gave one (`precision`, else inferred).
    env.filters["datetime_fr"] = lambda v, precision=None: french_date(v, with_time=True, precision=precision)
    env.filters["mois_fr"] = french_month
    env.filters["type_fr"] = lambda v: KIND_LABELS.get(v, v or "")
    env.filters["acces_fr"] = lambda v: ACCESS_LABELS.get(v, v or "")
    env.filters["engagement_fr"] = lambda v: COMMITMENT_LABELS.get(v, v or "")
    env.filters["regle_fr"] = rule_label
    env.filters["nombre_fr"] = lambda v: f"{v:,}".replace(",", "\u202f") if isinstance(v, int) else v
    env.filters["lien_sur"] = safe_url
    env.filters["pluriel"] = lambda n, one, many: one if n in (0, 1) else many


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Links to the reading pages: document_id → /document/<id>, actor_id → /acteur/<id>."""
    if not isinstance(value, str) or not value:
        return None
    if column == "document_id" or (table == "documents" and column == "id"):
        return Markup(f'<a href="{datasette.urls.path("/document/" + quote(value, safe=""))}">{escape(value)}</a>')
    if column == "actor_id" and not table:
        return Markup(f'<a href="{datasette.urls.path("/acteur/" + quote(value, safe=""))}">{escape(value)}</a>')
    return None
