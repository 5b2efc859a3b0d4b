"""Gazetteer: turn actor and organe reference records into entity-ruler patterns.

Pure functions over plain dicts (the rows of `actors`/`organes`, or records parsed from AN
open data). Every pattern carries the canonical id of its actor, so a match is already a
resolved actor. Names shared by two different ids are dropped: a homonym is never guessed.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Iterable

from nlp.text import clean_text, fold

log = logging.getLogger(__name__)

PATTERN_DIR = Path(__file__).resolve().parent / "patterns"
ORGANE_KINDS = {"GP": "ORG", "COMPER": "ORG", "MINISTERE": "ORG", "COMNL": "ORG"}
_CIVILITY = {"M.": "m.", "Mme": "mme", "H": "m.", "F": "mme"}


def person_name(record: dict[str, Any]) -> str:
    """The display name of a person record (`name`, or `prenom` + `nom`)."""
    if record.get("name"):
        return " ".join(str(record["name"]).split())
    return " ".join(f"{record.get('prenom', '')} {record.get('nom', '')}".split())


def actor_patterns(actors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Patterns for people: the full name, and civility + surname when the civility is known.

    Each record needs `id` and a name (`name`, or `prenom`/`nom`); `civ` ("M."/"Mme") or
    `sex` ("H"/"F") is optional. Returns sorted, de-duplicated patterns (label PER)."""
    patterns = []
    for record in actors:
        if record.get("kind", "person") != "person":
            continue
        name = person_name(record)
        if not record.get("id") or len(name.split()) < 2:
            continue
        name = clean_text(name)
        patterns.append({"label": "PER", "pattern": name, "id": record["id"]})
        civ = _CIVILITY.get(record.get("civ") or record.get("sex") or "")
        surname = record.get("nom") or name.split(" ", 1)[1]
        if civ and surname:
            patterns.append({"label": "PER", "pattern": f"{civ} {surname}", "id": record["id"]})
    return _unambiguous(patterns)


def organe_patterns(organes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Patterns for parliamentary groups, committees and ministries (`id`, `kind`, `name`,
    optional `short_name`). Other organe kinds are left to hand-written patterns."""
    patterns = []
    for record in organes:
        label = ORGANE_KINDS.get(record.get("kind") or "")
        if not label or not record.get("id"):
            continue
        names = [record.get("name")] + ([record.get("short_name")] if record.get("kind") == "GP" else [])
        for value in names:
            value = clean_text(str(value or ""))
            if len(value) >= 3 or (len(value) == 2 and value.isupper()):
                patterns.append({"label": label, "pattern": value, "id": record["id"]})
    return _unambiguous(patterns)


def structure_patterns(structures: Iterable[Any]) -> list[dict[str, Any]]:
    """Patterns for the structures of the experiment (`[topic] structures` of the config:
    objects or dicts with `name` and `ville`): the name as an organisation, with the id
    "structure:<slug of the name>". Sorted; a name listed twice gives one pattern."""
    patterns = {}
    for record in structures:
        name = record.get("name") if isinstance(record, dict) else getattr(record, "name", None)
        name = clean_text(str(name or ""))
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
        if slug:
            patterns[slug] = {"label": "ORG", "pattern": name, "id": f"structure:{slug}"}
    return sort_patterns(patterns.values())


def _unambiguous(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    owners: dict[str, set[str]] = {}
    for p in patterns:
        owners.setdefault(fold(p["pattern"]), set()).add(p["id"])
    kept = {}
    for p in patterns:
        key = fold(p["pattern"])
        if len(owners[key]) > 1:
            log.info("nom ambigu ignoré : %s (%s)", p["pattern"], ", ".join(sorted(owners[key])))
            continue
        kept[(key, p["id"])] = p
    return sort_patterns(kept.values())


def sort_patterns(patterns: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stable order for committed files: by id, then pattern text."""
    return sorted(patterns, key=lambda p: (p["id"], json.dumps(p["pattern"], ensure_ascii=False), p["label"]))


def dumps_jsonl(patterns: Iterable[dict[str, Any]]) -> str:
    """Serialise patterns as JSONL, one pattern a line, keys sorted."""
    return "".join(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in patterns)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL pattern file (blank lines ignored)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def pattern_files(directory: str | Path = PATTERN_DIR) -> list[Path]:
    """Every pattern file shipped with veille, in name order."""
    return sorted(Path(directory).glob("*.jsonl"))


# ------------------------------------------------------------ AN / NosDéputés records
def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        if value.get("@xsi:nil") == "true":
            return None
        return value.get("#text")
    return value


def an_acteur_record(data: dict[str, Any]) -> dict[str, Any]:
    """An AN `acteur` JSON object (as published) to an actor record."""
    acteur = data.get("acteur", data)
    ident = acteur["etatCivil"]["ident"]
    return {"id": _text(acteur["uid"]), "kind": "person", "prenom": ident["prenom"],
            "nom": ident["nom"], "civ": ident.get("civ")}


def an_organe_record(data: dict[str, Any]) -> dict[str, Any]:
    """An AN `organe` JSON object to an organe record (id, kind, name, short_name, dates)."""
    organe = data.get("organe", data)
    vimode = organe.get("viMoDe") or {}
    return {"id": _text(organe["uid"]), "kind": organe.get("codeType"),
            "name": _text(organe.get("libelle")), "short_name": _text(organe.get("libelleAbrev")),
            "start": _text(vimode.get("dateDebut")), "end": _text(vimode.get("dateFin"))}


def an_mandat_record(data: dict[str, Any]) -> dict[str, Any]:
    """An AN `mandat` JSON object (split or embedded format) to a mandate row."""
    mandat = data.get("mandat", data)
    qualite = mandat.get("infosQualite") or {}
    organes = mandat.get("organes") or {}
    ref = organes.get("organeRef")
    ref = ref[0] if isinstance(ref, list) else ref
    return {"id": _text(mandat["uid"]), "actor_id": _text(mandat.get("acteurRef")), "organe_id": ref,
            "organe_kind": mandat.get("typeOrgane"), "role": _text(qualite.get("codeQualite")),
            "start": _text(mandat.get("dateDebut")), "end": _text(mandat.get("dateFin"))}


def nosdeputes_records(data: dict[str, Any]) -> list[dict[str, Any]]:
    """NosDéputés `deputes/json` export to actor records with AN ids (`PA` + id_an)."""
    records = []
    for item in data.get("deputes", []):
        d = item.get("depute", item)
        if d.get("id_an"):
            records.append({"id": f"PA{d['id_an']}", "kind": "person", "prenom": d.get("prenom"),
                            "nom": d.get("nom_de_famille"), "name": d.get("nom"), "sex": d.get("sexe")})
    return records


def generate(acteur_files: Iterable[Path], organe_files: Iterable[Path],
             nosdeputes_files: Iterable[Path] = ()) -> list[dict[str, Any]]:
    """Build the committed generated pattern list from AN and NosDéputés files."""
    actors: dict[str, dict[str, Any]] = {}
    for path in nosdeputes_files:
        for record in nosdeputes_records(json.loads(Path(path).read_text(encoding="utf-8"))):
            actors[record["id"]] = record
    for path in acteur_files:
        record = an_acteur_record(json.loads(Path(path).read_text(encoding="utf-8")))
        actors[record["id"]] = record
    organes = [an_organe_record(json.loads(Path(p).read_text(encoding="utf-8"))) for p in organe_files]
    return sort_patterns(actor_patterns(actors.values()) + organe_patterns(organes))


def main(argv: list[str] | None = None) -> None:
    """`python -m nlp.gazetteer AN_DIR NOSDEPUTES_JSON OUT`: regenerate the committed file;
    `python -m nlp.gazetteer structures CONFIG OUT`: the patterns of `[topic] structures`."""
    import sys

    args = argv or sys.argv[1:]
    if args[:1] == ["structures"]:
        from pipelines.config import load_config

        patterns = structure_patterns(load_config(args[1]).topic.structures)
        Path(args[2]).write_text(dumps_jsonl(patterns), encoding="utf-8")
        print(f"{len(patterns)} motifs de structures écrits dans {args[2]}")
        return
    an_dir, nosdeputes, out = args[:3]
    patterns = generate(sorted(Path(an_dir, "acteur").glob("*.json")),
                        sorted(Path(an_dir, "organe").glob("*.json")), [Path(nosdeputes)])
    Path(out).write_text(dumps_jsonl(patterns), encoding="utf-8")
    print(f"{len(patterns)} motifs écrits dans {out}")


if __name__ == "__main__":
    main()
