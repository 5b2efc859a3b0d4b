"""Gazetteer: turn actor and organe reference rows into entity-ruler patterns.

Pure functions over plain values: the rows of the `actors`, `organes` and `mandates`
tables, as `spiders.an_parse.parse_reference` produces them (civility, first name and
surname of a person in its `extra`), and the `[topic] structures` of the config. Nothing
here reads AN files or the config: the entrance (`pipelines/cli_nlp.py`) does. Every
pattern carries the canonical id of its actor, so a match is already a resolved actor.
Names shared by two different ids are dropped: a homonym is never guessed. Pattern text
goes through `nlp.extract.sanitize`, as document text does before the ruler sees it.

An organe's `short_name` is the AN's `libelleAbrege` (the display label: "EcoS",
"LECORNU II"), not the code `libelleAbrev` ("ECOS", "GVT"); see `spiders/an_parse.py`.
"""

from __future__ import annotations

import json
import logging
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Iterable

from nlp.extract import sanitize
from nlp.roles import Reference, row_extra
from nlp.text import clean_text, fold

log = logging.getLogger(__name__)

PATTERN_DIR: Traversable = files("nlp") / "patterns"
ORGANE_KINDS = {"GP": "ORG", "COMPER": "ORG", "MINISTERE": "ORG", "COMNL": "ORG"}
_CIVILITY = {"M.": "m.", "Mme": "mme", "H": "m.", "F": "mme"}


def person_name(record: dict[str, Any]) -> str:
    """The display name of a person record (`name`, or `prenom` + `nom`, also read from
    the record's `extra`)."""
    if record.get("name"):
        return " ".join(str(record["name"]).split())
    extra = row_extra(record)
    first = record.get("prenom") or extra.get("prenom") or ""
    last = record.get("nom") or extra.get("nom") or ""
    return " ".join(f"{first} {last}".split())


def pattern_text(value: Any) -> str:
    """Text of a phrase pattern: cleaned like document text, typographic apostrophes and
    no-break spaces made plain (what `nlp.extract.sanitize` does to the text it tags)."""
    return sanitize(clean_text(str(value or "")))


def actor_patterns(actors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Patterns for people: the full name, and civility + surname when the civility is known.

    Each record needs `id` and a name (`name`, or `prenom`/`nom`); `civ` ("M."/"Mme") or
    `sex` ("H"/"F") is optional. Each of `prenom`, `nom`, `civ` and `sex` may also sit in
    the record's `extra` (an `actors` row). Returns sorted, de-duplicated patterns (label PER)."""
    patterns = []
    for record in actors:
        if record.get("kind", "person") not in ("person", None):
            continue
        name = person_name(record)
        if not record.get("id") or len(name.split()) < 2:
            continue
        name = pattern_text(name)
        extra = row_extra(record)
        patterns.append({"label": "PER", "pattern": name, "id": record["id"]})
        civ = _CIVILITY.get(record.get("civ") or record.get("sex") or extra.get("civ") or extra.get("sex") or "")
        surname = pattern_text(record.get("nom") or extra.get("nom")) or name.split(" ", 1)[1]
        if civ and surname:
            patterns.append({"label": "PER", "pattern": f"{civ} {surname}", "id": record["id"]})
    return _unambiguous(patterns)


def organe_patterns(organes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Patterns for parliamentary groups, committees and ministries (`id`, `kind`, `name`,
    optional `short_name`). Other organe kinds are left to hand-written patterns. A group
    that has ended (`end` set) gets none: a former group shares its name with the group that
    sits now (« Rassemblement National » of the 16th and of the 17th legislature), and the
    sourced group list (`nlp.groups`) gives a shared name to the most recent one."""
    patterns = []
    for record in organes:
        label = ORGANE_KINDS.get(record.get("kind") or "")
        if not label or not record.get("id") or (record.get("kind") == "GP" and record.get("end")):
            continue
        names = [record.get("name")] + ([record.get("short_name")] if record.get("kind") == "GP" else [])
        for value in names:
            value = pattern_text(value)
            if len(value) >= 3 or (len(value) == 2 and value.isupper()):
                patterns.append({"label": label, "pattern": value, "id": record["id"]})
    return _unambiguous(patterns)


def structure_patterns(structures: Iterable[Any]) -> list[dict[str, Any]]:
    """Patterns for the structures of the experiment (`[topic] structures` of the config, or
    the reference list `patterns/sources/secpa_structures.json`: objects or dicts with
    `name`, `ville` and optional `aliases`): the name and each alias as an organisation, with
    the id "structure:<slug of the name>". Sorted; a name listed twice gives one pattern."""
    patterns = {}
    for record in structures:
        get = record.get if isinstance(record, dict) else lambda key, default=None: getattr(record, key, default)
        name = pattern_text(get("name"))
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
        if slug:
            for text in [name, *(pattern_text(a) for a in get("aliases") or [])]:
                patterns[fold(text)] = {"label": "ORG", "pattern": text, "id": f"structure:{slug}"}
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


def read_jsonl(path: str | Path | Traversable) -> list[dict[str, Any]]:
    """Read a JSONL pattern file (blank lines ignored): a path or a package resource."""
    source = path if isinstance(path, Traversable) else Path(path)
    return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]


def pattern_files(directory: str | Path | Traversable = PATTERN_DIR) -> list[Traversable]:
    """Every pattern file of `directory` (default: those shipped in the `nlp` package, read
    with `importlib.resources`), in name order."""
    folder = directory if isinstance(directory, Traversable) else Path(directory)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".jsonl") and f.is_file()), key=lambda f: f.name)


# ------------------------------------------------------------ footnote marks
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,9}")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FOOTNOTE_NUMBERS = range(1, 100)
FOOTNOTE_FILE = "footnotes.jsonl"


def _acronym(pattern: Any) -> str | None:
    """The acronym a pattern names, when it is one word in capitals: a phrase pattern
    ("IGAS") or a one-token pattern on its exact text ([{"TEXT": "HAS"}])."""
    if isinstance(pattern, str):
        return pattern if _ACRONYM.fullmatch(pattern) else None
    if isinstance(pattern, list) and len(pattern) == 1 and set(pattern[0]) <= {"TEXT", "ORTH"}:
        value = next(iter(pattern[0].values()))
        return value if isinstance(value, str) and _ACRONYM.fullmatch(value) else None
    return None


def footnote_forms(acronym: str, numbers: Iterable[int] = FOOTNOTE_NUMBERS) -> list[str]:
    """The tokens spaCy's French tokenizer makes of `acronym` with a footnote mark stuck to
    it, lower-cased: « IGAS[1] » is « igas[1 » + « ] », « DGOS(3) » is « dgos(3 » + « ) »,
    at a sentence end « CNAM[3]. » stays one token, « IGAS¹ » and « HAS²³. » are one token."""
    low = acronym.lower()
    forms = []
    for n in numbers:
        sup = str(n).translate(_SUPERSCRIPTS)
        forms += [f"{low}[{n}", f"{low}({n}", f"{low}[{n}].", f"{low}({n}).", f"{low}{sup}", f"{low}{sup}."]
    return forms


def footnote_patterns(patterns: Iterable[dict[str, Any]], numbers: Iterable[int] = FOOTNOTE_NUMBERS) -> list[dict[str, Any]]:
    """Token patterns for the acronyms of `patterns` (the shipped files) followed by a
    footnote mark (« l'IGAS[1] », « la DGOS(3) », « la HAS² »): same label and id as the
    acronym's pattern; the closing bracket, when it is a token of its own, is in the
    mention. An acronym shared by two ids gets none. Sorted (`sort_patterns`)."""
    owners: dict[str, set[tuple[str, str]]] = {}
    for p in patterns:
        acronym = _acronym(p.get("pattern")) if p.get("label") != "PER" else None  # « SOUYRIS »: a surname
        if acronym:
            owners.setdefault(acronym, set()).add((p["id"], p["label"]))
    numbers = list(numbers)
    found = []
    for acronym, ids in sorted(owners.items()):
        if len(ids) != 1:
            continue
        [(actor_id, label)] = ids
        found.append({"id": actor_id, "label": label,
                      "pattern": [{"LOWER": {"IN": footnote_forms(acronym, numbers)}},
                                  {"ORTH": {"IN": ["]", ")"]}, "OP": "?"}]})
    return sort_patterns(found)


# ------------------------------------------------------------ generated file and reference
def generate(actors: Iterable[dict[str, Any]], organes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The committed generated pattern list (`an_generated.jsonl`) from actor and organe
    rows (the shape of the `actors` and `organes` tables, as `spiders.an_parse` reads them;
    the entrance `python -m pipelines.cli_nlp gazetteer` reads the files)."""
    return sort_patterns(actor_patterns(actors) + organe_patterns(organes))


def reference_patterns(reference: Reference) -> list[dict[str, Any]]:
    """Person patterns for everyone holding a mandate in `reference`: the extra patterns
    `veille tag` and `veille evaluate` add to the shipped ones."""
    people = {a.get("id"): a for a in reference.actors}
    records = []
    for m in reference.mandates:
        if not (m.get("actor_id") and m.get("actor_name")):
            continue
        nom = row_extra(people.get(m["actor_id"], {})).get("nom")
        records.append({"id": m["actor_id"], "name": m["actor_name"], "civ": m.get("civ"), "nom": nom})
    return actor_patterns(records)


# ------------------------------------------------------------ senators
SENATORS_FILE = "senators.jsonl"
_NAME_PARTICLES = {"de", "d'", "du", "des"}


def senator_id(first: str, last: str) -> str:
    """The id of a senator: person:<slug of the full name>, the id the annotation guide gives
    to a person outside the AN reference (« Anne Souyris » -> person:anne-souyris)."""
    return "person:" + re.sub(r"[^a-z0-9]+", "-", fold(f"{first} {last}")).strip("-")


def capitals_form(surname: str) -> str:
    """The surname as parliamentary documents print it after a civility: in capitals but
    its leading particles (« de Marco » -> « de MARCO », « Poncet Monge » -> « PONCET MONGE »)."""
    words = surname.split()
    lead = []
    while len(words) > 1 and fold(words[0]) in _NAME_PARTICLES:
        lead.append(words.pop(0))
    return " ".join(lead + [w.upper() for w in words])


def senator_patterns(senators: Iterable[dict[str, Any]], tokenize: Callable[[str], list[str]], taken: dict[str, set[str]] | None = None
                     ) -> list[dict[str, Any]]:
    """Patterns for senators (`civ`, `prenom`, `nom`; `patterns/sources/senators.json`): the
    full name in both orders (« Anne Souyris », « SOUYRIS Anne », also after the civility),
    civility + surname (« Mme Souyris ») and the surname in capitals alone (« Mmes SOUYRIS et PONCET MONGE »,
    a token pattern on the exact text; `nlp.extract` keeps it only after a civility of the
    same line). `tokenize(text)` gives the token texts the pipeline's tokenizer makes of
    `text`. A form already in `taken` (folded pattern text -> ids of the other shipped
    files) or shared by two senators gets no pattern: a homonym is never guessed, and the
    surname alone also yields to a deputy's « M. X »; a senator whose full name another file
    gives (a deputy since) takes that file's id."""
    taken = taken or {}
    surnames = {p.split(" ", 1)[1] for p in taken if p.startswith(("m. ", "mme "))}
    found: list[dict[str, Any]] = []
    for record in senators:
        first, last = pattern_text(record.get("prenom")), pattern_text(record.get("nom"))
        if not first or not last:
            continue
        # A senator who is also in another file (a deputy since) keeps that file's id.
        elsewhere = taken.get(fold(f"{first} {last}"), set())
        actor_id = next(iter(elsewhere)) if len(elsewhere) == 1 else senator_id(first, last)
        civ = _CIVILITY.get(record.get("civ") or "")
        texts = [f"{first} {last}", f"{capitals_form(last)} {first}"]
        texts += [f"{civ} {last}", f"{civ} {capitals_form(last)} {first}"] if civ else []
        found += [{"label": "PER", "pattern": t, "id": actor_id} for t in texts
                  if fold(t) not in taken]
        capitals = capitals_form(last)
        if len(fold(last)) >= 4 and fold(last) not in surnames:
            found.append({"label": "PER", "id": actor_id,
                          "pattern": [{"TEXT": token} for token in tokenize(capitals)]})
    owners: dict[str, set[str]] = {}
    for p in found:
        owners.setdefault(fold(json.dumps(p["pattern"], ensure_ascii=False)), set()).add(p["id"])
    return sort_patterns(p for p in found if len(owners[fold(json.dumps(p["pattern"], ensure_ascii=False))]) == 1)


def french_tokens(text: str) -> list[str]:
    """The token texts of `text` after a civility, as spaCy's French tokenizer makes them
    (« APOURCEAU-POLY » is three tokens there, « SAINT-PÉ » one)."""
    import spacy

    return [t.text for t in spacy.blank("fr")(f"Mme {text}")][1:]


def generate_senators(source: dict[str, Any], shipped: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The committed `senators.jsonl` from `patterns/sources/senators.json` and the patterns
    of the other shipped files (whose forms the senators' patterns never take)."""
    taken: dict[str, set[str]] = {}
    for p in shipped:
        if isinstance(p.get("pattern"), str):
            taken.setdefault(fold(p["pattern"]), set()).add(p["id"])
    return senator_patterns(source["senators"], french_tokens, taken)
