"""The veille site on top of Datasette: search with snippets, join facets (actor, political
group, ministry, month), document and actor pages with highlighted text, the weekly chart,
canned-query fallbacks, an optional staff login and a token that opens only the feeds.

Loaded by Datasette from `--plugins-dir datasette/plugins`. Everything scraped is escaped
before it reaches a page: highlighting cuts the raw text at offsets and escapes each piece.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from datetime import date
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from datasette.utils.asgi import Forbidden, NotFound, Response
from markupsafe import Markup, escape

from pipelines.labels import MONTHS, french_date, rule_label
from pipelines.queries import effective_sql, load_queries
from pipelines.serve import (
    FEED_QUERIES, FEED_TOKEN_ENV, FEED_TOKEN_PARAM, PASSWORD_ENV, feed_token_accepted, verify_password,
)

DB_NAME = "veille"
STAFF_ACTOR = {"id": "equipe", "name": "Équipe"}
FEED_ACTOR = {"id": "lecteur-de-flux", "veille_feed": True}
FEED_LABELS = {"flux_mentions": "Documents qui citent les SEC-Pa (Atom)",
               "flux_engagements": "Engagements, annonces, demandes et refus (Atom)",
               "calendrier_engagements": "Échéances des engagements (agenda ICS)"}
KIND_LABELS = {"press": "presse", "question": "question", "question_ecrite": "question écrite",
               "question_orale": "question orale", "qag": "question au Gouvernement",
               "reponse": "réponse", "answer": "réponse", "debate": "débat", "debat": "débat",
               "amendment": "amendement", "amendement": "amendement", "bill": "proposition de loi",
               "communique": "communiqué", "report": "rapport"}
ACCESS_LABELS = {"full": "texte intégral", "teaser": "extrait seulement", "paywall": "réservé aux abonnés"}
COMMITMENT_LABELS = {"commitment": "engagement", "announcement": "annonce", "demand": "demande",
                     "refusal": "refus"}
ACTOR_KIND_LABELS = {"person": "personne", "organisation": "organisation", "role": "fonction"}
MONTH_ABBR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
CHART_COLORS = ["#1f5f99", "#d9822b", "#3a8f5c", "#a23b72", "#6b5b95", "#8c8c2c", "#c0392b", "#555"]
_DAY = r"substr(dd.published, 1, 10)"
_ACTIVE = (f"coalesce(ma.start, '') <= {_DAY} and (ma.\"end\" is null or ma.\"end\" = '' "
           f"or ma.\"end\" >= {_DAY})")


# ---------------------------------------------------------------- pure helpers
def fts_expression(query: str) -> str:
    """A safe FTS5 expression from what a person types: words are ANDed, "quoted phrases"
    stay phrases, a trailing * makes a prefix (santé commun*), OU/OR between two terms.
    Punctuation never reaches FTS5 (SEC-Pa becomes the phrase "SEC Pa")."""
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"?|([^\s"]+)', query or ""):
        if word and word.upper() in ("OR", "OU"):
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        words = re.findall(r"\w+", phrase or word)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if (phrase or word).rstrip().endswith("*"):
            term += " *"
        parts.append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def mark_snippet(value: str | None, start: str = "\x02", end: str = "\x03") -> Markup:
    """Escape a snippet whose matches are framed by control characters, then turn those
    characters into <mark> tags."""
    text = str(escape(value or ""))
    return Markup(text.replace(start, "<mark>").replace(end, "</mark>"))


def mark_term(snippet: str, term: str) -> Markup:
    """Escape a snippet and mark the first occurrence of `term` (case-insensitive)."""
    position = snippet.lower().find((term or "").lower()) if term else -1
    if position < 0:
        return Markup(escape(snippet))
    end = position + len(term)
    return Markup(f"{escape(snippet[:position])}<mark>{escape(snippet[position:end])}</mark>"
                  f"{escape(snippet[end:])}")


def highlight(text: str, spans: list[dict]) -> Markup:
    """The text, escaped, with every span {start, end, cls, title, href?} wrapped in
    <mark class=...>; overlapping spans cut the text into pieces that carry every class
    covering them. Spans outside the text are ignored."""
    text = text or ""
    spans = [s for s in spans if 0 <= s["start"] < s["end"] <= len(text)]
    points = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    out = []
    for a, b in zip(points, points[1:]):
        piece = escape(text[a:b])
        covering = [s for s in spans if s["start"] <= a and s["end"] >= b]
        if not covering:
            out.append(str(piece))
            continue
        classes = " ".join(sorted({c for s in covering for c in s["cls"].split()}))
        titles = " ; ".join(dict.fromkeys(s["title"] for s in covering if s.get("title")))
        html = f'<mark class="{classes}" title="{escape(titles)}">{piece}</mark>'
        href = next((s["href"] for s in covering if s.get("href")), None)
        if href:
            html = f'<a class="mark-link" href="{escape(href)}">{html}</a>'
        out.append(html)
    return Markup("".join(out))


def locate(text: str, start, end, expected: str | None) -> tuple[int, int] | None:
    """Offsets to highlight: the stored ones when they still cover `expected`, else the
    first occurrence of `expected` in the text (the text changed since tagging), else None."""
    if start is not None and end is not None and 0 <= start < end <= len(text):
        if not expected or text[start:end] == expected:
            return start, end
    if expected:
        found = text.find(expected)
        if found >= 0:
            return found, found + len(expected)
    return None


def safe_url(value: str | None) -> str:
    """The URL when it is http(s) (a scraped "javascript:" link must never become a link)."""
    value = (value or "").strip()
    return value if re.match(r"(?i)^https?://", value) else ""



def french_month(value: str | None) -> str:
    """"2026-02" → "février 2026"."""
    try:
        year, month = str(value).split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return str(value or "")



def weekly_chart_svg(rows: list[dict], width: int = 760, height: int = 220,
                     title: str = "Documents citant les SEC-Pa, par semaine et par type",
                     period: str = "Semaine du {day}") -> Markup:
    """A stacked bar chart (inline SVG) of documents per week and kind, from the rows of the
    `mentions_par_semaine` query ({semaine, type, documents})."""
    if not rows:
        return Markup('<p class="chart-empty">Pas encore de document sur la période.</p>')
    weeks = sorted({r["semaine"] for r in rows if r["semaine"]})
    kinds = list(dict.fromkeys(r["type"] for r in rows))
    kinds.sort(key=lambda k: -sum(r["documents"] for r in rows if r["type"] == k))
    counts = defaultdict(dict)
    for r in rows:
        counts[r["semaine"]][r["type"]] = r["documents"]
    top = max(sum(c.values()) for c in counts.values()) or 1
    left, bottom, plot_h = 34, 40, height - 60
    step = (width - left - 10) / max(len(weeks), 1)
    bar = max(min(step * 0.7, 40), 2)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title">'
             '<title id="chart-title">Documents citant les SEC-Pa, par semaine et par type</title>']
    for tick in sorted({0, top // 2, top}):
        y = 10 + plot_h - tick / top * plot_h
        parts.append(f'<line x1="{left}" x2="{width - 5}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick}</text>')
    for i, week in enumerate(weeks):
        x = left + i * step + (step - bar) / 2
        y = 10 + plot_h
        for kind in kinds:
            n = counts[week].get(kind, 0)
            if not n:
                continue
            h = n / top * plot_h
            y -= h
            color = CHART_COLORS[kinds.index(kind) % len(CHART_COLORS)]
            label = f"{period.format(day=french_date(week), month=french_month(week))} : {n} {KIND_LABELS.get(kind, kind)}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                         f'<title>{escape(label)}</title></rect>')
        if len(weeks) <= 12 or i % max(len(weeks) // 8, 1) == 0:
            day = date.fromisoformat(week)
            tick_label = (f"{MONTH_ABBR[day.month - 1]} {day.year}" if "{month}" in period
                          else f"{day.day} {MONTH_ABBR[day.month - 1]}")
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'class="axis">{tick_label}</text>')
    x = left
    for i, kind in enumerate(kinds):
        color = CHART_COLORS[i % len(CHART_COLORS)]
        label = escape(KIND_LABELS.get(kind, kind))
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="{height - 5}" class="legend">{label}</text>')
        x += 30 + 7.5 * len(str(label))
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- join facets
def _facet_pairs(name: str, tables: set[str]) -> str | None:
    """SQL giving (document_id, value, label) rows for a join facet, adapted to the tables
    present; None when the facet cannot be computed on this database."""
    questions = "questions" in tables
    if name == "acteur":
        sql = ("select am.document_id, a.id as value, a.name as label from actor_mentions am "
               "join actors a on a.id = am.actor_id")
        if questions:
            sql += (" union select q.document_id, q.author_id, coalesce(a.name, q.author_name, q.author_id) "
                    "from questions q left join actors a on a.id = q.author_id "
                    "where q.document_id is not null and q.author_id is not null")
        return sql
    if name == "groupe":
        sql = ("select am.document_id, o.id as value, coalesce(nullif(o.short_name, ''), o.name) as label "
               "from actor_mentions am join documents dd on dd.id = am.document_id "
               f"join mandates ma on ma.actor_id = am.actor_id and ma.organe_kind = 'GP' and {_ACTIVE} "
               "join organes o on o.id = ma.organe_id")
        if questions:
            sql += (" union select q.document_id, q.group_id, coalesce(nullif(o.short_name, ''), q.group_abbr, "
                    "q.group_name, q.group_id) from questions q left join organes o on o.id = q.group_id "
                    "where q.document_id is not null and q.group_id is not null")
        return sql
    if name == "ministere":
        sql = ("select am.document_id, o.id as value, o.name as label "
               "from actor_mentions am join documents dd on dd.id = am.document_id "
               f"join mandates ma on ma.actor_id = am.actor_id and ma.organe_kind = 'MINISTERE' and {_ACTIVE} "
               "join organes o on o.id = ma.organe_id "
               "union select am.document_id, a.id, a.name from actor_mentions am "
               "join actors a on a.id = am.actor_id where a.id like 'role:minist%e%' or a.id = 'role:segur'")
        if questions:
            sql += (" union select q.document_id, coalesce(q.ministry_asked_id, q.ministry_asked), "
                    "q.ministry_asked from questions q "
                    "where q.document_id is not null and q.ministry_asked is not null")
        return sql
    if name == "mois":
        return "select id as document_id, substr(published, 1, 7) as value, substr(published, 1, 7) as label from documents"
    return None


FACET_ORDER = ["source", "kind", "mois", "acteur", "groupe", "ministere", "publisher", "access"]
FACET_TITLES = {"acteur": "Acteur", "groupe": "Groupe politique", "ministere": "Ministère", "mois": "Mois"}


async def _tables(datasette, database: str) -> set[str]:
    return set(await datasette.get_database(database).table_names())


class JoinFacet(Facet):
    """Facets through other tables: acteur, groupe, ministere, mois (declared in metadata as
    {veille: acteur}); selecting a value adds ?_acteur=<id> etc., read by `filters_from_request`."""

    type = "veille"

    async def suggest(self):
        """Never suggested: declared in metadata."""
        return []

    async def facet_results(self):
        """Counts of documents per value, within the current selection."""
        results, timed_out = [], []
        if self.table != "documents":
            return results, timed_out
        tables = await _tables(self.ds, self.database)
        size = self.get_facet_size()
        for config in self.get_configs():
            name = config["config"].get("simple")
            pairs = _facet_pairs(name, tables)
            if not pairs:
                continue
            order = "value desc" if name == "mois" else "count desc, label"
            sql = (f"select p.value, max(p.label) as label, count(distinct i.id) as count "
                   f"from ({self.sql}) i join ({pairs}) p on p.document_id = i.id "
                   f"where p.value is not null group by p.value order by {order} limit {size + 1}")
            try:
                rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                              custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except Exception:  # a timed-out or impossible facet must not break the page
                timed_out.append(name)
                continue
            selected = self.request.args.getlist(f"_{name}")
            values = []
            for row in rows[:size]:
                value = str(row["value"])
                is_selected = value in selected
                toggle = (path_with_removed_args(self.request, {f"_{name}": value}) if is_selected
                          else path_with_added_args(self.request, {f"_{name}": value}))
                label = french_month(value) if name == "mois" else row["label"] or value
                values.append({"value": value, "label": label, "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, toggle),
                               "selected": is_selected})
            results.append({"name": name, "type": self.type, "hideable": False,
                            "toggle_url": self.ds.absolute_url(self.request, self.request.path),
                            "results": values, "truncated": len(rows) > size})
        return results, timed_out


@hookimpl
def register_facet_classes():
    """The join facets."""
    return [JoinFacet]


# ---------------------------------------------------------------- search and join filters
@hookimpl
def filters_from_request(request, database, table, datasette):
    """?_q= (search with phrases and prefixes, diacritic-insensitive) and the join-facet
    selections ?_acteur= ?_groupe= ?_ministere= ?_mois= on the documents table."""
    if table != "documents":
        return None

    async def inner():
        where, params, descriptions, context = [], {}, [], {}
        tables = await _tables(datasette, database)
        q = (request.args.get("_q") or "").strip()
        expression = fts_expression(q)
        context["veille_q"] = q
        if expression:
            where.append("rowid in (select rowid from documents_fts where documents_fts match :veille_q)")
            params["veille_q"] = expression
            descriptions.append(f"recherche « {q} »")
            context["veille_snippets"] = await _snippets(datasette, database, expression)
        for name in ("acteur", "groupe", "ministere", "mois"):
            for i, value in enumerate(request.args.getlist(f"_{name}")):
                pairs = _facet_pairs(name, tables)
                if not pairs:
                    continue
                key = f"veille_{name}_{i}"
                where.append(f"id in (select document_id from ({pairs}) where value = :{key})")
                params[key] = value
                descriptions.append(f"{FACET_TITLES[name].lower()} = {value}")
        return FilterArguments(where, params=params, human_descriptions=descriptions, extra_context=context)

    return inner


async def _snippets(datasette, database: str, expression: str, limit: int = 300) -> dict:
    """{document id: Markup snippet} for the newest matches: FTS5 snippet() of the text;
    when the match is only in the topic keywords (e.g. "secpa"), the stored mention extract."""
    db = datasette.get_database(database)
    rows = (await db.execute(
        "select d.id, snippet(documents_fts, 1, char(2), char(3), '…', 28) as s "
        "from documents_fts join documents d on d.rowid = documents_fts.rowid "
        "where documents_fts match :q order by d.published desc limit :limit",
        {"q": expression, "limit": limit})).rows
    snippets = {r["id"]: mark_snippet(r["s"]) for r in rows if r["s"] and "\x02" in r["s"]}
    missing = [r["id"] for r in rows if r["id"] not in snippets]
    if missing:
        placeholders = ",".join("?" * len(missing))
        for r in (await db.execute(
                f"select document_id, snippet, matched from mentions where strength = 'strong' "
                f"and document_id in ({placeholders}) order by field = 'title', start", missing)).rows:
            if r["document_id"] not in snippets and r["snippet"]:
                snippets[r["document_id"]] = mark_term(r["snippet"], r["matched"])
    return snippets


# ---------------------------------------------------------------- canned query fallbacks
@hookimpl
def canned_queries(datasette, database, actor):
    """Queries whose `requires` tables are missing run their `fallback_sql` instead."""
    if database != DB_NAME:
        return None

    async def inner():
        tables = await _tables(datasette, database)
        result = {}
        for name, query in load_queries().items():
            if query.get("requires"):
                result[name] = {**query, "sql": effective_sql(query, tables)}
        return result

    return inner


# ---------------------------------------------------------------- cells, templates, css
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


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """French formatting filters for the templates."""
    env.filters["date_fr"] = french_date
    env.filters["datetime_fr"] = lambda v: french_date(v, with_time=True)
    env.filters["mois_fr"] = french_month
    env.filters["type_fr"] = lambda v: KIND_LABELS.get(v, v or "")
    env.filters["acces_fr"] = lambda v: ACCESS_LABELS.get(v, v or "")
    env.filters["engagement_fr"] = lambda v: COMMITMENT_LABELS.get(v, v or "")
    env.filters["regle_fr"] = rule_label
    env.filters["nombre_fr"] = lambda v: f"{v:,}".replace(",", "\u202f") if isinstance(v, int) else v
    env.filters["description_fr"] = _description_fr
    env.filters["lien_sur"] = safe_url
    env.filters["ordre_facettes"] = lambda facets: sorted(
        facets, key=lambda f: FACET_ORDER.index(f["name"]) if f["name"] in FACET_ORDER else len(FACET_ORDER))
    env.filters["pluriel"] = lambda n, one, many: one if n in (0, 1) else many


def _description_fr(text: str | None) -> str:
    text = text or ""
    for en, fr in (("where ", "où "), (" and ", " et "), ("sorted by ", "triés par "),
                   (" descending", " (décroissant)"), ("search matches", "recherche"),
                   (" contains ", " contient "), (" starts with ", " commence par ")):
        text = text.replace(en, fr)
    return text


@hookimpl
def extra_css_urls(datasette):
    """The site stylesheet (served from datasette/static, no network)."""
    return [datasette.urls.path("/static/veille.css")]


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """Home page: counts, latest documents and the weekly chart."""
    if template != "index.html":
        return {"veille_login_enabled": bool(os.environ.get(PASSWORD_ENV))}

    async def inner():
        db = datasette.get_database(DB_NAME) if DB_NAME in datasette.databases else None
        if db is None:
            return {"veille_ready": False}
        tables = set(await db.table_names())
        if "documents" not in tables:
            return {"veille_ready": False}
        queries = load_queries()
        chart_rows = [dict(r) for r in (await db.execute(
            effective_sql(queries["mentions_par_semaine"], tables), {"depuis": ""})).rows]
        if not chart_rows:  # no recent document: chart the last 26 weeks that have some
            chart_rows = [dict(r) for r in (await db.execute(
                effective_sql(queries["mentions_par_semaine"], tables), {"depuis": "0000"})).rows]
            weeks = sorted({r["semaine"] for r in chart_rows})[-26:]
            chart_rows = [r for r in chart_rows if r["semaine"] in weeks]
        counts = dict((await db.execute(
            "select (select count(*) from documents where relevant = 1) as documents, "
            "(select count(*) from mentions where strength = 'strong') as mentions, "
            "(select count(*) from commitments) as engagements, "
            "(select count(*) from actors) as acteurs, "
            "(select count(*) from sources where last_status = 'failed') as sources_en_echec, "
            "(select max(finished) from runs) as derniere_collecte")).rows[0])
        latest = [dict(r) for r in (await db.execute(
            "select id, title, published, source, kind, publisher from documents "
            "where relevant = 1 order by published desc limit 8")).rows]
        return {"veille_ready": True, "veille_chart": weekly_chart_svg(chart_rows),
                "veille_counts": counts, "veille_latest": latest, "veille_queries": queries,
                "veille_login_enabled": bool(os.environ.get(PASSWORD_ENV))}

    return inner


# ---------------------------------------------------------------- login
@hookimpl
def actor_from_request(datasette, request):
    """A feed reader: the right ?jeton= on one of the three feed URLs (never on another page)."""
    if os.environ.get(PASSWORD_ENV) and feed_token_accepted(request.path, request.args.get(FEED_TOKEN_PARAM)):
        return FEED_ACTOR
    return None


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    """With a staff password configured, nothing is visible before logging in; a feed reader
    sees the feed queries and nothing else."""
    if actor and actor.get("veille_feed"):
        if action == "view-query":
            return isinstance(resource, (tuple, list)) and resource[-1] in FEED_QUERIES
        return action in ("view-instance", "view-database")
    if os.environ.get(PASSWORD_ENV) and not actor:
        return False
    return None


@hookimpl
def forbidden(datasette, request, message):
    """Send people who are not logged in to the login page."""
    if os.environ.get(PASSWORD_ENV) and not request.actor:
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        return Response.redirect(datasette.urls.path("/-/connexion?" + urlencode({"suite": target})))
    return None


async def login(request, datasette):
    """GET: the login form; POST: check the password against the hash in the environment."""
    stored = os.environ.get(PASSWORD_ENV)
    error = None
    target = request.args.get("suite") or "/"
    if request.method == "POST":
        form = await request.post_vars()
        target = form.get("suite") or "/"
        if stored and verify_password(form.get("mot_de_passe", ""), stored):
            if not target.startswith("/") or target.startswith("//"):
                target = "/"
            response = Response.redirect(target)
            response.set_cookie("ds_actor", datasette.sign({"a": STAFF_ACTOR}, "actor"), httponly=True, samesite="lax")
            return response
        error = "Mot de passe incorrect." if stored else "Aucun mot de passe n'est configuré sur ce serveur."
    return Response.html(await datasette.render_template(
        "veille_connexion.html", {"error": error, "suite": target, "login_enabled": bool(stored)},
        request=request), status=403 if error else 200)


# ---------------------------------------------------------------- document and actor pages
async def _check(datasette, request) -> None:
    if not await datasette.permission_allowed(request.actor, "view-instance", default=True):
        raise Forbidden("Connexion requise")


async def _rows(db, sql: str, params=None) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params or {})).rows]


async def _archive_links(db, tables: set[str], document_id: str) -> list[dict]:
    """Archived copies of a document (press step: document_versions → archives), newest first."""
    if not {"document_versions", "archives"} <= tables:
        return []
    rows = await _rows(db, "select v.version, v.fetched as quand, v.archive_sha256 from document_versions v "
                           "join archives a on a.sha256 = v.archive_sha256 "
                           "where v.document_id = :id order by v.version desc", {"id": document_id})
    return [{"lien": "/archive/" + r["archive_sha256"], "quand": r["quand"], "version": r["version"]} for r in rows]


async def archive_page(request, datasette):
    """/archive/<sha256>: the archived response as fetched, sandboxed (no script, no network)."""
    import gzip

    await _check(datasette, request)
    db = datasette.get_database(DB_NAME)
    sha = request.url_vars["sha"]
    rows = (await db.execute("select body_gz, content_type from archives where sha256 = :s", {"s": sha})).rows
    if not rows:
        raise NotFound("Copie archivée introuvable")
    content_type = rows[0]["content_type"] or "application/octet-stream"
    if not re.match(r"^(text/html|text/plain|application/pdf|application/xhtml\+xml)", content_type):
        content_type = "text/plain; charset=utf-8"
    return Response(gzip.decompress(rows[0]["body_gz"]), content_type=content_type, headers={
        "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


async def document_page(request, datasette):
    """/document/<id>: the text with its topic mentions, actors and commitments highlighted."""
    await _check(datasette, request)
    db = datasette.get_database(DB_NAME)
    document_id = request.url_vars["id"]
    docs = await _rows(db, "select * from documents where id = :id", {"id": document_id})
    if not docs:
        raise NotFound("Document introuvable")
    doc = docs[0]
    tables = set(await db.table_names())
    text, title = doc["text"] or "", doc["title"] or ""
    mentions = await _rows(db, "select * from mentions where document_id = :id order by field, start", {"id": document_id})
    actors = await _rows(db, "select am.*, a.name, a.kind as actor_kind from actor_mentions am "
                             "left join actors a on a.id = am.actor_id where am.document_id = :id order by am.start",
                         {"id": document_id})
    commitments = await _rows(db, "select c.*, a.name from commitments c left join actors a on a.id = c.actor_id "
                                  "where c.document_id = :id order by c.start", {"id": document_id})
    spans, title_spans = [], []
    for m in mentions:
        target = title if m.get("field") == "title" else text
        found = locate(target, m["start"], m["end"], m["matched"])
        if found:
            span = {"start": found[0], "end": found[1], "title": f"Sujet : {rule_label(m['rule'])}",
                    "cls": "hl-topic" if m["strength"] == "strong" else "hl-weak"}
            (title_spans if target is title else spans).append(span)
    for a in actors:
        found = locate(text, a["start"], a["end"], a["text"])
        if found:
            spans.append({"start": found[0], "end": found[1], "cls": "hl-actor",
                          "title": f"Acteur : {a['name'] or a['text']}",
                          "href": datasette.urls.path("/acteur/" + quote(a["actor_id"] or "", safe=""))
                          if a["actor_id"] else None})
    for c in commitments:
        found = locate(text, c["start"], c["end"], None) or locate(text, None, None, c["text"])
        if found:
            label = COMMITMENT_LABELS.get(c["kind"], c["kind"] or "engagement")
            spans.append({"start": found[0], "end": found[1], "cls": f"hl-commitment hl-{c['kind']}",
                          "title": label.capitalize() + (f" ; échéance {c['deadline']}" if c["deadline"] else "")})
    actor_counts = {}
    for a in actors:
        entry = actor_counts.setdefault(a["actor_id"] or a["text"], {"id": a["actor_id"], "name": a["name"] or a["text"],
                                                                     "kind": a["actor_kind"], "forms": [], "count": 0})
        entry["count"] += 1
        if a["text"] not in entry["forms"]:
            entry["forms"].append(a["text"])
    why = {}
    for m in mentions:
        entry = why.setdefault(m["rule"], {"rule": rule_label(m["rule"]), "strength": m["strength"], "forms": [], "count": 0})
        entry["count"] += 1
        if m["matched"] not in entry["forms"]:
            entry["forms"].append(m["matched"])
    question = None
    if "questions" in tables:
        found = await _rows(db, "select * from questions where document_id = :id or answer_document_id = :id limit 1",
                            {"id": document_id})
        question = found[0] if found else None
    context = {
        "doc": doc, "title_html": highlight(title, title_spans), "text_html": highlight(text, spans),
        "why": sorted(why.values(), key=lambda w: (w["strength"] != "strong", -w["count"])),
        "actors": sorted(actor_counts.values(), key=lambda a: -a["count"]), "commitments": commitments,
        "sources": await _rows(db, "select ds.source, s.label, ds.first_seen from document_sources ds "
                                   "left join sources s on s.name = ds.source where ds.document_id = :id "
                                   "order by ds.first_seen", {"id": document_id}),
        "archives": await _archive_links(db, tables, document_id), "question": question,
        "source_label": (await _rows(db, "select label from sources where name = :n", {"n": doc["source"]}) or [{}])[0].get("label"),
    }
    return Response.html(await datasette.render_template("veille_document.html", context, request=request))


async def actor_page(request, datasette):
    """/acteur/<id>: mentions, statements and commitments of one actor over time."""
    await _check(datasette, request)
    db = datasette.get_database(DB_NAME)
    actor_id = request.url_vars["id"]
    found = await _rows(db, "select * from actors where id = :id", {"id": actor_id})
    if not found:
        names = await _rows(db, "select text from actor_mentions where actor_id = :id limit 1", {"id": actor_id})
        if not names:
            raise NotFound("Acteur introuvable")
        found = [{"id": actor_id, "name": names[0]["text"], "kind": None, "extra": None}]
    actor = found[0]
    tables = set(await db.table_names())
    mandates = []
    if "mandates" in tables:
        mandates = await _rows(db, "select m.role, m.start, m.\"end\", m.organe_kind, o.name as organe, o.short_name "
                                   "from mandates m left join organes o on o.id = m.organe_id "
                                   "where m.actor_id = :id order by (m.\"end\" is null or m.\"end\" = '') desc, "
                                   "m.start desc limit 30", {"id": actor_id})
    citations = await _rows(db, "select d.id, d.title, d.published, d.kind, d.source, d.publisher, d.text, "
                                "min(am.start) as start, min(am.\"end\") as \"end\", count(*) as occurrences "
                                "from actor_mentions am join documents d on d.id = am.document_id "
                                "where am.actor_id = :id group by d.id order by d.published desc limit 200",
                            {"id": actor_id})
    for c in citations:
        text, start, end = c.pop("text") or "", c["start"] or 0, c["end"] or 0
        a, b = max(0, start - 140), min(len(text), end + 140)
        c["extract"] = Markup(("…" if a else "") + str(escape(text[a:start])) + "<mark class=\"hl-actor\">"
                              + str(escape(text[start:end])) + "</mark>" + str(escape(text[end:b])) + ("…" if b < len(text) else ""))
    commitments = await _rows(db, "select c.*, d.title as document_title, d.published from commitments c "
                                  "join documents d on d.id = c.document_id where c.actor_id = :id "
                                  "order by d.published desc", {"id": actor_id})
    questions = []
    if "questions" in tables:
        questions = await _rows(db, "select * from questions where author_id = :id order by published desc limit 50",
                                {"id": actor_id})
    monthly = Counter((c["published"] or "")[:7] for c in citations if c["published"])
    chart_rows = [{"semaine": f"{m}-01", "type": "citations", "documents": n} for m, n in sorted(monthly.items())]
    extra = {}
    try:
        extra = json.loads(actor.get("extra") or "{}") or {}
    except (TypeError, ValueError):
        pass
    context = {"person": actor, "kind_label": ACTOR_KIND_LABELS.get(actor.get("kind"), actor.get("kind") or ""),
               "mandates": mandates, "citations": citations, "commitments": commitments,
               "questions": questions, "extra": extra if isinstance(extra, dict) else {},
               "chart": _monthly_chart(chart_rows) if chart_rows else None}
    return Response.html(await datasette.render_template("veille_acteur.html", context, request=request))


def _monthly_chart(rows: list[dict]) -> Markup:
    return weekly_chart_svg(rows, height=170, title="Documents citant cet acteur, par mois",
                            period="{month}")


def feed_links(request, datasette) -> dict:
    """The feed addresses to subscribe to: public without login; with login, shown to staff
    only and carrying ?jeton= (or a note when VEILLE_FEED_TOKEN is not set)."""
    login = bool(os.environ.get(PASSWORD_ENV))
    if login and (request.actor or {}).get("id") != STAFF_ACTOR["id"]:
        return {"veille_feeds": [], "veille_feed_token_missing": False}
    token = os.environ.get(FEED_TOKEN_ENV, "").strip()
    if login and not token:
        return {"veille_feeds": [], "veille_feed_token_missing": True}
    suffix = "?" + urlencode({FEED_TOKEN_PARAM: token}) if login else ""
    feeds = [{"label": FEED_LABELS[name], "url": datasette.absolute_url(
        request, datasette.urls.path(f"/{DB_NAME}/{name}.{ext}")) + suffix} for name, ext in FEED_QUERIES.items()]
    return {"veille_feeds": feeds, "veille_feed_token_missing": False}


async def about_page(request, datasette):
    """/-/a-propos: sources, licences and press rights; the feed addresses for staff."""
    return Response.html(await datasette.render_template("veille_a_propos.html", feed_links(request, datasette),
                                                         request=request))


@hookimpl
def register_routes():
    """Reading pages and login."""
    return [
        (r"^/document/(?P<id>[^/]+)$", document_page),
        (r"^/acteur/(?P<id>[^/]+)$", actor_page),
        (r"^/archive/(?P<sha>[0-9a-f]{64})$", archive_page),
        (r"^/-/connexion$", login),
        (r"^/-/a-propos$", about_page),
    ]


@hookimpl
def menu_links(datasette, actor):
    """Shortcuts in the menu."""
    return [{"href": datasette.urls.path("/-/a-propos"), "label": "À propos, sources et licences"}]
