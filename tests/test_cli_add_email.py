"""`veille add` of a mailed press release (.eml): subject as title, the Date header as the
publication instant, decoded body or the attached PDF, and no address kept."""

import json
import logging
import re
from email.message import EmailMessage

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from pipelines.cli import cli
from spiders.add import WITHHELD, AddError, is_email, read_email

ADD = FIXTURES / "add"
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def add(config_path, *args):
    return CliRunner().invoke(cli, ["--config", str(config_path), "add", *map(str, args)], obj={})


def stored(config):
    from pipelines.db import open_db

    (doc,) = open_db(config.database)["documents"].rows
    return doc


def test_forwarded_release_is_stored_decoded_without_headers_or_addresses(config_path, config):
    from pipelines.db import open_db

    result = add(config_path, ADD / "communique_transfere.eml", "--source", "ars-ara")
    assert result.exit_code == 0, result.output
    doc = stored(config)
    assert doc["title"] == "Communiqué : maintien du financement des SEC-Pa"  # « TR: » and the encoded word gone
    assert (doc["published"], doc["published_precision"]) == ("2026-02-19T10:42:00+01:00", "instant")
    assert doc["text"].startswith("COMMUNIQUÉ DE PRESSE — Agence régionale de santé Auvergne-Rhône-Alpes\n")
    assert doc["text"].endswith(f"Contact presse : {WITHHELD}")
    for raw in ("=C3", "Forwarded", "De :", "Subject:", "To:", "Pour info", "Claire", "Content-Type"):
        assert raw not in doc["text"], raw
    row = json.dumps(dict(doc), ensure_ascii=False)
    assert not ADDRESS.search(row.replace(str(ADD), "")), ADDRESS.search(row)
    assert json.loads(doc["extra"])["email"] == "texte du message"
    db = open_db(config.database)
    strong = [m["matched"] for m in db["mentions"].rows_where("strength = 'strong'", order_by="start")]
    assert strong == ["structures d’exercice coordonné participatives", "SEC-Pa", "centres de santé participatifs", "SECPA"]
    for m in db["mentions"].rows:
        assert doc["text"][m["start"]:m["end"]] == m["matched"]
    lines = result.output.splitlines()
    assert lines[0] == f"Document {doc['id']} ajouté : « Communiqué : maintien du financement des SEC-Pa »"
    assert lines[1] == "  courriel du 19 février 2026 à 10 h 42 ; lu : texte du message"
    assert lines[-1] == "Étape suivante : veille tag (acteurs, rôles et engagements de ce document)."
    again = add(config_path, ADD / "communique_transfere.eml", "--source", "ars-ara")
    assert "déjà présent, inchangé" in again.output and "Étape suivante" not in again.output


def test_a_cover_note_with_a_pdf_stores_the_pdf(config_path, config):
    result = add(config_path, ADD / "communique_pdf_joint.eml")
    assert result.exit_code == 0, result.output
    doc = stored(config)
    assert doc["title"] == "Communiqué de presse : les SEC-Pa à l'Assemblée"
    assert doc["published"] == "2026-02-18T17:05:00+01:00"  # 16:05 UTC, in Paris
    assert "seront financées jusqu'au 31 décembre 2026" in doc["text"]
    assert "Veuillez trouver" not in doc["text"] and "@" not in doc["text"]
    assert "lu : PDF joint « communiqué-secpa.pdf »" in result.output


def test_an_html_only_message_goes_through_the_article_extraction(config_path, config):
    result = add(config_path, ADD / "lettre_html.eml")
    assert result.exit_code == 0, result.output
    doc = stored(config)
    assert doc["title"] == "Lettre de la FNCS : février 2026"
    assert doc["published"] == "2026-02-18T18:30:00+01:00"  # "-0000" is UTC
    assert "La Fédération nationale des centres de santé prend acte" in doc["text"]  # windows-1252 decoded
    assert "Accueil" not in doc["text"] and "Mentions légales" not in doc["text"]
    assert "lu : texte du message (HTML)" in result.output


def test_a_real_message_with_a_broken_pdf_keeps_its_cover_text(config_path, config, caplog):
    caplog.set_level(logging.WARNING)
    result = add(config_path, ADD / "mikel_mail_attachment_pdf.eml")
    assert result.exit_code == 0, result.output
    doc = stored(config)
    assert doc["title"] == "Another PDF with 🎉 Unicode chars in it 🍿"
    assert doc["published"] == "2005-05-10T19:26:39+02:00"  # -0600, in Paris summer time
    assert doc["text"] == ("Just attaching another PDF, here, to see what the message looks like,\n"
                           "and to see if I can figure out what is going wrong here.")
    assert "xxxx" not in json.dumps(dict(doc))
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # no English noise from the broken PDF


def test_published_and_title_options_win_over_the_headers(config_path, config):
    result = add(config_path, ADD / "communique_transfere.eml", "--published", "20/02/2026", "--title", "Mon titre")
    assert result.exit_code == 0, result.output
    doc = stored(config)
    assert (doc["title"], doc["published"], doc["published_precision"]) == ("Mon titre", "2026-02-20T00:00:00+01:00", "day")


def _message(body: str, **headers) -> EmailMessage:
    message = EmailMessage()
    for name, value in {"From": "Presse <presse@exemple.fr>", "To": "a@exemple.fr", **headers}.items():
        message[name] = value
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def test_a_forward_attached_as_a_message_is_read(tmp_path):
    inner = _message("Les SEC-Pa sont financées jusqu'au 31 décembre 2026, a annoncé la ministre.\n"
                     "Contact : presse@exemple.fr", Subject="Financement des SEC-Pa", Date="Wed, 18 Feb 2026 09:00:00 +0100")
    outer = _message("Ci-joint.", Subject="Fwd: Financement des SEC-Pa", Date="Thu, 19 Feb 2026 08:00:00 +0100")
    outer.add_attachment(inner)
    found = read_email(outer.as_bytes(), "transfert.eml")
    assert found.title == "Financement des SEC-Pa" and found.part == "message joint, texte du message"
    assert found.text == f"Les SEC-Pa sont financées jusqu'au 31 décembre 2026, a annoncé la ministre.\nContact : {WITHHELD}"
    assert found.published.moment.isoformat() == "2026-02-19T08:00:00+01:00"


def test_a_lone_date_line_of_the_release_stays_and_quoted_headers_go():
    body = ("Date : 5 mars 2026\nLes SEC-Pa restent financées.\n\n"
            "> De : Jean Dupont <jean@exemple.fr>\n> Envoyé : mardi 3 mars 2026 10:00\n> Objet : SEC-Pa\n> Suite.")
    found = read_email(_message(body, Subject="SEC-Pa").as_bytes(), "x.eml")
    assert found.text == "Date : 5 mars 2026\nLes SEC-Pa restent financées.\n\n> Suite."
    assert found.published is None  # no Date header: `veille add` uses now


def test_email_recognition():
    release = (ADD / "communique_ars.txt").read_bytes()
    assert not is_email(release, "", "communique_ars.txt")
    assert not is_email(b"Objet : communique\n\nTexte", "", "note.txt")  # a French « Objet : » line is text
    assert is_email(b"From: a@b.fr\nSubject: x\n\ntexte", "", "message.txt")  # saved without the .eml suffix
    assert is_email(b"Return-Path: <a@b.fr>\r\nFrom: a@b.fr\r\nDate: Thu, 19 Feb 2026 10:42:00 +0100\r\n\r\nx", "", "m")
    assert is_email(release, "message/rfc822", "x") and is_email(release, "", "X.EML")
    assert not is_email(b"From: a@b.fr\nSubject: x\n\ntexte", "text/html", "page")


def test_a_message_without_text_and_a_binary_named_eml_are_refused(config_path, config, tmp_path):
    empty = tmp_path / "vide.eml"
    empty.write_bytes(b"From: a@b.fr\nSubject: rien\nDate: Thu, 19 Feb 2026 10:42:00 +0100\n\n   \n")
    result = add(config_path, empty)
    assert result.exit_code == 1
    assert result.output.strip() == f"Erreur : {empty} : courriel sans texte lisible (ni dans le message, ni en pièce jointe)"
    binary = tmp_path / "piege.eml"
    binary.write_bytes(b"MZ\x90\x00\x00" * 100)
    result = add(config_path, binary)
    assert result.exit_code == 1 and "fichier binaire" in result.output
    assert not config.database.exists() or _count(config.database) == 0
    with pytest.raises(AddError):
        read_email(b"From: a@b.fr\n\n", "x.eml")


def _count(path):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
