"""Roles resolved to the person or body holding the post at the document's date.

The reference is plain data: mandate rows (the `mandates` table joined with actor and
organe names) and, optionally, organe rows. Nothing here knows a name: "la ministre de la
Santé" is whoever holds a `Ministre` mandate in a ministry whose name contains "santé" on
that date. When zero or several candidates remain, the mention stays a role (no guess).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from nlp.text import fold

# Unresolved roles keep these readable names (ids "role:...").
ROLE_NAMES = {
    "role:premier_ministre": "Premier ministre",
    "role:matignon": "Premier ministre (Matignon)",
    "role:ministre_sante": "ministre chargé de la santé",
    "role:ministere_sante": "ministère chargé de la santé",
    "role:segur": "ministère chargé de la santé (avenue de Ségur)",
    "role:gouvernement": "Gouvernement",
    "role:ministre": "ministre (non précisé)",
    "role:ministre_autre": "ministre (autre portefeuille)",
    "role:ministere": "ministère (non précisé)",
    "role:ministere_autre": "ministère (autre portefeuille)",
    "role:president_republique": "président de la République",
    "role:parlementaire_nomme": "parlementaire",
}
_MINISTER_RANK = (("ministre d'etat", 0), ("ministre delegue", 2), ("ministre", 1),
                  ("secretaire d'etat", 3), ("haut-commissaire", 4), ("haut commissaire", 4))
# Government posts (the rule of `pipelines.parliament.is_government_post`, applied here to
# the rows nlp receives): AMO ministry mandates also hold deputies « en mission » auprès
# d'un ministre, and GOUVERNEMENT organes "membre" rows; neither holds a post.
GOVERNMENT_POSTS = ("premier ministre", "premiere ministre", "ministre", "secretaire d'etat")
GOVERNMENT_KINDS = ("GOUVERNEMENT", "MINISTERE")
_FEMININE = ("la ", "mme", "madame")
_MASCULINE = ("le ", "m.", "monsieur")


@dataclass(frozen=True)
class Resolution:
    """What a mention refers to: a canonical id, a display name, a kind and the rule used."""

    actor_id: str
    name: str
    kind: str  # person | organisation | role
    rule: str


@dataclass
class Reference:
    """Reference data for resolution: mandates (dicts with actor_id, actor_name, civ or sex,
    organe_id, organe_kind, organe_name, role, start, end), optional organes and actors."""

    mandates: list[dict[str, Any]] = field(default_factory=list)
    organes: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._names: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}
        self._sex: dict[str, str] = {}
        for row in [*self.actors, *self.mandates]:
            actor_id = row.get("actor_id") or row.get("id")
            name = row.get("actor_name") or row.get("name")
            if not actor_id or not name or (row.get("kind") not in (None, "person")):
                continue
            self._names.setdefault(fold(" ".join(name.split())), set()).add(actor_id)
            self._display.setdefault(actor_id, name)
            sex = _sex_of(row.get("civ") or row.get("sex"))
            if sex:
                self._sex[actor_id] = sex

    @classmethod
    def join(cls, mandates: Iterable[dict[str, Any]], organes: Iterable[dict[str, Any]] = (),
             actors: Iterable[dict[str, Any]] = ()) -> "Reference":
        """Build from table-like rows: mandates get `actor_name`, `civ` and `organe_name`
        from the actor and organe rows (actors may carry civ/sex directly or in `extra`)."""
        organes, actors = list(organes), list(actors)
        people = {}
        for a in actors:
            extra = row_extra(a)
            civ = a.get("civ") or a.get("sex") or extra.get("civ") or extra.get("sex")
            people[a["id"]] = {**a, "civ": civ}
        names = {o["id"]: o.get("name") for o in organes}
        rows = []
        for m in mandates:
            person = people.get(m.get("actor_id"), {})
            rows.append({**m, "actor_name": m.get("actor_name") or person.get("name"),
                         "civ": m.get("civ") or person.get("civ"),
                         "organe_name": m.get("organe_name") or names.get(m.get("organe_id"))})
        return cls(rows, organes, list(people.values()))

    def person_by_name(self, name: str) -> str | None:
        """The id of the one person with this name, or None (unknown or homonyms)."""
        ids = self._names.get(fold(" ".join(name.split())), set())
        return next(iter(ids)) if len(ids) == 1 else None

    def display(self, actor_id: str) -> str:
        """Display name of a person id (or the id itself)."""
        return self._display.get(actor_id, actor_id)

    def sex(self, actor_id: str) -> str | None:
        """"F" or "M" when known."""
        return self._sex.get(actor_id)

    def active(self, date: str | None) -> list[dict[str, Any]]:
        """Mandates running on `date` (ISO); none without a date."""
        if not date:
            return []
        day = date[:10]
        return [m for m in self.mandates if (m.get("start") or "0000")[:10] <= day
                and (not m.get("end") or m["end"][:10] >= day)]

    def posts(self, date: str | None) -> list[dict[str, Any]]:
        """Government posts held on `date`: mandates of a government or ministry organe
        whose role is a real post (never « en mission », never a plain « membre »)."""
        return [m for m in self.active(date) if m.get("organe_kind") in GOVERNMENT_KINDS
                and is_government_post(m.get("role"))]

    def organes_on(self, date: str | None, kind: str) -> dict[str, str]:
        """Organes of `kind` in force on `date`: id -> name (from organes, else mandates)."""
        if not date:
            return {}
        day = date[:10]
        found = {o["id"]: o.get("name") or o["id"] for o in self.organes if o.get("kind") == kind
                 and (o.get("start") or "0000")[:10] <= day and (not o.get("end") or o["end"][:10] >= day)}
        if not found:
            found = {m["organe_id"]: m.get("organe_name") or m["organe_id"]
                     for m in self.posts(date) if m.get("organe_kind") == kind}
        return found


def is_government_post(role: str | None) -> bool:
    """True for Premier ministre, ministre (d'État, délégué…), secrétaire d'État; False for
    « en mission », « membre » and any other label."""
    folded = fold((role or "").replace("’", "'")).strip()
    return any(folded == post or folded.startswith(post + " ") for post in GOVERNMENT_POSTS)


def row_extra(row: dict[str, Any]) -> dict[str, Any]:
    """The `extra` column of a reference row as a dict (stored as JSON text in the
    database, a dict straight from the parser, or absent)."""
    extra = row.get("extra")
    if isinstance(extra, str) and extra.startswith("{"):
        extra = json.loads(extra)
    return extra if isinstance(extra, dict) else {}


def _sex_of(value: Any) -> str | None:
    value = fold(str(value or "")).strip()
    if value in ("mme", "f", "madame", "mlle"):
        return "F"
    if value in ("m.", "m", "h", "monsieur"):
        return "M"
    return None


def mention_sex(text: str) -> str | None:
    """Grammatical gender of a role mention from its determiner or title."""
    low = fold(text).strip()
    if low.startswith(_FEMININE) or "premiere" in low or "deleguee" in low or "chargee" in low:
        return "F"
    if low.startswith(_MASCULINE):
        return "M"
    return None


def minister_rank(role: str | None) -> int:
    """0 for ministre d'Etat, 1 for ministre, 2 for ministre délégué, 3 for secrétaire d'État."""
    low = fold(role or "")
    for prefix, rank in _MINISTER_RANK:
        if low.startswith(prefix):
            return rank
    return 9


def unresolved(role_id: str, rule: str) -> Resolution:
    """A role kept as a role."""
    return Resolution(role_id, ROLE_NAMES.get(role_id, role_id), "role", rule)


def _one_person(candidates: list[dict[str, Any]], ref: Reference, sex: str | None, rule: str,
                role_id: str) -> Resolution:
    people = {m["actor_id"] for m in candidates}
    if sex:
        gendered = {p for p in people if ref.sex(p) in (sex, None)}
        people = gendered
    if len(people) == 1:
        person = people.pop()
        return Resolution(person, ref.display(person), "person", rule)
    return unresolved(role_id, f"{rule}:{'ambigu' if people else 'inconnu'}")


def _one_organe(organes: dict[str, str], rule: str, role_id: str) -> Resolution:
    if len(organes) == 1:
        organe_id, name = next(iter(organes.items()))
        return Resolution(organe_id, name, "organisation", rule)
    return unresolved(role_id, f"{rule}:{'ambigu' if organes else 'inconnu'}")


def prime_minister(ref: Reference, date: str | None, sex: str | None, rule: str, role_id: str) -> Resolution:
    """The Premier ministre on `date`."""
    rows = [m for m in ref.posts(date) if fold(m.get("role") or "").startswith(("premier ministre", "premiere ministre"))]
    return _one_person(rows, ref, sex, rule, role_id)


def health_minister(ref: Reference, date: str | None, sex: str | None, rule: str, role_id: str,
                    delegated: bool = False) -> Resolution:
    """The highest-ranked minister of a ministry in charge of health on `date` (of the
    mention's gender when it shows one)."""
    rows = [m for m in ref.posts(date) if m.get("organe_kind") == "MINISTERE"
            and "sante" in fold(m.get("organe_name") or "") and minister_rank(m.get("role")) < 9]
    if sex:
        rows = [m for m in rows if ref.sex(m["actor_id"]) in (sex, None)]
    if delegated:
        rows = [m for m in rows if minister_rank(m.get("role")) >= 2] or rows
    if not rows:
        return unresolved(role_id, f"{rule}:inconnu")
    best = min(minister_rank(m.get("role")) for m in rows)
    return _one_person([m for m in rows if minister_rank(m.get("role")) == best], ref, sex, rule, role_id)


def health_ministry(ref: Reference, date: str | None, rule: str, role_id: str) -> Resolution:
    """The ministry in charge of health on `date`."""
    organes = {k: v for k, v in ref.organes_on(date, "MINISTERE").items() if "sante" in fold(v)}
    return _one_organe(organes, rule, role_id)


def government(ref: Reference, date: str | None, rule: str, role_id: str) -> Resolution:
    """The government in office on `date`."""
    return _one_organe(ref.organes_on(date, "GOUVERNEMENT"), rule, role_id)


def resolve(role_id: str, text: str, date: str | None, ref: Reference, after: str = "",
            antecedents: Iterable[Resolution] = (), names: dict[str, str] | None = None,
            document: str = "") -> Resolution:
    """Resolve one role mention (`text`, the ruler's `role_id`) at `date`.

    `after` is the text that follows the mention (to tell "la ministre" from "la ministre
    de l'Intérieur"); `antecedents` are the resolutions already made earlier in the document,
    most recent last, used for bare "le ministre" / "le ministère"; `document`, the whole
    text, resolves them to the health ones when it names no other portfolio."""
    sex = mention_sex(text)
    if role_id in ("role:ministre", "role:ministere") and other_portfolio(after):
        return unresolved(f"{role_id}_autre", "portefeuille:autre")
    if not date and role_id != "role:parlementaire_nomme":
        return unresolved(role_id, "date:absente")
    if role_id == "role:premier_ministre":
        return prime_minister(ref, date, sex, "date:premier_ministre", role_id)
    if role_id == "role:matignon":
        return prime_minister(ref, date, None, "metonymie:matignon", role_id)
    if role_id == "role:ministre_sante":
        return health_minister(ref, date, sex, "date:ministre_sante", role_id,
                               delegated="delegue" in fold(text))
    if role_id == "role:ministere_sante":
        return health_ministry(ref, date, "date:ministere_sante", role_id)
    if role_id == "role:segur":
        return health_ministry(ref, date, "metonymie:segur", role_id)
    if role_id == "role:gouvernement":
        return government(ref, date, "date:gouvernement", role_id)
    if role_id == "role:parlementaire_nomme":
        return named_member(text, ref, names)
    if role_id in ("role:ministre", "role:ministere"):
        found = _antecedent(role_id, sex, date, ref, antecedents)
        if found.kind == "role" and document and health_named(document, ref, date):
            # « le ministère a annoncé » in a text that names the health ministry (or
            # minister) and no other one: the health one in office at the date.
            if role_id == "role:ministre":
                return health_minister(ref, date, sex, "texte:ministre_sante", role_id)
            return health_ministry(ref, date, "texte:ministere_sante", role_id)
        return found
    return unresolved(role_id, "sans_regle")


# « de revenir sur sa décision » after « la ministre »: an infinitive, not a portfolio.
_INFINITIVE = re.compile(r"^d(?:e |')[a-z]+(?:er|ir|re|oir)\b")
_MINISTRY = re.compile(r"(?<![\w-])minist(?:re|ere)s?(?![\w-])")
_PORTFOLIO = re.compile(r"^\s*(?:de la |de l'|du |des |d'|de [a-z])")
_HEALTH_SCOPE = re.compile(r"^[^.;:()\n]{0,90}?(?<![\w-])sante(?![\w-])")


def other_portfolio(after: str) -> bool:
    """The words after a bare « la ministre » / « le ministère » name a portfolio (« de
    l'Intérieur », « délégué », « chargé de ») rather than go on with a verb (« de revenir »)."""
    follow = fold(after).lstrip()
    if _INFINITIVE.match(follow) and not follow.startswith(("d'etat", "d'outre")):
        return False
    return follow.startswith(("de ", "du ", "des ", "d'", "charge", "delegue", "aupres"))


def health_named(document: str, ref: Reference, date: str | None) -> bool:
    """The document names the health ministry or minister (« ministère de la Santé », «
    ministre du travail, de la santé… », the health minister's name at `date`) and no
    ministry of another portfolio (« le ministre de l'Intérieur »)."""
    folded = fold(document)
    health = other = False
    for match in _MINISTRY.finditer(folded):
        rest = folded[match.end():]
        if _HEALTH_SCOPE.match(rest):
            health = True
        elif _PORTFOLIO.match(rest) and not _INFINITIVE.match(rest.lstrip()):
            other = True
    if other:
        return False
    if health:
        return True
    minister = health_minister(ref, date, None, "texte", "role:ministre_sante")
    return minister.kind == "person" and fold(minister.name) in folded


def title_name(text: str) -> str:
    """The name part of "la députée LFI Cyrielle Chatelain"."""
    words = text.split()
    while words and (fold(words[0]) in {"le", "la", "l'", "depute", "deputee", "senateur", "senatrice",
                                        "rapporteur", "rapporteure", "rapporteuse"} or words[0].isupper()):
        words = words[1:]
    return " ".join(words)


def named_member(text: str, ref: Reference, names: dict[str, str] | None = None) -> Resolution:
    """"la députée Cyrielle Chatelain": the person named after the title, looked up in the
    reference, then in the gazetteer's `names` (folded name -> id)."""
    name = title_name(text)
    person = ref.person_by_name(name) if name else None
    if not person and name and names:
        person = names.get(fold(name))
    if person:
        return Resolution(person, ref.display(person) if ref.display(person) != person else name, "person", "titre+nom")
    return unresolved("role:parlementaire_nomme", "titre+nom:inconnu")


def _antecedent(role_id: str, sex: str | None, date: str | None, ref: Reference,
                antecedents: Iterable[Resolution]) -> Resolution:
    ministers = {m["actor_id"] for m in ref.posts(date) if minister_rank(m.get("role")) < 9}
    ministries = set(ref.organes_on(date, "MINISTERE"))
    for previous in reversed(list(antecedents)):
        if role_id == "role:ministre" and previous.kind == "person" and previous.actor_id in ministers:
            if sex and ref.sex(previous.actor_id) not in (sex, None):
                continue
            return Resolution(previous.actor_id, previous.name, "person", "antecedent")
        if role_id == "role:ministere" and previous.kind == "organisation" and previous.actor_id in ministries:
            return Resolution(previous.actor_id, previous.name, "organisation", "antecedent")
    return unresolved(role_id, "antecedent:aucun")


# The rest of a minister's title after the words a role pattern took: « Le ministre » + « de
# l'économie, des finances et de la souveraineté industrielle et numérique », « … des familles »
# + « , chargé de la santé et de l'accès aux soins ». Each piece is a preposition (after « , »,
# « et » or a space, maybe « chargé(e) », « délégué(e) », « auprès ») and the words of a
# portfolio; « et » + a word without article goes on (« industrielle et numérique »).
_TITLE_PIECE = re.compile(
    r"(?:,\s*(?!à |au |aux )|\s+et\s+|\s+)(?:(?:chargée?|déléguée?)\s+(?:chargée?\s+)?|auprès\s+)?"
    r"(?:de la |de l'|du |des |de |d'|aux |à la |à l'|au )"
    r"(?P<first>[A-Za-zÀ-ÿ][a-zà-ÿ'-]*)(?P<rest>(?: (?:aux|au|à|des|du|de|la|l'|d')?\s?[a-zà-ÿ][a-zà-ÿ'-]*)*)")
_TITLE_AND = re.compile(r"\s+et\s+(?P<word>[a-zà-ÿ][a-zà-ÿ'-]*)")
_NOT_TITLE = {"le", "la", "les", "l", "un", "une", "son", "sa", "ses", "leur", "leurs", "ce", "cette", "sur", "pour", "a",
              "ont", "est", "sont", "qui", "que", "dans", "en", "par", "avec", "gouvernement", "epoque", "moment",
              "alors", "lors", "mais", "ou", "donc", "aussi", "deja", "encore", "premier", "premiere", "president",
              "presidente", "republique"}
_TITLE_MAX = 160
_LINK_WORDS = {"et", "aux", "au", "a", "des", "du", "de", "la", "l'", "d'"}


def title_end(text: str, end: int) -> int:
    """The end of the minister's title whose first words end at `end` (unchanged when no
    portfolio follows, or when it goes on with a verb: « de revenir sur »)."""
    position = end
    while position - end < _TITLE_MAX:
        piece = _TITLE_PIECE.match(text, position)
        if piece is not None:
            words = list(re.finditer(r"[^\s]+", text[piece.start("first"):piece.end()]))
            kept: list[re.Match[str]] = []
            for word in words:
                if kept and fold(word.group(0)).strip("'") in _NOT_TITLE:
                    break
                kept.append(word)
            while len(kept) > 1 and fold(kept[-1].group(0)) in _LINK_WORDS:
                kept.pop()
            first = fold(kept[0].group(0))
            if first in _NOT_TITLE or _INFINITIVE.match("de " + first):
                break
            position = piece.start("first") + kept[-1].end()
            continue
        joined = _TITLE_AND.match(text, position)
        if joined is not None and fold(joined["word"]) not in _NOT_TITLE and fold(joined["word"]) != "ministre":
            position = joined.end()
            continue
        break
    return position
