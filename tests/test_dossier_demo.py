"""The bill's journey and « À venir » on the demo (issue 16, "done when"): the recorded
sources crawled through the replay and tagged as `make demo` does; PPL n° 2504 is followed,
its page shows its stages, and the home page has its « À venir » section."""

from __future__ import annotations

import pytest

from conftest import run_veille, write_config
from datasette_helpers import fetch

pytestmark = pytest.mark.slow

PPL_2504 = "DLR5L17NPPL2504"


@pytest.fixture
def demo_site(tmp_path, replay, monkeypatch):
    from pipelines.serve import make_datasette

    monkeypatch.delenv("VEILLE_CURATION_DB", raising=False)
    config = write_config(tmp_path)
    crawled = run_veille(config, "crawl", "--replay", replay.url)
    assert "sur le sujet" in crawled.stdout, crawled.stderr
    tagged = run_veille(config, "tag", "--quiet")
    assert tagged.returncode == 0, tagged.stderr
    return make_datasette(tmp_path / "veille.db")


def test_ppl_2504_stages_and_what_is_coming(demo_site):
    moved = fetch(demo_site, "/loi/2504")
    assert moved.status_code == 302 and moved.headers["location"] == f"/dossier/{PPL_2504}"
    page = fetch(demo_site, f"/dossier/{PPL_2504}")
    assert page.status_code == 200
    timeline = page.text[page.text.index('<ol class="timeline">'):]
    timeline = timeline[:timeline.index("</ol>")]
    assert timeline.index("1er dépôt d&#39;une initiative.") < timeline.index("Renvoi en commission au fond")
    assert timeline.count('<time datetime="2026-02-17">17 février 2026</time>') == 2
    assert "texte suivi" in page.text and "texte n° 2504" in page.text
    # its document links back to it
    assert f'href="/dossier/{PPL_2504}"' in fetch(demo_site, f"/document/{PPL_2504}").text
    home = fetch(demo_site, "/").text
    section = home[home.index('id="a-venir"'):home.index("chart-panel")]
    assert "<h2>À venir</h2>" in section
    assert f'<a href="/dossier/{PPL_2504}">n° 2504 — Proposition de loi visant à la pérennisation' in section
    assert "Échéances des promesses" in section and "Questions écrites hors délai" in section
