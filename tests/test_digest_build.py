"""The weekly digest's content, gathered from the fixture database through the named queries."""

import asyncio
from datetime import date

import pytest

import digest_fixtures as fx
from pipelines.digest import DigestError, build_digest, parse_formats
from pipelines.weeks import Week, WeekError, parse_week


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture database and its config (built once for the module)."""
    from pipelines.config import load_config

    tmp = tmp_path_factory.mktemp("digest")
    path = fx.small_config(tmp)
    db = fx.build(path)
    yield load_config(path), db
    db.close()


@pytest.fixture(scope="module")
def w07(built):
    config, db = built
    return build_digest(config, Week(2026, 7), db=db)


@pytest.fixture(scope="module")
def w08(built):
    config, db = built
    return build_digest(config, Week(2026, 8), db=db)


def test_weeks_are_iso_weeks():
    week = parse_week("2026-W07", today=date(2026, 11, 22))
    assert (week.start, week.end) == (date(2026, 2, 9), date(2026, 2, 15))
    assert week.french() == "du 9 au 15 février 2026"
    assert parse_week("2026w7", today=date(2026, 11, 22)) == week
    assert parse_week(None, today=date(2026, 2, 16)).label == "2026-W07"
    assert Week(2025, 53 - 1).shifted(2).label == "2026-W02"
    assert Week(2026, 9).french() == "du 23 février au 1er mars 2026"


@pytest.mark.parametrize("text, message", [
    ("2026-07", "semaine inconnue '2026-07' : format attendu AAAA-Wnn, par exemple 2026-W07"),
    ("2026-W54", "semaine inconnue '2026-W54' : l'année 2026 n'a pas de semaine 54"),
    ("2025-W53", "semaine inconnue '2025-W53' : l'année 2025 n'a pas de semaine 53"),
    ("2027-W01", "semaine 2027-W01 : elle n'a pas encore commencé"),
])
def test_unknown_weeks_are_one_line_errors(text, message):
    with pytest.raises(WeekError) as error:
        parse_week(text, today=date(2026, 11, 22))
    assert str(error.value) == message


def test_formats():
    assert parse_formats(()) == ["html", "md", "csv", "json"]
    assert parse_formats(("md,json", "md")) == ["md", "json"]
    with pytest.raises(DigestError, match="^format inconnu 'pdf' : formats possibles html, md, csv, json$"):
        parse_formats(("html", "pdf"))


def test_headline_figures(w07):
    assert w07["week"] == "2026-W07" and w07["period"] == "du 9 au 15 février 2026"
    assert not w07["empty"]
    assert w07["counts"] == {
        "documents": 7, "press": 3, "stories": 2, "parliament": 4, "other": 0, "commitments_new": 2,
        "deadlines": 1, "overdue": 1, "sources_ran": 7, "sources_failed": 1,
    }
    assert [(f["value"], f["label"], f["alert"]) for f in w07["figures"]] == [
        (7, "documents sur le sujet", False), (3, "articles de presse", False),
        (4, "textes parlementaires", False), (2, "engagements relevés", False),
        (2, "échéances à surveiller", True), (1, "source en échec", True),
    ]


def test_parliament_groups_and_answers_from_the_questions_table(w07):
    groups = {g["key"]: g for g in w07["parliament"]["groups"]}
    assert [i["id"] for i in groups["questions"]["items"]] == ["QANR5L17QE5391"]
    assert [i["id"] for i in groups["answers"]["items"]] == ["QANR5L17QE5268-R"]
    assert [i["id"] for i in groups["amendments"]["items"]] == ["AMANR5L17PO838901B0325P0D1N001855"]
    assert [i["id"] for i in groups["debates"]["items"]] == ["CRSANR5L17S2026O1N002-1"]
    question = groups["questions"]["items"][0]
    assert question["date_label"] == "11 février 2026"
    assert question["datasette_url"] == "http://veille.test/document/QANR5L17QE5391"
    assert question["url"] == "https://questions.assemblee-nationale.fr/q17/17-5391QE.htm"


def test_each_item_says_why_it_matched(w07):
    amendment = next(g for g in w07["parliament"]["groups"] if g["key"] == "amendments")["items"][0]
    assert [(w["matched"], w["rule"], w["rule_label"]) for w in amendment["why"]] == [
        ("structures d'exercice coordonné participatives", "long_form:structure d'exercice coordonné participative", "forme longue"),
        ("droit commun", "weak:droit commun", "signal faible"),
    ]
    assert amendment["why"][0]["snippet"].startswith("Cet amendement vise à inscrire les structures")


def test_press_by_story_lead_and_pickup(w07):
    stories = w07["press"]["stories"]
    assert [(s["lead"]["title"], [p["source_label"] for p in s["pickups"]]) for s in stories] == [
        ("Le gouvernement prolonge le financement des SEC-Pa jusqu'à fin 2026", ["La Dépêche du Midi"]),
        ("À Marseille, le Château en santé suspendu à une décision ministérielle", []),
    ]
    assert stories[1]["lead"]["why"][0]["matched"] == "SECPA"


def test_commitments_new_due_and_overdue_each_listed_once(w07):
    c = w07["commitments"]
    assert c["ref"] == "2026-02-16"
    assert [(e["actor"], e["deadline"], e["deadline_label"]) for e in c["overdue"]] == [("DGOS", "2026-01-31", "31 janv. 2026")]
    assert c["overdue"][0]["amount_label"] == "1,5 M€"
    assert [(e["kind_label"], e["deadline_label"], e["status_label"]) for e in c["upcoming"]] == [
        ("annonce", "1er mars 2026", "relevé cette semaine")]
    assert [(e["actor"], e["deadline"]) for e in c["new"]] == [("Ministre chargée de la Santé", "2026-12-31")]
    assert c["new"][0]["url"] == "https://www.lemonde.fr/sante/article/2026/02/10/sec-pa-financement-2026.html"
    assert (c["new"][0]["copies"], c["new"][0]["also_in"]) == (1, ["Les SEC-Pa financées jusqu'à fin 2026, annonce la ministre"])


def test_most_cited_actors(w07):
    assert [(a["name"], a["documents"], a["bar"]) for a in w07["actors"]["items"]] == [
        ("Ministre chargée de la Santé", 3, 100), ("Hendrik Davi", 2, 67),
        ("Fédération nationale des centres de santé", 1, 33),
    ]


def test_chart_of_twelve_weeks(w07):
    weeks = w07["chart"]["weeks"]
    assert len(weeks) == 12 and weeks[0]["week"] == "2025-W48" and weeks[-1]["current"]
    assert [w["count"] for w in weeks[-4:]] == [0, 1, 2, 7]
    assert weeks[-1]["bar"] == w07["chart"]["height"] and weeks[-3]["bar"] == 13


def test_source_coverage_against_usual_counts(w07):
    rows = {s["name"]: s for s in w07["coverage"]["sources"]}
    assert list(rows)[:2] == ["egora", "gazette_communes"]
    assert (rows["egora"]["status_label"], rows["egora"]["error"], rows["egora"]["failures"]) == ("échec", "HTTP 404 (introuvable)", 7)
    assert (rows["gazette_communes"]["status_label"], rows["gazette_communes"]["items_per_run"], rows["gazette_communes"]["usual"]) == ("en baisse", 10, 40)
    assert rows["lemonde_sante"]["detail"] == "21 éléments par passage (habituel 20), 7 passages"
    assert w07["coverage"]["summary"] == "7 sources collectées (7 passages au plus), dont 1 en échec."


def test_a_week_with_nothing_new_still_lists_the_sources_that_ran(w08):
    assert w08["empty"] and w08["counts"]["documents"] == 0
    assert w08["coverage"]["ran"] == 7 and w08["coverage"]["failed"] == 0
    assert {s["name"] for s in w08["coverage"]["sources"]} == set(fx.SOURCES)
    assert w08["coverage"]["summary"] == "7 sources collectées (7 passages au plus), aucune en échec."
    assert [e["actor"] for e in w08["commitments"]["overdue"]] == ["DGOS"]


def test_a_week_without_any_crawl_says_so(built):
    config, db = built
    digest = build_digest(config, Week(2025, 50), db=db)
    assert digest["empty"] and digest["coverage"]["ran"] == 0
    assert digest["coverage"]["summary"].startswith("Aucune collecte enregistrée pendant cette semaine.")


def test_links_open_real_datasette_pages(built, w07):
    """Every kind of link the digest makes answers 200 on the real Datasette."""
    from pipelines.serve import make_datasette

    config, _ = built
    ds = make_datasette(config.database)
    urls = [
        w07["parliament"]["groups"][0]["items"][0]["datasette_url"],
        w07["press"]["stories"][0]["lead"]["datasette_url"],
        w07["commitments"]["overdue"][0]["datasette_url"],
        w07["actors"]["items"][0]["datasette_url"],
        w07["coverage"]["sources"][0]["datasette_url"],
        w07["press"]["more_url"],
    ]

    async def statuses():
        return [(await ds.client.get(u.removeprefix(fx.SITE))).status_code for u in urls]

    assert asyncio.run(statuses()) == [200] * len(urls)


def _imports(module: str) -> set[str]:
    """Every module a file of the project imports, at the top or inside a function."""
    import ast

    from conftest import ROOT

    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("module, forbidden", [
    ("pipelines.digest_data", {"pipelines.digest"}),
    ("pipelines.weeks", {"pipelines.digest", "pipelines.digest_data", "pipelines.config"}),
    ("pipelines.config", {"pipelines.digest", "pipelines.weeks", "pipelines.nightly"}),
    ("pipelines.config_schema", {"pipelines.config", "pipelines.digest"}),
    ("pipelines.mail", {"pipelines.digest", "pipelines.digest_send"}),
    ("pipelines.nightly", {"pipelines.cli", "pipelines.cli_ops"}),
])
def test_the_digest_modules_import_one_way(module, forbidden):
    assert _imports(module) & forbidden == set()
