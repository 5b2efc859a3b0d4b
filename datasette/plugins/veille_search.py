"""Search and facets of the documents table: ?_q= with phrases and prefixes (diacritic-
insensitive, with highlighted snippets), and the join facets acteur, groupe, ministere and
mois, whose selections (?_acteur= …) narrow the table."""

from __future__ import annotations

from datasette import hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args

from pipelines.labels import french_month
from pipelines.site_data import table_names
from pipelines.site_markup import fts_expression, mark_snippet, mark_term

FACET_ORDER = ["source", "kind", "mois", "acteur", "groupe", "ministere", "publisher", "access"]
FACET_TITLES = {"acteur": "Acteur", "groupe": "Groupe politique", "ministere": "Ministère", "mois": "Mois"}
_DAY = r"substr(dd.published, 1, 10)"
_ACTIVE = (f"coalesce(ma.start, '') <= {_DAY} and (ma.\"end\" is null or ma.\"end\" = '' "
           f"or ma.\"end\" >= {_DAY})")


def facet_pairs(name: str, tables: set[str]) -> str | None:
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
        tables = await table_names(self.ds.get_database(self.database))
        size = self.get_facet_size()
        for config in self.get_configs():
            name = config["config"].get("simple")
            pairs = facet_pairs(name, tables)
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
            results.append(self._result(name, rows, size))
        return results, timed_out

    def _result(self, name: str, rows, size: int) -> dict:
        selected = self.request.args.getlist(f"_{name}")
        values = []
        for row in rows[:size]:
            value = str(row["value"])
            is_selected = value in selected
            toggle = (path_with_removed_args(self.request, {f"_{name}": value}) if is_selected
                      else path_with_added_args(self.request, {f"_{name}": value}))
            label = french_month(value) if name == "mois" else row["label"] or value
            values.append({"value": value, "label": label, "count": row["count"],
                           "toggle_url": self.ds.absolute_url(self.request, toggle), "selected": is_selected})
        return {"name": name, "type": self.type, "hideable": False,
                "toggle_url": self.ds.absolute_url(self.request, self.request.path),
                "results": values, "truncated": len(rows) > size}


@hookimpl
def register_facet_classes():
    """The join facets."""
    return [JoinFacet]


@hookimpl
def filters_from_request(request, database, table, datasette):
    """?_q= (search with phrases and prefixes, diacritic-insensitive) and the join-facet
    selections ?_acteur= ?_groupe= ?_ministere= ?_mois= on the documents table."""
    if table != "documents":
        return None

    async def inner():
        where, params, descriptions, context = [], {}, [], {}
        tables = await table_names(datasette.get_database(database))
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
                pairs = facet_pairs(name, tables)
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


def _description_fr(text: str | None) -> str:
    """Datasette's description of the filters of a table page, in French."""
    text = text or ""
    for en, fr in (("where ", "où "), (" and ", " et "), ("sorted by ", "triés par "),
                   (" descending", " (décroissant)"), ("search matches", "recherche"),
                   (" contains ", " contient "), (" starts with ", " commence par ")):
        text = text.replace(en, fr)
    return text


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Filters of the table page: facets in a fixed order, the filter description in French."""
    env.filters["description_fr"] = _description_fr
    env.filters["ordre_facettes"] = lambda facets: sorted(
        facets, key=lambda f: FACET_ORDER.index(f["name"]) if f["name"] in FACET_ORDER else len(FACET_ORDER))
