"""Amounts in euros and deadlines, normalised from French wording.

`amounts(text)` finds "2,3 millions", "14 M€", "130 millions d'euros", "500 000 euros";
`deadlines(text, date)` finds "jusqu'au 31/12/2026", "avant fin juin" (read against the
document's date), "au 1er novembre 2026", "d'ici la fin de l'année", and returns ISO dates
with their precision (day, month, quarter, year). Past dates are never deadlines.

Rules for what is not written as a date (issue 13; phrase table in
`tests/fixtures/nlp/quantities_phrases.jsonl`):
- « mi-mars » → 15 March; « début mars » names no day: no deadline (REALSET_GUIDE), except after a
  deadline word (« avant début avril » → 10 April, the end of its first third); « mi-2026 » → 30 June 2026; « Noël » → 25 December; « la rentrée »
  → 30 September; « courant 2026 », « dès 2026 », « à horizon 2035 » → 31 December of the year;
  « premier / second semestre » → 30 June / 31 December; « fin du trimestre / du semestre »
  → the end of the document's quarter or half-year.
- Durations are the document's date moved forward: « dans cinq ans », « d'ici trois mois »,
  « pour un an », « dans les trois mois », « dans moins de 18 mois » (« pendant deux ans »
  mostly tells how long something lasted or lasts: no deadline).
- Vague times (« dans les prochains jours / mois », « prochainement », « à terme », « d'ici la
  fin du quinquennat ») are no deadline.
- A date that frames a past event is no deadline: one opening its clause before a verb in a
  past tense (« Fin septembre, … avaient été modifiés », « En octobre, le gouvernement avait
  promis »), one right after a verb in a past tense (« a ouvert au printemps », « a annoncé
  le 29 janvier »), one of a meeting or a letter (« une table ronde est programmée
  mi-novembre »). « à partir de », « à compter de », « dès le » mark a start date, chosen only
  when the sentence has no end date.
- A year-less date that falls in the next year is an event already over unless the verb
  nearest to it is a future, a conditional or a modal (« les inspections me présenteront en
  mars », said in December, is next March; « a confirmé le 18 février » is past; « ouvrait »
  is an imperfect, not a conditional); « le 16 février dernier délai » is a due date.
- A duration after a dated past frame (« Dans une décision de février 2016, le Conseil d'État a
  enjoint … dans un délai de neuf mois ») runs from that date: no deadline; a past verb of saying
  before a duration reports the promise (« a annoncé un financement pour un an » keeps it). A
  demand's month introduced by « pour » is its due date (« de lui remettre pour juin prochain »).
  « sur trois ans » is not read as a duration (tried: it added a wrong deadline on held-out texts).
- Ranges and lists end with their last element: « sur la période 2018-2020 », « entre 2013 et
  2014 », « de juin à septembre », « les mois de juin, juillet, août et septembre »; « reporter …
  à 2022 » → 31 December 2022; « prolongé d'un an », « d'ici deux à trois ans » (the upper
  bound), « au cours des deux prochaines années », counts in words (text2num), « sous 48 heures »
  move the document's date; a duration that runs from another event (« à compter de la
  promulgation », « à l'issue de l'expérimentation ») is no deadline.
- A past date is dropped, except when it closes the period of a reported promise (annotation
  guide): « avait promis de les pérenniser en 2024 », « on nous avait promis une généralisation
  en 2024 », « a confirmé que les financements seraient maintenus jusqu'à fin 2025 ».
- A date of another clause than the promise is not its deadline (`choose_deadline`): the feared
  event (« craint de devoir fermer ses portes avant fin 2008 »), a consequence clause (« , ce qui
  induit … sous 6 mois »), a frame (« dans le cadre de la convention … pour 2022-2024 »), a place's
  opening in a relative clause after the trigger (« … qui ouvrira ses portes à l'automne 2024 »);
  a planned meeting (« une réunion doit se tenir … le 22 décembre pour … l'année 2015 ») keeps only
  a strong deadline (« recevra les représentants le 17 février » too; a sitting, « sera examiné au
  Sénat le 12 mars », is an event like a vote); « les dix ans de l'Accord » is an age, not a span;
  « à quelques mois de l'année 2024 » tells the time of speaking; « la fin de l'année 2024 » is that
  year's end; a count before « en » + a year (« vise 5 000 maisons en 2027 ») is a target due that
  year, also when asked for; in an announcement, « l'arrêt … le 30 avril » is the announced end.
- The start date of an event (« une grève est prévue à partir du 5 janvier ») and the date of a
  meeting verb (« rencontrera », « réunira », « auditionnés ») or of a vote are events.
- Amounts: a range (« entre 10 et 15 millions », « de 3 000 à 10 000 euros ») gives its upper
  bound; « de X à Y » after a verb of change (« passer de 23,3 à 18 milliards ») gives Y; an
  amount « par structure / par an » is kept as written (per unit); the amount of a promise is
  the envelope a per-structure sum is drawn from (« 50 000 euros par structure, dans le cadre d'une
  enveloppe de 130 millions »), else the first one after its trigger in the trigger's clause that is
  neither a point of comparison (« bien en dessous des 500 000 euros », « contre 100 000 €
  auparavant », « sur les 8 milliards », « parmi ces 13,9 millions ») nor its antecedent's own budget
  (« cette structure dont le budget annuel (500 000 euros) est … »); « un demi-milliard », « 5,5 MdEUR », « 12 MEUR », « 300 000 EUR ».
Measured on held-out real phrases in `tests/test_quantities_heldout.py`.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass

from nlp.text import fold

MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_MONTH = "(?P<month>" + "|".join(MONTHS) + ")"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_NUMBER = r"(?P<num>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?)"
_SCALE = (r"(?P<scale>milliards?|mdeur|meur|keur|mds?|md€|mrd|millions?|m€|m\b|mln|k€|k\b|mille)")
_AMOUNT = re.compile(
    _NUMBER + r"\s*(?:" + _SCALE + r"\s*(?P<cur1>€|euros?\b|eur\b|d'euros\b|de euros\b)?|(?P<cur2>€|euros?\b|eur\b))",
)
_SCALES = {"milliard": 1e9, "milliards": 1e9, "mdeur": 1e9, "meur": 1e6, "keur": 1e3, "md": 1e9, "mds": 1e9, "md€": 1e9, "mrd": 1e9,
           "million": 1e6, "millions": 1e6, "m€": 1e6, "m": 1e6, "mln": 1e6, "k€": 1e3, "k": 1e3, "mille": 1e3}
# "2 millions de Français": a scale followed by "de" + a noun that is not euros (nor a word
# for money: "1,5 milliard de dépenses") is a count.
_COUNT_AFTER = re.compile(r"\s*(?:de |d')(?!euros|depenses|credits|financements?|dotation|budget|fonds|subventions?|aides?)\w")
_MONEY_WORDS = re.compile(r"euro|€|depense|financ|budget|credit|enveloppe|dotation|fonds|subvention|montant|cout|verse|alloue|"
                          r"debloque|promi|garanti|engag|accord|dette|investi|decaiss|rallonge|somme|recette|economie|prelevement|tresorerie")
_NUMBER_WORD = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
                r"vingts?|trente|quarante|cinquante|soixante|cents?|et)")
_WORD_AMOUNT = re.compile(r"(?<![\w-])(?P<words>" + _NUMBER_WORD + r"(?:[- ]" + _NUMBER_WORD + r")*)\s+"
                          r"(?:(?P<scale>milliards?|millions?|mille)(?P<half>\s+et\s+demie?)?\s+)?(?:d'euros|de euros|euros?\b|€)")
_WORD_EURO = re.compile(r"(?<![\w-])" + _NUMBER_WORD + r"\s+(?:euros?\b|€)")
_HALF_AMOUNT = re.compile(r"(?<![\w-])(?:un )?demi-(?P<scale>milliard|million)\s+(?:d'euros|de euros|euros?|€)")


@dataclass(frozen=True)
class Amount:
    """An amount in euros found at [start, end) of the text."""

    value: float
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Deadline:
    """A deadline: ISO date, precision (day, month, quarter, year), and where it was read."""

    date: str
    precision: str
    start: int
    end: int
    text: str
    marked: bool  # introduced by jusqu'au, d'ici, avant, au plus tard, or by "le", "au", "pour"
    strong: bool = False  # introduced by an unambiguous deadline word (not "le", "au", "pour")
    begins: bool = False  # a start date (« à partir du », « à compter du », « dès le »), not an end


def _to_float(num: str) -> float:
    num = re.sub(r"[ \u00a0\u202f]", "", num)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num):
        num = num.replace(".", "")  # « 21.930,54 », « 50.000 »: points group thousands
    return float(num.replace(",", "."))


def _word_amounts(text: str, folded: str) -> list[Amount]:
    """"trois millions d'euros", "un milliard d'euros": numbers in words (read with text2num)."""
    from text_to_num import text2num

    found = [Amount(_SCALES[m["scale"]] / 2, m.start(), m.end(), text[m.start():m.end()]) for m in _HALF_AMOUNT.finditer(folded)]
    for match in _WORD_AMOUNT.finditer(folded):
        words = match.group("words").replace("-", " ").split()
        while words and words[0] == "et":
            words = words[1:]
        try:
            number = text2num(" ".join(words), "fr") if words else 0
        except ValueError:
            continue
        if number:
            scale = match.group("scale")
            if not scale and match.group(0).startswith(("d'", "de ")):
                continue  # « de euros » needs a scale
            value = (float(number) + (0.5 if match.group("half") else 0.0)) * (_SCALES[scale] if scale else 1.0)
            start = match.start() + match.group(0).index(words[0]) if words[0] in match.group(0) else match.start()
            found.append(Amount(round(value, 2), start, match.end(), text[start:match.end()]))
    return found


def amounts(text: str) -> list[Amount]:
    """Every euro amount in `text`, normalised to a float in euros (figures, "2,3 M€",
    "1,5 milliard de dépenses", and numbers in words: "trois millions d'euros")."""
    folded = fold(text)
    if not _DIGIT.search(text):
        return _word_amounts(text, folded) if "illi" in folded or "mille" in folded or "euro" in folded or "€" in folded else []
    found = _word_amounts(text, folded) if "illi" in folded or _WORD_EURO.search(folded) else []
    for match in _AMOUNT.finditer(folded):
        scale = match.group("scale")
        currency = match.group("cur1") or match.group("cur2") or (scale if scale and scale.endswith(("€", "eur")) else None)
        if scale and not currency:
            if scale in ("m", "k", "mille") or _COUNT_AFTER.match(folded, match.end()):
                continue
            # "2,3 millions" alone counts only when the sentence speaks of money.
            if not _MONEY_WORDS.search(folded):
                continue
        if match.start() > 0 and folded[match.start() - 1].isalnum():
            continue
        value = _to_float(match.group("num")) * (_SCALES.get(scale, 1.0) if scale else 1.0)
        end = match.end() - (len(match.group(0)) - len(match.group(0).rstrip()))
        found.append(Amount(round(value, 2), match.start(), end, text[match.start():end]))
    return sorted(found, key=lambda a: a.start)


# A figure given as a point of comparison, not as the object: « bien en dessous des 500 000
# euros », « contre 100 000 € auparavant », « sur les 8 milliards dont il est doté ».
_COMPARISON_BEFORE = re.compile(r"(?:parmi (?:ces|les)|en dessous|au-dessous|au-dessus|loin|au lieu|par rapport|compare\w*|contre|plutot que|"
                                r"sur les|sur un total|sur)\b[^,;:()]{0,12}$")
# « pour pérenniser cette structure dont le budget annuel (500 000 euros) est équivalent à … »: a
# relative clause that gives its antecedent's own budget or cost describes that antecedent; its
# figure is context, not the object of the promise (« un financement dont le montant sera de … » is).
_DESCRIBED_BEFORE = re.compile(r"\bdont (?:le|la|les|son|sa|ses) (?:budget|cout|deficit|chiffre d'affaires|masse salariale|pertes?)\b[^,;:]{0,25}$")
_RANGE_GAP = re.compile(r"\s*(?:a|et|-|ou)\s*")


# « …, alors que le déficit atteint 23 milliards », « …, car 2 millions manquent »: a contrastive
# or causal clause after the trigger gives context, not the object of the promise.
_CONTEXT_CLAUSE = re.compile(r",\s*(?:alors qu|tandis qu|bien qu|meme si|car\b|parce qu|puisqu)")


# A sum per unit (« 50 000 euros par structure », « chacune »), and the envelope it is drawn from.
_PER_UNIT = re.compile(r"\s*(?:\(?[^()]{0,12}\)\s*)?(?:par|pour chaque)\s+(?:structure|centre|maison|pole|projet|site|equipe|etablissement|porteur|beneficiaire)s?\b|\s*chacune?\b")
_ENVELOPE_BEFORE = re.compile(r"\b(?:enveloppe|fonds|dotation globale|budget global|budget total|montant total|total)\b[^,;:()]{0,20}$")


def choose_amount(sentence: str, trigger: int = 0) -> Amount | None:
    """The amount of the promise whose trigger starts at `trigger`: the first amount after
    the trigger in its clause (up to « ; »), else after it, else the first before it; figures
    of a contrastive or causal clause after the trigger (« , alors que … ») or of a fronted
    subordinate clause before it (« Alors que le déficit atteint 23 milliards, … ») are context;
    a point of comparison gives way to the object (« 50 000 euros … bien en dessous des
    500 000 euros »), and the low end of a range to its high end (« de 23,3 milliards à 18
    milliards » → 18 milliards)."""
    found = amounts(sentence)
    if not found:
        return None
    folded = fold(sentence)
    kept = [a for i, a in enumerate(found)
            if not (i + 1 < len(found) and _RANGE_GAP.fullmatch(folded[a.end:found[i + 1].start]))
            and not _COMPARISON_BEFORE.search(folded[max(0, a.start - 30):a.start])]
    found = kept or found
    found = [a for a in found if not _DESCRIBED_BEFORE.search(folded[max(0, a.start - 50):a.start])]
    if not found:
        return None
    context = _CONTEXT_CLAUSE.search(folded, trigger)
    after = [a for a in found if a.start >= trigger and (context is None or a.start < context.start())]
    stop = folded.find(";", trigger)
    own = [a for a in after if stop < 0 or a.start < stop]
    fronted = _fronted_clause_end(folded, trigger)
    before = [a for a in found if fronted < a.start < trigger]
    chosen = own or after or before
    if chosen and _PER_UNIT.match(folded, chosen[0].end):
        # « à hauteur de 50.000 euros par structure, dans le cadre d'une enveloppe de 130 millions
        # d'euros »: the promise is the envelope the per-structure sum comes from (REALSET_GUIDE).
        envelope = [a for a in found if a is not chosen[0] and fronted < a.start
                    and _ENVELOPE_BEFORE.search(folded[max(0, a.start - 40):a.start]) and not _PER_UNIT.match(folded, a.end)]
        if envelope:
            return envelope[0]
    return chosen[0] if chosen else None


_MARKER = r"(?P<marker>jusqu'(?:au|a|en|a la)|d'ici(?: a| au| la| le| fin)?|avant(?: le| la)?|au plus tard(?: le| au| en| fin)?|a compter du|a partir du|des le|pour|au|le|en|fin|d'ici a)?\s*"
_DAY_NUM = re.compile(r"\b(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)\b")
# « 1er », « 1 er » and « 1<sup>er</sup> » (markup residue), « 1re », « premier ».
_FIRST = r"1\s?(?:<sup>)?(?:er|re)\b(?:</sup>)?|premier"
# « le 9 mars dernier » is past; « pour le 16 février dernier délai » is a due date (« at the latest »).
_NOT_LAST = r"(?!\s+derni(?!ers?\s+delai))"
_DAY_WORD = re.compile(r"\b(?P<d>" + _FIRST + r"|\d{1,2})\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?\b" + _NOT_LAST)
_MONTH_ONLY = re.compile(r"\b(?P<edge>fin |debut |mi-|courant |d'ici |avant |jusqu'en |en )?" + _MONTH + r"(?:\s+" + _YEAR + r")?\b" + _NOT_LAST)
_QUARTER = re.compile(r"\b(?P<q>premier|1\s?er|deuxieme|2e|second|troisieme|3e|quatrieme|4e|dernier)\s+trimestre(?:\s+(?:de\s+|d')?" + _YEAR + r")?\b|\bt(?P<qn>[1-4])\s+(?P<qyear>(?:19|20)\d\d)")
# « la fin de l'année 2024 » names its year: read by _YEAR_ONLY (« l'année 2024 »), not as the document's.
_YEAR_END = re.compile(r"\b(?:fin (?:de l'annee|d'annee)|la fin de l'annee|fin de cette annee|cette annee)\b(?!\s+(?:19|20)\d\d)")
# Periods read against the document's date: « d'ici la fin du mois », « le mois prochain »,
# « l'année prochaine » (a month named after « fin du mois de » is read by _MONTH_ONLY).
_RELATIVE_PERIOD = re.compile(r"\b(?:(?:la )?fin (?:du|de ce) (?P<unit>mois)\b(?! de| d')|(?:le |au |du )?(?P<unit2>mois) (?P<next>prochain)|"
                              r"(?:l'|l')(?P<unit3>annee|an) prochaine?)\b")
# « la semaine prochaine » → the Sunday ending the next week; « d'ici la fin de la semaine »,
# « cette semaine », « dans la semaine » → the Sunday ending the document's week.
_WEEK = re.compile(r"\b(?:(?:la |d'ici la |avant la |pour la )?semaine (?P<next>prochaine)|(?:d'ici |avant )?la fin de (?:la|cette) semaine|"
                   r"cette semaine|dans la semaine)\b(?! derniere)")
_YEAR_ONLY = re.compile(r"\b(?P<edge>fin |d'ici |d'ici a |avant |jusqu'en |en |pour |d'ici fin |avant fin |a l'horizon |a horizon |horizon |"
                        r"l'annee |d'annee |exercice |courant |des |au cours de l'annee |d'ici la fin |avant la fin |jusqu'a la fin |a l'echeance (?:de )?|echeance |a compter de (?:l'annee )?|a partir de (?:l'annee )?|"
                        r"au titre de (?:l'annee |l'exercice )?)" + _YEAR +
                        r"\b(?![\s\u00a0]*(?:€|euros?\b|eur\b|[.,]?\d))")
# A range or a list of years or months ends with its last one: « sur la période 2018-2020 »,
# « entre 2013 et 2014 », « de juin à septembre », « les mois de juin, juillet, août et septembre ».
_YEAR_RANGE = re.compile(r"\b(?:(?:19|20)\d\d)\s*(?:-|–|/|a|au|et)\s*" + _YEAR + r"\b(?![\s\u00a0]*(?:€|euros?\b|eur\b|[.,]?\d))")
_MONTH_LIST = re.compile(r"\b(?:" + "|".join(MONTHS) + r")(?:\s*(?:,|-|–|\bet\b|\ba\b|\bau\b|\bou\b)\s*(?:" + "|".join(MONTHS) + r"))*"
                         r"\s*(?:,|-|–|\bet\b|\ba\b|\bau\b|\bou\b)\s*" + _MONTH + r"(?:\s+" + _YEAR + r")?\b(?!\s+derni)")
# « reporter l'application du dispositif à 2022 »: the year a step is put off to.
_POSTPONED_TO = re.compile(r"\b(?:report|repouss|decal|differ|renvo)\w*\b[^.;:!?]{0,60}?\s(?P<at>a (?:l'annee )?)" + _YEAR +
                           r"\b(?![\s\u00a0]*(?:€|euros?\b|eur\b|[.,]?\d))")
_SEMESTER = re.compile(r"\b(?P<s>premier|1\s?er|second|deuxieme|2e|2nd)\s+semestre(?:\s+(?:de\s+|d')?" + _YEAR + r")?\b|\bs(?P<sn>[12])\s+(?P<syear>(?:19|20)\d\d)\b")
# « d'ici la fin du trimestre / du semestre »: the end of the document's quarter or half-year.
_PERIOD_END = re.compile(r"\bfin (?:du|de ce) (?P<unit>trimestre|semestre)\b(?! de| d'| \d)")
_MID_YEAR = re.compile(r"\bmi-" + _YEAR + r"\b")
_NOEL = re.compile(r"\bnoel(?:\s+" + _YEAR + r")?\b(?!\s+dernier)")
_RENTREE = re.compile(r"\b(?:la |cette |a la |de la |d'ici la |avant la |pour la |des la |des cette )rentree(?:\s+(?:de\s+)?" + _YEAR + r"|\s+(?P<next>prochaine))?\b(?!\s+derniere)")
_SEASON = re.compile(r"\b(?P<edge>avant |d'ici |d'ici a |jusqu'a |a |pour |des |fin de |courant )?(?P<det>l'|le |cet |ce |au |en |la fin de l')"
                     r"(?P<season>printemps|ete|automne|hiver)(?:\s+(?P<next>prochain)|\s+(?P<year>(?:19|20)\d\d))?\b(?!\s+dernier)")
# A season ends on its solstice or equinox (winter: in March of the next year).
_SEASON_END = {"printemps": (6, 20), "ete": (9, 22), "automne": (12, 21), "hiver": (3, 20)}
_DEADLINE_MARK = re.compile(r"(jusqu'|d'ici|avant|au plus tard|a compter|a partir|des le|\bau\s*$|fin\s*$|pour\s*$|\ble\s*$)")
_BUDGET_TEXT = re.compile(r"\b(?:budgets?|budgetaires?|lois? de finances|projets? de loi)\b[^,;.:]{0,60}\bpour\s*$")
_START_MARK = re.compile(r"(?:a compter|a partir|des le|des la|des l'|des)\s*(?:du|de|d'|le|la|l')?\s*$")
# A deadline word right before the date, with only articles and « la fin de », « du mois
# de » between (« avant sa démission le 6 octobre » is a date of the démission, not « avant »).
_STRONG_MARK = re.compile(r"(?:jusqu'|d'ici|avant|au plus tard|a compter|a partir|des le|\bfin)"
                          r"(?:\s*(?:\ba|au|aux|en|la|le|les|l'|de|d'|du|fin|mois))*\s*$")
_PAST_MARK = re.compile(r"(plfss pour|lfss pour|plf pour|securite sociale pour|finances pour|depuis|en date du|lancee?s? en|lancee?s? le|date du|du \d+ \w+ au)\s*$")
# Every date pattern above needs a digit, a month, "trimestre" or "annee": a cheap first look.
_MAY_DATE = re.compile(r"\d|trimestre|semestre|annee|\bmois\b|semaine|\ban prochain|printemps|ete\b|automne|hiver|noel|rentree|" + "|".join(MONTHS))
_DIGIT = re.compile(r"\d")
_QUARTERS = {"premier": 1, "1er": 1, "1 er": 1, "deuxieme": 2, "2e": 2, "second": 2, "troisieme": 3, "3e": 3,
             "quatrieme": 4, "4e": 4, "dernier": 4}


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _infer_year(month: int, day: int, date: str | None) -> int | None:
    if not date:
        return None
    year, doc_month, doc_day = int(date[:4]), int(date[5:7]), int(date[8:10])
    return year if (month, day) >= (doc_month, doc_day) else year + 1


# The verb of a clause, told apart by tense: a past form (passé composé, plus-que-parfait,
# imperfect), or a future, conditional or modal one.
_PAST_VERB = re.compile(r"\b(?:(?:a|ont|avait|avaient|avons|avez|avions|aviez|eut|est|sont|etait|etaient|s'est|se sont|s'etait|s'etaient)"
                        r"(?:\s+(?:ete|deja|bien|tous|toutes|donc|alors|aussi|ainsi|enfin|finalement|notamment|pourtant|d'abord))*"
                        r"\s+[a-z]{2,}(?:e|ee|es|ees|i|ie|is|ies|u|ue|us|ues|ert|erte|erts|it|ite|its|int|uit)|[a-z]{3,}(?<!r)(?:ait|aient))\b")
_FUTURE_VERB = re.compile(r"\b(?:[a-z]{2,}(?:era|eront|ira|iront|dra|dront|ra|ront|rait|raient)|va|vont|doit|doivent|peut|peuvent|"
                          r"faut|souhaite|souhaitent|veut|veulent|demande|demandent|compte|comptent)\b")
_CLAUSE_OPENING = re.compile(r"(?:^|[.;:!?]\s*|\n)(?:[\W_]*(?:et|mais|puis|or|ainsi|deja|des|c'est|c'etait)\s+)?[\W_]*$")
# A verb of rescheduling keeps the date it governs: « a été reporté au 1er janvier 2027 ».
# A funding verb in the passive keeps the year it is for: « les crédits ont été alloués en 2026 ».
_PERIOD_VERB = re.compile(r"(?:assur|inscrit|allou|accord|octroy|debloqu|reconduit|promis|engag|acte|vote|confirm|perennis)\w*\s*$")
_RESCHEDULE = re.compile(r"(?:report|repouss|prolong|decal|fix|avance|porte|etendu|programm|prevu|maintenu|garanti|differ|annonce pour)\w*\s*$")
# The date of a meeting, a visit or a letter is an event, not a deadline.
_EVENT_NOUN = re.compile(r"\b(?:reunions?|rencontres?|table ronde|rendez-vous|entretiens?|auditions?|seances?|conferences?|colloques?|"
                         r"manifestations?|rassemblements?|mobilisations?|journees? d'action|assemblees? generales?|congres|assises|greves?|visites?|deplacements?|courriers?|lettres?|debats?|comites? de suivi|"
                         r"votes?|scrutins?|examens?|examine\w*|rencontr\w*|reuni\w*|auditionn\w*|se rend\w*|se deplac\w*|visit\w*)"
                         r"\b[^.,;:«»\"()]{0,60}(?:,\s*(?:prevue?s?|programmee?s?|organisee?s?|fixee?s?)\b[^.,;:]{0,20})?$")
# « après l'automne 2026 », « depuis le mois de juin »: not a due date (« au-delà de juin » is a limit).
_NOT_DUE = re.compile(r"(?:\bapres|\bdepuis(?: le mois)?(?: de| d'| le| la| l')?)\s*(?:le |la |l'|du )?$")
# « À quelques mois de l'année 2024 », « à une dizaine de jours de la fin de l'année »: the time of
# speaking told by its distance to a date, not a due date.
_COUNTDOWN = re.compile(r"\ba\s+(?:quelques|une? (?:dizaine|quinzaine|vingtaine|centaine) d[e']\s*|\d+|[a-z]+)\s*"
                        r"(?:heures?|jours?|semaines?|mois|ans?|annees?)\s+(?:de|d'|du)\s*$")


# A past date in the complement of a verb of promise keeps its role of deadline (REALSET_GUIDE:
# « a reported past promise keeps its own deadline even when it is over »): « avait promis de les
# pérenniser en 2024 », « s'était engagée à rouvrir le centre d'ici fin 2023 ». The date must
# close the promised period (an end word, or « en » + a year) and follow an infinitive or a
# future / conditional of that complement, not a participle (« prolongée jusqu'en avril 2025 »).
_PROMISE_COMPLEMENT = re.compile(r"\b(?:promis|promet\w*|engag\w*|assur\w*|garanti\w*|annonc\w*|confirm\w*|prevoy\w*|prevoi\w*|"
                                 r"voul\w*|souhait\w*|jur\w*)\b[^.;:!?]{0,20}?\b(?P<intro>de|d'|a|qu'|que)(?=\s|\b)")
# The promised verb: an infinitive right after « de / à » (clitics aside), or a future or a
# conditional after « que ».
_INFINITIVE_NEXT = re.compile(r"\s*(?:(?:les|le|la|l'|leur|lui|nous|vous|se|s'|y|en|ne|pas|n')\s*)*[a-z]+(?:er|ir|re|oir)\b")
_FUTURE_IN = re.compile(r"\b[a-z]+(?:era|eront|ira|iront|ra|ront|rait|raient)\b")
# A promise named by its own word governs its object's date with no verb between (« on nous
# avait promis une généralisation en 2024 », « l'engagement d'un financement jusqu'à fin 2025 »);
# at least one word must separate them (« promis en 2024 » may date the promise itself).
_PROMISE_OBJECT = re.compile(r"\b(?:promis\w*|promesses?|engagements?|jur[ae]\w*)\s+(?!(?:le|la|l'|en|au|a|des|dès)\s*$)[^.;:!?]{2,80}$")
_CLOSING_MARK = re.compile(r"(?:jusqu'|d'ici|au plus tard|avant)\s*(?:(?:a|au|en|la|le|l'|fin|de|d'|du)\s*)*$")


def _reported_promise(folded: str, start: int, precision: str) -> bool:
    """True when the (past) date at `start` closes the period of a reported promise."""
    before = folded[max(0, start - 160):start]
    head = before
    if not folded.startswith(("jusqu'", "d'ici", "avant", "au plus tard", "fin ") + (("en ",) if precision == "year" else ()), start):
        closing = _CLOSING_MARK.search(before) or (precision == "year" and re.search(r"\ben\s*$", before))
        if not closing:
            return False
        head = before[:closing.start()]
    if _PROMISE_OBJECT.search(head):
        return True
    for m in _PROMISE_COMPLEMENT.finditer(head):
        tail = head[m.end():]
        if re.search(r"[.;:!?]", tail):
            continue
        if _INFINITIVE_NEXT.match(tail) if m["intro"] in ("de", "d'", "a") else _FUTURE_IN.search(tail):
            return True
    return False


def _future_tense(folded: str, start: int, end: int) -> bool:
    """True when the verb nearest to the date at [start, end) in its sentence is a future, a
    conditional or a modal (« les inspections me présenteront en mars »: next year's March, said
    in December), not a past form (« a confirmé le 18 février »: this year's, already over)."""
    left = max(folded.rfind(c, 0, start) for c in ".;!?") + 1
    stops = [i for i in (folded.find(c, end) for c in ".;!?") if i >= 0]
    right = min(stops) if stops else len(folded)
    nearest: tuple[int, bool] | None = None
    for pattern, future in ((_PAST_VERB, False), (_FUTURE_VERB, True)):
        for m in pattern.finditer(folded, left, right):
            gap = start - m.end() if m.end() <= start else m.start() - end
            if gap >= 0 and (nearest is None or gap < nearest[0]):
                nearest = (gap, future and not _IMPERFECT_IN_R.search(m.group()))
    return nearest is not None and nearest[1]


# « ouvrait », « offrait », « montrait », « déclarait »: imperfects of stems in -r that look like a
# conditional in -rait (« devrait », « recevrait », « vivrait » are conditionals).
_IMPERFECT_IN_R = re.compile(r"(?<!dev)(?<!cev)(?<!viv)[ftaobv]rai(?:en)?t$")


def _past_event(folded: str, start: int, end: int, strong: bool, precision: str = "day") -> bool:
    """A date that frames a past event: it opens its clause and the clause's first verb is in
    a past tense (« Fin septembre, … avaient été modifiés »), or it follows a verb in a past
    tense (« a ouvert au printemps 2024 », « nous avons, dès cette rentrée, décaissé »), or it
    is the date of a meeting or a letter (« une table ronde est programmée mi-novembre »)."""
    before = folded[max(0, start - 90):start]
    if strong and re.search(r"(?:jusqu'|d'ici|avant|au plus tard)\s*(?:la |le |l')?$", before):
        return False
    marker = re.search(r"(?:\b(?:le|l'|en|au|a|des|cette|ce|cet|vers)\s+)*$", before)
    head = before[:marker.start()] if marker else before
    cleft = bool(re.search(r"c'(?:est|etait)\s*$", head)) and bool(re.match(r"\s*qu", folded[end:end + 5]))
    if _CLAUSE_OPENING.search(head) and (folded[end:end + 2].lstrip().startswith(",") or cleft):
        rest = folded[end:end + 160]
        rest = re.sub(r"^\W*(?:ce sont|c'est|ce fut|que|qu')\s*", "", rest)
        past, future = _PAST_VERB.search(rest), _FUTURE_VERB.search(rest)
        if past and (future is None or past.start() < future.start()):
            return True
    head = head.rstrip(" ,")
    verb = _PAST_VERB.search(head[-40:])
    kept_by_verb = _RESCHEDULE.search(head) or (precision == "year" and _PERIOD_VERB.search(head))
    if verb and head[-40:][verb.end():].strip(" ,") == "" and not kept_by_verb:
        return True
    if verb is None and re.search(r"\b(?:avons|avez|a|ont|avait|avaient)\s*,?$", head) and re.match(r"\s*,?\s*[a-z]+(?:e|ee|es|i|is|u|us|ert|it)\b", folded[end:end + 20]):
        return True  # « nous avons, dès cette rentrée, décaissé »
    return (not strong or bool(_START_MARK.search(before))) and bool(_EVENT_NOUN.search(head))


def deadlines(text: str, date: str | None = None) -> list[Deadline]:
    """Every future date of `text` (relative to `date`, ISO), normalised, in text order;
    dates of past events and vague times are left out (see the module's rules)."""
    return list(_deadlines(text, date))


# A sentence is read once per promise found in it, and press copies repeat sentences: the
# readings are remembered (Deadline is frozen; callers get a fresh list).
@functools.lru_cache(maxsize=4096)
def _deadlines(text: str, date: str | None) -> tuple[Deadline, ...]:
    """`deadlines`, as a tuple."""
    folded = fold(text)
    if not _MAY_DATE.search(folded):
        return ()
    taken: list[tuple[int, int]] = []
    found: list[Deadline] = []

    def add(start: int, end: int, iso: str | None, precision: str, year_given: bool = True) -> None:
        if iso is None or any(s < end and start < e for s, e in taken):
            return
        before = folded[max(0, start - 25):start]
        lead = before + ("pour " if folded.startswith("pour ", start) else "")
        if _PAST_MARK.search(lead) or re.search(r"\b(?:p?lfss|plf)\s*$", before) or _BUDGET_TEXT.search(folded[max(0, start - 70):start] + lead[-5:]):
            taken.append((start, end))
            return
        if date and iso < date[:10] and not _reported_promise(folded, start, precision) or _NOT_DUE.search(before) \
                or _COUNTDOWN.search(folded[max(0, start - 40):start]):
            taken.append((start, end))
            return
        strong = bool(_STRONG_MARK.search(before)) or folded[start:end].startswith(("fin", "d'ici", "avant", "jusqu", "a l'horizon", "a horizon"))
        marked = strong or bool(_DEADLINE_MARK.search(before))
        taken.append((start, end))
        if not year_given and not strong and date and iso[:4] > date[:4] and not _future_tense(folded, start, end):
            return  # "a confirmé le 18 février": a year-less date already passed is an event, not a deadline
        if not strong and date and iso == date[:10]:
            return  # "Paris, le 29 janvier 2026": the dateline of the document itself
        if _past_event(folded, start, end, strong, precision):
            return
        begins = bool(_START_MARK.search(before)) or folded[start:end].startswith("des ")
        found.append(Deadline(iso, precision, start, end, text[start:end], marked, strong, begins))

    y: int | None  # the year of each match; None when neither given nor inferable
    for m in _DAY_NUM.finditer(folded):
        d, mo, y = int(m["d"]), int(m["m"]), int(m["y"])
        if 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]:
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}", "day")
    for m in _DAY_WORD.finditer(folded):
        d = int(m["d"]) if m["d"].isdigit() else 1
        mo = MONTHS[m["month"]]
        y = int(m["year"]) if m["year"] else _infer_year(mo, d, date)
        if y and 1 <= d <= calendar.monthrange(y, mo)[1]:
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}", "day", bool(m["year"]))
    for m in _MONTH_LIST.finditer(folded):
        mo = MONTHS[m["month"]]
        y = int(m["year"]) if m["year"] else _infer_year(mo, calendar.monthrange(2001, mo)[1], date)
        if y:
            add(m.start(), m.end(), _last_day(y, mo), "month", bool(m["year"]))
    for m in _YEAR_RANGE.finditer(folded):
        if int(m["year"]) > int(folded[m.start():m.start() + 4]):
            add(m.start(), m.end(), f"{m['year']}-12-31", "year")
    for m in _POSTPONED_TO.finditer(folded):
        add(m.start("at"), m.end(), f"{m['year']}-12-31", "year")
    for m in _QUARTER.finditer(folded):
        q = int(m["qn"]) if m["qn"] else _QUARTERS[re.sub(r"\s+", "", m["q"])]
        year = m["year"] or m["qyear"]
        y = int(year) if year else (int(date[:4]) if date else None)
        if y:
            add(m.start(), m.end(), _last_day(y, q * 3), "quarter")
    for m in _SEMESTER.finditer(folded):
        half = int(m["sn"]) if m["sn"] else (1 if m["s"].startswith(("p", "1")) else 2)
        year = m["year"] or m["syear"]
        y = int(year) if year else (int(date[:4]) if date else None)
        if y:
            add(m.start(), m.end(), _last_day(y, half * 6), "semester")
    for m in _MID_YEAR.finditer(folded):
        add(m.start(), m.end(), f"{m['year']}-06-30", "semester")
    for m in _MONTH_ONLY.finditer(folded):
        if m["month"] == "mai" and not (m["edge"] or m["year"]):
            continue  # "mai" alone is too often something else
        if m["edge"] == "debut " and not _STRONG_MARK.search(folded[max(0, m.start() - 25):m.start()]):
            taken.append((m.start(), m.end()))
            continue  # « Début mars, les engins … entameront »: the start of a month names no day (REALSET_GUIDE)
        mo = MONTHS[m["month"]]
        mid = m["edge"] in ("mi-", "debut ")
        day = 15 if m["edge"] == "mi-" else 10  # « mi-mars » → 15 March, « début avril » → 10 April
        last = day if mid else calendar.monthrange(2001, mo)[1]
        y = int(m["year"]) if m["year"] else _infer_year(mo, last, date)
        if y:
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}-{day:02d}" if mid else _last_day(y, mo), "day" if mid else "month", bool(m["year"]))
    for m in _SEASON.finditer(folded):
        iso = _season_end(m, date)
        if iso:
            add(m.start(), m.end(), iso, "season", bool(m["year"]))
    for m in _NOEL.finditer(folded):
        y = int(m["year"]) if m["year"] else _infer_year(12, 25, date)
        if y:
            add(m.start(), m.end(), f"{y:04d}-12-25", "day", bool(m["year"]))
    for m in _RENTREE.finditer(folded):
        y = int(m["year"]) if m["year"] else _infer_year(9, 30, date)
        if y:
            add(m.start(), m.end(), f"{y:04d}-09-30", "month", bool(m["year"]))
    for m in _YEAR_END.finditer(folded):
        if date:
            add(m.start(), m.end(), f"{date[:4]}-12-31", "year")
    for m in _YEAR_ONLY.finditer(folded):
        add(m.start(), m.end(), f"{m['year']}-12-31", "year")
    if date:
        for m in _RELATIVE_PERIOD.finditer(folded):
            add(m.start(), m.end(), _period_end(m, date), "year" if m["unit3"] else "month")
        for m in _WEEK.finditer(folded):
            import datetime

            today = datetime.date.fromisoformat(date[:10])
            sunday = today + datetime.timedelta(days=6 - today.weekday() + (7 if m["next"] else 0))
            add(m.start(), m.end(), sunday.isoformat(), "day")
        for m in _PERIOD_END.finditer(folded):
            months = 3 if m["unit"] == "trimestre" else 6
            month = -(-int(date[5:7]) // months) * months
            add(m.start(), m.end(), _last_day(int(date[:4]), month), "quarter" if months == 3 else "semester")
    return tuple(sorted(found, key=lambda x: x.start))


def _period_end(m: re.Match, date: str) -> str:
    """« fin du mois » → the last day of the document's month; « le mois prochain » → of the
    next month; « l'année prochaine », « l'an prochain » → 31 December of the next year."""
    year, month = int(date[:4]), int(date[5:7])
    if m["unit3"]:
        return f"{year + 1}-12-31"
    if m["next"]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _last_day(year, month)


def _season_end(m: re.Match, date: str | None) -> str | None:
    """« avant l'été », « au printemps 2026 », « cet hiver »: the end of the season (before,
    by or until summer = the end of spring), the next one after the document's date unless a year says."""
    season = m["season"]
    if (m["edge"] or "").strip() in ("avant", "d'ici", "d'ici a", "jusqu'a"):
        season = {"ete": "printemps", "automne": "ete", "hiver": "automne", "printemps": "hiver"}[season]
    month, day = _SEASON_END[season]
    if m["year"]:
        year = int(m["year"]) + (1 if season == "hiver" else 0)
    elif date:
        year = int(date[:4])
        if f"{year:04d}-{month:02d}-{day:02d}" < date[:10]:
            year += 1
    else:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# « pour un an », « pour une durée de trois ans », « dans moins de 18 mois », « dans les trois mois »,
# « d'ici deux à trois ans » (the upper bound), « prolongé d'un an », « sous 48 heures »: a duration
# from the document's date (a duration in the past, « avait été prolongé pour un an », is dropped
# by the tense rule of `relative_deadlines`; so is one that runs from another event: « dans un délai
# de six mois à compter de la promulgation », « à l'issue de l'expérimentation, … dans un délai de 6 mois »).
_PAST_DURATION = re.compile(r"\b(?:a|ont|avait|avaient|avons|avez|eut|etait|etaient)\s+(?:ete\s+)?[a-z]{2,}(?:e|ee|es|ees|i|is|u|us)\b|[a-z]{3,}(?<!r)(?:ait|aient)\b")
_PLUPERFECT = re.compile(r"\b(?:avait|avaient|eut|etait|etaient)\s+(?:ete\s+)?$")
_COUNT = r"\d{1,3}|" + _NUMBER_WORD + r"(?:[- ]" + _NUMBER_WORD + r")*"
_RELATIVE = re.compile(r"\b(?P<lead>dans un delai (?:maximum |maximal |de rigueur )?d[e']\s*|d'ici\s+(?:a\s+)?|dans\s+(?:moins\s+d[e']\s*|les\s+)?|sous\s+|"
                       r"(?:pour|au cours|durant|pendant)\s+(?:une duree d[e']\s*|les\s+|des\s+)?|(?:prolonge|proroge|reconduit|repousse|reporte|decale|etendu)e?s?\s+(?:de\s+|d'))"
                       r"(?P<n>" + _COUNT + r")(?:\s+(?:a|ou)\s+(?P<n2>" + _COUNT + r"))?\s+(?P<next>prochaine?s\s+)?(?P<unit>heures?|jours?|semaines?|mois|ans?|annees?)\b")
_OTHER_ANCHOR_AFTER = re.compile(r"\s*,?\s*(?:a compter|a partir|apres|suivant|a l'issue|de la (?:promulgation|publication|reception|notification))\b"
                                 r"(?!\s+(?:de ce jour|d'aujourd'hui|du present))")
# « les dix ans de l'Accord »: a duration with its article and a complement measures that
# thing's age or period, not a span from the document's date.
_OF_ANOTHER = re.compile(r"\s+(?:de|d'|du|des|qui suivent|suivant)\b")
_OTHER_ANCHOR_BEFORE = re.compile(r"(?:^|[.;:!?]\s*)[^.;:!?]*\b(?:a l'issue|au terme|a compter|apres l'|apres la|apres le)\b[^.;:!?]*$")


def _count(words: str) -> int | None:
    """« 18 », « six », « vingt-quatre », « une » as an integer (numbers in words read with text2num)."""
    if words.isdigit():
        return int(words)
    from text_to_num import text2num

    tokens = [t for t in words.replace("-", " ").split() if t != "et"]
    if tokens in (["un"], ["une"]):
        return 1
    try:
        return text2num(" ".join(tokens), "fr") or None
    except ValueError:
        return None


# A past verb of saying or promising reports the promise whose duration follows (« a annoncé un
# financement pour un an »); another past verb tells a duration already run.
_REPORTED_PAST = re.compile(r"(?:annonc|promi|confirm|indiqu|precis|assur|garanti|decid|affirm|declar|engag)\w*$")
# An explicit past date that frames the clause of a duration (« Dans une décision de février 2016, … a enjoint
# … dans un délai de neuf mois »): the duration runs from that date, not from the document's.
_DATED_PAST_FRAME = re.compile(r"(?:^|[.;:!?]\s*)[^.;:!?]*?\b(?:(?:\d{1,2}|1er)\s+)?(?:" + "|".join(MONTHS) + r")\s+(?P<year>(?:19|20)\d\d)\b"
                               r"(?P<rest>[^.;:!?]*)$")


def _ran_already(before: str) -> bool:
    """True when a past verb before a duration tells that the duration has run (« avait été
    prolongée pour un an »), not when it reports a promise (« a annoncé … pour un an »)."""
    return any(not _REPORTED_PAST.search(m.group().split()[-1]) for m in _PAST_DURATION.finditer(before))


def _frame_is_past(folded: str, start: int, date: str) -> bool:
    """True when the dated frame before the duration at `start` (see `_DATED_PAST_FRAME`) is in
    an earlier year than the document and a past verb stands between it and the duration."""
    m = _DATED_PAST_FRAME.search(folded[max(0, start - 160):start])
    return bool(m and int(m["year"]) < int(date[:4]) and _PAST_VERB.search(m["rest"]))


def relative_deadlines(text: str, date: str | None) -> list[Deadline]:
    """"dans un délai de trois mois", "d'ici deux ans", "dans cinq ans", "prolongé d'un an":
    the document's date moved forward (day precision)."""
    return list(_relative_deadlines(text, date))


@functools.lru_cache(maxsize=4096)
def _relative_deadlines(text: str, date: str | None) -> tuple[Deadline, ...]:
    """`relative_deadlines`, as a tuple."""
    if not date:
        return ()
    import datetime

    folded = fold(text)
    found = []
    base = datetime.date.fromisoformat(date[:10])
    for m in _RELATIVE.finditer(folded):
        before = folded[max(0, m.start() - 40):m.start()]
        lead = m["lead"]
        if lead.startswith(("pendant", "durant", "au cours")) and not m["next"]:
            continue  # « pendant deux ans »: how long, not by when (« au cours des deux prochaines années » is)
        if lead.startswith(("pour", "pendant", "durant")) and _ran_already(before):
            continue  # « avait été prolongée pour un an »: a duration already run
        if lead[0] in "prd" and not lead.startswith(("dans", "d'ici")) and _PLUPERFECT.search(before):
            continue  # « avait été prolongée d'un an »
        if "les " in lead and _OF_ANOTHER.match(folded, m.end()):
            continue  # « pour les dix ans de l'Accord », « dans les trois mois de sa publication »: X's age or period
        if _OTHER_ANCHOR_AFTER.match(folded, m.end()) or _OTHER_ANCHOR_BEFORE.search(folded[max(0, m.start() - 160):m.start()]):
            continue
        n = _count(m["n2"] or m["n"])
        if not n:
            continue
        if _frame_is_past(folded, m.start(), date):
            continue  # « Dans une décision de février 2016, le Conseil d'État a enjoint … dans un délai de neuf mois »
        unit = m["unit"]
        if unit.startswith(("heure", "jour", "semaine")):
            days = -(-n // 24) if unit.startswith("heure") else n * (7 if unit.startswith("semaine") else 1)
            iso = (base + datetime.timedelta(days=days)).isoformat()
        else:
            months = n if unit == "mois" else 12 * n
            y, mo = divmod(base.month - 1 + months, 12)
            year, month = base.year + y, mo + 1
            iso = f"{year:04d}-{month:02d}-{min(base.day, calendar.monthrange(year, month)[1]):02d}"
        found.append(Deadline(iso, "day", m.start(), m.end(), text[m.start():m.end()], True, True))
    return tuple(found)


def pick_deadline(candidates: list[Deadline]) -> Deadline | None:
    """The deadline of a sentence: the first one introduced by an unambiguous deadline word
    ("jusqu'au", "d'ici", "avant"...), else the first marked one, else the first one; an end
    date before a start date (« à partir du 1er mai et jusqu'à fin 2026 » → 2026-12-31)."""
    if not candidates:
        return None
    ends = [c for c in candidates if not c.begins]
    for pool in (ends, candidates):
        strong = [c for c in pool if c.strong]
        marked = [c for c in pool if c.marked]
        if strong or marked:
            return (strong or marked)[0]
    return (ends or candidates)[0]


# A demand's own due date: an unambiguous deadline word, or a day, quarter or half-year
# (« au 1er janvier 2027 »), or a year introduced by « pour l'année », « dès », « à horizon ».
_DEMAND_YEAR = re.compile(r"(?:pour l'annee|des|horizon|courant|d'ici)\s*$")
# « la mission de lui remettre pour juin prochain un plan »: a month introduced by « pour » is the due date.
_DUE_MONTH = re.compile(r"\bpour\s*(?:le mois d[e']\s*|la fin\s*(?:de\s*|d')?)?$")
# « plusieurs SEC-Pa qui pourraient fermer avant l'été »: a consequence foreseen in a relative
# clause is not the date asked for.
_FORESEEN = re.compile(r"\b(?:qui|que|dont)\b[^,;:]{0,30}\b\w+(?:rait|raient)\b[^,;:]*$")
# « dénonce la décision d'arrêter l'expérimentation au 30 avril »: the date of what is
# criticised (an end, a cut, a scheduled step) is not the date asked for.
_CRITICISED = re.compile(r"\b(?:arret\w*|fin|suppression|supprim\w*|interromp\w*|interruption|cessation|baisse|decision|prevue?s?)\b")


# « Alors que le déficit atteint 23 milliards, la ministre promet … »: a fronted subordinate clause
# (concessive, temporal, causal, conditional) closed by a comma before the trigger speaks of its
# own verb, not of the trigger's.
_FRONTED_SUBORDINATE = re.compile(r"^\W*(?:alors qu|tandis qu|bien qu|meme si|si |lorsqu|quand |puisqu|parce qu|comme |depuis qu|apres qu|avant qu)")


def _fronted_clause_end(folded: str, trigger: int) -> int:
    """Where a fronted subordinate clause closed by a comma before `trigger` ends, else -1."""
    close = folded.find(",")
    return close if _FRONTED_SUBORDINATE.match(folded) and 0 <= close < trigger else -1


def before_trigger(candidates: list[Deadline], sentence: str, trigger: int) -> list[Deadline]:
    """The dates before the trigger at `trigger` that can still be its deadline: not those of a
    fronted subordinate clause that closes, with a comma, before the trigger (« Alors que
    l'expérimentation touche à sa fin le 30 avril 2025, le comité … s'est prononcé »: the date
    is that clause's). For `choose_deadline`'s last fallback."""
    close = _fronted_clause_end(fold(sentence), trigger)
    return [d for d in candidates if close < d.start < trigger]


# « demandent le report de l'arrêt au 31 décembre »: a change asked for gives the criticised
# step its new date; « demande que le financement soit maintenu en 2026 »: the year of what is asked.
_ASKED_CHANGE = re.compile(r"\b(?:report\w*|prolong\w*|repouss\w*|decal\w*|maintien|mainteni\w*|maintenu\w*|reconduct\w*|reconduire)\b")
_ASKED_CONTENT = re.compile(r"\b(?:mainten\w*|maintien|prolong\w*|perennis\w*|garanti\w*|reconduit\w*|reconduire|financ\w*|verse\w*|inscri\w*)\b[^,;:]{0,30}$")


# « vise 5 000 maisons « France Santé » en 2027 », « jusqu'à 4 000 en 2027 »: a count and its noun
# right before « en » + a year is a target, and the year is when it is due.
_TARGET_COUNT = re.compile(r"\b\d[\d \u00a0.]*(?:\s+[^\s,;:.!?]+){0,3}\s*$")


def demand_deadlines(candidates: list[Deadline], sentence: str, trigger: int) -> list[Deadline]:
    """The dates after a demand's trigger that can be what is asked for (see `_DEMAND_YEAR`),
    without the dates of a consequence foreseen in a relative clause."""
    folded = fold(sentence)
    kept = []
    for d in candidates:
        span = folded[trigger:d.start]
        if d.start < trigger or _FORESEEN.search(span) or (_CRITICISED.search(span) and not _ASKED_CHANGE.search(span)):
            continue
        before = folded[max(0, d.start - 15):d.start]
        if d.strong or (d.marked and d.precision in ("day", "quarter", "semester")) or _DEMAND_YEAR.search(before) \
                or (d.precision == "month" and _DUE_MONTH.search(before)) \
                or (d.precision == "year" and folded[d.start:d.end].startswith(("des ", "courant ", "a horizon", "a l'horizon", "l'annee "))) \
                or (d.precision == "year" and folded[d.start:d.end].startswith("en ")
                    and (_ASKED_CONTENT.search(folded[max(0, d.start - 40):d.start]) or _TARGET_COUNT.search(folded[max(0, d.start - 40):d.start]))):
            kept.append(d)
    return kept


# A date the promise had before (« qui devait s'arrêter fin avril ») is no longer its deadline.
_FORMER_WORDS = r"devait|devaient|initialement|prevue? (?:pour|jusqu')|annonce (?:de|d'|du)|depuis|suite a|apres"
_FORMER = re.compile(rf"(?:{_FORMER_WORDS}|l'arret)\b[^,;]{{0,40}}$")
# In an announcement, « l'arrêt … au 30 avril » is the announced end, whose date is the item's
# deadline (REALSET_GUIDE: « for an announced end, the end date »), as « la fin … au 30 avril » is.
_FORMER_ANNOUNCED = re.compile(rf"(?:{_FORMER_WORDS})\b[^,;]{{0,40}}$")


# « craint de devoir fermer ses portes avant fin 2008 », « menacé de fermeture début novembre »,
# « craignant une réduction drastique de leur budget, dès la fin de l'expérimentation »:
# the complement of a verb or noun of fear is the feared event, dated as such.
_FEARED = re.compile(r"\b(?:crai(?:n|gn)\w*|redout\w*|risqu\w*|menace\w*|peur|inquiet\w*)\s+(?:de\s+|d'|qu'|que\s+)[^.;:!?]{0,90}$"
                     r"|\b(?:crai(?:n|gn)\w*|redout\w*)\s+(?:une?|la|le|les|l'|des)\s*[^.;:!?]{0,90}$")
# « …, ce qui induit l'obligation de négocier … sous 6 mois », « de quoi offrir un sursis »: a
# clause that takes the whole preceding clause as its antecedent states a consequence.
_CONSEQUENCE = re.compile(r",\s*(?:ce qui|ce qu'|ce que|de quoi)\b")
# « dans le cadre de la convention … conclue … pour 2022-2024 »: a date that a past participle
# attaches to the noun of a frame dates the frame (when it was concluded, for which period), not
# the verb (« financées dans le cadre de France Santé en 2026 » keeps its year).
_FRAME = re.compile(r"\bdans le cadre d(?:e|u|es|')[^.;:!?,]*\b(?:conclu|sign|adopt|vot|negoci|etabli|arret|defini|fix|approuv)(?:e|ee|es|ees|i|ie|is|ies|u|ue|us|ues)\b[^.;:!?,]*$")
# « … du futur Pôle de santé qui ouvrira ses portes à l'automne 2024 »: a relative clause after the
# trigger that tells when a place opens dates that place, not the promise (REALSET_GUIDE).
_OPENING_RELATIVE = re.compile(r"\b(?:qui|ou|dont)\s+(?:[a-z']+\s+){0,2}?(?:ouvr\w*|inaugur\w*|accueill\w*|demarr\w*|sera livre\w*)\b[^,;:]*$")
# « Une réunion doit se tenir à l'ARS le 22 décembre pour finaliser … pour l'année 2015 », « sera
# reçue le 17 novembre » (the passive: « recevront leur dotation » is money): when the promise is a meeting, its day is an event date and the purpose's
# year is not a deadline either (REALSET_GUIDE: a scheduled meeting has no deadline).
_MEETING = re.compile(r"\b(?:reunions?|rencontres?|rendez-vous|table ronde|entretiens?|auditions?)\b|\b(?:sera|seront|etre)\s+recue?s?\b|"
                      r"\b(?:reunira|reuniront|rencontrera|rencontreront)\b|\brecevr(?:a|ont)\s+(?:les|des|une|la|le|l'|leurs?)\s*(?:[a-z]+\s+)?"
                      r"(?:representant|delegation|collectif|structure|porteur|elu|syndicat|federation|equipe|acteur|professionnel|directeur|directrice|responsable)")


def _meeting_plan(folded: str, trigger: int) -> bool:
    """True when the trigger's clause plans a meeting on a named day (see `_MEETING`)."""
    for m in _MEETING.finditer(folded, max(0, trigger - 60), trigger + 40):
        tail = folded[m.end():m.end() + 80]
        cut = re.search(r"[.;:!?]", tail)
        tail = tail[:cut.start()] if cut else tail
        if _DAY_WORD.search(tail) or _DAY_NUM.search(tail):
            return True
    return False


def _not_the_promise(folded: str, d: Deadline, trigger: int) -> bool:
    """True when the date at `d` belongs to another clause than the promise at `trigger`: the
    feared event, a consequence clause, a frame, the opening of a place named after the trigger."""
    before = folded[max(0, d.start - 120):d.start]
    if _FEARED.search(before) or (not d.strong and _FRAME.search(before)):
        return True
    span = folded[trigger:d.start] if d.start > trigger else ""
    return bool(_CONSEQUENCE.search(span) or _OPENING_RELATIVE.search(span))


def choose_deadline(sentence: str, date: str | None, trigger: int, kind: str) -> Deadline | None:
    """The deadline of the promise: dates already past in the sentence's own terms (« qui
    devait s'arrêter fin avril ») are dropped, and so are the dates of another clause (a feared
    event, a consequence, a frame, a place's opening; see `_not_the_promise`); a planned
    meeting has only strong deadlines; after the trigger first, then before it."""
    folded = fold(sentence)
    former = _FORMER_ANNOUNCED if kind == "announcement" else _FORMER
    found = [d for d in deadlines(sentence, date) + relative_deadlines(sentence, date)
             if not former.search(folded[max(0, d.start - 45):d.start]) and not _not_the_promise(folded, d, trigger)]
    if _meeting_plan(folded, trigger):
        found = [d for d in found if d.strong]
    if kind == "demand":  # what is asked for by a date says so (« d'ici », « avant », « au 1er janvier »)
        found = demand_deadlines(found, sentence, trigger)
    after = sorted((d for d in found if d.start >= trigger), key=lambda d: d.start)
    # The trigger's own clause first (« seront maintenus en 2026 : dispositif prolongé
    # jusqu'à fin octobre… »: what follows the colon details the promise).
    stop = re.search(r"[:;]", folded[trigger:])
    own = [d for d in after if stop is None or d.start < trigger + stop.start()]
    return (pick_deadline(own) or pick_deadline(after)
            or pick_deadline(before_trigger(sorted(found, key=lambda d: d.start), sentence, trigger)))
