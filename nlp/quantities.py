"""Amounts in euros and deadlines, normalised from French wording.

`amounts(text)` finds "2,3 millions", "14 M€", "130 millions d'euros", "500 000 euros";
`deadlines(text, date)` finds "jusqu'au 31/12/2026", "avant fin juin" (read against the
document's date), "au 1er novembre 2026", "d'ici la fin de l'année", and returns ISO dates
with their precision (day, month, quarter, year). Past dates are never deadlines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from nlp.text import fold

MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_MONTH = "(?P<month>" + "|".join(MONTHS) + ")"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_NUMBER = r"(?P<num>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?)"
_SCALE = (r"(?P<scale>milliards?|mds?|md€|mrd|millions?|m€|m\b|mln|k€|k\b|mille)")
_AMOUNT = re.compile(
    _NUMBER + r"\s*(?:" + _SCALE + r"\s*(?P<cur1>€|euros?\b|d'euros\b|de euros\b)?|(?P<cur2>€|euros?\b))",
)
_SCALES = {"milliard": 1e9, "milliards": 1e9, "md": 1e9, "mds": 1e9, "md€": 1e9, "mrd": 1e9,
           "million": 1e6, "millions": 1e6, "m€": 1e6, "m": 1e6, "mln": 1e6, "k€": 1e3, "k": 1e3, "mille": 1e3}
# "2 millions de Français": a scale followed by "de" + a noun that is not euros (nor a word
# for money: "1,5 milliard de dépenses") is a count.
_COUNT_AFTER = re.compile(r"\s*(?:de |d')(?!euros|depenses|credits|financements?|dotation|budget|fonds|subventions?|aides?)\w")
_NUMBER_WORD = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
                r"vingts?|trente|quarante|cinquante|soixante|cents?|et)")
_WORD_AMOUNT = re.compile(r"(?<![\w-])(?P<words>" + _NUMBER_WORD + r"(?:[- ]" + _NUMBER_WORD + r")*)\s+"
                          r"(?P<scale>milliards?|millions?|mille)\s+(?:d'euros|de euros|euros?|€)")


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


def _to_float(num: str) -> float:
    num = re.sub(r"[ \u00a0\u202f]", "", num)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
        num = num.replace(".", "")
    return float(num.replace(",", "."))


def _word_amounts(text: str, folded: str) -> list[Amount]:
    """"trois millions d'euros", "un milliard d'euros": numbers in words (read with text2num)."""
    from text_to_num import text2num

    found = []
    for match in _WORD_AMOUNT.finditer(folded):
        words = match.group("words").replace("-", " ").split()
        while words and words[0] == "et":
            words = words[1:]
        try:
            number = text2num(" ".join(words), "fr") if words else 0
        except ValueError:
            continue
        if number:
            value = float(number) * _SCALES[match.group("scale")]
            start = match.start() + match.group(0).index(words[0]) if words[0] in match.group(0) else match.start()
            found.append(Amount(round(value, 2), start, match.end(), text[start:match.end()]))
    return found


def amounts(text: str) -> list[Amount]:
    """Every euro amount in `text`, normalised to a float in euros (figures, "2,3 M€",
    "1,5 milliard de dépenses", and numbers in words: "trois millions d'euros")."""
    folded = fold(text)
    if not _DIGIT.search(text):
        return _word_amounts(text, folded) if "illi" in folded or "mille" in folded else []
    found = _word_amounts(text, folded) if "illi" in folded else []
    for match in _AMOUNT.finditer(folded):
        scale = match.group("scale")
        currency = match.group("cur1") or match.group("cur2")
        if scale and not currency:
            if scale in ("m", "k", "mille") or _COUNT_AFTER.match(folded, match.end()):
                continue
            # "2,3 millions" alone counts only when the sentence speaks of money.
            if not re.search(r"euro|€|depense|financ|budget|credit|enveloppe|dotation|fonds|subvention|montant|cout|verse|alloue|debloque|promi|garanti|engag|accord",
                             folded):
                continue
        if match.start() > 0 and folded[match.start() - 1].isalnum():
            continue
        value = _to_float(match.group("num")) * (_SCALES.get(scale, 1.0) if scale else 1.0)
        end = match.end() - (len(match.group(0)) - len(match.group(0).rstrip()))
        found.append(Amount(round(value, 2), match.start(), end, text[match.start():end]))
    return sorted(found, key=lambda a: a.start)


_MARKER = r"(?P<marker>jusqu'(?:au|a|en|a la)|d'ici(?: a| au| la| le| fin)?|avant(?: le| la)?|au plus tard(?: le| au| en| fin)?|a compter du|a partir du|des le|pour|au|le|en|fin|d'ici a)?\s*"
_DAY_NUM = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d)\b")
_DAY_WORD = re.compile(r"\b(?P<d>1er|premier|\d{1,2})\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?\b")
_MONTH_ONLY = re.compile(r"\b(?P<edge>fin |debut |mi-|courant |d'ici |avant |jusqu'en |en )?" + _MONTH + r"(?:\s+" + _YEAR + r")?\b")
_QUARTER = re.compile(r"\b(?P<q>premier|1er|deuxieme|2e|second|troisieme|3e|quatrieme|4e|dernier)\s+trimestre(?:\s+(?:de\s+|d')?" + _YEAR + r")?\b|\bt(?P<qn>[1-4])\s+(?P<qyear>(?:19|20)\d\d)")
_YEAR_END = re.compile(r"\b(?:fin (?:de l'annee|d'annee)|la fin de l'annee|fin de cette annee|cette annee)\b")
# Periods read against the document's date: « d'ici la fin du mois », « le mois prochain »,
# « l'année prochaine » (a month named after « fin du mois de » is read by _MONTH_ONLY).
_RELATIVE_PERIOD = re.compile(r"\b(?:(?:la )?fin (?:du|de ce) (?P<unit>mois)\b(?! de| d')|(?:le |au |du )?(?P<unit2>mois) (?P<next>prochain)|"
                              r"(?:l'|l')(?P<unit3>annee|an) prochaine?)\b")
_YEAR_ONLY = re.compile(r"\b(?P<edge>fin |d'ici |d'ici a |avant |jusqu'en |en |pour |d'ici fin |avant fin |a l'horizon |l'annee |exercice )" + _YEAR + r"\b")
_SEASON = re.compile(r"\b(?P<edge>avant |d'ici |d'ici a |jusqu'a |a |pour |des |fin de |courant )?(?P<det>l'|le |cet |ce |au |en |la fin de l')"
                     r"(?P<season>printemps|ete|automne|hiver)(?:\s+(?P<next>prochain)|\s+(?P<year>(?:19|20)\d\d))?\b(?!\s+dernier)")
# A season ends on its solstice or equinox (winter: in March of the next year).
_SEASON_END = {"printemps": (6, 20), "ete": (9, 22), "automne": (12, 21), "hiver": (3, 20)}
_DEADLINE_MARK = re.compile(r"(jusqu'|d'ici|avant|au plus tard|a compter|a partir|des le|\bau\s*$|fin\s*$|pour\s*$|\ble\s*$)")
_STRONG_MARK = re.compile(r"(jusqu'|d'ici|avant|au plus tard|a compter|a partir|des le|fin\s*$)")
_PAST_MARK = re.compile(r"(plfss pour|lfss pour|plf pour|securite sociale pour|finances pour|depuis|en date du|lancee?s? en|lancee?s? le|date du|du \d+ \w+ au)\s*$")
# Every date pattern above needs a digit, a month, "trimestre" or "annee": a cheap first look.
_MAY_DATE = re.compile(r"\d|trimestre|annee|\bmois\b|\ban prochain|printemps|ete\b|automne|hiver|" + "|".join(MONTHS))
_DIGIT = re.compile(r"\d")
_QUARTERS = {"premier": 1, "1er": 1, "deuxieme": 2, "2e": 2, "second": 2, "troisieme": 3, "3e": 3,
             "quatrieme": 4, "4e": 4, "dernier": 4}


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _infer_year(month: int, day: int, date: str | None) -> int | None:
    if not date:
        return None
    year, doc_month, doc_day = int(date[:4]), int(date[5:7]), int(date[8:10])
    return year if (month, day) >= (doc_month, doc_day) else year + 1


def deadlines(text: str, date: str | None = None) -> list[Deadline]:
    """Every future date of `text` (relative to `date`, ISO), normalised, in text order."""
    folded = fold(text)
    if not _MAY_DATE.search(folded):
        return []
    taken: list[tuple[int, int]] = []
    found: list[Deadline] = []

    def add(start: int, end: int, iso: str | None, precision: str, year_given: bool = True) -> None:
        if iso is None or any(s < end and start < e for s, e in taken):
            return
        before = folded[max(0, start - 25):start]
        if _PAST_MARK.search(before) or re.search(r"\b(?:p?lfss|plf)\s*$", before):
            taken.append((start, end))
            return
        if date and iso < date[:10]:
            taken.append((start, end))
            return
        strong = bool(_STRONG_MARK.search(before)) or folded[start:end].startswith(("fin", "d'ici", "avant", "jusqu"))
        marked = strong or bool(_DEADLINE_MARK.search(before))
        taken.append((start, end))
        if not year_given and not strong and date and iso[:4] > date[:4]:
            return  # "a confirmé le 18 février": a year-less date already passed is an event, not a deadline
        if not strong and date and iso == date[:10]:
            return  # "Paris, le 29 janvier 2026": the dateline of the document itself
        found.append(Deadline(iso, precision, start, end, text[start:end], marked, strong))

    y: int | None  # the year of each match; None when neither given nor inferable
    for m in _DAY_NUM.finditer(folded):
        d, mo, y = int(m["d"]), int(m["m"]), int(m["y"])
        if 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]:
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}", "day")
    for m in _DAY_WORD.finditer(folded):
        d = 1 if m["d"] in ("1er", "premier") else int(m["d"])
        mo = MONTHS[m["month"]]
        y = int(m["year"]) if m["year"] else _infer_year(mo, d, date)
        if y and 1 <= d <= calendar.monthrange(y, mo)[1]:
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}", "day", bool(m["year"]))
    for m in _QUARTER.finditer(folded):
        q = int(m["qn"]) if m["qn"] else _QUARTERS[m["q"]]
        year = m["year"] or m["qyear"]
        y = int(year) if year else (int(date[:4]) if date else None)
        if y:
            add(m.start(), m.end(), _last_day(y, q * 3), "quarter")
    for m in _MONTH_ONLY.finditer(folded):
        if m["month"] == "mai" and not (m["edge"] or m["year"]):
            continue  # "mai" alone is too often something else
        mo = MONTHS[m["month"]]
        y = int(m["year"]) if m["year"] else _infer_year(mo, calendar.monthrange(2001, mo)[1], date)
        if y:
            add(m.start(), m.end(), _last_day(y, mo), "month", bool(m["year"]))
    for m in _SEASON.finditer(folded):
        iso = _season_end(m, date)
        if iso:
            add(m.start(), m.end(), iso, "season", bool(m["year"]))
    for m in _YEAR_END.finditer(folded):
        if date:
            add(m.start(), m.end(), f"{date[:4]}-12-31", "year")
    for m in _YEAR_ONLY.finditer(folded):
        add(m.start(), m.end(), f"{m['year']}-12-31", "year")
    if date:
        for m in _RELATIVE_PERIOD.finditer(folded):
            add(m.start(), m.end(), _period_end(m, date), "year" if m["unit3"] else "month")
    return sorted(found, key=lambda x: x.start)


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


_COUNT_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
                "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "dix-huit": 18, "vingt": 20, "trente": 30}
_RELATIVE = re.compile(r"\b(?:dans un delai d[e']\s*|d'ici\s+(?:a\s+)?|dans\s+|sous\s+)(?P<n>\d{1,2}|" + "|".join(_COUNT_WORDS) +
                       r")\s+(?P<unit>jours?|semaines?|mois|ans?|annees?)\b")


def relative_deadlines(text: str, date: str | None) -> list[Deadline]:
    """"dans un délai de trois mois", "d'ici deux ans", "dans cinq ans": the document's date
    moved forward (day precision for days and weeks, month precision otherwise)."""
    if not date:
        return []
    import datetime

    folded = fold(text)
    found = []
    base = datetime.date.fromisoformat(date[:10])
    for m in _RELATIVE.finditer(folded):
        n = int(m["n"]) if m["n"].isdigit() else _COUNT_WORDS[m["n"]]
        unit = m["unit"]
        if unit.startswith(("jour", "semaine")):
            day = base + datetime.timedelta(days=n * (7 if unit.startswith("semaine") else 1))
            iso, precision = day.isoformat(), "day"
        else:
            months = n if unit == "mois" else 12 * n
            y, mo = divmod(base.month - 1 + months, 12)
            year, month = base.year + y, mo + 1
            iso = f"{year:04d}-{month:02d}-{min(base.day, calendar.monthrange(year, month)[1]):02d}"
            precision = "day"
        found.append(Deadline(iso, precision, m.start(), m.end(), text[m.start():m.end()], True, True))
    return found


def pick_deadline(candidates: list[Deadline]) -> Deadline | None:
    """The deadline of a sentence: the first one introduced by an unambiguous deadline word
    ("jusqu'au", "d'ici", "avant"...), else the first marked one, else the first one."""
    if not candidates:
        return None
    strong = [c for c in candidates if c.strong]
    marked = [c for c in candidates if c.marked]
    return (strong or marked or candidates)[0]
