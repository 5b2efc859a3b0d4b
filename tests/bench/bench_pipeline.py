"""Reading the press feeds (issue 17): `feeds` (entries per second through the RSS spider's
parse, from the recorded feeds of tests/fixtures/press_rss/, beside feedparser alone on the
same bytes: the cost of building the items). The topic matcher and the store have their
figures in bench_perf.py (`prefilter`, `store`). Never run by the test suite (`make bench`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]
os.environ.setdefault("VEILLE_CONFIG", str(ROOT / "veille.toml"))

import feedparser  # noqa: E402

from bench_perf import line, timed  # noqa: E402

FEEDS = ROOT / "tests" / "fixtures" / "press_rss"
REPEAT = 5  # passes over the recorded feeds per timing


def bench_feeds() -> None:
    """Entries per second: the spider's parse of every recorded feed, beside feedparser."""
    from conftest import fixture_response
    from spiders.press_rss import PressRssSpider

    spider = PressRssSpider(articles="never")
    by_url = {s.url: s for s in spider.sources}
    routes = [r for r in json.loads((FEEDS / "routes.json").read_text(encoding="utf-8")) if r["url"] in by_url]
    bodies = [(FEEDS / r["file"]).read_bytes() for r in routes]
    entries = sum(len(feedparser.parse(b).entries) for b in bodies) * REPEAT

    def spider_parse() -> None:
        for _ in range(REPEAT):
            for route in routes:
                source = by_url[route["url"]]
                spider.health.clear()
                spider.source_request(source)
                response = fixture_response("press_rss", route["file"], route["url"],
                                            route.get("content_type", "application/rss+xml"), meta={"source": source})
                list(spider.parse(response))

    def feedparser_alone() -> None:
        for _ in range(REPEAT):
            for body in bodies:
                feedparser.parse(body, sanitize_html=False)

    veille = timed(spider_parse, 3)
    baseline = timed(feedparser_alone, 3)
    line("feeds", entries / veille, entries / baseline, "entries/s", throughput=True)
    print(f"   ({len(routes)} flux enregistrés, {entries // REPEAT} entrées)", flush=True)


def main() -> None:
    """Run the bench."""
    bench_feeds()


if __name__ == "__main__":
    main()
