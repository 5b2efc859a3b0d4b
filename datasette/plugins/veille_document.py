"""The document page, /document/<id>: the text with its topic mentions, actors and
commitments highlighted, from the named queries `document`, `document_detail`,
`document_sources`, `document_archives` and `document_question`; and /archive/<sha256>,
the archived response as fetched, sandboxed."""

from __future__ import annotations

import gzip
import re
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from pipelines.labels import COMMITMENT_LABELS, rule_label
from pipelines.site_data import check_view, named_rows, site_database, table_names
from pipelines.site_markup import highlight, locate

_SHOWN_TYPES = r"^(text/html|text/plain|application/pdf|application/xhtml\+xml)"


def mention_span(mention: dict, title: str, text: str) -> tuple[str, dict] | None:
    """("title" or "text", span) for a topic mention row of `document_detail`, or None
    when it cannot be found in the text any more."""
    field = "title" if mention["champ"] == "title" else "text"
    found = locate(title if field == "title" else text, mention["debut"], mention["fin"], mention["forme"])
    if not found:
        return None
    return field, {"start": found[0], "end": found[1], "title": f"Sujet : {rule_label(mention['code'])}",
                   "cls": "hl-topic" if mention["force"] == "strong" else "hl-weak"}


def actor_span(actor: dict, text: str, href: str | None) -> dict | None:
    """The span of an actor row of `document_detail`, linking to the actor page."""
    found = locate(text, actor["debut"], actor["fin"], actor["forme"])
    if not found:
        return None
    return {"start": found[0], "end": found[1], "cls": "hl-actor", "title": f"Acteur : {actor['libelle']}",
            "href": href}


def commitment_span(commitment: dict, text: str) -> dict | None:
    """The span of a commitment row of `document_detail`, titled with its kind and deadline."""
    found = locate(text, commitment["debut"], commitment["fin"], None) or locate(text, None, None, commitment["libelle"])
    if not found:
        return None
    kind = commitment["code"]
    label = COMMITMENT_LABELS.get(kind, kind or "engagement")
    return {"start": found[0], "end": found[1], "cls": f"hl-commitment hl-{kind}",
            "title": label.capitalize() + (f" ; échéance {commitment['date']}" if commitment["date"] else "")}


def cited_actors(actors: list[dict]) -> list[dict]:
    """One entry per actor cited, with the forms written in the text, most cited first."""
    counts: dict[str, dict] = {}
    for a in actors:
        entry = counts.setdefault(a["actor_id"] or a["forme"], {"id": a["actor_id"], "name": a["libelle"],
                                                                 "kind": a["type_acteur"], "forms": [], "count": 0})
        entry["count"] += 1
        if a["forme"] not in entry["forms"]:
            entry["forms"].append(a["forme"])
    return sorted(counts.values(), key=lambda a: -a["count"])


def why_kept(mentions: list[dict]) -> list[dict]:
    """One entry per matching rule, with its forms and count, strong mentions first."""
    why: dict[str, dict] = {}
    for m in mentions:
        entry = why.setdefault(m["code"], {"rule": rule_label(m["code"]), "strength": m["force"], "forms": [], "count": 0})
        entry["count"] += 1
        if m["forme"] not in entry["forms"]:
            entry["forms"].append(m["forme"])
    return sorted(why.values(), key=lambda w: (w["strength"] != "strong", -w["count"]))


async def document_page(request, datasette):
    """/document/<id>: the text with its topic mentions, actors and commitments highlighted."""
    await check_view(datasette, request)
    db = site_database(datasette)
    document_id = request.url_vars["id"]
    tables = await table_names(db)
    docs = await named_rows(db, "document", tables, id=document_id)
    if not docs:
        renamed = await named_rows(db, "document_renomme", tables, id=document_id)
        if renamed:
            return Response.redirect(datasette.urls.path("/document/" + quote(renamed[0]["id"], safe=":")), status=301)
        raise NotFound("Document introuvable")
    doc = docs[0]
    text, title = doc["text"] or "", doc["title"] or ""
    detail = await named_rows(db, "document_detail", tables, id=document_id)
    rows = {kind: [r for r in detail if r["element"] == kind] for kind in ("mention", "acteur", "engagement")}
    spans: dict[str, list[dict]] = {"title": [], "text": []}
    for m in rows["mention"]:
        found = mention_span(m, title, text)
        if found:
            spans[found[0]].append(found[1])
    for a in rows["acteur"]:
        href = datasette.urls.path("/acteur/" + quote(a["actor_id"], safe="")) if a["actor_id"] else None
        span = actor_span(a, text, href)
        if span:
            spans["text"].append(span)
    for c in rows["engagement"]:
        span = commitment_span(c, text)
        if span:
            spans["text"].append(span)
    questions = await named_rows(db, "document_question", tables, id=document_id)
    context = {
        "doc": doc, "title_html": highlight(title, spans["title"]), "text_html": highlight(text, spans["text"]),
        "why": why_kept(rows["mention"]), "actors": cited_actors(rows["acteur"]), "commitments": rows["engagement"],
        "sources": await named_rows(db, "document_sources", tables, id=document_id),
        "archives": await named_rows(db, "document_archives", tables, id=document_id),
        "question": questions[0] if questions else None, "source_label": doc["libelle_source"],
    }
    return Response.html(await datasette.render_template("veille_document.html", context, request=request))


async def archive_page(request, datasette):
    """/archive/<sha256>: the archived response as fetched, sandboxed (no script, no network).
    The body is a file, not a listing: it is read directly rather than through a named query."""
    await check_view(datasette, request)
    db = site_database(datasette)
    rows = (await db.execute("select body_gz, content_type from archives where sha256 = :s",
                             {"s": request.url_vars["sha"]})).rows
    if not rows:
        raise NotFound("Copie archivée introuvable")
    content_type = rows[0]["content_type"] or "application/octet-stream"
    if not re.match(_SHOWN_TYPES, content_type):
        content_type = "text/plain; charset=utf-8"
    return Response(gzip.decompress(rows[0]["body_gz"]), content_type=content_type, headers={
        "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


@hookimpl
def register_routes():
    """The document page and the archived copies."""
    return [
        (r"^/document/(?P<id>[^/]+)$", document_page),
        (r"^/archive/(?P<sha>[0-9a-f]{64})$", archive_page),
    ]
