"""Every named canned query answers on the fixture database, with the expected rows; the
digest's library (`pipelines.queries`) and the site return the same rows."""

from __future__ import annotations

from markupsafe import escape as html_escape

import pytest

from datasette_helpers import build_database, fetch
from pipelines.queries import load_queries, query_params, run_query


@pytest.fixture
def site(config):
    """The fixture database and an in-process Datasette configured like `veille serve`."""
    from pipelines.serve import make_datasette

    build_database(config)
    return make_datasette(config.database)


@pytest.fixture
def sdb(site, config):
    from pipelines.db import open_db

    database = open_db(config.database)
    yield database
    database.close()


PARAMS = {"du": "2026-02-16", "au": "2026-02-22", "id": "press-ministre", "acteur": "PA900002",
          "date_ref": "2026-03-10", "situation": "", "depuis": "2026-01-01", "semaine": "2026-02-16"}


def test_every_canned_query_answers_in_html_and_json(site):
    for name, query in load_queries().items():
        params = "&".join(f"{p}={PARAMS.get(p, '')}" for p in query_params(query["sql"]))
        html = fetch(site, f"/veille/{name}?{params}")
        assert html.status_code == 200, (name, html.text[:500])
        assert html_escape(query["title"]) in html.text
        data = fetch(site, f"/veille/{name}.json?_shape=array&{params}")
        assert data.status_code == 200, (name, data.text[:500])
        assert isinstance(data.json(), list)


def test_site_and_library_return_the_same_rows(site, sdb):
    for name in ("mentions_semaine", "engagements", "questions_sans_reponse", "reprises"):
        params = {p: PARAMS.get(p, "") for p in query_params(load_queries()[name]["sql"])}
        query = "&".join(f"{k}={v}" for k, v in params.items())
        via_site = fetch(site, f"/veille/{name}.json?_shape=array&{query}").json()
        assert via_site == run_query(sdb, name, **params), name


def test_mentions_of_the_week(sdb):
    rows = run_query(sdb, "mentions_semaine", du="2026-02-16", au="2026-02-22")
    assert [r["document_id"] for r in rows] == ["press-script", "press-ministre"]
    ministre = rows[1]
    assert ministre["type"] == "press" and ministre["editeur"] == "Concours pluripro"
    assert set(ministre["formes"].split(",")) >= {"SEC-Pa", "structures d'exercice coordonné participatives"}
    assert "SEC-Pa" in ministre["extrait"]
    assert [r["document_id"] for r in run_query(sdb, "mentions_semaine", du="2026-01-26", au="2026-02-01")] == ["press-dauphine"]


def test_one_document_with_mentions_actors_commitments(sdb):
    rows = run_query(sdb, "document_detail", id="press-ministre")
    elements = [r["element"] for r in rows]
    assert elements[0] == "document" and rows[0]["libelle"].startswith("Santé communautaire")
    assert elements.count("acteur") == 2 and elements.count("engagement") == 2
    assert {r["libelle"] for r in rows if r["element"] == "acteur"} == {"Claire Dubois", "DGOS"}
    assert "mention" in elements


def test_actor_timeline(sdb):
    rows = run_query(sdb, "acteur_chronologie", acteur="PA900002")
    assert [(r["date"][:10], r["element"], r["document_id"]) for r in rows] == [
        ("2026-02-18", "citation", "press-ministre"), ("2026-02-18", "engagement", "press-ministre"),
        ("2026-02-03", "citation", "QANR5L17QE9001")]


def test_commitments_ledger(sdb):
    rows = run_query(sdb, "engagements", date_ref="2026-03-10")
    assert [(r["echeance"], r["situation"], r["acteur"]) for r in rows] == [
        ("2026-03-15", "dans les 30 jours", "DGOS"), ("2026-12-31", "à venir", "Claire Dubois")]
    assert rows[0]["montant_eur"] == 1500000
    late = run_query(sdb, "engagements", date_ref="2026-04-01", situation="en retard")
    assert [r["echeance"] for r in late] == ["2026-03-15"]


def test_unanswered_questions_with_days_waiting(sdb):
    rows = run_query(sdb, "questions_sans_reponse", date_ref="2026-03-10")
    assert len(rows) == 1
    q = rows[0]
    assert (q["numero"], q["jours_d_attente"], q["groupe"], q["ministere"], q["alerte"]) == (
        "9001", 35, "EcoS", "Ministère de la Santé", "")
    assert run_query(sdb, "questions_sans_reponse", date_ref="2026-04-10")[0]["alerte"] == "plus de deux mois"


def test_pending_questions_off_topic_only_on_request(sdb):
    from pipelines.db import upsert_record

    upsert_record(sdb, "questions", {"id": "QANR5L17QE9999", "chamber": "AN", "kind": "QE", "number": "9999",
                                     "title": "Tarif des cantines scolaires", "published": "2026-02-20",
                                     "status": "pending"})
    assert [r["numero"] for r in run_query(sdb, "questions_sans_reponse", date_ref="2026-03-10")] == ["9001"]
    everything = run_query(sdb, "questions_sans_reponse", date_ref="2026-03-10", toutes="oui")
    assert sorted(r["numero"] for r in everything) == ["9001", "9999"]


def test_stories_with_pickups(sdb):
    rows = run_query(sdb, "reprises")
    assert [(r["story_id"], r["articles"], r["document_id"]) for r in rows] == [("story-sursis", 2, "press-ministre")]
    assert rows[0]["medias"] == "Concours pluripro, La Croix"


def test_source_health(sdb):
    rows = {r["source"]: r for r in run_query(sdb, "sante_sources")}
    assert rows["lacroix"]["dernier_etat"] == "failed" and rows["lacroix"]["echecs_consecutifs"] == 1
    assert rows["google_news_secpa"]["dernier_etat"] == "ok" and rows["google_news_secpa"]["elements_lus"] == 3
    assert rows["lacroix"]["documents"] == 1


def test_weekly_counts_for_the_chart(sdb):
    rows = run_query(sdb, "mentions_par_semaine", depuis="2026-01-01")
    assert [(r["semaine"], r["type"], r["documents"]) for r in rows] == [
        ("2026-01-26", "press", 1), ("2026-02-02", "question", 1), ("2026-02-16", "press", 2)]


def test_atom_feed_of_new_mentions(site):
    response = fetch(site, "/veille/flux_mentions.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    body = response.text
    assert body.count("<entry>") == 4
    assert "<id>veille:document:press-ministre</id>" in body
    assert "<script>" not in body  # the hostile title is escaped in the feed
    assert "&lt;script&gt;" in body


def test_atom_feed_of_commitments_and_ics_calendar(site):
    feed = fetch(site, "/veille/flux_engagements.atom").text
    assert feed.count("<entry>") == 3 and "Engagement : Claire Dubois" in feed
    ics = fetch(site, "/veille/calendrier_engagements.ics")
    assert ics.status_code == 200 and "BEGIN:VCALENDAR" in ics.text
    assert "DTSTART:20261231" in ics.text.replace(";VALUE=DATE", "") or "20261231" in ics.text
    assert ics.text.count("BEGIN:VEVENT") == 3


def test_missing_table_uses_the_fallback_query(tmp_path):
    from pipelines.queries import effective_sql

    query = load_queries()["questions_sans_reponse"]
    assert "from questions q" in effective_sql(query, {"questions", "documents"})
    assert "from documents d" in effective_sql(query, {"documents"})


def test_a_query_may_require_a_view(tmp_path):
    """`requires` may name a view (e.g. `upcoming_agenda`): the query runs, not its fallback."""
    from pipelines.db import open_db
    from pipelines.queries import bind

    db = open_db(tmp_path / "veille.db")
    assert "upcoming_agenda" in db.view_names()
    sql, _ = bind("a_venir", [*db.table_names(), *db.view_names()], {})
    fallback, _ = bind("a_venir", db.table_names(), {})
    assert "upcoming_agenda" in sql and sql != fallback
