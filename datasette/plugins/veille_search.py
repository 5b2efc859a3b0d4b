"""Search and facets of the documents table: ?_q= with phrases and prefixes (diacritic-
insensitive, with highlighted snippets), matching the texts and the names of the actors a
document cites (`pipelines.site_search`), run once per page; the actors whose name matches
are offered first; and the join facets acteur, groupe, ministere and mois, whose selections
(?_acteur= …) narrow the table."""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args

from pipelines.labels import ACCESS_LABELS, ACTOR_KIND_LABELS, french_month
from pipelines.site_data import database_version, table_names
from pipelines.site_markup import mark_extract, mark_snippet, mark_term
from pipelines.site_pages import mark_incomplete
from pipelines.site_search import actor_suggestions_sql, group_expression, names_expression, parse_groups, search_plan

FACET_ORDER = ["source", "kind", "mois", "acteur", "groupe", "ministere", "publisher", "access"]
JOIN_FACET_MAX_DOCUMENTS = 5000
SHORT_LIST_MAX = 20000  # above, the list of matched rowids is tested by a scan, not looked up
FACET_TITLES = {"acteur": "Acteur", "groupe": "Groupe politique", "ministere": "Ministère", "mois": "Mois"}
# "blocked" is written by the article reader (spiders/articles.py) and not in labels.ACCESS_LABELS yet.
SITE_ACCESS_LABELS = {**ACCESS_LABELS, "blocked": "texte non récupéré (page bloquée)"}
_DAY = r"substr(dd.published, 1, 10)"
_ACTIVE = (f"coalesce(ma.start, '') <= {_DAY} and (ma.\"end\" is null or ma.\"end\" = '' "
           f"or ma.\"end\" >= {_DAY})")


def facet_pairs(name: str, tables: set[str], within: str = "") -> str | None:
    """SQL giving (document_id, value, label) rows for a join facet, adapted to the tables
    present, for the documents whose id is in the SQL `within` (all when empty); None when
    the facet cannot be computed on this database."""
    questions = "questions" in tables

    def only(column: str) -> str:
        return f" and {column} in ({within})" if within else ""

    if name == "acteur":
        sql = ("select am.document_id, a.id as value, a.name as label from actor_mentions am "
               f"join actors a on a.id = am.actor_id where 1{only('am.document_id')}")
        if questions:
            sql += (" union select q.document_id, q.author_id, coalesce(a.name, q.author_name, q.author_id) "
                    "from questions q left join actors a on a.id = q.author_id "
                    f"where q.document_id is not null and q.author_id is not null{only('q.document_id')}")
        return sql
    if name == "groupe":
        sql = ("select am.document_id, o.id as value, coalesce(nullif(o.short_name, ''), o.name) as label "
               "from actor_mentions am join documents dd on dd.id = am.document_id "
               f"join mandates ma on ma.actor_id = am.actor_id and ma.organe_kind = 'GP' and {_ACTIVE} "
               f"join organes o on o.id = ma.organe_id where 1{only('am.document_id')}")
        if questions:
            sql += (" union select q.document_id, q.group_id, coalesce(nullif(o.short_name, ''), q.group_abbr, "
                    "q.group_name, q.group_id) from questions q left join organes o on o.id = q.group_id "
                    f"where q.document_id is not null and q.group_id is not null{only('q.document_id')}")
        return sql
    if name == "ministere":
        sql = ("select am.document_id, o.id as value, o.name as label "
               "from actor_mentions am join documents dd on dd.id = am.document_id "
               f"join mandates ma on ma.actor_id = am.actor_id and ma.organe_kind = 'MINISTERE' and {_ACTIVE} "
               f"join organes o on o.id = ma.organe_id where 1{only('am.document_id')} "
               "union select am.document_id, a.id, a.name from actor_mentions am "
               "join actors a on a.id = am.actor_id where (a.id like 'role:minist%e%' or a.id = 'role:segur')"
               f"{only('am.document_id')}")
        if questions:
            sql += (" union select q.document_id, coalesce(q.ministry_asked_id, q.ministry_asked), "
                    "q.ministry_asked from questions q "
                    f"where q.document_id is not null and q.ministry_asked is not null{only('q.document_id')}")
        return sql
    if name == "mois":
        return ("select id as document_id, substr(published, 1, 7) as value, substr(published, 1, 7) as label "
                f"from documents where 1{only('id')}")
    return None


def selection_sql(name: str, tables: set[str], key: str) -> str | None:
    """The where clause of a join-facet selection (?_acteur=<id> …), bound to `:key`."""
    if name == "mois":
        return f"substr(published, 1, 7) = :{key}"
    if name == "acteur":
        parts = [f"select document_id from actor_mentions where actor_id = :{key}"]
        if "questions" in tables:
            parts.append(f"select document_id from questions where author_id = :{key}")
        return f"id in ({' union '.join(parts)})"
    pairs = facet_pairs(name, tables)
    return f"id in (select document_id from ({pairs}) where value = :{key})" if pairs else None


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
        configs = self.get_configs()
        if configs:
            # Counting through the citations of a wide selection is too slow for a page: the
            # facet says so (never a silent gap) and asks for a narrower search.
            total = self.row_count  # the table's count, already made for the page
            if total is None:
                total = (await self.ds.execute(self.database, f"select count(*) from ({self.sql})",
                                               self.params)).rows[0][0]
            if total > JOIN_FACET_MAX_DOCUMENTS:
                names = [FACET_TITLES.get(c["config"].get("simple"), "") for c in configs]
                return results, [f"{', '.join(n for n in names if n)} (sélection de {total:,} documents, plus de "
                                 f"{JOIN_FACET_MAX_DOCUMENTS:,} : précisez la recherche)".replace(",", "\u202f")]
        for config in configs:
            name = config["config"].get("simple")
            pairs = facet_pairs(name, tables, within=f"select id from ({self.sql})")
            if not pairs:
                continue
            order = "value desc" if name == "mois" else "count desc, label"
            sql = (f"select p.value, max(p.label) as label, count(distinct p.document_id) as count "
                   f"from ({pairs}) p where p.value is not null group by p.value order by {order} limit {size + 1}")
            try:
                rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                              custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except Exception:  # a timed-out or impossible facet must not break the page: it is named instead
                mark_incomplete()
                timed_out.append(FACET_TITLES.get(name, name))
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


async def topic_keywords(db) -> str:
    """The topic keywords stored with the relevant documents (one row is enough: they are
    the same for all)."""
    rows = (await db.execute("select topics from documents where relevant = 1 and topics != '' limit 1")).rows
    return rows[0][0] if rows else ""


@hookimpl
def filters_from_request(request, database, table, datasette):
    """?_q= (search with phrases and prefixes, diacritic-insensitive, texts and actor names,
    matched once: the page reads the rowids found) and the join-facet selections ?_acteur=
    ?_groupe= ?_ministere= ?_mois= on the documents table."""
    if table != "documents":
        return None

    async def inner():
        where, params, descriptions = [], {}, []
        db = datasette.get_database(database)
        tables = await table_names(db)
        q = (request.args.get("_q") or "").strip()
        context: dict = {"veille_q": q, "veille_access_labels": SITE_ACCESS_LABELS,
                         "veille_source_labels": await source_labels(db, tables)}
        plan = search_plan(q, await topic_keywords(db) if q else "", tables,
                           named=await named_groups(db, tables, q) if q else None)
        if not plan.empty:
            descriptions.append(f"recherche « {q} »")
            if plan.relevant_only:
                where.append("relevant = 1")
            if plan.sql:
                # Matched once: the list of rowids found is what every part of the page reads
                # (count, rows, facets, feed). A short list is looked up rowid by rowid; a long
                # one is one set that the scans of the indexes test (`+rowid`), never a fetch of
                # every matching row to sort or count it.
                found = await matched_rowids(db, plan.sql, plan.params)
                if found is not None:
                    ids, count = found
                    lookup = "rowid" if count <= SHORT_LIST_MAX else "+rowid"
                    where.append(f"{lookup} in (select value from json_each(:veille_ids))")
                    params["veille_ids"] = ids
                else:  # the match itself ran out of time: each part of the page matches again
                    where.append(f"+rowid in ({plan.sql})")
                    params.update(plan.params)
            context["veille_actors"] = await actor_suggestions(db, tables, q)
            context["veille_snippets_for"] = snippet_maker(db, plan.snippet_expression, context["veille_actors"])
        for name in ("acteur", "groupe", "ministere", "mois"):
            for i, value in enumerate(request.args.getlist(f"_{name}")):
                key = f"veille_{name}_{i}"
                clause = selection_sql(name, tables, key)
                if not clause:
                    continue
                where.append(clause)
                params[key] = value
                shown = french_month(value) if name == "mois" else await facet_value_label(db, name, value)
                descriptions.append(f"{FACET_TITLES[name].lower()} : {shown}")
        return FilterArguments(where, params=params, human_descriptions=descriptions, extra_context=context)

    return inner


async def named_groups(db, tables: set[str], q: str) -> set[str] | None:
    """The FTS5 expressions of the query's groups that match some actor's name (None
    without the actor-name index: every group then goes through it, as before)."""
    if "actors_fts" not in tables:
        return None
    named = set()
    for group in parse_groups(q):
        expression = group_expression(group)
        try:
            rows = (await db.execute("select 1 from actors_fts where actors_fts match :g limit 1",
                                     {"g": expression})).rows
        except Exception:  # an expression FTS5 refuses on names: keep the full plan
            rows = [1]
        if rows:
            named.add(expression)
    return named


_MATCHED: dict[str, tuple] = {}
MATCHED_MAX_CHARACTERS = 32_000_000  # the remembered lists together (about 4 million rowids)


async def matched_rowids(db, sql: str, params: dict) -> tuple[str, int] | None:
    """The rowids matched by a search plan's SQL, as a JSON list and their number (None when
    the match runs out of time); remembered until the database changes (the pages of one
    search, its facets and its feed ask the same)."""
    version = database_version(getattr(db, "path", None))
    key = json.dumps([getattr(db, "path", None), sql, params], sort_keys=True, default=str)
    found = _MATCHED.get(key)
    if found is not None and version is not None and found[0] == version:
        return found[1]
    try:
        row = (await db.execute(f"with veille_found(r) as ({sql}) select json_group_array(r), count(*) from veille_found",
                                params)).rows[0]
    except Exception:  # interrupted by the time limit: the page matches in SQL instead
        return None
    result = (row[0], row[1])
    if version is not None:
        while _MATCHED and sum(len(v[1][0]) for v in _MATCHED.values()) + len(row[0]) > MATCHED_MAX_CHARACTERS:
            _MATCHED.pop(next(iter(_MATCHED)))
        _MATCHED[key] = (version, result)
    return result


async def source_labels(db, tables: set[str]) -> dict[str, str]:
    """{source name: its French label} (the facet and the results show labels, not slugs)."""
    if "sources" not in tables:
        return {}
    return {r[0]: r[1] or r[0] for r in (await db.execute("select name, label from sources")).rows}


async def facet_value_label(db, name: str, value: str) -> str:
    """The name of a selected actor, group or ministry (the id when unknown)."""
    table = "actors" if name == "acteur" else "organes"
    rows = (await db.execute(f"select name from {table} where id = :v", {"v": value})).rows
    return rows[0][0] if rows and rows[0][0] else value


async def actor_suggestions(db, tables: set[str], q: str) -> list[dict]:
    """The actors whose name matches the query, offered above the results."""
    sql = actor_suggestions_sql(tables)
    expression = names_expression(q)
    if not sql or not expression:
        return []
    try:
        rows = (await db.execute(sql, {"veille_names": expression})).rows
    except Exception:  # an expression FTS5 refuses on names is no suggestion, not an error page
        return []
    return [{"id": r["id"], "name": r["name"] or r["id"], "documents": r["documents"],
             "kind": ACTOR_KIND_LABELS.get(r["kind"], r["kind"] or "")} for r in rows]


def snippet_maker(db, expression: str, actors: list[dict]):
    """An async function of the displayed document ids giving {id: Markup snippet}: FTS5
    snippet() of the text for these documents only; else the citation of a matching actor;
    else (a match only in the topic keywords, e.g. "secpa") the stored mention extract."""

    async def snippets(ids: list[str]) -> dict:
        found: dict = {}
        if not ids:
            return found
        id_list = json.dumps(ids)
        if expression:
            try:
                rows = (await db.execute(
                    "select d.id, snippet(documents_fts, 1, char(2), char(3), '…', 28) as s "
                    "from documents_fts join documents d on d.rowid = documents_fts.rowid "
                    "where documents_fts match :q and documents_fts.rowid in "
                    "(select rowid from documents where id in (select value from json_each(:ids)))",
                    {"q": expression, "ids": id_list})).rows
            except Exception:  # no snippet is better than no page
                rows = []
            found = {r["id"]: mark_snippet(r["s"]) for r in rows if r["s"] and "\x02" in r["s"]}
        missing = [i for i in ids if i not in found]
        if missing and actors:
            rows = (await db.execute(
                "select am.document_id, a.name, substr(d.text, max(am.start - 100, 0) + 1, "
                "am.start - max(am.start - 100, 0)) as avant, am.text as cite, "
                "substr(d.text, am.\"end\" + 1, 100) as apres "
                "from actor_mentions am join actors a on a.id = am.actor_id join documents d on d.id = am.document_id "
                "where am.document_id in (select value from json_each(:ids)) "
                "and am.actor_id in (select value from json_each(:actors)) order by am.start",
                {"ids": json.dumps(missing), "actors": json.dumps([a["id"] for a in actors])})).rows
            for r in rows:
                if r["document_id"] not in found:
                    found[r["document_id"]] = mark_extract("… " + (r["avant"] or ""), r["cite"],
                                                           (r["apres"] or "") + " …", "hl-actor")
        missing = [i for i in ids if i not in found]
        if missing:
            for r in (await db.execute(
                    "select document_id, snippet, matched from mentions where strength = 'strong' "
                    "and document_id in (select value from json_each(:ids)) order by field = 'title', start",
                    {"ids": json.dumps(missing)})).rows:
                if r["document_id"] not in found and r["snippet"]:
                    found[r["document_id"]] = mark_term(r["snippet"], r["matched"])
        return found

    return snippets


_DESCRIPTION_FR = (("where ", "où "), (" and ", " et "), ("sorted by ", "triés par "),
                   (" descending", " (décroissant)"), ("search matches", "recherche"),
                   (" contains ", " contient "), (" starts with ", " commence par "),
                   ("published", "date de publication"), ("title", "titre"), ("kind", "type"),
                   ("source", "source"), ("publisher", "éditeur"), ("access", "accès"))


def _description_fr(text: str | None) -> str:
    """Datasette's description of the filters of a table page, in French."""
    text = text or ""
    for en, fr in _DESCRIPTION_FR:
        text = text.replace(en, fr)
    return text


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Filters of the table page: facets in a fixed order, the filter description in French."""
    env.filters["description_fr"] = _description_fr
    env.filters["ordre_facettes"] = lambda facets: sorted(
        facets, key=lambda f: FACET_ORDER.index(f["name"]) if f["name"] in FACET_ORDER else len(FACET_ORDER))
