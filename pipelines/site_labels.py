"""French words for the codes the site's list pages show that `pipelines.labels` does not
cover yet (parliamentary questions, chambers, mandates' organs), and the one-line cause of a
source's failure as staff read it. Pure functions; candidates to move into `pipelines.labels`.
"""

from __future__ import annotations

import re

QUESTION_STATUS_LABELS = {
    "pending": "en attente", "reminded": "relancée", "answered": "répondue", "withdrawn": "retirée",
    "lapsed": "caduque", "converted": "transformée", "open": "sans réponse",
}
QUESTION_KIND_LABELS = {
    "QE": "question écrite", "QOSD": "question orale sans débat", "QG": "question au Gouvernement",
    "QAG": "question au Gouvernement", "QO": "question orale", "QOAD": "question orale avec débat",
}
CHAMBER_LABELS = {"AN": "Assemblée nationale", "SN": "Sénat", "SENAT": "Sénat", "Sénat": "Sénat"}
ORGANE_KIND_LABELS = {
    "GP": "groupe politique", "COMPER": "commission permanente", "COMSPSENAT": "commission du Sénat",
    "MINISTERE": "ministère", "GOUVERNEMENT": "Gouvernement", "ASSEMBLEE": "Assemblée nationale",
    "PARPOL": "parti politique", "GE": "groupe d'études", "GA": "groupe d'amitié", "CMP": "commission mixte paritaire",
    "DELEG": "délégation", "DELEGBUREAU": "délégation du Bureau", "ORGEXTPARL": "organisme extraparlementaire",
    "CNPS": "commission d'enquête ou mission", "COMNL": "commission non législative", "CIRCONSCRIPTION": "circonscription",
    "BUREAU": "Bureau", "CONFPT": "Conférence des présidents", "MISINFO": "mission d'information",
    "CNPE": "commission d'enquête", "COMSENAT": "commission du Sénat", "GROUPESENAT": "groupe du Sénat",
    "SENAT": "Sénat", "API": "assemblée parlementaire internationale", "OFFPAR": "office parlementaire",
}
SOURCE_STATE_LABELS = {"ok": "en service", "warning": "avertissement", "failed": "en échec",
                       "jamais collectée": "jamais collectée", None: "jamais collectée", "": "jamais collectée"}
MANDATE_ROLE_LABELS = {"membre": "membre", "member": "membre", "president": "président", "président": "président"}


def label_of(table: dict, code: str | None) -> str:
    """The French word of a code, the code itself when unknown, "" for None."""
    if code is None:
        return ""
    return table.get(code, table.get(str(code).upper(), code))


def mandate_words(role: str | None, organe: str | None, kind: str | None) -> str:
    """A mandate in words: « Membre du groupe d'études Santé » rather than « Membre — GE »;
    the kind of organ in words when the organ has no name."""
    role = (role or "").strip() or "Membre"
    what = label_of(ORGANE_KIND_LABELS, kind) if kind else ""
    if organe and organe != kind:
        return f"{role} — {organe}" + (f" ({what})" if what and what.lower() not in organe.lower() else "")
    return f"{role} — {what}" if what else role


def failure_cause(error: str | None) -> str:
    """The cause of a source's last failure in one French line: the Python exception names
    some errors end with are dropped (« … (CharacterEncodingOverride) » → « … »)."""
    text = " ".join((error or "").split())
    text = re.sub(r"\s*\((?:[A-Z][a-z]+){2,}(?:Error|Exception|Override|Warning)?\)\s*$", "", text)
    return text
