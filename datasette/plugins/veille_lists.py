"""The French list pages the menu leads to: /cette-semaine (documents published between two
dates), /acteurs (actors by kind with their counts), /questions (parliamentary questions with
their state, days waiting and ministry) and /sources (problems first), from the named queries
`mentions_semaine`, `acteurs_liste`, `questions_liste` and `sante_sources`. Every value is
shown in words; filters are chooser lists and date pickers; each list has a limit and a link
to the rest (the same query in « Base (SQL) », with JSON and CSV)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from datasette import hookimpl
from datasette.utils import path_with_replaced_args
from datasette.utils.asgi import Response

from pipelines.labels import (
    ACTOR_KIND_LABELS, CHAMBER_LABELS, KIND_LABELS, NEVER_COLLECTED, QUESTION_KIND_LABELS, QUESTION_STATUS_LABELS,
    SOURCE_STATUS_LABELS, failure_cause, label_of,
)
from pipelines.site_data import check_view, named_rows, remembered_rows, site_database, table_names

PAGE_SIZE = 100
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def page_number(request) -> int:
    """?page= (1 when absent or unreadable)."""
    value = request.args.get("page") or "1"
    return max(1, int(value)) if value.isdigit() else 1


def paginate(rows: list[dict], page: int, request=None, size: int = PAGE_SIZE) -> dict:
    """One page of a list: its rows, the page number, the total, and the addresses of the
    previous and next pages (None at the ends)."""
    start = (page - 1) * size
    def url(n: int) -> str:
        return path_with_replaced_args(request, {"page": str(n)}) if request is not None else f"?page={n}"
    return {"rows": rows[start:start + size], "page": page, "total": len(rows), "size": size,
            "has_next": start + size < len(rows), "has_previous": page > 1,
            "next_url": url(page + 1) if start + size < len(rows) else None,
            "previous_url": url(page - 1) if page > 1 else None}


def iso_day(value: str | None) -> str:
    """A YYYY-MM-DD value from a date picker, "" when absent or malformed."""
    value = (value or "").strip()
    return value if _ISO_DAY.match(value) else ""


async def render(datasette, request, template: str, context: dict) -> Response:
    return Response.html(await datasette.render_template(template, context, request=request))


async def week_page(request, datasette):
    """/cette-semaine: the documents published between two dates (the last seven days by default)."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    today = date.today()
    du = iso_day(request.args.get("du")) or (today - timedelta(days=6)).isoformat()
    au = iso_day(request.args.get("au")) or today.isoformat()
    rows = await named_rows(db, "mentions_semaine", tables, du=du, au=au)
    for r in rows:
        r["type_label"] = KIND_LABELS.get(r["type"], r["type"] or "")
    return await render(datasette, request, "veille_semaine.html", {
        "du": du, "au": au, "list": paginate(rows, page_number(request), request),
        "previous_week": {"du": (date.fromisoformat(du) - timedelta(days=7)).isoformat(),
                          "au": (date.fromisoformat(du) - timedelta(days=1)).isoformat()}})


async def actors_page(request, datasette):
    """/acteurs: the actors by kind, most cited first, with links to their pages."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    kind = request.args.get("type") or ""
    kind = kind if kind in ACTOR_KIND_LABELS else ""
    name = (request.args.get("nom") or "").strip()[:80]
    rows = await remembered_rows(db, "acteurs_liste", tables, type=kind, nom=name)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["type_code"] or "", []).append(r)
    sections = [{"code": code, "label": ACTOR_KIND_LABELS.get(code, "autres").capitalize(), "rows": members}
                for code, members in groups.items()]
    return await render(datasette, request, "veille_acteurs.html", {
        "sections": sections, "kind": kind, "name": name, "kinds": ACTOR_KIND_LABELS, "total": len(rows)})


async def questions_page(request, datasette):
    """/questions: parliamentary questions, unanswered first, with state and days waiting."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    state = request.args.get("etat", "open")
    state = state if state in QUESTION_STATUS_LABELS or state == "" else "open"
    chamber = request.args.get("assemblee") or ""
    chamber = chamber if chamber in CHAMBER_LABELS else ""
    rows = await named_rows(db, "questions_liste", tables, etat=state, assemblee=chamber) if "questions" in tables else []
    for r in rows:
        r["etat"] = label_of(QUESTION_STATUS_LABELS, r["etat_code"])
        r["assemblee_label"] = label_of(CHAMBER_LABELS, r["assemblee"])
        r["type_label"] = label_of(QUESTION_KIND_LABELS, r["type"])
        r["late"] = not r["date_reponse"] and (r["jours"] or 0) > 61
    return await render(datasette, request, "veille_questions.html", {
        "list": paginate(rows, page_number(request), request), "state": state, "chamber": chamber,
        "states": {"open": "sans réponse", "": "toutes", **{k: v for k, v in QUESTION_STATUS_LABELS.items()
                                                              if k not in ("open",)}},
        "chambers": {"AN": "Assemblée nationale", "SN": "Sénat"}, "available": "questions" in tables})


async def sources_page(request, datasette):
    """/sources: each configured source, problems first, the cause in French, its last success."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    rows = await named_rows(db, "sante_sources", tables)
    for r in rows:
        r["etat"] = label_of(SOURCE_STATUS_LABELS, r.get("etat_code")) or NEVER_COLLECTED
        r["cause"] = failure_cause(r["derniere_erreur"]) if r.get("etat_code") in ("failed", "warning") else ""
        r["problem"] = r.get("etat_code") in ("failed", "warning")
    problems = sum(1 for r in rows if r["problem"])
    return await render(datasette, request, "veille_sources.html", {"rows": rows, "problems": problems})


@hookimpl
def register_routes():
    """The list pages of the menu."""
    return [
        (r"^/cette-semaine$", week_page),
        (r"^/acteurs$", actors_page),
        (r"^/questions$", questions_page),
        (r"^/sources$", sources_page),
    ]
