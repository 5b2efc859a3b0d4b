"""Actor mentions: one entity of the model or the ruler, at its place in the text, turned into
an actor (a role resolved at the document's date, a gazetteer entry, a person cut to the name,
a named organisation), or nothing. Pure, like the rest of `nlp/`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.actors import (apposed_name, apposed_person, civility_name, cpts_name, defined_acronym, first_name_alone, full_name_of,
                        generic_body, inside_defined_name, known_first_name, local_authority, local_authority_span,
                        media_as_source, media_ids, name_before, named_centre, org_name, organisation_named,
                        person_span, senate_body, speaker_line, surname_owner)
from nlp.roles import Reference, Resolution, resolve, title_end
from nlp.text import fold

ORG_HEADS = re.compile(r"\b(association|federation|collectif|coalition|syndicat|union|agence|caisse|institut|conseil|"
                        r"centre de sante|maison de sante|ordre|fondation|observatoire|mutuelle|haut conseil|"
                        r"direction|inspection|comite)\b")


@dataclass(frozen=True)
class ActorMention:
    """An actor found in a text, resolved to a canonical id (or left as a role)."""

    start: int
    end: int
    text: str
    actor_id: str
    name: str
    kind: str  # person | organisation | role
    rule: str  # gazetteer, ner, or the role-resolution rule




# Words that are never part of a person's name (the model's PER on « Ségur de la Santé »).
_NOT_NAME_WORDS = {"sante", "republique", "solidarites", "securite", "sociale", "assemblee", "nationale", "senat",
                   "ministere", "gouvernement", "france", "experimentation", "centre", "centres", "maison", "maisons"}
_CIVILITY = re.compile(r"^(?:(?:m\.|mme|mmes|mlle|madame|monsieur|dr\.?|dre|pr\.?|docteure?|professeure?|me|ma[iî]tre)\s+)+", re.I)


def _without_civility(surface: str, start: int) -> tuple[str, int]:
    """"Mme Anne Souyris" -> "Anne Souyris" (and its new start)."""
    match = _CIVILITY.match(surface)
    return (surface[match.end():], start + match.end()) if match else (surface, start)


def _name_order(name: str) -> str:
    """"SOUYRIS Anne" (the Sénat's order) -> "Anne SOUYRIS"."""
    words = name.split()
    if len(words) == 2 and words[0].isupper() and len(words[0]) > 1 and not words[1].isupper():
        return f"{words[1]} {words[0]}"
    return name


def _slug(value: str) -> str:
    """Folded, hyphenated form of a name (« Amélie Rosso » -> « amelie-rosso »)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def actor_mention(ent, start: int, end: int, text: str, date: str | None, reference: Reference,
           resolutions: list[Resolution], topic_spans: list[tuple[int, int]],
           names: dict[str, str] | None = None) -> ActorMention | None:
    """The actor mention of the entity `ent` at [start, end) of `text`, or None: a role
    resolved at `date`, a gazetteer entry (a medium quoted as a source is none), a person
    (span cut to the name; a surname alone when the text or the government names its
    owner), an organisation with an organisation word or a health centre's proper name."""
    surface = text[start:end]
    if ent.label_ == "ROLE":
        if ent.ent_id_ == "role:gouvernement" and _INDEFINITE.search(fold(text[max(0, start - 12):start])):
            return None  # « avant de former un gouvernement »: no government in office
        if surface in ("Matignon", "l'Élysée") and _APPOINTED_TO.search(fold(text[max(0, start - 40):start])):
            return None  # « sa nomination à Matignon »: the office, not its holder
        found = resolve(ent.ent_id_, surface, date, reference, after=text[end:end + 40],
                        antecedents=resolutions, names=names, document=text)
        contracted = re.match(r"(?:du|au|aux)\s+", surface, re.I)
        if contracted:  # « l'annonce du ministère »: the mention is « ministère »
            surface, start = surface[contracted.end():], start + contracted.end()
        named = None
        if ent.ent_id_ != "role:gouvernement":
            unknown = found.kind == "role"
            named = apposed_name(text[end:end + 80], reference, names, unknown) or (
                name_before(text[max(0, start - 60):start], reference, names) if unknown else None)
        if named is None and found.kind == "role" and ent.ent_id_ in ("role:premier_ministre", "role:matignon"):
            named = _prime_minister_named(text, reference, names)
        if named and named[0] != found.actor_id:
            # « alors qu'elle était ministre de la Santé, Agnès Firmin Le Bodo »: the name says who
            return ActorMention(start, end, surface, named[0], named[1], "person", "apposition")
        if ent.ent_id_.startswith("role:ministre") and found.actor_id != "role:ministre_autre":
            # the whole title: « ministre auprès de la ministre du travail, …, chargé de la santé et de l'accès aux soins »
            end = title_end(text, end)
            surface = text[start:end]
        return ActorMention(start, end, surface, found.actor_id, found.name, found.kind, found.rule)
    if ent.ent_id_:
        mark = _FOOTNOTE_MARK.search(surface)
        if mark and mark.start() >= 2 and surface[:mark.start()].isupper():  # « IGAS[1] »: without its mark
            surface, end = surface[:mark.start()], start + mark.start()
        if inside_defined_name(text, start, end):
            return None  # « assurance maladie » of « l'Union nationale des caisses d'assurance maladie (Uncam) »
        if ent.ent_id_ == "org:cnam" and _CAISSES_OF.search(fold(text[max(0, start - 30):start])):
            return None  # « les caisses d'assurance maladie »: the local funds, not the CNAM
        if ent.ent_id_ in media_ids() and media_as_source(text, start, end):
            return None  # « selon Mediapart »: the medium reports, it does not act
        longer = _NAME_GOES_ON.match(text, end) if ent.label_ == "PER" and _CIVILITY.match(surface) else None
        if longer and len(surface.split()) == 2:
            # « M. Paul Christophle »: « M. Paul » is not the senator Philippe Paul, « Paul » is a first name
            name, begin = _without_civility(text[start:longer.end()], start)
            return _person(text, begin, longer.end(), reference, "civilite_prenom", names)
        line_before = text[text.rfind("\n", 0, start) + 1:start]
        if (ent.label_ == "PER" and _capitals_alone(surface) and fold(surface) not in (names or {})
                and not _CIVILITY_ON_LINE.search(line_before)):
            return None  # a surname in capitals is a parliamentarian's only after « M. », « Mmes »…
        senate = senate_body(ent.ent_id_, surface, text, text[end:end + 40])
        if senate:  # « la commission des affaires sociales » in a Sénat debate
            return ActorMention(start, end, surface, senate, surface, "organisation", "senat")
        kind = "person" if ent.label_ == "PER" else "organisation"
        name = reference.display(ent.ent_id_) if kind == "person" else surface
        name = surface if name == ent.ent_id_ else name
        return ActorMention(start, end, surface, ent.ent_id_, name, kind, "gazetteer")
    if any(s < end and start < e for s, e in topic_spans):
        return None
    defined = defined_acronym(text, start, end) if ent.label_ in ("MISC", "LOC", "ORG", "PER") else None
    if defined:  # « Lyon Métropole Habitat (LMH) … construit par LMH »
        name_start, name_end, acronym = defined
        name = text[name_start:name_end]
        known = next((e.ent_id_ for e in ent.doc.ents if e.text == acronym and e.ent_id_), None)
        actor_id = known or f"org:{_slug(name)}"
        if surface != acronym:
            start, end, surface = name_start, name_end, name
        return ActorMention(start, end, surface, actor_id, name, "organisation", "sigle_defini")
    named_cpts = cpts_name(text, start) if ent.label_ in ("MISC", "LOC", "ORG") and surface.startswith("CPTS ") else None
    if named_cpts:
        surface = text[start:named_cpts]
        return ActorMention(start, named_cpts, surface, f"org:{_slug(surface)}", surface, "organisation", "cpts")
    if ent.label_ in ("MISC", "LOC", "ORG"):
        stop = re.search(r"[,;\n]", surface)
        if stop and ent.label_ == "ORG":  # « Conseil national des villes, Mesdames »
            surface = surface[:stop.start()].rstrip()
            end = start + len(surface)
        span = local_authority_span(text, start, end, _tagged_until(ent, start))
        if span:  # the model cut the name: « Ville » + « de Rennes »
            start, end = span
            surface = text[start:end]
        local = local_authority(surface)
        if local:
            return ActorMention(start, end, surface, local, surface, "organisation", "collectivite")
        if generic_body(surface):
            return None
        kind = re.sub(r"^(?:[Ll]a |[Ll]e |[Ll]')", "", surface)
        if kind in _LOCAL_AGAIN and not _POLICY_OF.search(fold(text[max(0, start - 30):start])):
            # « la Région » after « la Région Occitanie »: the authority named again
            prefix = f"org:{_LOCAL_AGAIN[kind]}-"
            again = next((r for r in reversed(resolutions) if r.actor_id.startswith(prefix)), None)
            if again is None:
                return None
            return ActorMention(end - len(kind), end, kind, again.actor_id, again.name, "organisation", "antecedent")
    if ent.label_ in ("MISC", "LOC", "ORG", "PER") and organisation_named(text, start, end) and len(surface.split()) <= 4:
        return ActorMention(start, end, surface, f"org:{_slug(surface)}", surface, "organisation", "organisation_nommee")
    if ent.label_ in ("MISC", "LOC") and first_name_alone(text, start, end):
        return _first_name(text, start, end, surface)
    if (ent.label_ in ("MISC", "PER") or (ent.label_ in ("LOC", "ORG") and _first_on_line(ent, text, start))) and (
            speaker_line(text, start, end)):  # « MAXIME LLEDO » alone on its line, cut by the model into LOC + ORG
        name = speaker_line(text, start, end) or surface
        begin = text.find(name, text.rfind("\n", 0, start) + 1)
        return _person(text, begin, begin + len(name), reference, "ligne_orateur", names)
    if ent.label_ in ("MISC", "LOC", "ORG") and named_centre(text, start, end):
        surface, start = _without_article(surface, start)
        return ActorMention(start, end, surface, f"org:{_slug(surface)}", surface, "organisation", "centre_nomme")
    if ent.label_ == "MISC" and apposed_person(text, start, end):
        name, begin = _without_civility(surface, start)  # « la Dre Hélène Colombani, présidente »
        return _person(text, begin, end, reference, "apposition", names)
    if ent.label_ in ("ORG", "PER", "MISC", "LOC") and len(surface) > 3:
        again = next((r for r in resolutions if r.kind == "organisation" and r.actor_id == f"org:{_slug(surface)}"), None)
        if again:  # « la fondation Ramsay Santé … à Ramsay Santé »: named again (the model may tag it PER)
            return ActorMention(start, end, surface, again.actor_id, again.name, "organisation", "deja_nomme")
    if ent.label_ == "PER" and _BARE_CIVILITY.fullmatch(surface) and not (
            ent.end < len(ent.doc) and ent.doc[ent.end].ent_type_):  # the name is not an entity of its own
        span = civility_name(text, end)  # « Monsieur » + « Jackie CROUAIL Maire de … »
        return _person(text, span[0], span[1], reference, "civilite_nom", names) if span else None
    if ent.label_ == "PER":
        surface, start = _without_civility(surface, start)
        if len(surface.split()) == 1:
            earlier = [(r.actor_id, r.name) for r in resolutions if r.kind == "person"]
            owner = surname_owner(surface, text, date, reference, names, earlier)
            if owner:
                return ActorMention(start, end, surface, owner[0], owner[1], "person", owner[2])
            return _first_name(text, start, end, surface, tagged_person=True)
        span = person_span(text, start, end)
        if span is None:
            return None
        return _person(text, span[0], span[1], reference, "ner", names)
    if ent.label_ == "ORG" and _FUNCTION_FIRST.match(fold(surface)):
        return None  # « la Directrice de l'agence »: a person's function, not the body
    if ent.label_ == "ORG" and ORG_HEADS.search(fold(surface)) and len(surface) > 6:
        name, cut = org_name(surface)
        return ActorMention(start + cut, end, name, f"org:{_slug(name)}", name, "organisation", "ner")
    return None


_BARE_CIVILITY = re.compile(r"(?:Monsieur|Madame|M\.|Mme)")


def _first_on_line(ent, text: str, start: int) -> bool:
    """No other entity stands between the line's start and the entity at `start`."""
    return _tagged_until(ent, start) <= text.rfind("\n", 0, start) + 1


_FUNCTION_FIRST = re.compile(r"^(?:directeur|directrice|president|presidente|secretaire|delegue|deleguee|chef|cheffe|"
                             r"responsable|porte-parole|vice-president|vice-presidente)\s")
_LOCAL_AGAIN = {"Département": "departement", "Ville": "ville", "Région": "region", "Mairie": "mairie",
                "Métropole": "metropole"}
_CAISSES_OF = re.compile(r"(?:caisses|caisses? primaires?|caisses? regionales?|caisses? locales?) d'$")
_POLICY_OF = re.compile(r"politique de (?:la |l')?$")


def _tagged_until(ent, start: int) -> int:
    """The end offset (in the text) of the last token before the entity that belongs to another
    entity, among its six previous tokens; -1 when none (« Ville » of « Ville de Rennes » is its own entity)."""
    offset = start - ent.start_char
    tagged = [t for t in ent.doc[max(0, ent.start - 6):ent.start] if t.ent_type_]
    return tagged[-1].idx + len(tagged[-1]) + offset if tagged else -1


_NAME_GOES_ON = re.compile(r"(?: (?:de |du |Le |La )?[A-ZÀ-Ý][a-zà-ÿ][\w'-]*){1,2}(?![\w-])")
_CIVILITY_ON_LINE = re.compile(r"(?:^|[\s,(])(?:M\.|MM\.|Mme|Mmes|Monsieur|Madame|Messieurs|Mesdames)\s")


def _capitals_alone(surface: str) -> bool:
    """« SOUYRIS », « de MARCO », « PONCET MONGE »: a surname in capitals without a first name."""
    words = [w for w in surface.split() if fold(w) not in ("de", "d'", "du", "des")]
    return bool(words) and not _CIVILITY.match(surface) and all(w.isupper() and len(w) > 1 for w in words)


_APPOINTED_TO = re.compile(r"(?:nomination|nomme|nommee|arrivee|depart|entree|retour|installation|passage)\s+(?:\w+\s+)?a\s*$")
_INDEFINITE = re.compile(r"(?:^|[^\w-])(?:un|d'un|aucun|chaque|tout|nouveau|futur|prochain)\s*$")
_FOOTNOTE_MARK = re.compile(r"(?:\[\d{1,3}\]?|\(\d{1,3}\)?|[¹²³⁰⁴-⁹]+)\.?$")


def _first_name(text: str, start: int, end: int, surface: str, tagged_person: bool = False) -> ActorMention | None:
    """A person named by a first name with an age or function after it, or (`tagged_person`:
    the model's PER) a first name of the list; the full name given elsewhere in the text
    gives the id."""
    if not (first_name_alone(text, start, end) or (tagged_person and known_first_name(text, start, end))):
        return None
    full = full_name_of(surface, text) or surface
    return ActorMention(start, end, surface, f"person:{_slug(full)}", full, "person", "prenom_seul")


_PM_NAMED = re.compile(r"(?:[Pp]remier|[Pp]remière) ministre,\s+((?:[A-ZÀ-Ý][\w'-]+)(?:[ -][A-ZÀ-Ý][\w'-]+){1,2})"
                       r"|((?:[A-ZÀ-Ý][\w'-]+)(?:[ -][A-ZÀ-Ý][\w'-]+){1,2}),\s+(?:alors |l'ancien |ancien )?[Pp]remi(?:er|ère) ministre")


def _prime_minister_named(text: str, reference: Reference, names: dict[str, str] | None) -> tuple[str, str] | None:
    """The one Premier ministre the text names in apposition (« le gouvernement du Premier
    ministre, Jean Castex »), for a mention of the post the date cannot resolve."""
    found = {(m.group(1) or m.group(2)) for m in _PM_NAMED.finditer(text)}
    if len(found) != 1:
        return None
    name = found.pop()
    person = reference.person_by_name(name) or (names or {}).get(fold(name))
    return (person, reference.display(person)) if person else (f"person:{_slug(name)}", name)


def _person(text: str, start: int, end: int, reference: Reference, rule: str,
            names: dict[str, str] | None = None) -> ActorMention | None:
    surface = text[start:end]
    words = surface.split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words if len(w) > 3) or "\n" in surface:
        return None
    if any(fold(w) in _NOT_NAME_WORDS for w in words):
        return None  # « Ségur de la Santé »: an event or an institution, not a person
    known = reference.person_by_name(surface) or (names or {}).get(fold(surface))
    if known:
        return ActorMention(start, end, surface, known, reference.display(known), "person", f"{rule}+reference")
    return ActorMention(start, end, surface, f"person:{_slug(_name_order(surface))}", surface, "person", rule)


def _without_article(surface: str, start: int) -> tuple[str, int]:
    """A centre's name without the quotation mark before it (« "Le Jardin" » -> « Le
    Jardin »); its capitalised article is part of the name."""
    stripped = surface.lstrip("\"«“ ")
    return stripped, start + len(surface) - len(stripped)
