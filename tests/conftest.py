"""Shared test fixtures: a private config and database per test, the replay server,
and Scrapy responses built from recorded files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = ROOT.parent / "shared" / "data" / "real"
VEILLE = str(Path(sys.executable).with_name("veille"))
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots (git-ignored)
# Debian's Chromium (`make browser`), headless, with no background traffic on a closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def write_config(tmp_path: Path, extra: str = "") -> Path:
    """A copy of the production veille.toml whose database and raw files live in tmp_path."""
    text = (ROOT / "veille.toml").read_text(encoding="utf-8")
    text = re.sub(r'^database = ".*"$', f'database = "{tmp_path / "veille.db"}"', text, flags=re.M)
    text = re.sub(r'^raw_dir = ".*"$', f'raw_dir = "{tmp_path / "raw"}"', text, flags=re.M)
    path = tmp_path / "veille.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _config_variable_restored():
    """`veille --config` sets $VEILLE_CONFIG in its own process (for the Scrapy settings it
    loads); under CliRunner that process is the test run, so each test gets the variable back
    as it found it and no test reads another test's config."""
    before = os.environ.get("VEILLE_CONFIG")
    yield
    if before is None:
        os.environ.pop("VEILLE_CONFIG", None)
    else:
        os.environ["VEILLE_CONFIG"] = before


@pytest.fixture
def config_path(tmp_path, monkeypatch) -> Path:
    """A private config (and so a private database) for one test."""
    path = write_config(tmp_path)
    monkeypatch.setenv("VEILLE_CONFIG", str(path))
    return path


@pytest.fixture
def config(config_path):
    """The loaded private config."""
    from pipelines.config import load_config

    return load_config(config_path)


@pytest.fixture
def db(config):
    """A fresh, migrated database."""
    from pipelines.db import open_db

    database = open_db(config.database)
    yield database
    database.close()


@pytest.fixture
def matcher(config):
    """The topic matcher of the production config."""
    from nlp.topic import TopicMatcher

    return TopicMatcher.from_topic(config.topic)


@pytest.fixture(scope="session")
def replay():
    """The replay server, shared by the session."""
    from replay_server import ReplayServer

    with ReplayServer() as server:
        yield server


def fixture_response(slug: str, name: str, url: str, content_type: str = "application/rss+xml; charset=utf-8", status: int = 200, meta: dict | None = None):
    """A Scrapy response whose body is a recorded file, as a spider callback receives it."""
    body = (FIXTURES / slug / name).read_bytes()
    request = Request(url, meta=meta or {})
    cls = HtmlResponse if "html" in content_type else XmlResponse if "xml" in content_type else TextResponse
    return cls(url=url, body=body, headers={"Content-Type": content_type}, request=request, status=status)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_veille(config_path: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run the real `veille` command in a subprocess with the given config."""
    return subprocess.run(
        [VEILLE, "--config", str(config_path), *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )
