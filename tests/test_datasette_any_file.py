"""The site serves whatever database file the config names: a file called watch.db (not
veille.db) is served under the name `veille` its metadata, templates and links use, in
process and through a real `veille serve`."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, VEILLE, free_port, write_config
from datasette_helpers import build_database, fetch


@pytest.fixture
def watch(tmp_path, monkeypatch):
    """A config whose database is VEILLE_DB=<tmp>/x/watch.db, filled through the write path."""
    from pipelines.config import load_config

    database = tmp_path / "x" / "watch.db"
    database.parent.mkdir()
    config_path = write_config(tmp_path)
    monkeypatch.setenv("VEILLE_CONFIG", str(config_path))
    monkeypatch.setenv("VEILLE_DB", str(database))
    config = load_config(config_path)
    assert config.database == database
    build_database(config)
    assert database.exists() and not (tmp_path / "veille.db").exists()
    return config_path, database


def _check_pages(get) -> None:
    home = get("/")
    assert home[0] == 200 and '<svg class="chart"' in home[1] and 'action="/veille/documents"' in home[1]
    document = get("/document/press-ministre")
    assert document[0] == 200 and '<mark class="hl-topic"' in document[1] and "Claire Dubois" in document[1]
    actor = get("/acteur/PA900002")
    assert actor[0] == 200 and "Documents qui le citent (2)" in actor[1]
    assert get("/veille/flux_mentions.atom")[0] == 200
    assert get("/veille/questions_sans_reponse")[0] == 200


def test_a_database_not_called_veille_is_served_in_process(watch):
    from pipelines.serve import make_datasette

    _, database = watch
    site = make_datasette(database)
    _check_pages(lambda path: (lambda r: (r.status_code, r.text))(fetch(site, path)))
    assert fetch(site, "/watch").status_code == 404


@pytest.mark.slow
def test_veille_serve_serves_a_database_not_called_veille(watch):
    config_path, database = watch
    port = free_port()
    env = {**os.environ, "VEILLE_CONFIG": str(config_path), "VEILLE_DB": str(database)}
    env.pop("VEILLE_STAFF_PASSWORD_HASH", None)
    process = subprocess.Popen([VEILLE, "--config", str(config_path), "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("veille serve did not start")

        def get(path: str) -> tuple[int, str]:
            try:
                with urllib.request.urlopen(url + path, timeout=10) as response:
                    return response.status, response.read().decode("utf-8")
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode("utf-8", errors="replace")

        _check_pages(get)
    finally:
        process.terminate()
        process.wait(timeout=10)
