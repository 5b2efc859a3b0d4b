"""`veille who` on real AN reference data (issue 16): deputies « en mission » are not post
holders, and a snapshot whose government mandates stop in 2024 says it does not know rather
than answer « Gabriel Attal » for 2026. Files: tests/fixtures/an_reference/real_stale/."""

import json

from conftest import FIXTURES
from parliament_helpers import store_all
from pipelines.parliament import is_government_post, reference_freshness, who_answer, who_held
from spiders.an_parse import parse_reference
from spiders.parl_items import ReferenceRecord

STALE = FIXTURES / "an_reference" / "real_stale"
TABLES = {"actor": "actors", "organe": "organes", "mandate": "mandates"}


def _load(db):
    items = [ReferenceRecord("an_referentiel_legislature", TABLES[kind], record)
             for path in sorted(STALE.glob("*/*.json"))
             for kind, record in parse_reference(json.loads(path.read_bytes()), path.stem)]
    store_all(db, items)


def test_government_posts_only():
    assert [is_government_post(r) for r in ("Premier ministre", "Ministre délégué", "Secrétaire d’État",
                                            "en mission", "membre", None)] == [True, True, True, False, False, False]


def test_the_last_prime_minister_known_is_not_the_answer_for_2026(db):
    _load(db)
    assert reference_freshness(db) >= "2024-06-09"
    spring_2024 = who_answer(db, "Premier ministre", "2024-03-01")
    # Best match first; a minister « auprès du Premier ministre » is only another match.
    assert [r["actor_name"] for r in spring_2024.holders] == ["Gabriel Attal", "Aurore Bergé"]
    assert spring_2024.unknown is None
    # The organes know the LECORNU II government (from 2025-10-11), the mandates do not:
    # the ATTAL mandate, left open by the data, is not an answer.
    assert [r["actor_name"] for r in who_held(db, "Premier ministre", "2026-02-03")][0] == "Gabriel Attal"
    late = who_answer(db, "Premier ministre", "2026-02-03")
    assert late.holders == [] and late.freshness == "2025-11-13"  # the deputies' mandates stop there
    assert late.unknown == "référentiel à jour au 13/11/2025, aucune fonction connue à cette date"
    answer = who_answer(db, "Premier ministre", "2025-11-01")
    assert answer.holders == [] and answer.government["short_name"] == "LECORNU II"
    assert answer.unknown == ("référentiel à jour au 13/11/2025 : aucun mandat connu dans le gouvernement "
                              "LECORNU II (depuis le 11/10/2025), aucune fonction connue à cette date")


def test_a_deputy_en_mission_is_not_the_minister(db):
    _load(db)
    # PM835274: a deputy « en mission » at the Ministère de la culture (2024-02-22 → 2024-06-09);
    # the minister's own mandate is not in the sample.
    culture = who_answer(db, "ministre de la culture", "2024-03-01")
    assert culture.holders == [] and culture.unknown == "aucune fonction connue à cette date"
    equality = who_answer(db, "ministre délégué égalité", "2024-05-01")
    assert [(r["actor_id"], r["role"]) for r in equality.holders] == [("PA722046", "Ministre délégué")]


def test_a_date_after_the_reference_data_is_not_answered(db):
    _load(db)
    late = who_answer(db, "Premier ministre", "2031-01-01")
    assert late.holders == [] and late.unknown.startswith("référentiel à jour au ")


def test_cli_says_it_does_not_know(tmp_path):
    from conftest import run_veille, write_config
    from pipelines.db import open_db

    config = write_config(tmp_path)
    db = open_db(tmp_path / "veille.db")
    _load(db)
    db.close()
    result = run_veille(config, "who", "Premier ministre", "2026-02-03")
    assert result.returncode == 1
    assert "Aucun titulaire connu pour « Premier ministre » le 03/02/2026 : référentiel à jour au 13/11/2025" in result.stderr
    assert "aucune fonction connue à cette date" in result.stderr and "Attal" not in result.stdout + result.stderr
    known = run_veille(config, "who", "Premier ministre", "2024-03-01")
    assert known.returncode == 0 and known.stdout.startswith("Le 01/03/2024, Premier ministre : Gabriel Attal — Premier ministre")
    assert "(référentiel à jour au " in known.stdout
