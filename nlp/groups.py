"""Parliamentary groups in the gazetteer: the GP organes of the AN (sourced list
`patterns/sources/parliamentary_groups.json`, generated from the real organe files of
`patterns/sources/an_organes/`) and the groups of the Sénat (`patterns/sources/senate_groups.json`),
with the variants texts use for them.

Variants: the name and the abbreviations (the code `libelleAbrev` and the display label
`libelleAbrege`), the name without accents (« Ecologiste et Social »), « & » written « et »,
a dash written either way (« – » / « - »), the name without a trailing parenthesis
(« Socialistes et apparentés (membre de l'intergroupe NUPES) »), the part before « - » when
it has several words (« La France insoumise », never « Écologiste » alone), the
abbreviation's first part (« LFI »), and the usual names and common misspellings listed with
the group (« groupe socialiste », « MoDem », « Liberté, Indépendants… »). The word « groupe »
before a name stays outside the mention, as in the annotation guide; a two-letter
abbreviation is matched only after it (« groupe DR », never « DR » alone, which is also
« Dr »). A group whose name is also a party's (« Les Républicains », « Renaissance ») is
`prefixed`: each of its variants needs « groupe » before it. A group with `only` gets
exactly those surfaces. A surface another shipped file already names keeps that file's id.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable

_SHORT_ALONE = {"RN"}  # two-letter abbreviations safe on their own
_WORDLIKE = {"ECOLO"}  # abbreviations that are also words: only after « groupe »
_LEGISLATURES = ("16", "17")


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _several_words(text: str) -> bool:
    return len(text.split()) >= 2


def variants(name: str, abbrev: str, usual: Iterable[str] = (), display: str | None = None,
             prefixed: bool = False, split: bool = True) -> list[str]:
    """Every surface of one group, in a stable order, without duplicates (folded)."""
    bases = [name]
    bare = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    if bare != name and _several_words(bare):
        bases.append(bare)
    for base in list(bases):
        if split:
            head = re.split(r" [-–] ", base)[0]
            if head != base and _several_words(head):
                bases.append(head)
    names: list[str] = []
    for base in bases:
        for form in (base, base.replace(" & ", " et "), base.replace(" – ", " - "), base.replace(" - ", " – ")):
            names += [form, _plain(form)]
    shorts = [abbrev] + ([display] if display else []) + ([abbrev.split("-")[0]] if "-" in abbrev else [])
    found = [*names, *usual]
    for short in shorts:
        alone = (len(short) > 2 or short in _SHORT_ALONE) and short.upper() not in _WORDLIKE
        found.append(short if alone else f"groupe {short}")
    if prefixed:
        found = [v if v.lower().startswith("groupe ") else f"groupe {v}" for v in found]
    seen: dict[str, str] = {}
    for value in found:
        seen.setdefault(value.lower(), value)  # the ruler matches on LOWER: accents count
    return list(seen.values())


def group_surfaces(group: dict[str, Any]) -> list[str]:
    """The surfaces of one entry of a sourced group list (`only`, or the `variants`)."""
    if group.get("only"):
        return list(dict.fromkeys(group["only"]))
    return variants(group["libelle"], group["libelleAbrev"], group.get("usual", []), group.get("libelleAbrege"),
                    bool(group.get("prefixed")), group.get("split", True))


def group_patterns(groups: Iterable[dict[str, Any]], taken: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Entity-ruler patterns (label ORG, id = the organe uid) for the groups; a surface in
    `taken` (the surfaces of the other shipped files, compared lower-cased) or shared by two groups is left
    out. The most recent group wins a surface shared across legislatures."""
    blocked = {t.lower() for t in taken}
    owners: dict[str, dict[str, Any]] = {}
    for group in sorted(groups, key=lambda g: (g.get("debut") or "", g["uid"])):
        for value in group_surfaces(group):
            key = value.lower()
            if key not in blocked:
                owners[key] = {"label": "ORG", "pattern": value, "id": group["uid"]}
    # the order of `nlp.gazetteer.sort_patterns`, as every committed pattern file
    return sorted(owners.values(), key=lambda p: (p["id"], json.dumps(p["pattern"], ensure_ascii=False), p["label"]))


def groups_from_organes(organes: Iterable[dict[str, Any]], previous: Iterable[dict[str, Any]] = (),
                        legislatures: Iterable[str] = _LEGISLATURES) -> list[dict[str, Any]]:
    """The sourced group list from organe rows (the shape `spiders.an_parse.parse_reference`
    gives: `id`, `kind`, `name`, `short_name` = `libelleAbrege`, `start`, `end`,
    `legislature`, `extra.abbrev` = `libelleAbrev`): one entry per GP organe of
    `legislatures` but « Non inscrit » (the deputies without a group, not a group).

    The hand-kept fields of a `previous` entry of the same uid (`usual`, `prefixed`,
    `split`, `only`) are kept; a previous entry with no organe at hand is kept as it was
    (its own source says where it comes from). Sorted by legislature, start date, uid."""
    wanted = set(legislatures)
    kept = {g["uid"]: g for g in previous}
    entries: dict[str, dict[str, Any]] = {}
    for row in organes:
        extra = row.get("extra") or {}
        if row.get("kind") != "GP" or row.get("legislature") not in wanted or extra.get("abbrev") == "NI":
            continue
        old = kept.get(row["id"], {})
        entry = {"uid": row["id"], "legislature": row["legislature"], "libelle": row["name"],
                 "libelleAbrev": extra.get("abbrev"), "libelleAbrege": row.get("short_name"),
                 "debut": row.get("start"), "fin": row.get("end"), "usual": old.get("usual", [])}
        entries[row["id"]] = entry | {k: old[k] for k in ("prefixed", "split", "only") if k in old}
    for uid, old in kept.items():
        entries.setdefault(uid, old)
    return sorted(entries.values(), key=lambda g: (g["legislature"], g.get("debut") or "", g["uid"]))
