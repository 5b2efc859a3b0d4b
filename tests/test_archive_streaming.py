"""Archives streamed to disk (issue 17, point 4): downloaded over real HTTP on 127.0.0.1 into a
temporary file while hashed, read from it one member at a time, the file removed after; a
304 writes nothing. The archive served is the real fixture `an_amendments/Amendements_L17.json.zip`
(provenance in its folder's SOURCES.md); a truncated copy is cut from it here."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadCancelledError, ResponseDataLossError
from scrapy.http import Response

from conftest import FIXTURES, ROOT, VEILLE, write_config
from spiders.an_amendments import AnAmendmentsSpider
from spiders.items import CrawlState
from spiders.parl_items import Amendment, DatasetVersion
from spiders.streaming import ARCHIVE_FILE, ARCHIVE_SHA256, ARCHIVE_SIZE, download_to_file, remove_leftovers

ZIP = FIXTURES / "an_amendments" / "Amendements_L17.json.zip"
ETAG = '"v1"'


class _Handler(BaseHTTPRequestHandler):
    """/zip: the real archive (304 on its ETag); /cut: a Content-Length larger than what is sent."""

    def do_GET(self) -> None:  # noqa: N802
        body = ZIP.read_bytes()
        if self.path == "/zip" and self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        if self.path not in ("/zip", "/cut"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("ETag", ETAG)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body if self.path == "/zip" else body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture()
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_200_is_written_to_a_file_hashed_on_the_way_and_a_304_writes_nothing(tmp_path, server):
    folder = tmp_path / "archive-downloads"
    got = download_to_file(f"{server}/zip", {}, folder, timeout=10, maxsize=0)
    assert got.status == 200 and got.body == b""
    assert Path(got.path).read_bytes() == ZIP.read_bytes()
    assert (got.sha256, got.size) == (hashlib.sha256(ZIP.read_bytes()).hexdigest(), ZIP.stat().st_size)
    os.unlink(got.path)
    again = download_to_file(f"{server}/zip", {"If-None-Match": ETAG}, folder, timeout=10, maxsize=0)
    assert (again.status, again.path, again.body) == (304, None, b"")
    assert list(folder.iterdir()) == []


def test_a_truncated_or_oversized_download_leaves_no_file(tmp_path, server):
    folder = tmp_path / "archive-downloads"
    with pytest.raises(ResponseDataLossError):
        download_to_file(f"{server}/cut", {}, folder, timeout=10, maxsize=0)
    with pytest.raises(DownloadCancelledError, match="trop grosse"):
        download_to_file(f"{server}/zip", {}, folder, timeout=10, maxsize=1000)
    assert list(folder.iterdir()) == []


def test_files_of_a_killed_crawl_are_removed_by_the_next_download(tmp_path):
    folder = tmp_path / "archive-downloads"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = folder / f"{dead.stdout.strip()}-abcdef.part"
    mine = folder / f"{os.getpid()}-abcdef.part"
    orphan.write_bytes(b"PK")
    mine.write_bytes(b"PK")
    assert remove_leftovers(folder) == [orphan]
    assert mine.exists() and not orphan.exists()


def _spider(tmp_path):
    spider = AnAmendmentsSpider(config_path=str(write_config(tmp_path)))
    spider.previous = CrawlState()
    source = next(s for s in spider.config.sources if s.name == "an_amendements_archive")
    spider.sources.append(source)
    return spider, source


def _file_response(spider, source, path: Path) -> Response:
    request = spider.archive_request(source, source.url, spider.parse_archive)
    request.meta.update({ARCHIVE_FILE: str(path), ARCHIVE_SHA256: hashlib.sha256(path.read_bytes()).hexdigest(),
                         ARCHIVE_SIZE: path.stat().st_size})
    return Response(source.url, status=200, body=b"", request=request)


def test_the_archive_read_from_its_file_gives_the_items_read_from_memory_and_the_file_is_removed(tmp_path):
    spider, source = _spider(tmp_path)
    copy = tmp_path / "a.part"
    shutil.copy(ZIP, copy)
    from_file = list(spider.parse_archive(_file_response(spider, source, copy)))
    assert not copy.exists()
    request = spider.archive_request(source, source.url, spider.parse_archive)
    from_memory = list(spider.parse_archive(Response(source.url, body=ZIP.read_bytes(), request=request)))
    assert [i.to_dict() for i in from_file] == [i.to_dict() for i in from_memory]
    assert sum(isinstance(i, Amendment) for i in from_file) == 5
    version = from_file[-1]
    assert isinstance(version, DatasetVersion) and version.size == ZIP.stat().st_size


def test_a_truncated_archive_file_is_salvaged_with_one_french_line_and_not_marked_read(tmp_path, caplog):
    spider, source = _spider(tmp_path)
    data = ZIP.read_bytes()
    cut = tmp_path / "cut.part"
    cut.write_bytes(data[: len(data) * 3 // 5])
    from_file = list(spider.parse_archive(_file_response(spider, source, cut)))
    assert not cut.exists()
    request = spider.archive_request(source, source.url, spider.parse_archive)
    from_memory = list(spider.parse_archive(Response(source.url, body=data[: len(data) * 3 // 5], request=request)))
    assert [i.to_dict() for i in from_file] == [i.to_dict() for i in from_memory]
    assert 0 < len(from_file) < 5 and not any(isinstance(i, DatasetVersion) for i in from_file)
    health = spider.health[source.name]
    assert health.status == "warning" and "archive zip endommagée" in health.error and "\n" not in health.error


def _archive_config(tmp_path: Path) -> Path:
    """The production config in `tmp_path`, with the amendments archive source enabled."""
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    text, changed = re.subn(r'(name = "an_amendements_archive"(?:\n(?!\[).*)*?\nenabled = )false', r"\1true", text)
    assert changed == 1
    config.write_text(text, encoding="utf-8")
    return config


def _crawl(config: Path, *args: str) -> subprocess.CompletedProcess:
    """The real `veille crawl`, logging at INFO (where the download handler says what it did)."""
    return subprocess.run([VEILLE, "--config", str(config), *args], capture_output=True, text=True, timeout=240,
                          cwd=ROOT, env={**os.environ, "VEILLE_LOG_LEVEL": "INFO"})


@pytest.mark.slow
def test_a_real_crawl_streams_the_archive_to_a_file_then_an_unchanged_one_is_a_304(tmp_path, replay):
    config = _archive_config(tmp_path)
    args = ["crawl", "--replay", replay.url, "--spider", "an_amendments", "--source", "an_amendements_archive"]
    first = _crawl(config, *args)
    assert first.returncode == 0, first.stderr
    size = ZIP.stat().st_size
    assert f"téléchargée dans un fichier ({size} octets" in first.stderr
    db = sqlite3.connect(tmp_path / "veille.db")
    versions = db.execute("SELECT sha256, size, members FROM datasets").fetchall()
    stored = db.execute("SELECT count(*) FROM amendments").fetchone()[0]
    db.close()
    assert versions == [(hashlib.sha256(ZIP.read_bytes()).hexdigest(), size, 5)] and stored == 4
    assert list((tmp_path / "archive-downloads").iterdir()) == []
    hits = len(replay.hits)
    second = _crawl(config, *args)
    assert second.returncode == 0, second.stderr
    assert [status for _, path, status in replay.hits[hits:] if path.endswith(".zip")] == [304]
    assert "téléchargée dans un fichier" not in second.stderr
    assert list((tmp_path / "archive-downloads").iterdir()) == []


class _Trickle(BaseHTTPRequestHandler):
    """An archive announced as 50 MB and sent 64 KB every 0.1 s (a minute and a half)."""

    def do_GET(self) -> None:  # noqa: N802
        if not self.path.endswith(".zip"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(50 * 2**20))
        self.end_headers()
        try:
            for _ in range(800):
                self.wfile.write(b"PK" + b"\0" * 65534)
                time.sleep(0.1)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.mark.slow
def test_stopping_a_crawl_abandons_the_archive_download_and_removes_its_file(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    config = _archive_config(tmp_path)
    command = [VEILLE, "--config", str(config), "crawl", "--replay", f"http://127.0.0.1:{httpd.server_address[1]}",
               "--spider", "an_amendments", "--source", "an_amendements_archive"]
    crawl = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        folder = tmp_path / "archive-downloads"
        deadline = time.monotonic() + 60
        while not (folder.exists() and any(folder.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any(folder.iterdir()), "le téléchargement n'a pas commencé"
        stopped = time.monotonic()
        crawl.send_signal(signal.SIGINT)
        _, err = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            crawl.kill()
        httpd.shutdown()
        httpd.server_close()
    assert time.monotonic() - stopped < 20  # not the minute and a half of the whole download
    assert list(folder.iterdir()) == []
    assert "abandonné : la collecte s'arrête" in err
