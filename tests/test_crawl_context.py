"""One context per crawl: counted on a whole replay crawl run in a fresh process, the
config is read a few times per spider (not once per step and item), each document is
identified once, and stories are grouped once per run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, write_config

COUNTING_CRAWL = r"""
import json, sys
from collections import Counter
import pipelines.config, pipelines.stories

calls = Counter()

def counted(module, name):
    original = getattr(module, name)
    def wrapper(*args, **kwargs):
        calls[name] += 1
        return original(*args, **kwargs)
    setattr(module, name, wrapper)

counted(pipelines.config, "load_config")
counted(pipelines.stories, "same_document")
counted(pipelines.stories, "group_stories")
import pipelines.store
counted(pipelines.store, "store_document")

from pipelines.crawl import run_crawl
config = pipelines.config.load_config(sys.argv[1])
calls["load_config"] = 0
run = run_crawl(config, sys.argv[2], [])
print(json.dumps({"calls": calls, "run": {k: run[k] for k in ("items_seen", "status")}}))
"""


@pytest.mark.slow
def test_a_replay_crawl_reads_the_config_once_per_spider_and_groups_stories_once(tmp_path, replay):
    config = write_config(tmp_path)
    result = subprocess.run([sys.executable, "-c", COUNTING_CRAWL, str(config), replay.url],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    calls, run = report["calls"], report["run"]
    spiders = subprocess.run([sys.executable, "-m", "scrapy", "list"], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.split()
    assert run["items_seen"] > 300
    # Each spider's crawler: the settings add-on and the spider (shared by the item pipelines).
    assert calls["load_config"] <= 2 * len(spiders)
    # The archive step reuses the store's outcome (never a second identity check), and an off-topic
    # new document with an id of its own is dropped before any identity check.
    assert calls["same_document"] <= calls["store_document"]
    assert calls["group_stories"] == 1
