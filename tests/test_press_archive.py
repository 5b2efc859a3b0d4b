"""Raw response archive and versions of a changed article (pipelines.archive)."""

import gzip
import hashlib
from datetime import datetime, timezone

from pipelines.archive import archive_document, read_archive, verify_archives, version_diff
from spiders.items import FetchRecord, attach_fetch
from pipelines.store import store_document
from spiders.items import Document

URL = "https://www.humanite.fr/social-et-economie/sante/sante-communautaire-les-sec-pa-ne-sont-pas-un-luxe"
TEXT_1 = "Les SEC-Pa se mobilisent.\nLe collectif a lancé une pétition."
TEXT_2 = "Les SEC-Pa se mobilisent.\nLe collectif a lancé une pétition de 60 000 signatures.\nMise à jour : le financement est maintenu."


def _record(body: bytes, fetched: str) -> FetchRecord:
    return FetchRecord(body=body, sha256=hashlib.sha256(body).hexdigest(), fetched=fetched, status=200,
                       url=URL, final_url=URL, content_type="text/html; charset=utf-8")


def _doc(text: str, body: bytes, fetched: str) -> Document:
    doc = Document(source="humanite", url=URL, title="« Les SEC Pa ne sont pas un luxe »", text=text, access="full",
                   published=datetime(2026, 2, 4, 5, 30, tzinfo=timezone.utc))
    return attach_fetch(doc, _record(body, fetched))


def test_changed_article_keeps_both_versions_and_shows_the_difference(db, matcher):
    first = _doc(TEXT_1, b"<html>version 1</html>", "2026-02-04T06:00:00+00:00")
    assert store_document(db, matcher, first) == "insert"
    assert archive_document(db, first) == "insert"
    assert archive_document(db, first) == "noop"  # same text seen again: no new version
    second = _doc(TEXT_2, b"<html>version 2</html>", "2026-02-18T06:00:00+00:00")
    assert store_document(db, matcher, second) == "update"
    assert archive_document(db, second) == "insert"

    versions = list(db.query("SELECT * FROM document_versions ORDER BY version"))
    assert [(v["version"], v["fetched"], v["status"], v["final_url"]) for v in versions] == [
        (1, "2026-02-04T06:00:00+00:00", 200, URL), (2, "2026-02-18T06:00:00+00:00", 200, URL)]
    assert read_archive(db, versions[0]["archive_sha256"]) == b"<html>version 1</html>"
    stored = db["archives"].get(versions[1]["archive_sha256"])
    assert gzip.decompress(stored["body_gz"]) == b"<html>version 2</html>" and stored["size"] == 22
    diff = version_diff(db, versions[0]["document_id"])
    assert "-Le collectif a lancé une pétition." in diff
    assert "+Mise à jour : le financement est maintenu." in diff
    assert verify_archives(db) == (1, [])


def test_document_not_stored_is_not_archived(db, matcher):
    off_topic = attach_fetch(Document(source="humanite", url=URL + "-grippe", title="Grippe", text="La grippe."),
                             _record(b"<html>grippe</html>", "2026-02-04T06:00:00+00:00"))
    assert store_document(db, matcher, off_topic) == "irrelevant"
    assert archive_document(db, off_topic) == "skipped"
    assert db["archives"].count == 0


def test_tampered_archive_is_reported(db, matcher):
    doc = _doc(TEXT_1, b"<html>version 1</html>", "2026-02-04T06:00:00+00:00")
    store_document(db, matcher, doc)
    archive_document(db, doc)
    sha = next(db["archives"].rows)["sha256"]
    db.execute("UPDATE archives SET body_gz = ? WHERE sha256 = ?", [gzip.compress(b"autre chose"), sha])
    checked, problems = verify_archives(db)
    assert checked == 1 and problems == [f"{doc.id if doc.id else next(db['documents'].rows)['id']} : empreinte différente de l'archive"]
