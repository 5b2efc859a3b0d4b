"""Back-fill of the AN amendments archive at real scale (issue 17): `backfill_amendments`
(seconds to parse and store every amendment of a zip through the spider and the storer, as a
`mode = "zip"` crawl does, beside reading and parsing the same zip's JSON alone). The zip is
built from the real amendments of tests/fixtures/an_amendments/real_sample/ cloned to size
(6 000, uids renumbered), with one in 250 taken from the fixture archive's real amendments (most on
the topic). Never run by
the test suite (`make bench`; `--quick` for 1 000 amendments)."""

from __future__ import annotations

import io
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

from bench_perf import CONFIG, FIXTURES, MATCHER, QUICK, line, read_parse_zip, run_benches, timed  # noqa: E402

from pipelines import db as database  # noqa: E402

COUNT = 1000 if QUICK else 6000  # 20 000 take two minutes; the ratio is the same
SAMPLE = FIXTURES / "an_amendments" / "real_sample"  # none on the topic
TOPIC_EVERY = 250  # one clone in 250 is one of the real amendments of the fixture archive (4 of 5 on the topic)
_UID = re.compile(r"^(AMANR5L\d+PO\d+B\w*?P\d+D\d+N)(\d+)$")


def amendments_zip(count: int = COUNT) -> bytes:
    """A zip laid out as the AN archive (json/<dossier>/<text>/<uid>.json) of `count` real
    amendments cloned from the sample, each under a new uid."""
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SAMPLE.glob("AMANR*.json"))]
    topic = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SAMPLE.parent.glob("AMANR*.json"))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            uid, text = topic[i // TOPIC_EVERY % len(topic)] if i % TOPIC_EVERY == 0 else texts[i % len(texts)]
            prefix, number = _UID.match(uid).groups()  # type: ignore[union-attr]
            new_uid = f"{prefix}{500000 + i:06d}"
            archive.writestr(f"json/DLR5L17N50588/PRJLANR5L17B{i % 900:04d}/{new_uid}.json", text.replace(uid, new_uid))
    return buffer.getvalue()


def bench_backfill_amendments(folder: Path) -> None:
    """Seconds to parse and store the whole zip, beside reading and parsing its JSON."""
    from scrapy.http import Response

    from pipelines.dispatch import store_item
    from spiders.an_amendments import AnAmendmentsSpider
    from spiders.items import CrawlState

    body = amendments_zip()

    baseline = timed(lambda: read_parse_zip(body), 3)
    db = database.open_db(folder / "amendments.db")
    spider = AnAmendmentsSpider(config=CONFIG)
    spider.previous = CrawlState()
    source = next(s for s in CONFIG.sources if s.name == "an_amendements_archive")
    if source not in spider.sources:
        spider.sources.append(source)
    request = spider.archive_request(source, source.url, spider.parse_archive)
    response = Response(source.url, body=body, request=request)
    start = time.perf_counter()
    items = 0
    for item in spider.parse_archive(response):
        store_item(db, MATCHER, item)
        items += 1
    veille = time.perf_counter() - start
    stored = db.execute("SELECT count(*) FROM amendments").fetchone()[0]
    db.close()
    line(f"backfill_amendments_{COUNT // 1000}k", veille, baseline, "s")
    print(f"   ({items} éléments lus, {stored} amendements sur le sujet enregistrés, zip de {len(body) / 1e6:.1f} Mo)",
          flush=True)


BENCHES = [bench_backfill_amendments]


def main() -> None:
    """Run the benches named on the command line (default: all)."""
    run_benches(BENCHES)


if __name__ == "__main__":
    main()
