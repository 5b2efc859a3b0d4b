"""Actor rules for real texts (issue 13): person spans, surnames alone, media as sources,
named health centres, people the model tags as something else.

Pure functions over the text, the mention's offsets and the reference data; `nlp.extract`
calls them from `_actor`. Nothing here knows a name: surnames and office holders come
from the reference and the gazetteer, media ids from `patterns/lists/media.jsonl`.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files
from typing import Sequence

from nlp.roles import Reference
from nlp.text import fold

# A street, a building or a place named after a person (« 10 impasse Michel Crespin »,
# « l'hôpital Jean Jaurès »): the name is an address, not a person.
_PLACE_BEFORE = re.compile(
    r"(?:^|[^\w-])(?:rue|impasse|avenue|av\.|boulevard|bd|allee|place|quai|chemin|square|cours|route|passage|"
    r"esplanade|parvis|cite|residence|hopital|clinique|college|lycee|ecole|stade|salle|espace|metro|station|pont|"
    r"parc|quartier|groupe hospitalier|centre hospitalier|au c(?:œ|oe)ur|centre|centre de sante|maison de sante|"
    r"msp|cms|cds)\s+(?:de |du |des |d'|de la |de l')?$")
# Words that end a person's name: a place word (« Michel Crespin Parc Kalliste ») or a title.
_NAME_STOP = {"parc", "rue", "avenue", "place", "quartier", "cite", "residence", "impasse", "boulevard", "allee",
              "chemin", "square", "quai", "route", "centre", "maison", "pole", "depute", "deputee", "senateur",
              "senatrice", "ministre", "president", "presidente", "maire", "directeur", "directrice"}
# Words before a name that are not part of it (« Bonjour Oriane », « Merci Stéphane »).
_NOT_FIRST = {"bonjour", "bonsoir", "merci", "bravo", "salut", "cher", "chere", "chers", "cheres", "voici", "selon"}
_PARTICLES = {"de", "du", "des", "d'", "le", "la", "van", "von", "di", "da", "del", "ben", "el", "al"}
# A medium in a source position: « selon Mediapart », « dans le Club de Mediapart », « d'après
# Le Monde », « interrogé par Mediapart », « a révélé Mediapart », « … », a appris Mediapart.
_SOURCE_BEFORE = re.compile(r"(?:^|[^\w-])(?:selon|d'apres|dans|sur|par|de|du|des|a|au|aupres de|au micro de|"
                            r"a l'antenne de|revele par|rapporte par|publiee? dans|publiees? dans|publies? dans)"
                            r"\s*(?:le |la |les |l')?[\"«“ ]*$|(?:revele|rapporte|apprend|indique|precise|ecrit|"
                            r"affirme|raconte)\s+(?:le |la |les |l')?$")
_SOURCE_AFTER = re.compile(r"^[\"»” ]*,?\s*(?:a |avait )?(?:revel|rapport|appris|indiqu|precis|publi|consult|"
                           r"contact|interrog|sollicit)")
# A health centre's proper name after its kind: « le centre de santé communautaire Le Jardin ».
_CENTRE_BEFORE = re.compile(r"(?:^|[^\w-])(?:centre|maison|pole|cabinet|espace) (?:medical |municipal |"
                            r"pluriprofessionnel(?:le)? )?(?:de sante|medical|sante)(?: (?:communautaire|"
                            r"participati(?:f|ve)|associati(?:f|ve)|pluriprofessionnelle?|municipal|"
                            r"de quartier))*\s+[\"«“]?\s*$|(?:^|[^\w-])(?:cds|msp|cms)\s+$")
# « Amélie Rosso, coordinatrice du centre, » : a name with its function in apposition.
_FUNCTION_WORDS = (r"coordinat(?:eur|rice)|direct(?:eur|rice)|president|presidente|fondat(?:eur|rice)|medecin|"
              r"infirmier|infirmiere|responsable|porte-parole|secretaire|delegue|deleguee|charge|chargee|membre|maire|"
              r"adjoint|adjointe|elu|elue|conseiller|conseillere|sage-femme|psychologue|mediat(?:eur|rice)|salarie|"
              r"salariee|generaliste|gerant|gerante|tresorier|tresoriere|animat(?:eur|rice)|administrat(?:eur|rice)|"
              r"militant|militante|chercheur|chercheuse|sociologue|professeur|professeure|pharmacien|pharmacienne|"
              r"kinesitherapeute|patient|patiente|usager|usagere|habitant|habitante|benevole|cheffe?|travailleu(?:r|se)|"
                   r"aide-soignante?|etudiante?|retraitee?")
_FUNCTIONS = r"(?:co-?)?(?:" + _FUNCTION_WORDS + r")"
_APPOSITION = re.compile(r"^\s*,\s*(?:l'une? |la |le |une? )?" + _FUNCTIONS + r"(?![\w-])")
_WORD = re.compile(r"[^\W\d_][\w'-]*")


@functools.lru_cache(maxsize=1)
def media_ids() -> frozenset[str]:
    """Gazetteer ids of news media (`patterns/lists/media.jsonl`)."""
    lines = (files("nlp") / "patterns" / "lists" / "media.jsonl").read_text(encoding="utf-8").splitlines()
    return frozenset(json.loads(line)["id"] for line in lines if line.strip())


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Folded first names of French parliamentarians (`patterns/lists/first_names.jsonl`)."""
    lines = (files("nlp") / "patterns" / "lists" / "first_names.jsonl").read_text(encoding="utf-8").splitlines()
    return frozenset(fold(json.loads(line)["first_name"]) for line in lines if line.strip())


def known_first_name(text: str, start: int, end: int) -> bool:
    """The one word at [start, end) the model tags as a person is a first name of the list,
    capitalised, not in capitals, that the text names again: a person of the story named by
    a first name (« Un surnom auquel adhère totalement Jean-Pierre. … Jean-Pierre a donc pu »)."""
    surface = text[start:end]
    return (len(surface.split()) == 1 and surface[:1].isupper() and not surface.isupper()
            and fold(surface) in first_names()
            and len(re.findall(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", text)) >= 2)


def media_as_source(text: str, start: int, end: int) -> bool:
    """The medium mentioned at [start, end) is quoted as a source, not acting."""
    before = fold(text[max(0, start - 40):start])
    after = fold(text[end:end + 40])
    return bool(_SOURCE_BEFORE.search(before) or _SOURCE_AFTER.match(after))


def person_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The person name of the model's PER span at [start, end): cut at a newline, a comma,
    a lowercase word or a place word; None when fewer than two name words remain or the
    name is part of an address (« 10 impasse Michel Crespin »)."""
    if _PLACE_BEFORE.search(fold(text[max(0, start - 30):start])) or byline(text, start):
        return None
    words: list[tuple[int, int]] = []
    for match in _WORD.finditer(text, start, end):
        gap = text[words[-1][1]:match.start()] if words else ""
        word = match.group(0)
        if "\n" in gap or "," in gap or "." in gap or fold(word) in _NAME_STOP:
            break
        if not words and fold(word) in _NOT_FIRST:
            continue
        glued = re.search(r"[a-zà-ÿ](?=[A-ZÀ-Ý][a-zà-ÿ])", word)
        if glued and not words:  # « WikipediaAnnaïg Le Meur »: a caption glued to the name
            words.append((match.start() + glued.end(), match.end()))
            continue
        if glued and word[:1].isupper():  # « Philippe DenormandieEmilie Henry »: two names glued, the first one
            words.append((match.start(), match.start() + glued.end()))
            break
        if not word[:1].isupper() and fold(word) not in _PARTICLES:
            break
        words.append((match.start(), match.end()))
    while words and fold(text[words[-1][0]:words[-1][1]]) in _PARTICLES:
        words.pop()
    named = [w for w in words if text[w[0]:w[0] + 1].isupper()]
    if len(named) < 2:
        return None
    return words[0][0], words[-1][1]


def byline(text: str, start: int) -> bool:
    """The name at `start` is a byline (« Par Laurence Boffet » on its own line): the
    author of the article, not an actor of its story."""
    line = text[text.rfind("\n", 0, start) + 1:start]
    return bool(re.fullmatch(r"\s*(?:[Pp]ar|PAR|[Pp]ropos recueillis par)\s+", line))


def surname_owner(surname: str, text: str, date: str | None, reference: Reference,
                  names: dict[str, str] | None, earlier: Sequence[tuple[str, str]] = ()) -> tuple[str, str, str] | None:
    """(id, full name, rule) of the person a surname alone stands for: a person already
    named in full (`earlier`: (id, name) of the previous person mentions, « Mme Delphine
    Bagarry … madame Bagarry »), a full name of the reference given in the same text
    (« Rist maintient … Stéphanie Rist »), else the one member of the government in office
    at `date` with that surname. None when unknown or ambiguous."""
    key = fold(surname)
    if len(key) < 3 or not surname[:1].isupper():
        return None
    before = {actor_id: name for actor_id, name in earlier if len(name.split()) >= 2 and fold(name).split()[-1] == key}
    if len(before) == 1:
        person, name = next(iter(before.items()))
        return person, name, "nom_seul:antecedent"
    if before:
        return None
    owners: dict[str, str] = {}
    for match in re.finditer(r"((?:[A-ZÀ-Ý][\w'-]+[ -]){1,2})" + re.escape(surname) + r"(?![\w-])", text):
        full = " ".join((match.group(1) + surname).split())
        found = reference.person_by_name(full) or (names or {}).get(fold(full))
        if found:
            owners[found] = full
    if len(owners) == 1:
        person, full = next(iter(owners.items()))
        return person, reference.display(person) if reference.display(person) != person else full, "nom_seul:texte"
    if owners:
        return None
    office = {m["actor_id"] for m in reference.posts(date)
              if fold(reference.display(m["actor_id"])).split()[-1:] == [key]}
    if len(office) == 1:
        person = office.pop()
        return person, reference.display(person), "nom_seul:gouvernement"
    return None


def apposed_person(text: str, start: int, end: int) -> bool:
    """A name the model did not tag PER (« Amélie Rosso », MISC) that is a person: two or
    three capitalised words followed by a function in apposition (« , coordinatrice du centre »)."""
    words = text[start:end].split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words) or "\n" in text[start:end]:
        return False
    return bool(_APPOSITION.match(fold(text[end:end + 40])))


def named_centre(text: str, start: int, end: int) -> bool:
    """The mention at [start, end) is the proper name of a health centre given right after
    its kind (« le centre de santé communautaire Le Jardin », « la MSP Mathagon »)."""
    surface = text[start:end]
    return bool(surface[:1].isupper() and "\n" not in surface and 3 <= len(surface) <= 60
                and _CENTRE_BEFORE.search(fold(text[max(0, start - 70):start])))


_AGE_OR_FUNCTION = re.compile(r"^\s*,\s*(?:\d{1,3} ans\b|(?:l'une? |la |le |une? )?(?:jeune |ancien |ancienne )?"
                              + _FUNCTIONS + r"(?![\w-]))")


def full_name_of(first: str, text: str) -> str | None:
    """The one full name of the text that starts with the first name `first` (« Sarah, médiatrice
    … Sarah Miloudi décrit »), or None."""
    found = {m.group(0) for m in re.finditer(re.escape(first) + r"(?: [A-ZÀ-Ý][\w'-]+){1,2}", text)}
    return found.pop() if len(found) == 1 else None


def first_name_alone(text: str, start: int, end: int) -> bool:
    """A person named by a first name only, with an age or a function in apposition (« Mouzidia,
    53 ans, », « indique Jérôme, un travailleur social »)."""
    surface = text[start:end]
    return (len(surface.split()) == 1 and surface[:1].isupper() and not surface.isupper() and len(surface) > 2
            and bool(_AGE_OR_FUNCTION.match(fold(text[end:end + 50]))))


# Kind words that are not part of the name (« l'agence Fitch »); « collectif ALERTE » and
# « association AIDES » keep theirs (names of that kind are usually written with it).
_ORG_HEAD_WORD = re.compile(r"^(?:agence|fondation|groupe|societe|entreprise|cabinet)\s+")


def org_name(surface: str) -> tuple[str, int]:
    """The proper name of an organisation given with a lowercase kind word (« agence Fitch »
    -> « Fitch », « fondation Ramsay Santé » -> « Ramsay Santé ») and its offset in `surface`."""
    match = _ORG_HEAD_WORD.match(fold(surface)) if surface[:1].islower() else None
    if match is None or not surface[match.end():match.end() + 1].isupper():
        return surface, 0
    return surface[match.end():], match.end()


_APPOSED_NAME = re.compile(r"^\s*,\s*((?:[A-ZÀ-Ý][\w'-]+|de|du|Le|La)(?:[ -](?:[A-ZÀ-Ý][\w'-]+|de|du|Le|La)){1,3})")


def _known(words: list[str], reference: Reference, names: dict[str, str] | None) -> tuple[str, str] | None:
    for size in range(len(words), 1, -1):
        name = " ".join(words[:size])
        person = reference.person_by_name(name) or (names or {}).get(fold(name))
        if person:
            return person, reference.display(person) if reference.display(person) != person else name
    return None


def apposed_name(after: str, reference: Reference, names: dict[str, str] | None,
                 unknown: bool = False) -> tuple[str, str] | None:
    """(id, name) of the person named right after a role, in apposition (« alors qu'elle
    était ministre de la Santé, Agnès Firmin Le Bodo », « il était chef du gouvernement,
    François Bayrou »): a known person, or with `unknown` any full name (person:<slug>)."""
    match = _APPOSED_NAME.match(after)
    if match is None:
        return None
    words = match.group(1).split()
    found = _known(words, reference, names)
    if found is None and unknown and 2 <= len(words) <= 3:
        name = " ".join(words)
        return f"person:{re.sub(r'[^a-z0-9]+', '-', fold(name)).strip('-')}", name
    return found


_CIVILITY_WORD = re.compile(r"M\.?|MM|Mme|Mmes|Mlle|Madame|Monsieur|Dr|Dre|Pr")
_NAME_BEFORE = re.compile(r"((?:[A-ZÀ-Ý][\w'-]+|de|Le|La)(?:[ -](?:[A-ZÀ-Ý][\w'-]+|de|du|Le|La)){1,3}),\s*"
                          r"(?:alors |ancien |ancienne |ex-|l'ancien |l'ancienne |actuel |actuelle |le |la )?$")


def name_before(before: str, reference: Reference, names: dict[str, str] | None) -> tuple[str, str] | None:
    """(id, name) of the person named just before a role in apposition (« Manuel Valls,
    Premier ministre, », « Jean-Marc Ayrault, alors Premier ministre »): known, or person:<slug>."""
    match = _NAME_BEFORE.search(before)
    if match is None:
        return None
    words = match.group(1).split()
    while words and (words[0] in ("Le", "La", "de") or _CIVILITY_WORD.fullmatch(words[0])):
        words = words[1:]
    found = _known(words, reference, names)
    if found is None and 2 <= len(words) <= 3 and words[0][:1].isupper():
        name = " ".join(words)
        return f"person:{re.sub(r'[^a-z0-9]+', '-', fold(name)).strip('-')}", name
    return found


def speaker_line(text: str, start: int, end: int) -> str | None:
    """The name of a transcript's speaker line (« STÉPHANE VERNAY » alone on its line)
    holding the mention at [start, end), or None."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:line_end if line_end != -1 else len(text)].strip()
    if not _SPEAKER_LINE.fullmatch(line) or text[start:end].strip() not in line:
        return None
    # A transcript: at least two distinct speakers on lines of their own (a headline in
    # capitals, « CENTRES DE SANTÉ », is none: its words are no names).
    speakers = {m.group(0).strip() for m in re.finditer(r"(?m)^" + _SPEAKER_LINE.pattern + r"$", text)}
    return line if len(speakers) >= 2 else None


_SPEAKER_LINE = re.compile(r"(?!(?:DE|DU|DES|LA|LE|LES|ET|EN|POUR|AU|AUX|SUR)\b)[A-ZÀ-Ý][A-ZÀ-Ý'-]+"
                           r"(?: (?!(?:DE|DU|DES|LA|LE|LES|ET|EN|POUR|AU|AUX|SUR)\b)[A-ZÀ-Ý][A-ZÀ-Ý'-]+){1,2}")


# A local authority: « la Ville de Grenoble », « le Département de l'Isère », « le Conseil
# départemental de l'Oise », « la Région Occitanie », « la Mairie de Paris ». Its id is the slug
# of its name (REALSET_GUIDE: « org:<slug> (folded, hyphenated surface) »).
_LOCAL_KINDS = (r"ville|mairie|commune|departement|conseil departemental|conseil general|region|conseil regional|"
                r"metropole|communaute d'agglomeration|communaute de communes|agglomeration|collectivite europeenne")
_LOCAL = re.compile(r"^(?:(?:la |le |l')?(?P<kind>" + _LOCAL_KINDS + r")"
                    r"(?P<link> de la | de l'| du | des | de | d'| )(?P<place>[^\W\d_][\w' -]{1,40}))$")
# The place after a kind word: capitalised words (« Rennes », « Haute-Garonne », « Grand Est »).
_PLACE = re.compile(r"[A-ZÀ-Ý][\w'-]*(?: (?:[A-ZÀ-Ý][\w'-]*|[Ee]st\b(?<=Grand [Ee]st)))*")
_LINK = re.compile(r"(?: de la | de l'| du | des | de | d'| )")
_KIND_ALONE = re.compile(r"^(?:la |le |l')?(?:" + _LOCAL_KINDS + r")(?: de la| de l'| de| du| des| d')?$")
_KIND_BEFORE = re.compile(r"(?:^|[^\w-])(?P<kind>" + _LOCAL_KINDS + r")(?: de la | de l'| du | des | de | d'| )$")


def local_authority(surface: str) -> str | None:
    """The id of a local authority named by `surface` (org:ville-de-grenoble,
    org:conseil-departemental-de-l-oise), or None; the place must be capitalised."""
    match = _LOCAL.match(fold(surface.strip()))
    if match is None:
        return None
    place = surface.strip()[match.start("place"):]
    if not place[:1].isupper() or (match["link"] == " " and match["kind"] not in ("region", "metropole",
                                                                                  "collectivite europeenne")):
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", f"{match['kind']}{match['link']}{match['place']}").strip("-")
    return f"org:{slug}"


def local_authority_span(text: str, start: int, end: int, tagged_until: int = -1) -> tuple[int, int] | None:
    """The offsets of the local authority whose name the model cut (« Ville » + « Rennes »,
    « Conseil départemental de la » + « Haute-Garonne »): the entity at [start, end) is the
    kind word and the place follows it, or the entity is the place and the kind word stands
    before it (« la mairie de Paris »), after `tagged_until` (the end of an entity before it,
    which read the place already). None otherwise."""
    surface = text[start:end]
    article = re.match(r"(?:[Ll]a |[Ll]e |[Ll]')", surface)
    begin = start + (article.end() if article else 0)
    if _KIND_ALONE.match(fold(surface)):
        if re.search(r"(?:d'|l'|de|du|des|la)$", surface):  # « Conseil départemental de la » + place
            place = _PLACE.match(text, end + (text[end:end + 1] == " "))
        else:
            link = _LINK.match(text, end)
            place = _PLACE.match(text, link.end()) if link else None
        if place and local_authority(text[begin:place.end()]):
            return begin, place.end()
        return None
    whole = _LOCAL.match(fold(text[begin:end]))
    if whole and local_authority(text[begin:end]):  # « Région Grand » + « est »: the place goes on
        place = _PLACE.match(text, begin + whole.start("place"))
        return begin, max(end, place.end() if place else end)
    if not surface[:1].isupper():
        return None
    before = fold(text[max(0, start - 40):start])
    kind = _KIND_BEFORE.search(before)
    if kind is None or re.search(r"(?:^|[^\w-])dans (?:la|une) $", before[:kind.start("kind")]):
        return None
    if kind["kind"] == "commune":  # « sur la commune de Salaise-sur-Sanne »: a place
        return None
    first = start - (len(before) - kind.start("kind"))
    if first < tagged_until:
        return None
    place = _PLACE.match(text, start)
    if place is None or local_authority(text[first:place.end()]) is None:
        return None
    return first, place.end()


# Words that name a body of some organisation, never an actor by themselves.
_GENERIC_BODIES = re.compile(r"^(?:le |la |l')?(?:conseil d'administration|bureau|assemblee generale|ca|comite de pilotage|"
                             r"conseil de surveillance|comite technique|equipe|direction|direction de la seance)$")


def generic_body(surface: str) -> bool:
    """« le Conseil d'administration », « le bureau »: a body of an organisation named elsewhere."""
    return bool(_GENERIC_BODIES.match(fold(surface.strip())))


_ORG_APPOSITION = re.compile(r"^\s*,\s*(?:une? |l')?(?:association|federation|syndicat|collectif|fondation|entreprise|"
                             r"societe|agence|institut|union|mutuelle|ong|reseau|cooperative|groupement)(?![\w-])")
_ORG_BEFORE = re.compile(r"(?:^|[^\w-])(?:la |l'|le )?(?:fondation|association|entreprise|societe|groupe|federation|"
                         r"mutuelle|agence|cooperative|clinique)\s+$")


def organisation_named(text: str, start: int, end: int) -> bool:
    """The capitalised name at [start, end) is an organisation: its kind stands before it
    (« la fondation Ramsay Santé »), or an acronym's in apposition after it (« l'AGECSA,
    association qui… »)."""
    surface = text[start:end]
    if not surface[:1].isupper() or "\n" in surface or len(surface) < 3:
        return False
    return bool(_ORG_BEFORE.search(fold(text[max(0, start - 25):start]))
                or (surface.isupper() and _ORG_APPOSITION.match(fold(text[end:end + 40]))))


# A CPTS is named by its territory: « la CPTS Paris 20 », « la CPTS Sud-Est Grenoblois », « la
# CPTS du Grand Nancy » (the model cuts these names or takes them for places).
_CPTS = re.compile(r"CPTS(?: (?:du |de la |de l'|des |d')?[A-ZÀ-Ý][\w'-]*(?: [A-ZÀ-Ý][\w'-]*){0,3}(?: \d{1,2}(?:e|ème)?\b)?)")


def cpts_name(text: str, start: int) -> int | None:
    """The end of the name of the CPTS whose acronym starts at `start`, or None when no
    territory follows the acronym."""
    match = _CPTS.match(text, start)
    return match.end() if match else None


# An acronym defined in the text: « le Réseau français des Villes-Santé (RFVS) », « CEA
# (Collectivité Européenne d'Alsace) ». The name's significant words give the acronym's letters.
_ACRONYM_AFTER = re.compile(r"\s?\(\s*([A-Z]{2,8}|[A-Z][a-z]{2,7})\s*\)")
_ACRONYM_BEFORE = re.compile(r"(?<![\w-])([A-Z]{2,8})\s?\(\s*([^()\n]{5,120}?)\s*\)")
_NAME_WORD = re.compile(r"[^\W\d_][\w']*")
_LINK_WORDS = {"de", "du", "des", "la", "le", "les", "l'", "d'", "l", "d", "et", "a", "au", "aux", "en", "pour", "sur"}
# Heads that name a scheme, a text or a place, not a body (« Fonds d'intervention régional (FIR) »).
_NOT_BODY = re.compile(r"^(?:plan|programme|projet|fonds|loi|objectif|contrat|schema|dispositif|zone|zones|quartier|"
                       r"quartiers|territoire|territoires|maisons? de sante|centres? de sante|structures?|mission|prime|indemnite|"
                       r"allocation|aide|budget|rapport|accord|convention|pacte|strategie|parcours|protocole|"
                       r"equipe|equipes|communautes? professionnelles?|societes? (?:interprofessionnelles?|civiles?))\b")
_BODY_WORD = re.compile(r"(?<![\w-])(?:association|federation|collectif|coalition|syndicat|union|agence|caisse|institut|"
                        r"conseil|ordre|fondation|observatoire|mutuelle|direction|inspection|comite|reseau|office|"
                        r"groupement|conference|communaute|collectivite|habitat|societe|compagnie|entreprise|"
                        r"maison de la|haute autorite|autorite|ecole|universite|centre national|cooperative)s?(?![\w-])")


def _initials(words: list[str]) -> str:
    letters: list[str] = []
    for word in words:
        if fold(word) in _LINK_WORDS:
            continue
        letters.extend(part[:1] for part in re.split(r"[-']", word) if part and fold(part) not in _LINK_WORDS)
    return fold("".join(letters))


def _name_before(text: str, end: int, acronym: str) -> tuple[int, int] | None:
    """The offsets of the name that ends at `end` and whose significant words spell `acronym`."""
    line_start = max(text.rfind("\n", 0, end), text.rfind(".", 0, end - 1), text.rfind(",", 0, end), end - 160) + 1
    words = list(_NAME_WORD.finditer(text, line_start, end))
    for first in range(len(words) - 1, -1, -1):
        spelt = _initials([w.group(0) for w in words[first:]])
        if spelt == fold(acronym) and fold(words[first].group(0)) not in _LINK_WORDS:
            elided = re.match(r"[LlDd]'", words[first].group(0))  # « l'Union nationale … »
            return words[first].start() + (2 if elided else 0), words[-1].end()
        if len(spelt) > len(acronym):
            return None
    return None


@functools.lru_cache(maxsize=8)
def acronyms(text: str) -> tuple[tuple[str, int, int], ...]:
    """The acronyms the text defines, as (acronym, start, end) of the body's name in `text`:
    « Long name (ACR) » and « ACR (Long name) », when the name is a body's (it holds an
    organisation word; not a scheme: « Fonds d'intervention régional (FIR) »)."""
    found = []
    for match in _ACRONYM_AFTER.finditer(text):
        span = _name_before(text, match.start(), match.group(1))
        if span:
            found.append((match.group(1), *span))
    for match in _ACRONYM_BEFORE.finditer(text):
        inner = match.group(2)
        words = _NAME_WORD.findall(inner)
        if len(words) >= 2 and _initials(words) == fold(match.group(1)):
            found.append((match.group(1), match.start(2), match.start(2) + len(inner)))
    return tuple((acronym, start, end) for acronym, start, end in found if _a_body(text[start:end]))


def _a_body(name: str) -> bool:
    folded = fold(name)
    significant = [w for w in name.split() if fold(w) not in _LINK_WORDS]
    return len(significant) >= 2 and not _NOT_BODY.match(folded) and bool(_BODY_WORD.search(folded))


def defined_acronym(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """(start, end, acronym) of the body the mention at [start, end) names through an acronym
    the text defines: the mention is the acronym (anywhere in the text) or starts the body's
    name given with it (« Union nationale des caisses d' » cut by the model); None otherwise."""
    surface = text[start:end]
    for acronym, name_start, name_end in acronyms(text):
        if surface == acronym or (name_start == start and end <= name_end + 1):
            return name_start, name_end, acronym
    return None


def inside_defined_name(text: str, start: int, end: int) -> bool:
    """The mention at [start, end) lies inside a longer body's name defined with an acronym
    (« assurance maladie » of « Union nationale des caisses d'assurance maladie (Uncam) »)."""
    return any(s <= start and end <= e and (s, e) != (start, end) for _, s, e in acronyms(text))


_SENATE_WORDS = re.compile(r"(?<![\w-])(?:senat|senateur|senatrice|senateurs|senatrices)(?![\w-])")
_ASSEMBLY_WORDS = re.compile(r"(?<![\w-])(?:assemblee nationale|depute|deputee|deputes|deputees)(?![\w-])")


def senate_body(actor_id: str, surface: str, text: str, after: str) -> str | None:
    """The Sénat's own body for a commission or group of the Assemblée matched in a text of
    the Sénat (« Quel est l'avis de la commission des affaires sociales ? » in a Sénat debate:
    `org:commission-des-affaires-sociales-du-senat`, REALSET_GUIDE), or None: the text names
    the Sénat and not the Assemblée, and no « de l'Assemblée » follows."""
    folded = fold(surface)
    if not actor_id.startswith("PO") or not folded.startswith(("commission ", "groupe ")):
        return None
    whole = fold(text)
    if not _SENATE_WORDS.search(whole) or _ASSEMBLY_WORDS.search(whole) or "assemblee" in fold(after)[:30]:
        return None
    return f"org:{re.sub(r'[^a-z0-9]+', '-', folded).strip('-')}-du-senat"


_CIVILITY_NAME = re.compile(r"(?: (?:[A-ZÀ-Ý][a-zà-ÿ][\w'-]*|[A-ZÀ-Ý]{2,}[\w'-]*)){2,3}(?![\w-])")


def civility_name(text: str, end: int) -> tuple[int, int] | None:
    """The offsets of the name (two or three capitalised words, or in capitals) right after a
    civility that ends at `end` (« Monsieur Jackie CROUAIL Maire de Salaise »: « Jackie CROUAIL »,
    a title word ends it), or None."""
    named = _CIVILITY_NAME.match(text, end)
    if named is None:
        return None
    words = named.group(0).split()
    while words and fold(words[-1]) in _NAME_STOP:
        words.pop()
    if len(words) < 2:
        return None
    return end + 1, end + 1 + len(" ".join(words))
