"""A small database for the digest tests, written only through `pipelines/db.py` and the
store step: five weeks of nightly crawls, press (one story with a pick-up), parliament
(question, answer, amendment, debate), commitments, actors, and a week with nothing new.

Week 2026-W07 (9-15 February 2026) is the busy week; 2026-W08 has crawls but no document.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from freezegun import freeze_time

from conftest import ROOT

SOURCES = ("lemonde_sante", "ladepeche", "mediacites", "google_news_secpa", "gazette_communes",
           "egora", "an_questions_ecrites")
SITE = "http://veille.test"

# (source, items per run as usual, items per run in W07, status in W07)
HEALTH = {
    "lemonde_sante": (20, 21, "ok"),
    "ladepeche": (30, 30, "ok"),
    "mediacites": (12, 12, "ok"),
    "google_news_secpa": (5, 6, "ok"),
    "gazette_communes": (40, 10, "ok"),          # far below its usual count
    "egora": (25, 0, "failed"),                  # broken all week
    "an_questions_ecrites": (3, 3, "ok"),
}


DIGEST_SECTIONS = """
[digest]
site_url = "{site}"
out_dir = "digests"
weekday = "lundi"

[mail]
host = ""
sender = "veille@secpa.example"
recipients = ["equipe@secpa.example", "direction@secpa.example"]

[nightly]
max_consecutive_failures = 3
"""


def small_config(tmp_path: Path, extra: str = "") -> Path:
    """veille.toml with only the fixture's sources, its storage in tmp_path and the digest
    linked to a test site."""
    text = (ROOT / "veille.toml").read_text(encoding="utf-8")
    header = text.split("[[sources]]", 1)[0]
    header = re.sub(r'^database = ".*"$', f'database = "{tmp_path / "veille.db"}"', header, flags=re.M)
    header = re.sub(r'^raw_dir = ".*"$', f'raw_dir = "{tmp_path / "raw"}"', header, flags=re.M)
    blocks = ["[[sources]]" + b for b in text.split("[[sources]]")[1:]]
    kept = []
    for block in blocks:
        name = re.search(r'^name = "(.*)"$', block, flags=re.M)[1]
        body = re.split(r"^\[(?!\[)", block, flags=re.M)[0]  # stop at the next [table]
        body = re.sub(r"^#.*\n", "", body, flags=re.M)
        if name in SOURCES:
            kept.append(body.rstrip() + "\n")
    tail = DIGEST_SECTIONS.replace("{site}", SITE)
    path = tmp_path / "veille.toml"
    path.write_text(header + "\n".join(kept) + "\n" + tail + extra, encoding="utf-8")
    return path


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


DOCUMENTS = [
    # W05
    dict(source="lemonde_sante", kind="press", published="2026-01-29T17:20:00+01:00", publisher="Le Monde",
         url="https://www.lemonde.fr/sante/article/2026/01/29/fin-des-sec-pa.html",
         title="Le ministère annonce la fin de l'expérimentation des SEC-Pa en avril",
         text="Le ministère de la Santé a annoncé la fin en avril 2026 de l'expérimentation des SEC-Pa. "
              "La DGOS promet la publication du cahier des charges avant le 31 janvier 2026."),
    # W06
    dict(source="ladepeche", kind="press", published="2026-02-03T09:00:00+01:00", publisher="La Dépêche du Midi",
         url="https://www.ladepeche.fr/2026/02/03/toulouse-case-de-sante.php",
         title="Toulouse : la Case de santé craint pour son avenir",
         text="Structure d'exercice coordonné participative depuis 2021, la Case de santé accueille des milliers de patients."),
    dict(source="an_questions_ecrites", kind="question", published="2026-02-03T00:00:00+01:00",
         publisher="Assemblée nationale", id="QANR5L17QE5268",
         url="https://questions.assemblee-nationale.fr/q17/17-5268QE.htm",
         title="Question écrite n° 5268 : avenir des SEC-Pa",
         text="M. Hendrik Davi interroge la ministre sur l'avenir des structures d'exercice coordonné participatives (SEC-Pa)."),
    # W07
    dict(source="lemonde_sante", kind="press", published="2026-02-10T08:00:00+01:00", publisher="Le Monde",
         url="https://www.lemonde.fr/sante/article/2026/02/10/sec-pa-financement-2026.html",
         title="Le gouvernement prolonge le financement des SEC-Pa jusqu'à fin 2026",
         text="La ministre chargée de la Santé s'engage à maintenir le financement des SEC-Pa jusqu'au 31 décembre 2026. "
              "La Fédération nationale des centres de santé salue un sursis."),
    dict(source="ladepeche", kind="press", published="2026-02-10T14:30:00+01:00", publisher="La Dépêche du Midi",
         url="https://www.ladepeche.fr/2026/02/10/les-sec-pa-financees-jusqua-fin-2026.php",
         title="Les SEC-Pa financées jusqu'à fin 2026, annonce la ministre",
         text="La ministre chargée de la Santé a annoncé le maintien du financement des SEC-Pa jusqu'à la fin 2026 (AFP)."),
    dict(source="mediacites", kind="press", published="2026-02-12T07:15:00+01:00", publisher="Mediacités",
         url="https://www.mediacites.fr/enquete/marseille/2026/02/12/chateau-en-sante/",
         title="À Marseille, le Château en santé suspendu à une décision ministérielle",
         text="Ce centre de santé communautaire des quartiers Nord fait partie des 26 SECPA dont le financement devait s'arrêter au printemps."),
    dict(source="an_questions_ecrites", kind="question", published="2026-02-11T00:00:00+01:00",
         publisher="Assemblée nationale", id="QANR5L17QE5391",
         url="https://questions.assemblee-nationale.fr/q17/17-5391QE.htm",
         title="Question écrite n° 5391 : pérennisation des centres de santé participatifs",
         text="Mme Julie Delpech demande la pérennisation des centres de santé participatifs (SEC-Pa) dans le droit commun."),
    dict(source="an_questions_ecrites", kind="reponse", published="2026-02-13T00:00:00+01:00",
         publisher="Assemblée nationale", id="QANR5L17QE5268-R",
         url="https://questions.assemblee-nationale.fr/q17/17-5268QE.htm#reponse",
         title="Réponse à la question n° 5268 : avenir des SEC-Pa",
         text="Le financement des SEC-Pa est maintenu jusqu'au 31 décembre 2026 ; un groupe de travail est ouvert."),
    dict(source="an_questions_ecrites", kind="amendement", published="2026-02-12T00:00:00+01:00",
         publisher="Assemblée nationale", id="AMANR5L17PO838901B0325P0D1N001855",
         url="https://www.assemblee-nationale.fr/dyn/17/amendements/0325/AN/1855",
         title="Amendement n° 1855 (après l'article 15) : pérenniser les SEC-Pa",
         text="Cet amendement vise à inscrire les structures d'exercice coordonné participatives dans le droit commun."),
    dict(source="an_questions_ecrites", kind="debat", published="2026-02-10T15:00:00+01:00",
         publisher="Assemblée nationale", id="CRSANR5L17S2026O1N002-1",
         url="https://www.assemblee-nationale.fr/dyn/17/comptes-rendus/seance/2026-02-10",
         title="Questions au Gouvernement : avenir des SEC-Pa",
         text="La ministre annonce qu'un groupe de travail sur les SEC-Pa rendra ses conclusions d'ici le 1er mars 2026."),
]

ACTORS = {
    "role:ministre_sante": {"name": "Ministre chargée de la Santé", "kind": "role"},
    "PA793452": {"name": "Hendrik Davi", "kind": "person"},
    "org:fncs": {"name": "Fédération nationale des centres de santé", "kind": "organisation"},
    "org:dgos": {"name": "DGOS", "kind": "organisation"},
}


def build(config_path: Path):
    """Fill the fixture database of `config_path`; return it open."""
    from nlp.topic import TopicMatcher
    from pipelines import db as database
    from pipelines.config import load_config
    from pipelines.store import store_document
    from spiders.items import Document

    config = load_config(config_path)
    db = database.open_db(config.database)
    database.sync_sources(db, config.sources)
    matcher = TopicMatcher.from_topic(config.topic)
    ids = {}
    for spec in DOCUMENTS:
        spec = dict(spec)
        if spec.get("id"):  # parliamentary ids name documents sharing a page (answer, passage)
            spec["extra"] = {"keep_id": True, "part_of_page": True}
        with freeze_time(_utc(spec["published"]) + timedelta(hours=6)):
            doc = Document(**{**spec, "published": _utc(spec["published"])})
            assert store_document(db, matcher, doc) == "insert", spec["title"]
        ids[spec["title"]] = next(db.query("SELECT id FROM documents WHERE title = ?", [spec["title"]]))["id"]
    _crawls(db)
    _parliament(db)
    _nlp(db, ids)
    _stories(db, ids)
    return db


def _crawls(db):
    """One crawl a night from 12 January to 22 February 2026."""
    from pipelines import db as database

    day = date(2026, 1, 12)
    while day <= date(2026, 2, 22):
        with freeze_time(datetime(day.year, day.month, day.day, 4, 0, tzinfo=timezone.utc)):
            run_id = database.start_run(db, "crawl")
            in_w07 = date(2026, 2, 9) <= day <= date(2026, 2, 15)
            for source, (usual, week, status) in HEALTH.items():
                items = week if in_w07 else usual
                failed = in_w07 and status == "failed"
                database.record_source_result(db, run_id, {
                    "source": source, "status": "failed" if failed else "ok",
                    "error": "HTTP 404 (introuvable)" if failed else None, "items": items,
                    "relevant": 0, "inserted": 0, "unchanged": 0, "duration_s": 0.5})
            database.finish_run(db, run_id)
        day += timedelta(days=1)


def _parliament(db):
    from pipelines import db as database

    database.upsert_record(db, "questions", {
        "id": "QANR5L17QE5268", "source": "an_questions_ecrites", "chamber": "AN", "legislature": "17",
        "kind": "QE", "number": "5268", "url": "https://questions.assemblee-nationale.fr/q17/17-5268QE.htm",
        "title": "Question écrite n° 5268 : avenir des SEC-Pa", "author_id": "PA793452",
        "author_name": "Hendrik Davi", "ministry_answering": "Ministère de la santé",
        "published": "2026-02-03", "answer_date": "2026-02-13", "status": "answered",
        "document_id": "QANR5L17QE5268", "answer_document_id": "QANR5L17QE5268-R",
    })


def _nlp(db, ids):
    from pipelines import db as database

    database.upsert_actors(db, ACTORS)
    lead = ids["Le gouvernement prolonge le financement des SEC-Pa jusqu'à fin 2026"]
    debate = "CRSANR5L17S2026O1N002-1"
    old = ids["Le ministère annonce la fin de l'expérimentation des SEC-Pa en avril"]
    pickup = ids["Les SEC-Pa financées jusqu'à fin 2026, annonce la ministre"]
    mention = lambda actor, text, start: {"actor_id": actor, "text": text, "start": start, "end": start + len(text), "rule": "gazetteer"}  # noqa: E731
    database.replace_annotations(db, lead, [
        mention("role:ministre_sante", "La ministre chargée de la Santé", 0),
        mention("org:fncs", "La Fédération nationale des centres de santé", 110),
    ], [{"kind": "commitment", "actor_id": "role:ministre_sante", "actor_text": "La ministre chargée de la Santé",
         "text": "La ministre chargée de la Santé s'engage à maintenir le financement des SEC-Pa jusqu'au 31 décembre 2026.",
         "amount_eur": None, "deadline": "2026-12-31", "deadline_precision": "day", "status": "open", "start": 0, "end": 105}])
    # the pick-up repeats the lead's sentence: one commitment, not two
    database.replace_annotations(db, pickup, [mention("role:ministre_sante", "La ministre chargée de la Santé", 0)], [
        {"kind": "commitment", "actor_id": "role:ministre_sante", "actor_text": "La ministre chargée de la Santé",
         "text": "La ministre chargée de la Santé s'engage à maintenir le financement des SEC-Pa jusqu'au 31 décembre 2026.",
         "amount_eur": None, "deadline": "2026-12-31", "deadline_precision": "day", "status": "open", "start": 0, "end": 105}])
    database.replace_annotations(db, debate, [
        mention("role:ministre_sante", "La ministre", 0), mention("PA793452", "M. Hendrik Davi", 90),
    ], [{"kind": "announcement", "actor_id": "role:ministre_sante", "actor_text": "La ministre",
         "text": "La ministre annonce qu'un groupe de travail sur les SEC-Pa rendra ses conclusions d'ici le 1er mars 2026.",
         "amount_eur": None, "deadline": "2026-03-01", "deadline_precision": "day", "status": "open", "start": 0, "end": 98}])
    database.replace_annotations(db, "QANR5L17QE5391", [mention("PA793452", "M. Hendrik Davi", 0)], [])
    database.replace_annotations(db, old, [mention("org:dgos", "La DGOS", 96)], [
        {"kind": "commitment", "actor_id": "org:dgos", "actor_text": "La DGOS",
         "text": "La DGOS promet la publication du cahier des charges avant le 31 janvier 2026.",
         "amount_eur": 1500000.0, "deadline": "2026-01-31", "deadline_precision": "day", "status": "open",
         "start": 96, "end": 170}])


def _stories(db, ids):
    from pipelines import db as database

    lead = ids["Le gouvernement prolonge le financement des SEC-Pa jusqu'à fin 2026"]
    pickup = ids["Les SEC-Pa financées jusqu'à fin 2026, annonce la ministre"]
    database.replace_stories(db, [{
        "id": "story:" + lead, "lead_document_id": lead, "title": "Le gouvernement prolonge le financement des SEC-Pa",
        "published": "2026-02-10T07:00:00+00:00",
        "members": [{"document_id": lead, "role": "lead", "similarity": 1.0, "published": "2026-02-10T07:00:00+00:00"},
                    {"document_id": pickup, "role": "pickup", "similarity": 0.82, "published": "2026-02-10T13:30:00+00:00"}],
    }])
