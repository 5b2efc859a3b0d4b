"""Parliamentary groups in the gazetteer: the GP organes of the AN (sourced list
`patterns/sources/parliamentary_groups.json`) with the variants texts use for them.

Variants: the name and the abbreviation, the name without accents (« Ecologiste et
Social »), « & » written « et », the part before « - » (« La France insoumise »), the
abbreviation's first part (« LFI »), and the usual names listed with the group (« groupe
socialiste », « MoDem »). The word « groupe » before a name stays outside the mention, as in
the annotation guide; a two-letter abbreviation is matched only after it (« groupe DR »,
never « DR » alone, which is also « Dr »). A surface another shipped file already names
keeps that file's id.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Iterable

_SHORT_ALONE = {"RN"}  # two-letter abbreviations safe on their own


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def variants(name: str, abbrev: str, usual: Iterable[str] = ()) -> list[str]:
    """Every surface of one group, in a stable order, without duplicates (folded)."""
    names = [name, name.replace(" & ", " et "), _plain(name)]
    if " - " in name:
        names.append(name.split(" - ")[0])
    shorts = [abbrev] + ([abbrev.split("-")[0]] if "-" in abbrev else [])
    found: list[str] = []
    found = [*names, *usual]
    for short in shorts:
        found.append(short if len(short) > 2 or short in _SHORT_ALONE else f"groupe {short}")
    seen: dict[str, str] = {}
    for value in found:
        seen.setdefault(value.lower(), value)  # the ruler matches on LOWER: accents count
    return list(seen.values())


def group_patterns(groups: Iterable[dict[str, Any]], taken: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Entity-ruler patterns (label ORG, id = the organe uid) for the groups; a surface in
    `taken` (the surfaces of the other shipped files, compared lower-cased) or shared by two groups is left
    out. The most recent group wins a surface shared across legislatures."""
    blocked = {t.lower() for t in taken}
    owners: dict[str, dict[str, Any]] = {}
    for group in sorted(groups, key=lambda g: (g.get("debut") or "", g["uid"])):
        for value in variants(group["libelle"], group["libelleAbrev"], group.get("usual", [])):
            key = value.lower()
            if key not in blocked:
                owners[key] = {"label": "ORG", "pattern": value, "id": group["uid"]}
    return sorted(owners.values(), key=lambda p: (p["id"], p["pattern"]))
