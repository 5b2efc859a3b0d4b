"""Syndicated stories, one document under several addresses, URL normalisation."""

from datetime import datetime, timezone

import sqlite_utils

from conftest import FIXTURES
from pipelines import db as database
from pipelines.normalize import identifies_one_page, url_id
from spiders.articles import extract_article
from pipelines.normalize import canonical_url
from pipelines.stories import containment, find_stories, group_stories, shingles, title_similarity
from pipelines.store import store_document
from spiders.items import Document

PAGES = FIXTURES / "press_articles"
AFP_COPIES = ["leprogres", "midilibre", "sudouest", "estrepublicain"]


def _text(name):
    return extract_article((PAGES / name).read_bytes(), f"https://ex.fr/{name}", "text/html").text


def _docs():
    docs = []
    for slug in AFP_COPIES:
        article = extract_article((PAGES / f"{slug}_afp_secpa.html").read_bytes(), f"https://{slug}.fr/a", "text/html")
        docs.append({"id": slug, "title": slug, "text": article.text, "first_seen": "2026-02-18T08:00:00+00:00",
                     "published": article.published.isoformat()})
    for name in ("liberation_quartiers.html", "humanite_pas_un_luxe.html", "basta_fin_programmee.html"):
        docs.append({"id": name, "title": name, "text": _text(name), "first_seen": "2026-02-18T08:00:00+00:00",
                     "published": "2026-02-05T08:00:00+00:00"})
    return docs


def test_agency_copies_form_one_story_led_by_the_earliest():
    stories = find_stories(_docs())
    assert len(stories) == 1
    story = stories[0]
    assert story["lead_document_id"] == "leprogres"
    assert [(m["document_id"], m["role"]) for m in story["members"]] == [
        ("leprogres", "lead"), ("midilibre", "pickup"), ("sudouest", "pickup"), ("estrepublicain", "pickup")]
    assert all(m["similarity"] >= 0.9 for m in story["members"])


def test_different_articles_on_the_same_topic_are_not_copies():
    a, b = shingles(_text("liberation_quartiers.html")), shingles(_text("humanite_pas_un_luxe.html"))
    assert containment(a, b) < 0.05
    copies = [shingles(d["text"]) for d in _docs()[:2]]
    assert containment(*copies) == 1.0  # Midi Libre cut the last paragraphs: contained in Le Progrès


def test_copies_a_month_apart_are_separate_stories():
    docs = _docs()[:2]
    docs[1] = {**docs[1], "published": "2026-03-30T08:00:00+00:00"}
    assert find_stories(docs) == []


def _stored(db, matcher, **fields):
    doc = Document(**fields)
    return store_document(db, matcher, doc)


GOOGLE = dict(
    source="google_news_secpa", kind="press",
    url="https://news.google.com/rss/articles/CBMilwFBVV95cUxNeU1p?oc=5", guid="CBMilwFBVV95cUxNeU1p",
    title="À Échirolles, le centre de santé participatif menacé par la fin de l'expérimentation SECPA",
    summary="À Échirolles, le centre de santé participatif menacé par la fin de l'expérimentation SECPA",
    publisher="Le Dauphiné Libéré", published=datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc),
    extra={"publisher_site": "https://www.ledauphine.com", "google_news_token": "CBMilwFBVV95cUxNeU1p"})
PUBLISHER = dict(
    source="ledauphine", kind="press",
    url="https://www.ledauphine.com/sante/2026/02/07/echirolles-mobilisation-secpa",
    guid="https://www.ledauphine.com/sante/2026/02/07/echirolles-mobilisation-secpa",
    title="Échirolles : mobilisation devant le centre de santé pour sauver l'expérimentation Secpa",
    summary="Plus de 300 personnes se sont rassemblées samedi devant le centre de santé communautaire.",
    text="Le Village 2 Santé fait partie des structures d'exercice coordonné participatives (Secpa). " * 5,
    access="full", publisher="Le Dauphiné libéré", published=datetime(2026, 2, 7, 6, 31, tzinfo=timezone.utc))


def _check_one_document(db):
    assert db["documents"].count == 1
    row = next(db["documents"].rows)
    assert row["source"] == "ledauphine" and row["access"] == "full"
    assert row["url"] == PUBLISHER["url"]
    aliases = {r["alias"] for r in db["document_aliases"].rows}
    assert {GOOGLE["url"].replace("?oc=5", ""), GOOGLE["guid"], PUBLISHER["url"]} <= aliases
    assert {r["source"] for r in db["document_sources"].rows} == {"google_news_secpa", "ledauphine"}


def test_google_item_after_publisher_item_is_the_same_document(db, matcher):
    assert _stored(db, matcher, **PUBLISHER) == "insert"
    assert _stored(db, matcher, **GOOGLE) == "noop"
    _check_one_document(db)
    assert _stored(db, matcher, **GOOGLE) == "noop" and _stored(db, matcher, **PUBLISHER) == "noop"


def test_publisher_item_after_google_item_takes_over_the_document(db, matcher):
    assert _stored(db, matcher, **GOOGLE) == "insert"
    assert _stored(db, matcher, **PUBLISHER) == "update"
    _check_one_document(db)
    assert _stored(db, matcher, **GOOGLE) == "noop" and _stored(db, matcher, **PUBLISHER) == "noop"


def test_google_item_of_another_publisher_or_date_stays_apart(db, matcher):
    _stored(db, matcher, **PUBLISHER)
    _stored(db, matcher, **{**GOOGLE, "extra": {"publisher_site": "https://www.leprogres.fr"}})
    _stored(db, matcher, **{**GOOGLE, "url": GOOGLE["url"].replace("CBMi", "CBMj"), "published": datetime(2026, 2, 12, tzinfo=timezone.utc)})
    assert db["documents"].count == 3


def test_one_article_through_its_amp_and_mobile_addresses(db, matcher):
    base = dict(PUBLISHER, source="bing_news_secpa")
    assert _stored(db, matcher, **PUBLISHER) == "insert"
    for url in ("https://m.ledauphine.com/sante/2026/02/07/echirolles-mobilisation-secpa/amp?utm_source=bing",
                "https://www-ledauphine-com.cdn.ampproject.org/c/s/www.ledauphine.com/sante/2026/02/07/echirolles-mobilisation-secpa/amp/"):
        assert _stored(db, matcher, **{**base, "url": url, "guid": url}) == "noop"
    assert db["documents"].count == 1


def test_canonical_url_extensions():
    assert canonical_url("https://m.ladepeche.fr/2026/02/10/x.php?amp=1&fbclid=a") == "https://www.ladepeche.fr/2026/02/10/x.php"
    assert canonical_url("https://www.ouest-france.fr/amp/sante/x-123/") == "https://www.ouest-france.fr/sante/x-123"
    assert canonical_url("https://www.lemonde.fr/a/article.amp.html?xtmc=1&pk_campaign=x") == "https://www.lemonde.fr/a/article.html"
    assert canonical_url("https://www.liberation.fr/a/?outputType=amp") == "https://www.liberation.fr/a"
    assert canonical_url("https://www.liberation.fr/arc/outboundfeeds/rss-all/?outputType=xml") == "https://www.liberation.fr/arc/outboundfeeds/rss-all?outputType=xml"


def test_title_similarity():
    assert title_similarity(GOOGLE["title"], PUBLISHER["title"]) > 0.6
    assert title_similarity("Les SEC-Pa obtiennent un sursis...", "Les SEC-Pa obtiennent un sursis jusqu'en 2027") == 1.0
    assert title_similarity("Grippe : le pic est atteint", "Les SEC-Pa obtiennent un sursis") == 0.0


def test_group_stories_is_idempotent(db, matcher):
    for doc in _docs()[:4]:
        store_document(db, matcher, Document(source=doc["id"], url=f"https://{doc['id']}.fr/a", title=doc["title"],
                                             text=doc["text"], published=datetime.fromisoformat(doc["published"])))
    first = group_stories(db)
    assert db["stories"].count == 1 and db["story_members"].count == 4
    updated = next(db["stories"].rows)["updated_at"]
    assert group_stories(db) == first and next(db["stories"].rows)["updated_at"] == updated


def test_documents_with_their_own_stable_id_are_never_merged_by_url(db, matcher):
    from pipelines.store import store_document
    from spiders.items import Document

    page = "https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE9001"
    question = Document(source="an", kind="question", url=page, title="Question : les SEC-Pa", id="QANR5L17QE9001",
                        extra={"keep_id": True})
    answer = Document(source="an", kind="reponse", url=page, title="Réponse : les SEC-Pa", id="QANR5L17QE9001-R",
                      extra={"keep_id": True})
    assert [store_document(db, matcher, d) for d in (question, answer)] == ["insert", "insert"]
    assert sorted(r["id"] for r in db["documents"].rows) == ["QANR5L17QE9001", "QANR5L17QE9001-R"]
    press_copy = Document(source="presse", url=page, title="Les SEC-Pa à l'Assemblée, version longue")
    store_document(db, matcher, press_copy)
    assert db["documents"].count == 2


# ------------------------------------------------------------------ stable ids, aliases that identify one article
def _feed_items():
    """Items as spiders yield them: a Google News item and its publisher's, one article under
    two addresses (feed link and page canonical), two SPIP articles whose canonical lost its
    query, two un-rendered JS pages whose canonical is the home page, two articles sharing a
    section page as canonical."""
    day = datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc)
    text = "Les SEC-Pa, structures d'exercice coordonné participatives, attendent. "
    items = [Document(**GOOGLE), Document(**PUBLISHER)]
    items.append(Document(source="egora", url="https://www.egora.fr/article/8123", guid="https://www.egora.fr/article/8123",
                          title="La FNCS dénonce la fin des SEC-Pa", summary=text, published=day,
                          aliases=["https://www.egora.fr/actus/sante/8123-la-fncs-denonce-la-fin-des-sec-pa"]))
    items.append(Document(source="bing_news_secpa", url="https://www.egora.fr/actus/sante/8123-la-fncs-denonce-la-fin-des-sec-pa",
                          title="La FNCS dénonce la fin des SEC-Pa (Egora)", summary=text + "Version Bing.", published=day))
    for number, title in ((8532, "Les SEC-Pa au Sénat"), (8533, "Assemblée générale de la fédération et SEC-Pa")):
        items.append(Document(source="fncs", url=f"https://www.fncs.org/spip.php?article{number}", title=title,
                              summary=f"{text} Article {number}.", published=day,
                              aliases=["https://www.fncs.org/spip.php", f"https://www.fncs.org/spip.php?article{number}"]))
    for slug, title in (("secpa-echirolles", "Échirolles défend sa SEC-Pa"), ("secpa-marseille", "Marseille : la SEC-Pa du Mas")):
        items.append(Document(source="cms_js", url=f"https://www.ville-exemple.fr/actu/{slug}", title=title,
                              summary=f"{text} {slug}.", published=day, aliases=["https://www.ville-exemple.fr/"]))
    for slug, title in (("a1", "Les SEC-Pa obtiennent un sursis"), ("b2", "Grève à l'hôpital, les SEC-Pa solidaires")):
        items.append(Document(source="section", url=f"https://www.journal-exemple.fr/2026/{slug}.html", title=title,
                              summary=f"{text} {slug}.", published=day, aliases=["https://www.journal-exemple.fr/actualites"]))
    return items


def _rebuild(tmp_path, name, items):
    """A new database built by `veille import` of a raw file holding `items` in this order."""
    from pipelines.config import load_config
    from pipelines.importer import import_files
    from pipelines.raw import raw_line
    from conftest import write_config

    folder = tmp_path / name
    folder.mkdir()
    raw = folder / "items.jsonl"
    raw.write_text("".join(raw_line(item) for item in items), encoding="utf-8")
    config = load_config(write_config(folder))
    run = import_files(config, [raw])
    assert run["status"] == "ok", run
    db = sqlite_utils.Database(config.database)
    documents = sorted((r["id"], r["url"], r["title"]) for r in db.query("SELECT id, url, title FROM documents"))
    aliases = sorted((r["alias"], r["document_id"]) for r in db.query("SELECT * FROM document_aliases"))
    sources = sorted((r["document_id"], r["source"]) for r in db.query("SELECT document_id, source FROM document_sources"))
    mentions = sorted((r["document_id"], r["start"], r["end"]) for r in db.query("SELECT * FROM mentions"))
    db.close()
    return {"documents": documents, "aliases": aliases, "sources": sources, "mentions": mentions}


def test_three_rebuilds_in_different_orders_give_the_same_ids(tmp_path):
    import random

    items = _feed_items()
    shuffled = items[:]
    random.Random(11).shuffle(shuffled)
    builds = [_rebuild(tmp_path, name, order) for name, order in
              (("given", items), ("reversed", items[::-1]), ("shuffled", shuffled))]
    assert builds[0]["documents"] == builds[1]["documents"] == builds[2]["documents"]
    assert builds[0]["sources"] == builds[1]["sources"] == builds[2]["sources"]
    ids = {url: doc_id for doc_id, url, _ in builds[0]["documents"]}
    # The Google News item and its publisher's are one document, named by the publisher's URL.
    assert ids[PUBLISHER["url"]] == url_id("press", PUBLISHER["url"])
    assert not any(url.startswith("https://news.google.com") for url in ids)
    # Ten items, eight articles: Google News + publisher, and the two addresses of one Egora article.
    assert len(builds[0]["documents"]) == 8


def test_publisher_id_wins_whatever_the_order_and_the_google_id_still_finds_it(db, matcher):
    google_id = url_id("press", GOOGLE["url"])
    assert _stored(db, matcher, **GOOGLE) == "insert"
    assert [r["id"] for r in db.query("SELECT id FROM documents")] == [google_id]
    assert _stored(db, matcher, **PUBLISHER) == "update"
    publisher_id = url_id("press", PUBLISHER["url"])
    assert [r["id"] for r in db.query("SELECT id FROM documents")] == [publisher_id]
    assert {r["document_id"] for r in db.query("SELECT document_id FROM mentions")} == {publisher_id}
    assert all(r["id"].startswith(publisher_id + ":") for r in db.query("SELECT id FROM mentions"))
    assert database.document_id_for_alias(db, google_id) == publisher_id
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'Village'").fetchone()[0] == 1


def test_canonicals_that_do_not_name_one_article_never_merge(db, matcher):
    for doc in _feed_items()[4:]:
        assert store_document(db, matcher, doc) == "insert", doc.url
    urls = sorted(r["url"] for r in db.query("SELECT url FROM documents"))
    assert urls == sorted(d.url for d in _feed_items()[4:])
    aliases = {r["alias"] for r in db.query("SELECT alias FROM document_aliases")}
    # Site roots and query-stripped scripts are not recorded as addresses of an article.
    assert "https://www.fncs.org/spip.php" not in aliases and "https://www.ville-exemple.fr/" not in aliases
    # The shared section page names the first article only; the second is not merged into it.
    assert db.execute("SELECT count(*) FROM documents WHERE source = 'section'").fetchone()[0] == 2


def test_which_urls_name_one_article():
    assert identifies_one_page("https://www.fncs.org/spip.php?article8532")
    assert not identifies_one_page("https://www.fncs.org/spip.php", "https://www.fncs.org/spip.php?article8532")
    assert not identifies_one_page("https://www.ville-exemple.fr/")
    assert not identifies_one_page("https://www.ville-exemple.fr/index.php")
    assert not identifies_one_page("https://www.site.fr/page", "https://www.site.fr/page?id=12")
    assert identifies_one_page("https://www.ladepeche.fr/2026/02/10/x.php")
    assert identifies_one_page("https://www.lemonde.fr/sante/article/2026/02/18/secpa_1.html")
    assert not identifies_one_page("CBMilwFBVV95cUxNeU1p")
