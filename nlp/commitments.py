"""Commitments: sentence-level rules for who commits, announces, demands or refuses what.

A sentence about the topic (checked by the caller) with a trigger becomes one commitment:
its kind (the strongest trigger: refusal > demand > commitment > announcement), its actor
(the subject before the trigger, the agent after it, "selon X", or the antecedent of a
leading pronoun), the amount in euros and the deadline. Reported speech counts: in "le
ministère a confirmé le maintien des financements" the commitment is the ministry's.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc

from nlp.parse_triggers import asked_future, parse_trigger, surface_cue
from nlp.quantities import Amount, Deadline, choose_amount, choose_deadline
from nlp.syntax import Clause, background_clause, clause, detached_participle, negated_content, stray_trigger
from nlp.text import fold
from nlp.verbs import future_main_verb, lexicon_triggers

_W = r"(?<![\w-])"


def _verbs(*stems: str) -> str:
    return _W + "(?:" + "|".join(stems) + r")\w*"


# A plan without an agent or of the speaker: a scheduled opening, start or meeting in the simple
# future (« une maison de santé … ouvrira boulevard… », « des groupes de travail qui débuteront au
# premier semestre »), a first-person near future or continuation of
# an act (« nous allons travailler à l'élaboration d'un dispositif », « nous continuerons à créer »). A
# trigger of last resort: another trigger of the sentence says better what it is (« Annoncée… par le
# gouvernement, une expérimentation débutera en janvier »).
_PLAN = (r"(?:(?:ouvrir|debuter|commencer|entamer|demarrer|inaugurer|deployer)(?:a|ont)|recevr(?:a|ont)|"
         r"sera marque(?: [\w']+){0,5} par l'ouverture|"
         r"(?:je vais|nous allons) (?:\w+ )?(?!(?:dire|parler|voir|venir|revenir|essayer|repondre|commencer|conclure|terminer|"
         r"aborder|evoquer|rappeler|preciser|expliquer|vous|y|en)\b)\w+(?:er|ir|re)|nous continuerons (?:a|de)|je continuerai (?:a|de))\b")

COMMIT_VERBS = _verbs(
    "s'engag", "s'est engag", "se sont engag", "(?<!s')engag(?:e|ent|era|eront)\\s+a\\b", "en s'engageant", "garanti", "promet", "promis", "confirm", "assur(?!ance)",
    "mainten", "maintiendr", "accepte", "accepter", "accepté", "prolong", "perennis", "debloqu", "a accord", "ont accord", "accordera", "versera", "financera",
    "sera verse", "seront verse", "sera maintenu", "seront maintenu", "reconduit", "reconduir", "prorog",
    "s'est dit pret", "s'est dite pret", "a tranche en faveur", "arbitr\\w* en faveur", "(?:a|ont|avait|avaient|aurait|il|elle|on) acte\\b", "acte(?:nt|r|ra|ront)\\b", "sanctuaris", "integrer", "integrera",
    "generalis(?:e|er|era|eront|ee|ees)\\b", "entrer dans le droit commun", "entreront dans le droit commun",
    "s'employ\\w* a (?:les |la |le )?rassurer", "rassur(?:e|er|era)\\b", "reaffirm", "volonte de perenniser",
    "revenu sur sa decision", "maintient", "(?<!s')accorde\\b", "veut consacrer", "doit\\b[^.;]{0,40}?\\bdeposer",
    "nous allons (?:augmenter|maintenir|financer|prolonger)",
    # A first-person near future of an act (« je vais confier à la HAS une mission »), and a
    # reflexive « s'engager » in any tense with an adverb (« s'était alors engagée à »).
    "(?:je|nous) (?:vais|allons) (?:\\w+ )?(?:confier|lancer|creer|ouvrir|mettre en place|engager|financer|saisir|reunir|installer|"
    "augmenter|maintenir|prolonger|deposer|soutenir|accompagner|perenniser|debloquer|verser|garantir|reconduire)\\b",
    "s'(?:est|etait|etaient|sont|sera|seront) (?:\\w+ )?engag\\w* (?:a|pour|sur)\\b",
    # A stated will (guide: « a évoqué une volonté de pérenniser » is a commitment).
    "(?:affirm|exprim|evoqu|redi|rappel|reaffirm|manifest)\\w* (?:sa|leur|une|la) (?:ferme |forte |claire )?volonte (?:de|d')",
    "(?:affirm|dit|declar|assur)\\w* vouloir\\b",
    "compt\\w* (?:continuer|poursuivre|maintenir|soutenir|financer|prolonger)",
    # Future funding words: « une enveloppe sera allouée », « l'ARS poursuivra son soutien ».
    "allou(?:e|ee|ees|es|era|eront|er)\\b", "poursuivr(?:a|ont)\\b", "continuer(?:a|ont) (?:a|de) (?:financer|soutenir|accompagner|verser)",
    "ser(?:a|ont) financ", "represent\\w* (?:pour (?:[\\w']+ ){1,3})?un investissement (?:de |d')",
    # An intention stated with « entendre / compter / s'apprêter à / prévoir de » and an act of support.
    "(?:entend|entendent|compte|comptent|s'apprete a|s'appretent a|prevoi(?:t|ent) d(?:e |'))\\s*(?:\\w+ )?(?:apporter (?:un |son |leur |tout )?soutien|"
    "soutenir|financer|maintenir|prolonger|perenniser|debloquer|verser|augmenter|accompagner|garantir|reconduire|aider)\\b",
    # A plan in the passive without an agent is a commitment with a null actor (guide).
    "(?:est|sont|sera|seront) (?:desormais |bien |aussi )?(?:envisage|programme|planifie)e?s?\\b", "doi(?:t|vent) se tenir",
    # An intention or a plan stated actively (« la Mairie de Paris envisage de municipaliser »,
    # « ambitionne de labelliser », « vise 5 000 maisons en 2027 », « avait prévu un plan »), and the plans of _PLAN.
    "envisag(?:e|ent|eait|eaient) (?:\\w+ ){0,2}?d(?:e |')", "ambitionn\\w* d(?:e |')", "vis(?:e|ent|ait|aient|era)\\b (?:les |l'objectif de )?\\d", "(?:a|avait|ont|avaient) prevu (?:un |une |de |d')",
)

# Content that turns an announcement into a commitment ("annonce le maintien ...").
COMMIT_CONTENT = re.compile(_W + r"(maintien|prolongation|perennisation|reconduction|prorogation|generalisation|"
                            r"financement (?:sera|seront|est garanti)|enveloppe|credits? supplementaires?|"
                            r"droit commun|sera(?:ient)? maintenu|seront prolonge|sera prolonge)")
ANNOUNCE_VERBS = _verbs(
    "annonc", "(?<!la )(?<!le )present", "lanc", "vot(?:e|er|era|ent)\\b", "install", "ouvr(?!age)", "ouvert(?:e|s|es)?\\b", "indiqu", "precis", "fait savoir", "inform",
    "publi(?:e|er|era|eront|es|ent)\\b", "decid", "arret", "mettr\\w* fin", "mis fin", "met fin", "prevoit", "prevoi", "communiqu", "declar",
    "explique", "affirm", "souligne", "repond(?:u|ue|ent|ons|ra|ront|rait|re|ait|ant)?\\b", "notifi", "signal",
    # A payment made is a fact made known: « l'ARS a versé 37 000 € », « a signé un chèque ».
    "(?:a|ont) (?:\\w+ )?verse\\b", "(?:a|ont) signe (?:\\w+ )?(?:un cheque|une convention|un avenant|un contrat|un accord)",
    # Completed acts made known (guide): an agreement signed, a sum invested or spent, a
    # building financed, a report handed over.
    "(?:a|ont|avons|avait|avaient) (?:\\w+ ){0,3}?sign(?:e|es|ee|ees)\\b(?: [\\w']+){0,4}? (?:l'|un |une |le |la |leur |son |sa |ce |cet |cette |les )?"
    "(?:nouvel |nouveau |nouvelle )?(?:convention|avenant|contrat|accord|protocole|charte)s?\\b",
    "(?:convention|avenant|contrat|accord|protocole)\\b[^.;]{0,160}?\\b(?:a|ont) ete signe", "se felicit\\w* de la signature",
    "(?:a|ont|avait|avaient) (?:deja |notamment |ainsi )?investi\\b", "(?:a|ont) (?:ete )?coute\\b",
    "(?:a|ont) ete (?:\\w+ )?(?:co-?)?financ(?:e|ee|es|ees) par\\b",
    "(?:a|ont) remis\\b(?: [\\w']+){0,4}? (?:leur |son |un |le |les |ses )?(?:rapport|conclusions)", "rapport\\b[^.;]{0,60}?(?:a|ont) ete (?:rendu|remis|publie)",
)
# Speech verbs that also evaluate (« ils soulignent la pertinence des financements ») announce
# only a « que » clause or as an incise after the quoted content (« …, indique la DGOS »).
_EVALUATING = re.compile(r"(?:explique|souligne|affirm|indiqu|precis|signal|repond)")
_REPORTS = re.compile(r"\w*\s+(?:que|qu')|\w*\s*:")
# Speech verbs announce only what is decided: a date, an amount, a future, a decision word.
SPEECH_TRIGGER = re.compile(_W + r"(?:explique|affirm|souligne|indiqu|precis|declar|repond|signal|communiqu|inform)")
DECISION_CONTENT = re.compile(_W + r"(?:\w+(?:ra|ront|rait|raient)\b|fin\b|arret|suppression|financ|dotation|enveloppe|budget|credits?\b|"
                              r"euros?\b|millions?\b|€|label|decret|arrete|calendrier|evaluation|rapport|groupe de travail|comite|"
                              r"appel a projets|cahier des charges|transition|decision|droit commun|prolong|mainten|perennis|generalis|\d{4}\b)")
DEMAND_VERBS = _verbs(
    "demand", "reclam", "exig", "appel(?:le|lent|ler|lait|lons|e)\\b", "plaid", "souhait", "invit",
    # Verb forms only: « leurs interpellations », « des sollicitations » are nouns.
    "interpell(?:e|ent|er|ait|aient|ons|ez|ant|ee|ees|es)\\b",
    "interroge\\b", "interrogent", "interroger", "alert(?:e|ent|er|ait|aient|ons)\\b(?! sur la fin)", "attire l'attention",
    # Verb forms only (« la dénonciation emporte… » is a noun); denouncing an agreement ends it: a refusal.
    "denonc(?:e|ent|er|ait|aient|ons|ez|ant|ee|ees|es)\\b(?! (?:l'|le |la |cet |cette |un |une |son |notre |leur )?(?:accord|convention|contrat)s?\\b)",
    "questionnant", "apport\\w* (?:notre |leur |son )?soutien",
    "sollicit(?:e|ent|er|ait|aient|ons|ez|ant)\\b", "enjoin", "exhort", "milit", "revendiqu", "attend que", "attendent que",
    "(?<!se )(?<!ete )propos(?:e|ent|ons|ait|aient|era|eront|ee)\\b(?! de (?:decouvrir|rencontrer|suivre|participer))", "propositions? de (?:loi|resolution)", "prie", "plaident",
    "se mobilis", "il (?:faut|faudra|faudrait)\\b",
    "refus\\w* (?:la |le |les |sa |son |leur |cette |ce )?(?:fermeture|suppression|arret|disparition|baisse|coupe)s?\\b",
    # Alarms, pressure and what must be done: « tirent la sonnette d'alarme », « pressent le
    # Gouvernement », « il est urgent de », « le dispositif doit être pérennisé ».
    "cri d'alarme", "sonnette d'alarme", "met\\w* en garde", "press(?:e|ent|ait|aient|er)\\b (?:le |la |l'|les )",
    # What the speaker judges necessary or worth doing (« il me paraît légitime de vous reposer la
    # question », « il serait intéressant de savoir », « il nous paraît important que la loi fixe »).
    "il (?:me |nous |lui |leur )?(?:est|etait|parait|semble|serait|semblerait|paraitrait) (?:donc |tres |extremement |particulierement |"
    "aussi |egalement |plus |bien |vraiment )*(?:urgent|indispensable|necessaire|essentiel|imperatif|vital|important|legitime|"
    "interessant|souhaitable|primordial|crucial|capital|utile|opportun|temps) (?:de|d'|que|qu')",
    # What a decision-maker or the addressee must do, or what the speaker thinks must be done
    # (« les pouvoirs publics se doivent de remédier », « vous devriez vous appuyer sur »,
    # « le politique doit s'appuyer », « je pense qu'une nouvelle impulsion doit être donnée »).
    "se doi(?:t|vent) d", "vous devriez", "nous devrions", "on devrait",
    "(?:je pense|nous pensons|j'estime|nous estimons|je crois|nous croyons|je considere|nous considerons) qu[e' ][^.;:]{0,60}\\bdoi(?:t|vent)\\b",
    "(?:pouvoirs publics|l'etat|gouvernement|le politique|ministre|ministere|l'ars|assurance maladie|collectivites|la loi)(?: [\\w']+){0,3} (?:se )?doi(?:t|vent)\\b",
    "(?:doit|doivent|devra|devront) etre (?:perennis|maintenu|prolonge|sauve|garanti|integre|reconduit|inscrit)",
    "esper(?:e|ent|ons) que", "attend(?:ent|ons|ra|ront)? (?:des|une|un|de vraies|de reelles) (?:reponses?|garanties?|engagements?|clarifications?)",
    "veul\\w* que", "voulons\\b",
    # Criticism addressed to the decision-maker is a demand, as « dénonce » is; so are an
    # open letter, a letter or question sent to someone, and a petition.
    "s'inquiet", "s'alarm", "s'insurg",
    "lettre ouverte", "adress\\w* (?:une |un )(?:lettre|courrier|question|tribune)", "(?:lanc|sign)\\w* (?:une |la |cette )?petition",
    # The language's other ways of asking (issue 13): the nominal « appel à », plural and
    # infinitive forms of « attirer l'attention », criticism verbs (as « dénoncer »), writing to
    # or referring a matter to the decision-maker, insisting, and the written question's
    # « souhaiterait savoir / aimerait connaître ».
    "appels? (?:a|au|aux)\\b(?! (?:projets?|candidatures?|manifestations? d'interet|communications?)\\b)", "attir\\w* (?:son |leur |votre |l')attention", "fustig", "s'indign",
    "contest(?:e|ent|er|ait|aient|ons)\\b", "protest(?:e|ent|er|ait|aient|ons)\\b", "s'elev\\w* contre", "revendication",
    "questionn(?:e|ent|er|ait)\\b", "insist\\w* (?:sur|pour)\\b",
    "ecri\\w* (?:a|au|aux) (?:la |le |l'|les )?(?:ministre|gouvernement|premier|ministere|president|prefet|ars|directeur|directrice)",
    "saisi(?:t|r|ssent|ssons)? (?:le |la |l'|les )(?:ministre|gouvernement|premier|ministere|president|defenseur|prefet)",
    "(?:exprim|fai|fon)\\w* (?:part )?(?:de )?(?:leur |sa |son |notre )(?:vive |profonde |grande )?(?:inquietude|colere|incomprehension|desarroi)",
    "(?:aimer|desir|voudr)\\w* (?:savoir|connaitre)", "(?:formul|declin|emet|emis|present|avanc)\\w* (?:\\w+ ){0,2}?(?:recommandations|propositions)\\b", "(?:defend|soutien)\\w* (?:le |la |leur |son |sa )(?:maintien|perennisation|prolongation|demande)",
    "(?:entend|compte|envisage|prevoit)-t?-?(?:il|elle)\\b", "rappel\\w* (?:a|au) (?:m\\.|mme|madame|monsieur|la ministre|le ministre|le gouvernement|m )", "quel(?:le)?s? (?:sont |est )?(?:les |la |le )?(?:mesures|dispositions|moyens|intentions|garanties|suites?)\\b",
)
# « viser à » asks for something only when a text (amendment, bill, petition) does it.
_PURPOSE = re.compile(r"\bvis(?:e|ent|ant) a\b")
_TEXT_NOUN = re.compile(r"\b(?:amendements?|propositions?|lois?|textes?|petitions?|motions?|resolutions?)\b")
REFUSE_VERBS = _verbs(
    # Verb forms only (the noun « le refus de transfert » is what a demand is about); refusing a
    # closure or a cut asks for the thing to be kept: a demand (below).
    "refus(?=\\w)(?!\\w* (?:la |le |les |sa |son |leur |cette |ce )?(?:fermeture|suppression|arret|disparition|baisse|coupe)s?\\b)",
    # What the speaker says cannot or need not be done (« il n'était pas possible d'étendre »,
    # « il ne nous a donc pas paru utile de figer », « on peut difficilement généraliser »).
    "n'(?:est|etait|etaient|sera|serait) pas (?:possible|envisageable|opportun|souhaitable|utile|raisonnable) d",
    "(?:ne|n')\\s*(?:nous |me |lui |leur )?(?:a|avait|ont|parait|semble|paraissait|semblait)\\s+(?:donc |pas |plus |guere )+(?:paru |semble )?"
    "(?:utile|opportun|souhaitable|necessaire|possible|pertinent|raisonnable) d",
    "(?:on|nous|je) (?:ne )?(?:peut|peux|pouvons|pourra|pourrons|pourrait) difficilement", "rejet", "ecart", "oppos", "avis defavorable", "exclu(?:t|re|ra|ront)?\\b", "recal", "rejete", "renonc(?:e|er|era|ait|ent)\\b",
    "(?:je suis|nous sommes|suis|sommes|serai|serons|sera|seront|est|sont|reste|restons|demeure) (?:donc |plutot |tres |egalement |aussi )?defavorable",
    "ferme la porte", "supprime\\b",
    "denonc\\w* (?:l'|le |la |cet |cette |un |une |son |notre |leur )?(?:accord|convention|contrat)s?\\b",
    "(?:accord|convention)s?\\b(?: [\\w']+){0,5} (?:a|ont|avait) ete denonce",
    # In a debate, asking for an amendment's withdrawal refuses it (« je vous demanderai de
    # bien vouloir retirer cet amendement », « demande de retrait »).
    "retir\\w* (?:cet|son|leur|votre|vos|les|ces|ses|mon|notre) (?:\\w+ )?amendements?", "(?:demand|sollicit)\\w* (?:de |le )?retrait",
    "propos\\w* (?:\\w+ ){0,3}de (?:les |le |l')?retirer",
)
# An announced end of funding is an announcement, not a commitment (unless something is kept).
END_CONTENT = re.compile(_W + r"(?:mettre fin|met fin|mis fin|mettait fin|la fin (?:de|du|des) (?:l'experimentation|financement|dispositif)|"
                         r"l'arret|arret des financements|suppression|cessation|interrompre|prendrait fin|s'arreter)")
KEEP_CONTENT = re.compile(_W + r"(?:maintien|maintenu|prolong|garanti|engagement sur|revenu sur sa decision|perennis|assure)")
# Lines that are never commitments: headlines, datelines, bylines, procedural lines.
NOT_A_SENTENCE = re.compile(r"^\s*(?:publie le|mis en ligne|mise a jour|enregistre a la presidence|renvoyee? a la commission|"
                            r"communique de presse|presentee? par|par\s+\w+\s*$|credit\s*:|source\s*:|question de (?:m|mme)\b|"
                            r"[\w' -]{2,40},\s*le\s+\d{1,2}(?:er)?\s+\w+\s+\d{4}|"
                            # The visas of a legal text (« Vu l'arrêté du 7 décembre 2023… ») and page metadata (« date 2026-02-18 »).
                            r"vu (?:l'|le |la |les |la loi|le code|le decret)|date\s*:?\s*\d{4}-\d\d-\d\d)")
NEGATION = re.compile(r"\b(?:ne|n')\s*(?:[\w']+\s+){0,2}?(?:pas|plus|jamais)\b(?:\s+[\w']+){0,3}?\s+" + r"(?:" +
                      COMMIT_VERBS.replace(_W, "") + "|" + _verbs("financ", "souhait", "voulu", "retenu", "prevoi").replace(_W, "") + ")")
NEGATION_SIMPLE = re.compile(r"\bpas question\b|\bne (?:sera|seront|pourra|pourront) (?:pas|plus) (?:prolong|maint|perennis|financ|reconduit|verse)|\bne (?:prevoit|prevoient) (?:pas|aucun)|\bne sera plus financ")
# Negated abandonment is a commitment: "ne laissera pas tomber", "ne lâchera pas".
POSITIVE_NEGATION = re.compile(r"\b(?:ne|n')\s*(?:[\w']+\s+){0,2}?(?:laisser\w*|lacher\w*|abandonner\w*|sacrifi\w*|fermer\w*)\s+(?:pas|plus|jamais)\b|\b(?:ne|n')\s*(?:laisser\w*|lacher\w*|abandonner\w*)\s+pas\b|ne seraient pas sacrifi|ne seront pas sacrifi|ne sera pas sacrifi")
_TRIGGERS = tuple((kind, re.compile(regex)) for kind, regex in (
    ("refusal", REFUSE_VERBS), ("demand", DEMAND_VERBS), ("commitment", COMMIT_VERBS), ("announcement", ANNOUNCE_VERBS)))
_INCISE = re.compile(r"[,«»]\s*(?:a |ont |avait |aurait )?(?:annonce|indique|precise|fait savoir|confirme|assure|explique|declare|affirme|souligne|rappelle|promis|garanti)\w*\s+$")

_PREPOSITION_BEFORE = re.compile(r"(?:\b(?:a|au|aux|aupres de|aupres du|aupres des|de|du|des|d'|par|pour|avec|contre|sur|envers|vers|entre|et|ou|chez|dont)\s*)$")
_SUBJECT_DET = re.compile(r"(?:^|[\s,;:(«\"])(?:le|la|les|l'|un|une)?\s*$")
_SELON = re.compile(r"\b(?:selon|d'apres|pour|a en croire|a en croire)\s+$")
# Nominal triggers take their actor from their complement: « une décision brutale du ministère ».
_NOMINAL = re.compile(r"\b(?:decision|annonce|engagement|promesse|volonte|refus|demande|appel)s?\b(?:\s+[\w'-]+){0,3}?\s+"
                      r"(?:par|du|de la|de l'|des)\s+(?:le |la |les |l')?$")
_PRONOUN = re.compile(r"^\s*(?:[«\"]\s*)?(?:il|elle|ils|elles)\s+(?:\w+\s+){0,2}?", re.I)


@dataclass(frozen=True)
class ActorRef:
    """An actor mention in a sentence: offsets relative to the sentence, resolved id."""

    start: int
    end: int
    text: str
    actor_id: str | None
    kind: str


@dataclass(frozen=True)
class Commitment:
    """One commitment, announcement, demand or refusal (offsets relative to the sentence)."""

    kind: str
    actor_id: str | None
    actor_text: str | None
    actor_rule: str
    amount_eur: float | None
    deadline: str | None
    deadline_precision: str | None
    trigger: str


# « sans prolongation possible », « sans garantie »: a promise word under « sans » is none.
_WITHOUT = re.compile(r"\bsans (?:aucune? |la |le |les |de |d')?(?:nouvelle |possible )?"
                      r"(?:prolong|mainten|perennis|garanti|engag|reconduct|confirm|promesse)\w*")


# A sentence-initial time or circumstance phrase (up to its comma) says when, not what
# is ended or kept.
_LEADING_ADJUNCT = re.compile(r"^\s*(?:a l'approche|a l'issue|a la veille|avant|apres|depuis|lors|suite a|face a|en vue)\b[^,;:]{0,100},")


def _blank(text: str, pattern: re.Pattern) -> str:
    """`text` with the matches of `pattern` replaced by spaces (offsets kept)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _opinion_speech(folded: str, start: int, end: int) -> bool:
    """True when the announcement trigger at [start, end) is a speech verb that makes nothing
    known: no decided content in the sentence (« souligne que la santé communautaire n'est pas
    réservée… »), or an evaluating verb with a noun object (« soulignent la pertinence de… »)."""
    if not SPEECH_TRIGGER.match(folded, start):
        return False
    if not DECISION_CONTENT.search(folded):
        return True
    return bool(_EVALUATING.match(folded, start) and not _REPORTS.match(folded, end)
                and not re.search(r"[,«»\"]\s*$", folded[:start]))


def classify(sentence: str, negation: bool = True) -> tuple[str, int, int] | None:
    """The kind of the sentence and the trigger's span in it, or None. `negation`: a
    negated promise verb is a refusal (off: only the refusal verbs are). Remembered for
    the last few thousand sentences: the candidate filter, the parser-pass filter and the
    rules ask about the same sentence several times. A sentence no trigger table matches but
    with a verb form the parse may read (`nlp.parse_triggers.surface_cue`) is a candidate:
    its kind here is provisional, `find_commitment` asks the parse."""
    return _classify(sentence, negation) or (_cue(sentence) if negation else None)


def table_trigger(sentence: str, negation: bool = True) -> tuple[str, int, int] | None:
    """The kind and trigger span the trigger tables give (`classify` without the surface cue of
    the parse trigger), or None."""
    return _classify(sentence, negation)


@functools.lru_cache(maxsize=4096)
def _cue(sentence: str) -> tuple[str, int, int] | None:
    span = surface_cue(fold(sentence))
    return ("commitment", *span) if span else None


# « une demande croissante en matière de santé mentale »: the noun without anything asked.
_BARE_DEMAND_NOUN = re.compile(r"(?<![\w-])(?:une|la|des|les|cette|forte|toute) demandes? (?!(?:de|d'|du|des|que|qu'|a|au|aux|pour|en|"
                               r"formulee|adressee|portee|exprimee|renouvelee|insistante|pressante|expresse|est|a)\b)[\w-]+")
# The noun with its requester as complement, or denied, names requests as a topic, it makes none
# (« la demande des auteurs de l'amendement est satisfaite », « les demandes des élus », « des
# demandes d'habitants », « n'a fait l'objet d'aucune demande »).
_REQUESTS_NAMED = re.compile(r"(?<![\w-])(?:(?:les|des|la|ces|cette) demandes? (?:des|du|d')(?!un |une )|aucune demande)(?![\w-])")
# « proposer » with a service as object offers it, it proposes nothing (« le centre propose des soins
# médicaux », « les maisons France Services qui proposent un guichet unique »).
_SERVICE_OFFERED = re.compile(r"(?<![\w-])propos(?:e|ent|ait|aient)\b (?:[\w']+ ){0,3}?(?:soins|consultations?|guichet|accompagnements?|"
                              r"services?|offres?|activites?|ateliers?|prise en charge|permanences?|suivis?)\b")
# Wishes that only introduce what the speaker says (« je souhaite souligner l'importance… ») and
# requests given as an adjunct (« à ma demande », « ainsi que l'a souhaité le Président »).
_SPEECH_WISH = re.compile(r"(?<![\w-])(?:souhait|voudr|tien)\w* (?:d')?(?:souligner|rappeler|dire|remercier|saluer|revenir|evoquer|"
                          r"aborder|preciser|insister|commencer|conclure|ajouter|faire part|feliciter|rendre hommage|a souligner|a rappeler)\b")
_ADJUNCT_REQUEST = re.compile(r"(?<![\w-])(?:a (?:ma|sa|leur|notre|votre|la) demande\b|(?:ainsi que|comme) (?:l'a|l'ont|le) "
                              r"(?:souhaite|demande|voulu)\w*)")
# A purpose infinitive states an aim, not a promise (« ces structures visent à proposer une
# prise en charge », « des moyens pour garantir l'accès »).
_PURPOSE_INFINITIVE = re.compile(r"(?<![\w-])(?:pour|afin de|afin d'|permettant de|permettant d'|permettent de|permettent d'|permet de|permet d'|"
                                 r"visant a|visent a|vise a|de facon a|de maniere a)\s+(?:mieux |bien |davantage |notamment |ainsi )?"
                                 r"(?:garanti\w*|assur\w*|mainten\w*|integr\w*|prolong\w*|financ\w*|accompagn\w*|proposer)\b")
# Promise verbs that also describe (« les résultats confirment l'intérêt », « assure la
# coordination », « garantit l'accès aux soins »): a promise only with something promised after
# them — kept or paid, a future, a date, a « que » clause (guide: « something positive for the future »).
WEAK_COMMIT = re.compile(r"(?:confirm|assur|garanti|mainten|accept|accord|integr)")
PROMISE_CONTENT = re.compile(_W + r"(?:maintien|maintenu|prolong|perennis|reconduct|reconduit|financ|credits?\b|enveloppe|dotation|budget|"
                             r"euros?\b|millions?\b|€|droit commun|generalis|avenir|continuit|survie|poursuite|que\b|qu'|"
                             r"\w+(?:ra|ront|rait|raient)\b|(?:19|20)\d\d\b|jusqu|d'ici|fin (?:de |d')?(?:l'annee|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre))")
# What a subject does, in a relative clause in the present, describes it (« les équipes, qui
# assurent un accès aux soins, … »): no promise.
_DESCRIPTIVE_RELATIVE = re.compile(r"(?<![\w-])qui (?:\w+ )?(?:assur|garanti(?:ss)?|maint(?:ien|ienn)|integr|financ|accompagn|prolong|perennis)"
                                   r"(?:e|ent|it|issent|t)\b(?! que| qu')")
# A demand verb reported inside a commitment (« s'est engagée…, comme le demandaient les
# structures », « répondant aux demandes », « le maintien demandé par ») is not the sentence's act.
_DEMAND_REPORTED = re.compile(r"(?:(?<![\w-])(?:comme|ainsi que|conformement a|a la|suite a|en reponse a|repondant a|sur|aux?)\s+"
                              r"(?:le |l'|la |les |leur |sa |ses |nos |vos )?(?:[\w']+\s+){0,3}?)$")
# A question asks the decision-maker to act when it is addressed to them or asks for measures.
_ADDRESSED = re.compile(r"(?<![\w-])(?:vous|votre|vos|madame la|monsieur le|"
                        r"quel(?:le)?s? (?:sont |est )?(?:les |la |le )?(?:mesures|dispositions|moyens|intentions|garanties|suites?)|"
                        r"(?:entend|compte|envisage|prevoit|va|peut|pourra|souhaite)-t?-?(?:il|elle))(?![\w-])")
# A question about the means or the choices of a policy asks the decision-maker to answer them
# (guide: an author's questions in the body of a written or oral question are demands: « comment
# expliquer cela ? », « quels seront ses critères de choix ? »); not the chair's « quel est l'avis
# de la commission ? », nor a short headline.
_POLICY_QUESTION = re.compile(r"^(?!.*avis (?:de la commission|du gouvernement))(?=(?:\S+\s+){7,}).*(?<![\w-])"
                              r"(?:soutenir|soutien|garanti|accompagn|moyens|credits|fonds|investissement|cout\b|"
                              r"orientations|criteres|mesures|expliquer|perennit|besoins)")
# Statements that nothing was said or promised (« n'a pas précisé », « aucun engagement
# précis n'a été pris »): no item (guide).
_NOT_SAID = re.compile(r"(?<![\w-])(?:n'a|n'ont|n'avait|n'avaient|n'aurait|n'est|ne s'est|ne se sont)\s+(?:toujours |encore )?(?:pas|jamais|rien)\s+"
                       r"(?:encore\s+)?(?:ete\s+)?(?:precise|indique|dit|detaille|communique|annonce|confirme|donne|apporte|fourni|"
                       r"promis|garanti|pris|tranche|repondu|engage|prononce|clarifie|chiffre)\w*")
_NOTHING_PROMISED = re.compile(r"(?<![\w-])(?:aucune? (?:engagement|garantie|promesse|annonce|reponse|decision|calendrier|precision|assurance)s?|"
                               r"(?:rien|personne) n'(?:a|est) (?:ete )?(?:dit|promis|annonce|decide|garanti|precise|tranche))\b")
_NOMINAL_DEMAND = re.compile(r"(?:propositions? de|lettre ouverte|petition|appels? (?:a|au|aux)\b)")
_NEGATED_BEFORE = re.compile(r"(?<![\w-])(?:ne|n')\s*(?:[\w']+\s+){0,2}?(?:pas|plus|jamais)\s+(?:[\w']+\s+)?$")
# A fact just done (« l'ARS vient de débloquer la dernière partie du financement ») is made known.
_JUST_DONE = re.compile(r"(?<![\w-])vien(?:t|nent) (?:justement |tout juste )?d(?:e |')")


@functools.lru_cache(maxsize=4096)
def _classify(sentence: str, negation: bool) -> tuple[str, int, int] | None:
    folded = fold(sentence)
    for pattern in (_WITHOUT, _BARE_DEMAND_NOUN, _REQUESTS_NAMED, _SERVICE_OFFERED, _PURPOSE_INFINITIVE, _DESCRIPTIVE_RELATIVE, _SPEECH_WISH, _ADJUNCT_REQUEST):
        folded = _blank(folded, pattern)
    spans: dict[str, tuple[int, int]] = {}
    for kind, regex in _TRIGGERS:
        for match in regex.finditer(folded):
            if kind != "announcement" or not _opinion_speech(folded, *match.span()):
                spans[kind] = match.span()
                break
    purpose = _PURPOSE.search(folded)
    if purpose and "demand" not in spans and _TEXT_NOUN.search(folded[:purpose.start()]):
        spans["demand"] = purpose.span()
    # Verbs and predicate nouns of the lexicon (nlp/patterns/lists/verb_classes.jsonl) that the
    # tables above do not read: « déplore », « se sont prononcés », « exprime de fortes inquiétudes ».
    for kind, span in lexicon_triggers(folded).items():
        spans.setdefault(kind, span)
    plan = PLAN.search(folded)
    if plan and (not spans or (set(spans) == {"announcement"} and spans["announcement"][0] < plan.end()
                               and plan.start() < spans["announcement"][1])):
        spans = {"commitment": plan.span()}  # « ouvrira ses portes »: the opening is planned, not made known
    if "demand" in spans and _NEGATED_BEFORE.search(folded[max(0, spans["demand"][0] - 30):spans["demand"][0]]):
        denied = spans.pop("demand")  # « n'a pas souhaité prolonger »: a wish denied is a refusal, no demand
        if negation:
            spans.setdefault("refusal", denied)
    if "commitment" in spans:
        start, end = spans["commitment"]
        if WEAK_COMMIT.match(folded, start) and not PROMISE_CONTENT.search(folded, end):
            del spans["commitment"]  # « les résultats confirment l'intérêt du dispositif »: nothing promised
    refuse_verb = "refusal" in spans
    positive = POSITIVE_NEGATION.search(folded)
    neg = None if positive or not negation else (NEGATION_SIMPLE.search(folded) or NEGATION.search(folded))
    if neg:
        spans["refusal"] = spans.get("refusal") or neg.span()
    if positive:
        spans.pop("refusal", None)
        spans["commitment"] = positive.span()
    question = sentence.rstrip(" »\"").endswith("?")
    addressed = (_ADDRESSED.search(folded) or _POLICY_QUESTION.search(folded)) if question else None
    if not spans and addressed is None:
        return None
    content = _blank(folded, _LEADING_ADJUNCT)  # « À l'approche de la fin de l'expérimentation, … »
    nothing = _NOT_SAID.search(folded) or _NOTHING_PROMISED.search(folded)
    if question:
        if "demand" not in spans and addressed is None:
            return None  # a question nobody is asked to answer by acting: rhetorical, a journalist's
        kind = "demand"
        spans.setdefault("demand", addressed.span() if addressed else min(spans.values()))
    elif refuse_verb:
        kind = "refusal"
    elif "demand" in spans and (not _commit_first(spans, folded) or "?" in sentence):
        kind = "demand"
    elif nothing:
        return None
    elif "refusal" in spans:
        kind = "refusal"
    elif "commitment" in spans and not (END_CONTENT.search(content) and not KEEP_CONTENT.search(content)):
        kind = "commitment"
    elif COMMIT_CONTENT.search(folded) and "announcement" in spans and not END_CONTENT.search(content):
        kind = "commitment"
    elif "commitment" in spans and "announcement" not in spans:
        kind = "announcement"
        spans["announcement"] = spans["commitment"]
    else:
        kind = next(k for k in ("demand", "announcement") if k in spans)
    start, end = spans.get(kind) or spans.get("announcement") or spans["commitment"]
    if kind == "commitment" and _JUST_DONE.search(folded[max(0, start - 30):start]):
        kind = "announcement"  # « l'ARS vient de débloquer la dernière partie du financement »: done, made known
    return kind, start, end


def _commit_first(spans: dict[str, tuple[int, int]], folded: str) -> bool:
    """A commitment verb before a demand verb that only reports the demand ("s'est engagée
    ... comme le demandait", "répondant aux demandes", "le maintien demandé par")."""
    if "commitment" not in spans or spans["commitment"][0] >= spans["demand"][0]:
        return False
    start, end = spans["demand"]
    if _NOMINAL_DEMAND.match(folded, start):
        return True  # « doit … déposer une proposition de loi »: the text is what is promised
    return bool(_DEMAND_REPORTED.search(folded[max(0, start - 50):start])
                or re.match(r"\w*\s+par\b", folded[end:end + 12]))


def choose_actor(sentence: str, trigger_start: int, actors: Sequence[ActorRef],
                 antecedent: ActorRef | None = None, kind: str = "") -> tuple[ActorRef | None, str]:
    """The actor of the trigger and the rule used to pick it."""
    folded = fold(sentence)
    actors = [a for a in actors if not fold(a.text).startswith(("madame", "monsieur"))
              and not re.search(r"\b(?:madame|monsieur)\s*$", folded[max(0, a.start - 10):a.start])]  # vocatives
    for actor in actors:
        if _SELON.search(folded[max(0, actor.start - 14):actor.start]):
            return actor, "selon"
        if _INCISE.search(folded[max(0, actor.start - 40):actor.start]) and not re.search(r"\w", folded[actor.end:].strip(" .»\"")[:1]):
            return actor, "incise"
    before = [a for a in actors if a.end <= trigger_start]
    for actor in reversed(before):
        if re.match(r"^\s*,?\s*qui\b", folded[actor.end:trigger_start]):
            return actor, "relative"
    clean = [a for a in before if not _PREPOSITION_BEFORE.search(folded[max(0, a.start - 12):a.start])]
    if clean:
        return clean[0], "sujet"
    after = [a for a in actors if a.start >= trigger_start]
    for actor in after:
        gap = folded[trigger_start:actor.start]
        if len(gap) < 40 and re.search(r"\bpar\s+(?:le |la |les |l')?$", gap):
            return actor, "agent"
    for actor in actors:
        if _NOMINAL.search(folded[max(0, actor.start - 45):actor.start]):
            return actor, "nominal"
    if after and re.match(r"^\s*(?:dans|par|lors|a travers|en|apres|via)\b", folded) and "," not in folded[:trigger_start]:
        # « Dans une lettre ouverte adressée à X, Y assure… »: the subject after the opening phrase
        for actor in after:
            if re.search(r",\s*(?:le |la |les |l')?$", folded[max(0, actor.start - 6):actor.start]):
                return actor, "sujet_apres_complement"
    if after and kind != "demand" and re.match(r"^\s*\w+(?:\s+\w+)?\s+$", folded[trigger_start:after[0].start]) and not re.search(
            r"\b(?:a|au|aux|de|du|des)\s+$", folded[trigger_start:after[0].start]):
        return after[0], "sujet_inverse"
    if antecedent is not None and _PRONOUN.match(folded):
        return antecedent, "antecedent"
    return None, "aucun"


# A date that was a deadline once ("qui devait s'arrêter fin avril") is background.
_NOUS = re.compile(r"(?:^|[\s,;:«\"(])nous\b(?!\s+\w+ons\s+(?:que|si)\b)", re.I)


# What the scheme is for: a description, never a commitment (« L'objectif est de garantir… »).
DESCRIPTION = re.compile(r"^\s*(?:l'|son |leur |notre |un |cet |l'autre )?(?:objectif|but|ambition|enjeu)s?\s*(?::|est |etait |sera |reste )|"
                         r"^[^,;]{0,80}\ba (?:\w+ )?pour (?:objectif|but|vocation|mission|ambition) d")


def not_a_sentence(sentence: str, own_line: bool) -> bool:
    """Headlines, datelines, bylines, procedural lines and descriptions of what the scheme
    is for: never commitments. `own_line`: the sentence is a whole line (a line without
    final punctuation is a title)."""
    folded = fold(sentence).strip()
    if NOT_A_SENTENCE.match(folded) or DESCRIPTION.match(folded):
        return True
    if own_line and folded.endswith("?") and len(folded.split()) < 10:
        return True  # a short question on its own line is a subtitle (« Un arrêt brutal en mai ? »)
    return own_line and not re.search(r"[.!?…:»\"]\s*$", folded) and len(folded.split()) < 25


def _main_trigger(sentence: str, found: tuple[str, int, int], parsed: Doc) -> tuple[str, int, int] | None:
    """The trigger of the clause's verb: a trigger that is a detached participle gives way
    to the next one found once it is masked (kept when nothing else is left); a stray stem
    match (a noun, an adjective, a participle qualifying a noun) gives way too, and the
    sentence has no trigger when nothing else is left."""
    masked = sentence
    for _ in range(4):
        kind, start, end = found
        stray = stray_trigger(parsed, start, end) or background_clause(parsed, start, end)
        if not stray and not detached_participle(parsed, start, end):
            return found
        masked = masked[:start] + " " * (end - start) + masked[end:]
        following = _classify(masked, True)
        if following is None or (not stray and PLAN.match(fold(masked), following[1])):
            return None if stray else found  # a detached participle outranks a plan of last resort
        found = following
    return found


def _overlapping(span: tuple[int, int], actors: Sequence[ActorRef]) -> ActorRef | None:
    inside = [a for a in actors if a.start < span[1] and span[0] < a.end]
    return inside[0] if inside else None


def actor_from_clause(facts: Clause, actors: Sequence[ActorRef], antecedent: ActorRef | None,
                      publisher: str | None, speaker: ActorRef | None) -> tuple[ActorRef | None, str] | None:
    """The actor the parse gives (subject, agent, quotation speaker, antecedent of « il »,
    publisher or debate speaker for « je/nous »), or None when the parse does not decide."""
    if facts.subject is None:
        return None
    reporter = _overlapping(facts.reporter, actors) if facts.reporter else None
    if reporter is not None:
        return reporter, "syntaxe_rapporteur"
    if facts.person == "1":
        quoted = _overlapping(facts.speaker, actors) if facts.speaker else None
        if quoted:
            return quoted, "orateur_citation"
        if speaker is not None:
            return speaker, "orateur_debat"
        if publisher:
            return ActorRef(0, 0, "nous", publisher, "organisation"), "publieur"
        return None
    if facts.person == "3":
        return (antecedent, "antecedent") if antecedent is not None else None
    found = _overlapping(facts.subject, actors)
    return (found, "syntaxe_sujet") if found else None


REFUSAL = re.compile(REFUSE_VERBS)
_CONCESSIVE_START = re.compile(r"^\W*(?:alors qu|bien qu|tandis qu|meme si|quoiqu)")
# A letter or release named again as the subject (« ce même courrier précise… ») speaks for
# the actor of the sentence before.
_DOCUMENT_SUBJECT = re.compile(r"(?<![\w-])(?:ce|cette) (?:meme )?(?:courrier|lettre|message|communique|document|note|circulaire)\b")


def _actor(sentence: str, start: int, kind: str, facts: Clause | None, actors: Sequence[ActorRef],
           antecedent: ActorRef | None, publisher: str | None, speaker: ActorRef | None) -> tuple[ActorRef | None, str]:
    """The actor of the trigger at `start`: the parse's when it decides, else the surface
    rules'; « nous » in a publisher's own text is the publisher."""
    decided = actor_from_clause(facts, actors, antecedent, publisher, speaker) if facts else None
    actor, rule = decided or choose_actor(sentence, start, actors, antecedent, kind)
    if actor is None and publisher and _NOUS.search(sentence[:start + 20]):
        actor, rule = ActorRef(0, 0, "nous", publisher, "organisation"), "publieur"
    if (actor is None and publisher and publisher.startswith(("org:", "structure:")) and kind == "demand"
            and not _TEXT_OBJECT.search(fold(sentence))):
        # What an organisation's release asks for with nobody named (« pour exiger l'entrée des
        # SEC-Pa dans le droit commun ») is its publisher's demand; what an amendment or a bill
        # asks for is the text's, not its author's (guide: a demand without actor).
        actor, rule = ActorRef(0, 0, "", publisher, "organisation"), "publieur_demande"
    return actor, rule


_TEXT_OBJECT = re.compile(r"(?<![\w-])(?:amendements?|articles?|propositions? de loi|projets? de loi|texte)(?![\w-])")


def _clause_with_actor(sentence: str, masked: str, found: tuple[str, int, int], parsed: Doc,
                       actors: Sequence[ActorRef], antecedent: ActorRef | None, publisher: str | None,
                       speaker: ActorRef | None) -> tuple[tuple[str, int, int], ActorRef, str] | None:
    """The next trigger of the sentence (after `found`, in `masked`: the sentence with the
    triggers already set aside blanked) whose clause names an actor, or None."""
    _, start, end = found
    for _ in range(3):
        masked = masked[:start] + " " * (end - start) + masked[end:]
        other = _classify(masked, True)
        other = _main_trigger(masked, other, parsed) if other is not None else None
        if other is None or other[1] < found[1]:
            return None
        kind, start, end = other
        facts = clause(parsed, start, end)
        actor, rule = _actor(sentence, start, kind, facts, actors, antecedent, publisher, speaker)
        if actor is not None:
            return other, actor, rule
    return None


# « Une généralisation … est envisagée », « une réunion doit se tenir »: a plan without an agent.
_PASSIVE_PLAN = re.compile(r"(?<![\w-])(?:(?:est|sont|sera|seront) (?:desormais |bien |aussi )?(?:envisage|programme|planifie)e?s?|doi(?:t|vent) se tenir|"
                           r"ser(?:a|ont) (?:\w+ )?(?:financ|maintenu|prolonge|perennise|verse|allou|reconduit|debloque)\w*)\b")
PLAN = re.compile(_W + "(?:" + _PLAN + r")\b")
_PAST_YEAR = re.compile(r"[^.;:]{0,30}?(?<![\w-])(?:en|depuis|des|des le|au cours de|courant) (?:\w+ )?((?:19|20)\d\d)\b")


def _concessive_background(sentence: str, trigger: int, facts: Clause | None, parsed: Doc | None) -> bool:
    """True when the trigger sits in a fronted concessive clause told in the imperfect (« Alors
    que le dossier de presse annonçait que des moyens seraient alloués…, les structures restent
    sans réponse »): the clause is the background the main clause answers, whichever of its
    verbs the trigger is."""
    folded = fold(sentence)
    if not _CONCESSIVE_START.match(folded):
        return False
    if facts is not None and "Imp" in facts.tense.split(","):
        return True
    close = folded.find(",")
    return (parsed is not None and 0 <= trigger < close
            and any("Imp" in token.morph.get("Tense", []) for token in parsed if token.idx < close))


def _history(folded: str, trigger_end: int, date: str | None) -> bool:
    """True when the announcement's trigger is followed, in its own clause, by a year before
    the document's (« lancé en 2021 » in 2026): history, not news."""
    found = _PAST_YEAR.match(folded, trigger_end)
    return bool(found and date and int(found.group(1)) < int(date[:4]))


def find_commitment(sentence: str, date: str | None, actors: Sequence[ActorRef],
                    antecedent: ActorRef | None = None, publisher: str | None = None,
                    parsed: Doc | None = None, speaker: ActorRef | None = None) -> Commitment | None:
    """The commitment stated in one sentence, or None. `publisher`: the actor id of a
    text's own publisher, the actor of « nous »; `parsed`: the sentence through the parser
    pass (the actor then comes from the syntax when it decides); `speaker`: the debate
    speaker of the turn, the actor of « je »."""
    found = _classify(sentence, True)
    if not found:
        return _from_parse(sentence, date, actors, antecedent, publisher, parsed, speaker)
    if parsed is not None:
        main = _main_trigger(sentence, found, parsed)
        if main is None:
            return None
        found = main
        if found[0] in ("commitment", "announcement") and negated_content(parsed, found[1], found[2]):
            found = ("refusal", found[1], found[2])
    kind, start, end = found
    facts = clause(parsed, start, end) if parsed is not None else None
    if (kind == "commitment" and facts is not None and facts.negated
            and not POSITIVE_NEGATION.search(fold(sentence))):
        kind = "refusal"  # « le Gouvernement ne prolongera pas… »: the negation is in the verb's scope
    if kind in ("commitment", "announcement") and _concessive_background(sentence, start, facts, parsed):
        return None  # « Alors que le dossier de presse annonçait que… »: the background of the sentence
    if (kind == "announcement" and parsed is not None and future_main_verb(parsed)
            and not END_CONTENT.search(fold(sentence)) and not (facts is not None and facts.negated)):
        kind = "commitment"  # « Annoncée cet été…, une expérimentation débutera en janvier »: a plan made known
    if kind == "announcement" and facts is not None and "Cnd" in facts.mood.split(","):
        return None  # « il diminuerait l'attractivité… »: a consequence foreseen, not a fact made known
    actor, rule = _actor(sentence, start, kind, facts, actors, antecedent, publisher, speaker)
    masked = sentence
    if actor is None and kind == "refusal" and not REFUSAL.search(fold(sentence)):
        # A negation nobody utters (« les consultations ne sont pas assurées ») refuses
        # nothing: the sentence's next trigger that is not negated, if any, decides.
        for _ in range(3):
            masked = masked[:start] + " " * (end - start) + masked[end:]
            other = _classify(masked, False)
            if other is not None and parsed is not None:
                other = _main_trigger(masked, other, parsed)
            if other is None:
                return None
            kind, start, end = other
            facts = clause(parsed, start, end) if parsed is not None else None
            if not (facts is not None and facts.negated):
                break
        else:
            return None
        actor, rule = _actor(sentence, start, kind, facts, actors, antecedent, publisher, speaker)
    if actor is None and antecedent is not None and _DOCUMENT_SUBJECT.search(fold(sentence)[:start]):
        actor, rule = antecedent, "antecedent_document"  # « ce même courrier précise que… »: its author
    if actor is None and parsed is not None and kind in ("commitment", "announcement"):
        # « des banderoles ont été installées…, car le gouvernement a décidé d'interrompre… »:
        # a later clause with an actor holds the item.
        later = _clause_with_actor(sentence, masked, (kind, start, end), parsed, actors, antecedent, publisher, speaker)
        if later is not None:
            (kind, start, end), actor, rule = later
    amount = choose_amount(sentence, start)  # the object of the promise (nlp/quantities.py)
    deadline = choose_deadline(sentence, date, start, kind)
    if kind == "announcement" and _history(fold(sentence), end, date):
        return None  # « a ouvert ses portes en 2019 », « ce dispositif, lancé en 2021 »: background
    if (actor is None and kind in ("commitment", "announcement") and not amount and not deadline
            and not _PASSIVE_PLAN.search(fold(sentence)) and not PLAN.search(fold(sentence))):
        return None  # "on nous promet un avenir": nobody to hold to it, nothing to track
    return _commitment(kind, actor, rule, amount, deadline, sentence[start:end])


def _from_parse(sentence: str, date: str | None, actors: Sequence[ActorRef], antecedent: ActorRef | None,
                publisher: str | None, parsed: Doc | None, speaker: ActorRef | None) -> Commitment | None:
    """The commitment a sentence without a table trigger states by its main verb
    (`nlp.parse_triggers.parse_trigger`), or None: a plan needs someone to hold to it or a
    deadline, as in `find_commitment`."""
    cue = _cue(sentence)
    if cue is None:
        return None
    found = ("demand", cue[1], cue[2]) if asked_future(sentence, cue[1:]) else parse_trigger(parsed) if parsed is not None else None
    if found is None:
        return None
    kind, start, end = found
    facts = clause(parsed, start, end) if parsed is not None else None
    if kind == "commitment" and _concessive_background(sentence, start, facts, parsed):
        return None
    actor, rule = _actor(sentence, start, kind, facts, actors, antecedent, publisher, speaker)
    amount = choose_amount(sentence, start)
    deadline = choose_deadline(sentence, date, start, kind)
    if kind == "commitment" and actor is None and not amount and not deadline:
        return None
    return _commitment(kind, actor, "analyse_" + rule, amount, deadline, sentence[start:end])


def _commitment(kind: str, actor: ActorRef | None, rule: str, amount: Amount | None, deadline: Deadline | None,
                trigger: str) -> Commitment:
    """The item found, from its actor reference and its chosen amount and deadline."""
    return Commitment(
        kind=kind, actor_id=actor.actor_id if actor else None, actor_text=actor.text if actor else None,
        actor_rule=rule, amount_eur=amount.value if amount else None,
        deadline=deadline.date if deadline else None,
        deadline_precision=deadline.precision if deadline else None, trigger=trigger,
    )
