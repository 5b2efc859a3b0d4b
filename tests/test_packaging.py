"""The package as an operator installs it: a wheel in a fresh virtualenv outside the
checkout, and a deployment to a real Scrapyd on loopback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, free_port

pytestmark = pytest.mark.slow
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
BIN = Path(sys.executable).parent


def _wait_http(url: str, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from the checkout, as `pip wheel .` builds it for an operator."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600, cwd=out)
    return next(out.glob("veille-*.whl"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh virtualenv outside the checkout with the wheel installed. Its third-party
    dependencies are read from the test environment (a path line in a .pth file: the
    project's own editable install there is not activated), so nothing is downloaded."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    purelib = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "test-dependencies.pth").write_text(f"{SITE_PACKAGES}\n", encoding="utf-8")
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return venv


def test_the_wheel_holds_the_site_templates_and_default_config_but_no_tests(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("veille_site/metadata.yml", "veille_site/templates/veille_document.html",
                     "veille_site/static/veille.css", "pipelines/resources/veille.toml",
                     "pipelines/templates/digest.html", "nlp/patterns/roles.jsonl"):
        assert expected in names, expected
    assert any(n.startswith("veille_site/plugins/") and n.endswith(".py") for n in names)
    assert not any(n.startswith("tests/") or "fixtures" in n or "replay" in n.split("/")[-1] and n.startswith("pipelines/")
                   for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[scrapy]\nsettings = spiders.settings" in text and "veille = pipelines.cli:main" in text


def test_init_crawl_tag_digest_serve_from_the_wheel(installed, tmp_path, replay):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILLE_")}
    env["PYTHONSAFEPATH"] = "1"
    veille = str(installed / "bin" / "veille")

    def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([veille, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout)

    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import pipelines, veille_site.plugins as p; "
                            "print(pipelines.__file__); print(p.__path__[0])"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(w).is_relative_to(installed) for w in where), where
    assert run("init").returncode == 0 and (tmp_path / "veille.toml").is_file()
    crawl = run("crawl", "--replay", replay.url, "--spider", "press_rss")
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "data" / "veille.db")
    documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert documents > 5
    tag = run("tag")
    assert tag.returncode == 0, tag.stderr[-2000:]
    assert db.execute("SELECT count(*) FROM annotations").fetchone()[0] == documents
    digest = run("digest", "--week", "2026-W08", "--format", "html", "--format", "md", "--out", "digest")
    assert digest.returncode == 0, digest.stderr[-2000:]
    assert "SEC-Pa" in (tmp_path / "digest" / "veille-2026-W08.md").read_text(encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([veille, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        home = _wait_http(f"http://127.0.0.1:{port}/").decode()
        assert "Veille presse et parlementaire" in home
        some_id = db.execute("SELECT id FROM documents WHERE relevant = 1 LIMIT 1").fetchone()[0]
        page = _wait_http(f"http://127.0.0.1:{port}/document/{urllib.parse.quote(some_id, safe='')}").decode()
        assert db.execute("SELECT title FROM documents WHERE id = ?", [some_id]).fetchone()[0].split()[0] in page
    finally:
        server.terminate()
        server.wait(20)


def _deployable_copy(destination: Path, url: str) -> Path:
    """The files `scrapyd-deploy` packs, with the deploy target pointed at `url`."""
    destination.mkdir()
    for name in ("pyproject.toml", "README.md", "scrapy.cfg", "setup.py"):
        shutil.copy(ROOT / name, destination / name)
    for folder in ("spiders", "pipelines", "nlp", "datasette"):
        shutil.copytree(ROOT / folder, destination / folder, ignore=shutil.ignore_patterns("__pycache__"))
    cfg = destination / "scrapy.cfg"
    text = cfg.read_text(encoding="utf-8")
    assert "[deploy:veille]" in text
    cfg.write_text(text.replace("http://localhost:6800/", url), encoding="utf-8")
    return destination


def test_scrapyd_deploy_then_a_scheduled_spider_stores_documents(tmp_path, replay):
    node = tmp_path / "node"
    node.mkdir()
    port = free_port()
    (node / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {node / 'eggs'}\n"
        f"logs_dir = {node / 'logs'}\ndbs_dir = {node / 'dbs'}\nitems_dir =\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILLE_")}
    assert subprocess.run([str(BIN / "veille"), "init"], cwd=node, env=env, capture_output=True).returncode == 0
    scrapyd = subprocess.Popen([str(BIN / "scrapyd")], cwd=node, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert json.loads(_wait_http(base + "daemonstatus.json"))["status"] == "ok"
        project = _deployable_copy(tmp_path / "project", base)
        deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "veille"], cwd=project, env=env,
                                capture_output=True, text=True, timeout=300)
        assert deploy.returncode == 0 and '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
        egg = tmp_path / "veille.egg"
        subprocess.run([str(BIN / "scrapyd-deploy"), "--build-egg", str(egg)], cwd=project, env=env,
                       check=True, capture_output=True, timeout=300)
        import zipfile

        names = set(zipfile.ZipFile(egg).namelist())
        assert {"pipelines/resources/veille.toml", "veille_site/metadata.yml", "nlp/patterns/roles.jsonl"} <= names
        assert "[scrapy]\nsettings = spiders.settings" in zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
        data = urllib.parse.urlencode([("project", "veille"), ("spider", "press_rss"),
                                       ("setting", f"VEILLE_REPLAY={replay.url}"), ("setting", "DOWNLOAD_DELAY=0")])
        job = json.loads(urllib.request.urlopen(base + "schedule.json", data.encode(), timeout=10).read())
        assert job["status"] == "ok"
        deadline = time.monotonic() + 240
        while True:
            jobs = json.loads(_wait_http(base + "listjobs.json?project=veille"))
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(1)
        log = next((node / "logs" / "veille" / "press_rss").glob("*.log")).read_text(encoding="utf-8")
        assert "'finish_reason': 'finished'" in log and "Traceback" not in log
    finally:
        scrapyd.terminate()
        scrapyd.wait(20)
    db = sqlite3.connect(node / "data" / "veille.db")
    assert db.execute("SELECT count(*) FROM documents WHERE source = 'lemonde_sante'").fetchone()[0] > 0
    run = db.execute("SELECT command, status FROM runs").fetchall()
    assert run == [("scrapy crawl press_rss", "ok")]
