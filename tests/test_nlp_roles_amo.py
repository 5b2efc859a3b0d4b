"""Role resolution on real AN mandate rows: only real government posts count.

The rows are the real AMO records of `tests/fixtures/an_reference/real_stale/` (see its
SOURCES.md): two deputies « en mission » auprès of ministries, a Ministre déléguée and the
Premier ministre, turned into the plain rows nlp receives (as the store's mandate_holders
view gives them), and the constructed « membre » row of `constructed/`."""

from __future__ import annotations

import json
from pathlib import Path

from nlp.roles import Reference, Resolution, is_government_post, resolve

FOLDER = Path(__file__).parent / "fixtures" / "an_reference"


def _rows() -> tuple[list[dict], list[dict]]:
    organes = {}
    for path in sorted((FOLDER / "real_stale" / "organe").glob("*.json")):
        o = json.loads(path.read_text(encoding="utf-8"))["organe"]
        organes[o["uid"]] = {"id": o["uid"], "kind": o["codeType"], "name": o["libelle"]}
    mandates = []
    for path in sorted((FOLDER / "real_stale" / "mandat").glob("*.json")):
        m = json.loads(path.read_text(encoding="utf-8"))["mandat"]
        organe = organes[m["organes"]["organeRef"]]
        mandates.append({"id": m["uid"], "actor_id": m["acteurRef"], "organe_id": organe["id"],
                         "organe_kind": m["typeOrgane"], "organe_name": organe["name"],
                         "role": m["infosQualite"]["libQualite"], "start": m["dateDebut"], "end": m.get("dateFin")})
    return mandates, list(organes.values())


def test_real_rows_hold_missions_and_posts():
    mandates, _ = _rows()
    roles = sorted(m["role"] for m in mandates)
    assert roles == ["Ministre délégué", "Premier ministre", "en mission", "en mission"]
    assert [is_government_post(r) for r in roles] == [True, True, False, False]
    assert not is_government_post("membre") and is_government_post("Secrétaire d'État")
    assert is_government_post("Ministre d’État")


def test_posts_ignore_deputies_en_mission():
    mandates, _ = _rows()
    ref = Reference(mandates)
    on = "2024-05-01"
    assert {m["actor_id"] for m in ref.active(on)} == {"PA608826", "PA720038", "PA722046", "PA722190"}
    assert {m["actor_id"] for m in ref.posts(on)} == {"PA722046", "PA722190"}
    # Without organe rows, the ministries in force come from real posts only: the Ministry
    # of Culture appears in the data through a deputy en mission only.
    assert set(ref.organes_on(on, "MINISTERE")) == {"PO833674", "PO833688"}


def test_premier_ministre_and_bare_ministre_resolve_on_posts_only():
    mandates, organes = _rows()
    ref = Reference(mandates)
    found = resolve("role:premier_ministre", "le Premier ministre", "2024-05-01", ref)
    assert (found.actor_id, found.kind) == ("PA722190", "person")
    # « le ministre » right after a deputy en mission is not that deputy: no post, no guess.
    deputy = Resolution("PA720038", "M. X", "person", "gazetteer")
    bare = resolve("role:ministre", "le ministre", "2024-05-01", ref, antecedents=[deputy])
    assert bare.kind == "role" and bare.actor_id == "role:ministre"
    holder = Resolution("PA722046", "Aurore Bergé", "person", "gazetteer")
    assert resolve("role:ministre", "la ministre", "2024-05-01", ref, antecedents=[deputy, holder]).actor_id == "PA722046"
    # An organe antecedent known only through a mission is not a ministry in force.
    culture = Resolution("PO833680", "Ministère de la culture", "organisation", "gazetteer")
    assert resolve("role:ministere", "le ministère", "2024-05-01", ref, antecedents=[culture]).kind == "role"
    with_organes = Reference(mandates, organes)
    assert resolve("role:ministere", "le ministère", "2024-05-01", with_organes,
                   antecedents=[culture]).actor_id == "PO833680"


def test_membre_row_of_a_government_is_not_a_post():
    rows = []
    for path in sorted((FOLDER / "constructed").glob("*.json")):
        a = json.loads(path.read_text(encoding="utf-8"))["acteur"]
        ms = a["mandats"]["mandat"]
        for m in ms if isinstance(ms, list) else [ms]:
            rows.append({"actor_id": a["uid"]["#text"] if isinstance(a["uid"], dict) else a["uid"],
                         "organe_id": m["organes"]["organeRef"], "organe_kind": m["typeOrgane"],
                         "organe_name": "Ministère de la santé" if m["typeOrgane"] == "MINISTERE" else "Gouvernement",
                         "role": m["infosQualite"]["codeQualite"], "start": m["dateDebut"], "end": m.get("dateFin")})
    ref = Reference(rows)
    roles = sorted(r["role"] for r in rows)
    assert roles == ["Ministre", "Premier ministre", "membre"]
    assert {m["role"] for m in ref.posts("2026-02-10")} == {"Ministre", "Premier ministre"}
    assert resolve("role:premier_ministre", "le Premier ministre", "2026-02-10", ref).actor_id == "PA990001"
    assert resolve("role:ministre_sante", "la ministre de la Santé", "2026-02-10", ref).actor_id == "PA990002"
