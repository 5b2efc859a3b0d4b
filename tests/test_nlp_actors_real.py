"""Actor rules of issue 13, each on a real passage of the dev part of the real set
(tests/fixtures/nlp/realset.jsonl and realset_nearby.jsonl, provenance in SOURCES.md;
item ids given with each case). Test-part items are never used here."""

from __future__ import annotations

import json

import pytest

from nlp.actors import (acronyms, apposed_person, byline, first_name_alone, local_authority, media_as_source, name_before,
                        named_centre, org_name, person_span, senate_body, speaker_line, surname_owner)
from nlp.extract import extract
from nlp.roles import Reference, health_named, other_portfolio, resolve
from nlp_fixtures import FIXTURES, nlp_model, ref, topic  # noqa: F401  (fixtures)

ITEMS = {item["id"]: item for path in ("realset.jsonl", "realset_nearby.jsonl")
         for item in map(json.loads, (FIXTURES / path).read_text(encoding="utf-8").splitlines())
         if item["split"] == "dev"}


def _passage(item_id: str, quote: str) -> tuple[str, int, int]:
    """The item's text and the offsets of `quote` in it (the text is used as stored)."""
    text = ITEMS[item_id]["text"].replace("\u2019", "'")
    start = text.index(quote.replace("\u2019", "'"))
    return text, start, start + len(quote)


def _mentions(item_id, nlp_model, ref, topic):
    item = ITEMS[item_id]
    [found] = list(extract([(item["text"], item["date"], item_id, item.get("publisher"))], nlp_model, ref, topic))
    return [(m.text, m.actor_id, m.rule) for m in found.actor_mentions]


# ------------------------------------------------------------------ roles at the document's date
def test_la_ministre_followed_by_an_infinitive_is_no_other_portfolio(ref):
    text, _, end = _passage("p12", "pour demander à la ministre")  # « … à la ministre de revenir sur sa décision »
    assert not other_portfolio(text[end:end + 40])
    assert other_portfolio(" de l'Intérieur a promis") and other_portfolio(" délégué chargé de")


def test_bare_ministry_is_the_health_one_when_the_text_names_it(ref):
    text, start, end = _passage("p44", "le ministère a annoncé")
    assert health_named(text, ref, "2026-01-31")
    found = resolve("role:ministere", "le ministère", "2026-01-31", ref, after=text[start + 12:start + 52], document=text)
    assert (found.actor_id, found.rule) == ("PO873673", "texte:ministere_sante")
    # Without the rest of the text (a one-sentence item of the old set) it stays a role.
    alone = resolve("role:ministere", "Le ministère", "2026-02-18", ref, document="Le ministère a confirmé le maintien.")
    assert alone.kind == "role"
    # A text naming another portfolio leaves it a role.
    other = "Le ministre de l'Intérieur a parlé. Le ministère a confirmé."
    assert not health_named(other, ref, "2026-02-18")


def test_real_texts_resolve_bare_roles_and_surnames(nlp_model, ref, topic):
    p12 = _mentions("p12", nlp_model, ref, topic)
    assert ("la ministre", "PA720066", "antecedent") in p12
    assert not any(actor_id == "org:mediapart" for _, actor_id, _ in p12)  # « le Club de Mediapart »: a source
    p44 = _mentions("p44", nlp_model, ref, topic)
    assert ("le ministère", "PO873673", "texte:ministere_sante") in p44
    p48 = _mentions("p48", nlp_model, ref, topic)
    assert p48[0][:2] == ("Rist", "PA720066")  # the headline's surname, the full name comes later


# ------------------------------------------------------------------ people
def test_a_surname_alone_is_the_person_named_in_full_in_the_text(ref):
    text, _, _ = _passage("p48", "Rist maintient")
    assert surname_owner("Rist", text, "2026-02-10", ref, {})[:2] == ("PA720066", "Stéphanie Rist")
    # The government in office at the date, without any full name in the text.
    assert surname_owner("Lecornu", "Lecornu a parlé.", "2026-02-10", ref, {})[0] == "PA900017"
    assert surname_owner("Lecornu", "Lecornu a parlé.", None, ref, {}) is None
    # Named in full earlier in the text, even when the reference does not know the person.
    assert surname_owner("Bagarry", "madame Bagarry", "2019-03-13", Reference([]), {},
                         [("person:delphine-bagarry", "Delphine Bagarry")])[0] == "person:delphine-bagarry"


def test_person_spans_stop_at_places_greetings_and_bylines():
    text, start, end = _passage("p34", "Michel Crespin Parc Kalliste")  # « 10 impasse Michel Crespin … »
    assert person_span(text, start, end) is None
    hello = "Bonjour Oriane Mancini."
    assert person_span(hello, 0, len("Bonjour Oriane Mancini")) == (8, 22)
    text, start, _ = _passage("p55", "Laurence Boffet")  # « Par Laurence Boffet » on its own line
    assert byline(text, start)


def test_people_the_model_does_not_tag_as_persons():
    text, start, end = _passage("p20", "Amélie Rosso")  # MISC for the model; « , coordinatrice du centre »
    assert apposed_person(text, start, end)
    text, start, end = _passage("p58", "Mouzidia")  # « Mouzidia, 53 ans, »
    assert first_name_alone(text, start, end)
    text, start, end = _passage("p67", "STÉPHANE VERNAY")  # a transcript's speaker line
    assert speaker_line(text, start, end) == "STÉPHANE VERNAY"
    assert speaker_line("CENTRES DE SANTÉ\nLe texte.", 0, 7) is None


def test_a_role_takes_the_name_in_apposition(nlp_model, ref, topic):
    text, start, _ = _passage("p86", "Manuel Valls, Premier ministre")
    assert name_before(text[:start + len("Manuel Valls, ")], ref, {}) == ("person:manuel-valls", "Manuel Valls")
    p76 = _mentions("p76", nlp_model, ref, topic)  # « Alors qu'elle était ministre de la Santé…, Agnès Firmin Le Bodo »
    assert any(actor_id == "PA267780" and rule == "apposition" for _, actor_id, rule in p76)


# ------------------------------------------------------------------ organisations
def test_a_health_centre_named_after_its_kind_is_an_organisation(nlp_model, ref, topic):
    text, start, end = _passage("p30", "Le Jardin")  # « le centre de santé communautaire Le Jardin »
    assert named_centre(text, start, end)
    assert ("Le Jardin", "org:le-jardin", "centre_nomme") in _mentions("p30", nlp_model, ref, topic)


def test_local_authorities_kind_words_and_footnote_marks(nlp_model, ref, topic):
    assert local_authority("Département de l'Isère") == "org:departement-de-l-isere"  # p91
    # the slug of the name (REALSET_GUIDE), as p101 « conseil départemental de l'Oise »
    assert local_authority("Conseil départemental de l'Isère") == "org:conseil-departemental-de-l-isere"
    assert local_authority("Ville de Grenoble") == "org:ville-de-grenoble"
    assert local_authority("ville de plus") is None
    assert org_name("agence Fitch") == ("Fitch", 7)  # p62
    assert org_name("collectif ALERTE") == ("collectif ALERTE", 0)
    p59 = _mentions("p59", nlp_model, ref, topic)  # « le rapport de l'IGAS[1] »
    assert ("IGAS", "org:igas", "gazetteer") in p59


def test_local_authorities_the_model_cuts_in_two(nlp_model, ref, topic):
    p134 = _mentions("p134", nlp_model, ref, topic)  # « la Ville de Rennes a validé » (model: « Ville » + « Rennes »)
    assert p134.count(("Ville de Rennes", "org:ville-de-rennes", "collectivite")) == 4
    p130 = _mentions("p130", nlp_model, ref, topic)  # « La Mairie de Paris envisage », « de la mairie de Paris »
    assert {m[:2] for m in p130} >= {("Mairie de Paris", "org:mairie-de-paris"), ("mairie de Paris", "org:mairie-de-paris")}
    p175 = _mentions("p175", nlp_model, ref, topic)  # « du Conseil départemental de la » + « Haute-Garonne »
    assert ("Conseil départemental de la Haute-Garonne", "org:conseil-departemental-de-la-haute-garonne",
            "collectivite") in p175
    p137 = _mentions("p137", nlp_model, ref, topic)  # « la Région Occitanie » … « Vice-président de la Région »
    assert ("Région", "org:region-occitanie", "antecedent") in p137
    p157 = _mentions("p157", nlp_model, ref, topic)  # « sur la commune de Salaise-sur-Sanne »: a place
    assert not any(m[1].startswith("org:commune") for m in p157)


def test_acronyms_the_text_defines_name_one_body():
    text = ITEMS["p134"]["text"]  # « le Réseau français des Villes-Santé (RFVS) et la Maison de la Nutrition et du Diabète (MND) »
    assert [(a, text[s:e]) for a, s, e in acronyms(text)] == [
        ("RFVS", "Réseau français des Villes-Santé"), ("MND", "Maison de la Nutrition et du Diabète")]
    # « l'INPES (Institut national de la prévention et de l'éduction à la santé) » (p80), the name after the acronym
    text = ITEMS["p80"]["text"].replace("\u2019", "'")
    assert [(a, text[s:e]) for a, s, e in acronyms(text)] == [
        ("INPES", "Institut national de la prévention et de l'éduction à la santé")]
    # a scheme or a legal form is no body (p175 « société interprofessionnelle de soins ambulatoires (SISA) »)
    text = ITEMS["p175"]["text"]
    assert "SISA" in text and "SISA" not in {a for a, _, _ in acronyms(text)}
    assert acronyms("le Fonds d'intervention régional (FIR) et la maison de santé pluriprofessionnelle (MSP)") == ()


def test_an_acronym_names_its_body_everywhere_in_the_text(nlp_model, ref, topic):
    p176 = _mentions("p176", nlp_model, ref, topic)  # « Lyon Métropole Habitat (LMH) … construit par LMH »
    assert ("Lyon Métropole Habitat", "org:lyon-metropole-habitat", "sigle_defini") in p176
    assert p176.count(("LMH", "org:lyon-metropole-habitat", "sigle_defini")) == 4
    p179 = _mentions("p179", nlp_model, ref, topic)  # « l'Union nationale des caisses d' » cut by the model
    assert ("Union nationale des caisses d'assurance maladie", "org:uncam") in {m[:2] for m in p179}
    # its « assurance maladie » and that of « les caisses d'assurance maladie » are not the CNAM; « l'Assurance
    # Maladie » further on is
    assert [m[0] for m in p179 if m[1] == "org:cnam"] == ["l'Assurance Maladie"]


def test_bodies_of_the_gazetteer_real_texts_name(nlp_model, ref, topic):
    p173 = {m[:2] for m in _mentions("p173", nlp_model, ref, topic)}  # Sénat debate, loi HPST (2009)
    assert {("conférence régionale de santé et de l'autonomie", "org:crsa"), ("CRSA", "org:crsa")} <= p173
    p148 = {m[:2] for m in _mentions("p148", nlp_model, ref, topic)}  # « du PS au NPA », « (Europe-Écologie-Les Verts) »
    assert {("NPA", "org:npa"), ("Europe-Écologie-Les Verts", "org:europe-ecologie-les-verts")} <= p148
    p142 = {m[:2] for m in _mentions("p142", nlp_model, ref, topic)}  # « entre l'État et la CANSSM »
    assert {("CANSSM", "org:canssm"), ("Filieris", "org:filieris")} <= p142


def test_roles_without_an_article_of_their_own(nlp_model, ref, topic):
    p182 = _mentions("p182", nlp_model, ref, topic)  # 2011: « un commentaire du ministre », « l'ambition du ministre »
    assert [m[:2] for m in p182 if m[0] == "ministre"] == [("ministre", "role:ministre")] * 2
    p88 = _mentions("p88", nlp_model, ref, topic)  # « le ministre et le secrétaire d'État aient annoncé »
    assert ("le secrétaire d'État", "role:secretaire_etat") in {m[:2] for m in p88}


def test_a_title_after_a_comma_stops_before_a_new_complement():
    from nlp.roles import title_end
    text, start, end = _passage("p139", "ex-ministre des Solidarités et des Familles")
    # « …, ex-ministre des Solidarités et des Familles, à la mission interministérielle »
    assert text[start:title_end(text, start + len("ex-ministre"))] == "ex-ministre des Solidarités et des Familles"
    text = "le ministre de l'économie, des finances et de la souveraineté industrielle et numérique a dit"
    assert text[:title_end(text, len("le ministre"))].endswith("souveraineté industrielle et numérique")


def test_civilities_are_not_part_of_a_name(nlp_model, ref, topic):
    # « Mme Jacqueline Gourault, ministre. » (p164): the name before the title, without « Mme »
    text, start, _ = _passage("p164", "ministre. M. le sénateur")
    assert name_before(text[start - 60:start], ref, None) == ("person:jacqueline-gourault", "Jacqueline Gourault")
    p146 = _mentions("p146", nlp_model, ref, topic)  # « assure la Dre Hélène Colombani, présidente de la Fédération »
    assert ("Hélène Colombani", "person:helene-colombani", "apposition") in p146


def test_bodies_named_in_a_senate_debate_are_the_senates(nlp_model, ref, topic):
    p164 = _mentions("p164", nlp_model, ref, topic)  # « Quel est l'avis de la commission des affaires sociales ? »
    assert [m[1] for m in p164 if m[0] == "commission des affaires sociales"] == [
        "org:commission-des-affaires-sociales-du-senat"] * 2
    assert senate_body("PO420120", "commission des affaires sociales", "Mme la députée et le sénateur", "") is None
    assert senate_body("PO873634", "gouvernement", "le sénateur", "") is None


def test_names_that_are_no_person(nlp_model, ref, topic):
    p157 = _mentions("p157", nlp_model, ref, topic)  # « la Directrice de l'agence reconnait »: a function
    assert not any(m[0].startswith("Directrice") for m in p157)
    p136 = _mentions("p136", nlp_model, ref, topic)  # « le nouveau centre de santé Jean Goullard de Vaulx-en-Velin »
    assert not any("Goullard" in m[0] and m[1].startswith("person:") for m in p136)
    p68 = _mentions("p68", nlp_model, ref, topic)  # « la fondation Ramsay Santé … a permis à Ramsay Santé » (PER)
    assert [m[:2] for m in p68 if m[0] == "Ramsay Santé"] == [("Ramsay Santé", "org:ramsay-sante")] * 2


def test_speaker_lines_the_model_cuts_and_procedural_services(nlp_model, ref, topic):
    p83 = _mentions("p83", nlp_model, ref, topic)  # « MAXIME LLEDO » alone on its line: ORG, or LOC + ORG
    assert [m[:2] for m in p83 if "LLEDO" in m[0]] == [("MAXIME LLEDO", "person:maxime-lledo")] * 2
    p94 = _mentions("p94", nlp_model, ref, topic)  # « Direction de la séance » heads a debate's page
    assert not any(m[0] == "Direction de la séance" for m in p94)


def test_a_name_after_a_civility_the_model_tags_alone(nlp_model, ref, topic):
    p157 = _mentions("p157", nlp_model, ref, topic)  # « Monsieur Jackie CROUAIL Maire de Salaise-sur-Sanne » (PER « Monsieur »)
    assert ("Jackie CROUAIL", "person:jackie-crouail", "civilite_nom") in p157
    p68 = _mentions("p68", nlp_model, ref, topic)  # « Mme » + a senator the gazetteer tags: one mention, not two
    assert not any(m[2] == "civilite_nom" for m in p68)


def test_two_names_glued_together_give_the_first():
    # p140: « Alexandre Berkesse, Philippe DenormandieEmilie Henry et Nolwenn Tourniaire » (a lost line break)
    text, start, end = _passage("p140", "Philippe DenormandieEmilie Henry")
    span = person_span(text, start, end)
    assert span is not None and text[span[0]:span[1]] == "Philippe Denormandie"


@pytest.mark.parametrize("item_id, quote, source", [
    ("p12", "Club de Mediapart", True),  # « une tribune publiée dans le "Club de Mediapart" »
    ("p32", "Mediapart —", False),       # the byline of Mediapart's own article
])
def test_media_quoted_as_sources_are_not_actors(item_id, quote, source):
    text, start, _ = _passage(item_id, quote)
    start = text.index("Mediapart", start)
    assert media_as_source(text, start, start + len("Mediapart")) is source
    assert media_as_source("a révélé Mediapart", 9, 18) and media_as_source("selon Mediapart,", 6, 15)


# ------------------------------------------------------------------ the actor of a commitment
def test_an_impersonal_il_has_no_antecedent():
    from nlp.commitments import ActorRef
    from nlp.extract import antecedent

    deputy = [(ActorRef(0, 15, "M. Julien Gokel", "person:julien-gokel", "person"), "m")]
    text, start, _ = _passage("p61", "Or il a été récemment notifié")  # the ministry notified, not the deputy
    sentence = text[start:text.index(".", start) + 1]
    assert antecedent(sentence, deputy) is None
    assert antecedent("Il y a promis de bâtir d'ici 2027 un budget.", deputy) == deputy[0][0]  # p62: « there »
    assert antecedent("Il faut trouver une solution.", deputy) == deputy[0][0]  # p85: the speaker's demand


def test_real_texts_end_with_the_right_actor_for_the_impersonal_sentence(nlp_model, ref, topic):
    item = ITEMS["p61"]
    [found] = list(extract([(item["text"], item["date"], "p61", item.get("publisher"))], nlp_model, ref, topic))
    notified = next(c for c in found.commitments if "récemment notifié" in c.text)
    assert notified.actor_id is None


def test_a_contracted_article_is_not_part_of_a_role_mention(nlp_model, ref, topic):
    mentions = _mentions("p103", nlp_model, ref, topic)  # « … du ministère … » in the network's release
    assert ("ministère", "PO873673") in [(text, actor_id) for text, actor_id, _ in mentions]
    assert not any(text.lower().startswith(("du ", "au ")) for text, _, _ in mentions)


def test_structures_under_their_usual_spelling(nlp_model, ref, topic):
    mentions = _mentions("p116", nlp_model, ref, topic)  # « la MSP Pyrénées Belleville » (no hyphen)
    assert any(actor_id == "structure:msp-pyrenees-belleville" for _, actor_id, _ in mentions)


def test_a_first_name_of_the_list_named_again_is_a_person(nlp_model, ref, topic):
    # p109 (MSP du Kruysbellaert): « adhère totalement Jean-Pierre. … Jean-Pierre a donc pu … »
    from nlp.actors import first_names, known_first_name

    assert {"jean-pierre", "louise", "elise"} <= first_names() and "martin" not in first_names()  # « Martin »: a surname too
    found = _mentions("p109", nlp_model, ref, topic)
    assert [m for m in found if m[1] == "person:jean-pierre"] and all(
        rule == "prenom_seul" for _, actor_id, rule in found if actor_id == "person:jean-pierre")
    text, start, end = _passage("p109", "Elise")  # named once: not enough
    assert not known_first_name(text, start, end)


def test_a_cpts_is_named_by_its_territory(nlp_model, ref, topic):
    # p116: « co-présidente de la CPTS Paris 20 » (the model tags « CPTS Paris » as a place)
    from nlp.actors import cpts_name

    text, start, _ = _passage("p116", "CPTS Paris 20")
    assert text[start:cpts_name(text, start)] == "CPTS Paris 20"
    assert cpts_name("la CPTS soutient", 3) is None  # no territory: the acronym alone
    assert ("CPTS Paris 20", "org:cpts-paris-20", "cpts") in _mentions("p116", nlp_model, ref, topic)


def test_structures_named_by_a_written_question_and_by_their_short_name(nlp_model, ref, topic):
    # p122 (AN question QE13027): « le centre de santé du Diaconat protestant »; p109: « au Kruysbellaert »
    p122 = _mentions("p122", nlp_model, ref, topic)
    assert ("centre de santé du Diaconat protestant", "structure:centre-de-sante-du-diaconat-protestant") in [
        (t, i) for t, i, _ in p122]
    assert ("Kruysbellaert", "structure:msp-du-kruysbellaert") in [(t, i) for t, i, _ in _mentions("p109", nlp_model, ref, topic)]


def test_a_ministers_title_goes_on_to_its_last_portfolio_word():
    from nlp.roles import title_end

    # p115 (AN written question): the role pattern stops at « … et des familles »
    text, _, end = _passage("p115", "de la solidarité et des familles")
    assert text[end:title_end(text, end)] == ", chargé de la santé et de l'accès aux soins"
    # p107 (the order's header): « Le ministre » + the whole portfolio, not the next minister
    text, start, end = _passage("p107", "Le ministre")
    assert text[start:title_end(text, end)] == ("Le ministre de l'économie, des finances et de la souveraineté "
                                                "industrielle et numérique")
    # p12: « à la ministre de revenir sur sa décision »: a verb, not a portfolio
    text, _, end = _passage("p12", "pour demander à la ministre")
    assert title_end(text, end) == end


def test_the_health_ministers_whole_title_is_the_mention(nlp_model, ref, topic):
    found = _mentions("p115", nlp_model, ref, topic)
    assert any(t.endswith("chargé de la santé et de l'accès aux soins") and i == "PA794038" for t, i, _ in found)
