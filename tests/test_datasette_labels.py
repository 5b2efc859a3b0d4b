"""One table of French labels (`pipelines.labels`): the site's pages, its SQL and the weekly
digest name each document kind the same way (« presse », never an empty label)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from urllib.parse import quote

import pytest

import digest_fixtures as fx
from datasette_helpers import fetch
from pipelines.labels import ACTOR_KIND_LABELS, COMMITMENT_LABELS, KIND_LABELS, register_sql_functions


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The digest's fixture database, its config, its 2026-W07 digest and the site on it."""
    from pipelines.config import load_config
    from pipelines.digest import build_digest
    from pipelines.serve import make_datasette
    from pipelines.weeks import Week

    path = fx.small_config(tmp_path_factory.mktemp("labels"))
    db = fx.build(path)
    config = load_config(path)
    digest = build_digest(config, Week(2026, 7), db=db)
    yield digest, make_datasette(config.database)
    db.close()


def _digest_documents(digest: dict) -> list[dict]:
    items = [i for s in digest["press"]["stories"] for i in (s["lead"], *s["pickups"])]
    items += [i for g in digest["parliament"]["groups"] for i in g["items"]]
    # an answer listed with its delay carries that delay as its label
    return [i for i in items + digest["other"]["items"] if not i["kind_label"].startswith("réponse après")]


def test_site_and_digest_show_the_same_label_for_each_document_kind(built):
    digest, site = built
    shown = {}
    for item in _digest_documents(digest):
        page = fetch(site, "/document/" + quote(item["id"], safe=""))
        assert page.status_code == 200, item["id"]
        badge = re.search(r'<span class="badge kind-([^"]*)">([^<]*)</span>', page.text)
        assert (badge.group(1), badge.group(2)) == (item["kind"], item["kind_label"]), item["id"]
        shown[item["kind"]] = item["kind_label"]
    assert shown["press"] == "presse" and shown["question"] == "question" and len(shown) >= 4


def test_one_table_for_the_filters_the_sql_and_the_digest(built):
    from pipelines import digest_data

    _, site = built
    asyncio.run(site.invoke_startup())
    filters = site.jinja_env.filters
    conn = sqlite3.connect(":memory:")
    register_sql_functions(conn)

    def sql(table: str, code: str):
        return conn.execute("select veille_label(?, ?)", [table, code]).fetchone()[0]

    for kind, label in KIND_LABELS.items():
        assert filters["type_fr"](kind) == digest_data.KIND_LABELS[kind] == sql("document", kind) == label
    for kind, label in COMMITMENT_LABELS.items():
        assert filters["engagement_fr"](kind) == sql("commitment", kind) == label
    for kind, label in ACTOR_KIND_LABELS.items():
        assert digest_data.ACTOR_KINDS[kind] == sql("actor", kind) == label
    assert sql("document", "inconnu") == "inconnu" and filters["type_fr"](None) == ""
    assert conn.execute("select veille_label('document', null)").fetchone()[0] is None


def test_commitment_labels_of_the_digest_come_from_the_table(built):
    digest, site = built
    fresh = digest["commitments"]["new"]
    dated = digest["commitments"]["upcoming"] + digest["commitments"]["overdue"]
    assert fresh and dated
    assert all(c["kind_label"] == COMMITMENT_LABELS[c["kind"]] for c in fresh)
    assert all(c["kind_label"] in COMMITMENT_LABELS.values() for c in dated)
    feed = fetch(site, "/veille/flux_engagements.atom").text
    assert re.search(r"<title>(Engagement|Annonce|Demande|Refus) : ", feed)
    assert " · presse\n" in fetch(site, "/veille/flux_mentions.atom").text
