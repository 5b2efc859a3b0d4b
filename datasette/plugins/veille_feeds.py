"""The feeds to subscribe to, and the about page that lists them.

- Atom: the mentions and commitments (`flux_mentions`, `flux_engagements`), any search
  (/veille/documents.atom?_q=…, the same search as the page) and any actor (/acteur/<id>.atom,
  through the named query `flux_documents`). Written by `pipelines.site_feeds` (links http(s)
  only) with an XSL stylesheet, so a browser shows a French page rather than raw XML.
- ICS: the deadlines (`calendrier_engagements`), one all-day event per deadline, with DTSTAMP.

These routes come before Datasette's own renderers for the same addresses. Public without
login; with login, for staff only and for feed readers carrying the feed token (?jeton=)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Forbidden, NotFound, Response

from pipelines.queries import DATABASE_NAME
from pipelines.serve import FEED_QUERIES, FEED_TOKEN_ENV, FEED_TOKEN_PARAM, STAFF_ACTOR, login_enabled
from pipelines.site_data import check_view, named_rows, remembered_rows, site_database, table_names
from pipelines.site_feeds import atom_feed, ics_calendar, ics_day, ics_instant
from pipelines.site_search import search_plan

FEED_LABELS = {"flux_mentions": "Documents qui citent les SEC-Pa (Atom)",
               "flux_engagements": "Engagements, annonces, demandes et refus (Atom)",
               "calendrier_engagements": "Échéances des engagements (agenda ICS)",
               "calendrier_agenda": "Ordre du jour du Parlement sur le sujet (agenda ICS)"}
FEED_TITLES = {"flux_mentions": "Veille SEC-Pa : nouveaux documents",
               "flux_engagements": "Veille SEC-Pa : engagements relevés"}
ATOM_TYPE = "application/xml; charset=utf-8"  # what browsers style with the XSL; feed readers read it as Atom


def feed_links(request, datasette) -> dict:
    """The feed addresses to subscribe to: public without login; with login, shown to staff
    only and carrying ?jeton= (or a note when VEILLE_FEED_TOKEN is not set)."""
    login = login_enabled()
    if login and (request.actor or {}).get("id") != STAFF_ACTOR["id"]:
        return {"veille_feeds": [], "veille_feed_token_missing": False}
    token = os.environ.get(FEED_TOKEN_ENV, "").strip()
    if login and not token:
        return {"veille_feeds": [], "veille_feed_token_missing": True}
    suffix = "?" + urlencode({FEED_TOKEN_PARAM: token}) if login else ""
    feeds = [{"label": FEED_LABELS[name], "url": datasette.absolute_url(
        request, datasette.urls.path(f"/{DATABASE_NAME}/{name}.{ext}")) + suffix} for name, ext in FEED_QUERIES.items()]
    return {"veille_feeds": feeds, "veille_feed_token_missing": False}


async def about_page(request, datasette):
    """/-/a-propos: sources, licences and press rights; the feed addresses for staff."""
    db = site_database(datasette)
    stored = {}
    if db is not None and "documents" in await table_names(db):
        # Three counts over indexes (one sum over the rows would read the whole table).
        rows = (await db.execute(
            "select (select count(*) from documents) as documents, "
            "(select count(*) from documents where access = 'full') as full_text, "
            "(select count(*) from documents where kind = 'press') as press")).rows
        stored = dict(rows[0]) if rows else {}
    context = {**feed_links(request, datasette), "stored": stored}
    return Response.html(await datasette.render_template("veille_a_propos.html", context, request=request))


def _stylesheet(datasette) -> str:
    return datasette.urls.path("/static/atom.xsl")


def _entries(datasette, request, rows: list[dict]) -> list[dict]:
    """Atom entries from rows with atom_* columns: the entry links to the site's document page,
    the publisher's URL is kept as a related link (when http(s))."""
    entries = []
    for r in rows:
        link = (datasette.absolute_url(request, datasette.urls.path("/document/" + quote(r["document_id"], safe="")))
                if r.get("document_id") else "")
        entries.append({"id": r["atom_id"], "title": r["atom_title"], "updated": r["atom_updated"], "link": link,
                        "original": r.get("atom_link"), "content": r.get("atom_content"),
                        "author": r.get("atom_author_name")})
    return entries


def _atom(datasette, request, feed_id: str, title: str, html_path: str, rows: list[dict], subtitle: str = ""):
    body = atom_feed(feed_id, title, datasette.absolute_url(request, request.full_path),
                     datasette.absolute_url(request, datasette.urls.path(html_path)), _entries(datasette, request, rows),
                     stylesheet=_stylesheet(datasette), subtitle=subtitle)
    return Response(body, content_type=ATOM_TYPE, headers={"X-Content-Type-Options": "nosniff"})


async def _may_view_query(datasette, request, name: str) -> None:
    if not await datasette.permission_allowed(request.actor, "view-query", (DATABASE_NAME, name), default=True):
        raise Forbidden("Connexion requise")


async def query_feed(request, datasette):
    """/veille/flux_mentions.atom and /veille/flux_engagements.atom."""
    name = request.url_vars["name"]
    await _may_view_query(datasette, request, name)
    db = site_database(datasette)
    rows = await remembered_rows(db, name, await table_names(db))  # polled by readers: same until a write
    return _atom(datasette, request, f"veille:{name}", FEED_TITLES[name], f"/{DATABASE_NAME}/{name}", rows)


async def search_feed(request, datasette):
    """/veille/documents.atom?_q=…: the 50 newest documents of a search (any search of the page),
    optionally of one actor (?_acteur=)."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    q = (request.args.get("_q") or "").strip()
    actor = request.args.get("_acteur") or ""
    topics = ""
    if q:
        found = (await db.execute("select topics from documents where relevant = 1 and topics != '' limit 1")).rows
        topics = found[0][0] if found else ""
    plan = search_plan(q, topics, tables)
    ids = ""
    if plan.sql:
        ids = json.dumps([r[0] for r in (await db.execute(plan.sql, plan.params)).rows])
    rows = await named_rows(db, "flux_documents", tables, ids=ids, pertinents="1" if plan.relevant_only else "",
                            acteur=actor)
    title = f"Veille SEC-Pa : recherche « {q} »" if q else "Veille SEC-Pa : documents"
    page = f"/{DATABASE_NAME}/documents" + ("?" + urlencode({"_q": q}) if q else "")
    return _atom(datasette, request, "veille:recherche:" + quote(q), title, page, rows,
                 subtitle="Les 50 documents les plus récents de cette recherche.")


async def actor_feed(request, datasette):
    """/acteur/<id>.atom: the 50 newest documents citing an actor."""
    await check_view(datasette, request)
    db = site_database(datasette)
    tables = await table_names(db)
    actor_id = request.url_vars["id"]
    actor_id = tilde_decode(actor_id) if "~" in actor_id else actor_id
    found = await named_rows(db, "acteur", tables, acteur=actor_id)
    if not found:
        raise NotFound("Acteur introuvable")
    rows = await remembered_rows(db, "flux_documents", tables, ids="", pertinents="", acteur=actor_id)
    name = found[0]["nom"] or actor_id
    return _atom(datasette, request, "veille:acteur:" + actor_id, f"Veille SEC-Pa : {name}",
                 "/acteur/" + quote(actor_id, safe=""), rows, subtitle=f"Les documents qui citent {name}.")


async def calendar_feed(request, datasette):
    """/veille/calendrier_engagements.ics: one all-day event per deadline, with DTSTAMP."""
    await _may_view_query(datasette, request, "calendrier_engagements")
    db = site_database(datasette)
    rows = await remembered_rows(db, "calendrier_engagements", await table_names(db))
    events = [{"uid": r["event_uid"], "summary": r["event_name"], "day": ics_day(r["event_dtstart"]),
               "description": r["event_description"], "url": r.get("event_url")} for r in rows]
    body = ics_calendar("Veille SEC-Pa : échéances des engagements", events, now=datetime.now(timezone.utc))
    content_type = "text/plain; charset=utf-8" if request.args.get("_plain") else "text/calendar; charset=utf-8"
    return Response(body, content_type=content_type)


async def agenda_calendar(request, datasette):
    """/veille/calendrier_agenda.ics: one timed event per coming réunion on the topic or a
    followed bill (séances and commissions), at its time in UTC, with DTSTAMP."""
    await _may_view_query(datasette, request, "calendrier_agenda")
    db = site_database(datasette)
    rows = await remembered_rows(db, "calendrier_agenda", await table_names(db))
    events = [{"uid": r["event_uid"], "summary": r["event_name"], "start": ics_instant(r["event_start"]),
               "end": ics_instant(r["event_end"]), "day": ics_day(r["event_day"]),
               "description": r["event_description"], "url": r.get("event_url")} for r in rows]
    body = ics_calendar("Veille SEC-Pa : ordre du jour du Parlement", events, now=datetime.now(timezone.utc))
    content_type = "text/plain; charset=utf-8" if request.args.get("_plain") else "text/calendar; charset=utf-8"
    return Response(body, content_type=content_type)


@hookimpl
def register_routes():
    """The about page and the feeds (before Datasette's renderers for the same addresses)."""
    db = DATABASE_NAME
    return [
        (r"^/-/a-propos$", about_page),
        (rf"^/{db}/(?P<name>flux_mentions|flux_engagements)\.atom$", query_feed),
        (rf"^/{db}/calendrier_engagements\.ics$", calendar_feed),
        (rf"^/{db}/calendrier_agenda\.ics$", agenda_calendar),
        (rf"^/{db}/documents\.atom$", search_feed),
        (r"^/acteur/(?P<id>[^/]+)\.atom$", actor_feed),
    ]


@hookimpl
def menu_links(datasette, actor):
    """Shortcuts in the menu."""
    return [{"href": datasette.urls.path("/-/a-propos"), "label": "À propos, sources et licences"}]
