"""Replay server: serves recorded copies of the sources on 127.0.0.1 over real HTTP.

Each fixture folder may hold a `routes.json`: a list of routes such as
    {"url": "https://www.lemonde.fr/sante/rss_full.xml", "file": "lemonde_sante.xml",
     "content_type": "application/rss+xml; charset=utf-8"}
with optional "status" (default 200), "headers", "delay" (seconds before answering, to
simulate a timeout) and "last_modified". The server answers
GET /<scheme>/<host>/<path>?<query> (the form `spiders.replay.replay_url` produces) with
the recorded bytes, honours If-None-Match / If-Modified-Since (304), and answers 404
elsewhere (including robots.txt, which means "allowed").

It lives with the tests and their recordings, never in the installed package. The demo
runs a command against it:

    python tests/replay_server.py -- veille crawl --replay {url}

starts the server on a free port, runs the command with `{url}` replaced by the server's
address, stops the server and exits with the command's exit code.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEFAULT_LAST_MODIFIED = "Mon, 16 Feb 2026 06:00:00 GMT"


def load_routes(root: Path = FIXTURES) -> dict[str, dict[str, Any]]:
    """All routes of every `routes.json` under `root`, keyed by production URL."""
    routes: dict[str, dict[str, Any]] = {}
    for manifest in sorted(root.glob("*/routes.json")):
        for route in json.loads(manifest.read_text(encoding="utf-8")):
            route = dict(route)
            if "file" in route:
                route["path"] = manifest.parent / route["file"]
            routes[route["url"]] = route
    return routes


class ReplayHandler(BaseHTTPRequestHandler):
    """Answers one request from the route table of its server."""

    server_version = "veille-replay/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        """Serve the recorded response of the production URL encoded in the path."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Same as GET without the body."""
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        url = production_url(self.path)
        route = self.server.routes.get(url) if url else None
        if route is None:
            self._send(404, b"Not Found\n", {"Content-Type": "text/plain"}, send_body)
            return
        if route.get("delay"):
            time.sleep(float(route["delay"]))
        body = route["path"].read_bytes() if "path" in route else route.get("body", "").encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = route.get("last_modified", DEFAULT_LAST_MODIFIED)
        headers = {"Content-Type": route.get("content_type", "application/octet-stream"),
                   "ETag": etag, "Last-Modified": modified, "Cache-Control": "max-age=0",
                   **route.get("headers", {})}
        status = int(route.get("status", 200))
        if status == 200 and self._not_modified(etag, modified):
            self._send(304, b"", {"ETag": etag, "Last-Modified": modified}, False)
            return
        self._send(status, body, headers, send_body)

    def _not_modified(self, etag: str, modified: str) -> bool:
        if self.headers.get("If-None-Match"):
            return etag in self.headers["If-None-Match"]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        self.server.hits.append((self.command, self.path, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Date", formatdate(usegmt=True))
        self.end_headers()
        if send_body and body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are kept in `server.hits` instead."""


def production_url(path: str) -> str | None:
    """Turn /https/host/path?query back into https://host/path?query."""
    parts = path.lstrip("/").split("/", 2)
    if len(parts) < 2 or parts[0] not in ("http", "https"):
        return None
    rest = parts[2] if len(parts) == 3 else ""
    return f"{parts[0]}://{parts[1]}/{rest}"


class ReplayServer:
    """A replay server on 127.0.0.1 running in a background thread (context manager)."""

    def __init__(self, port: int = 0, root: Path = FIXTURES):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), ReplayHandler)
        self.httpd.daemon_threads = True
        self.httpd.routes = load_routes(root)
        self.httpd.hits = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL to give to VEILLE_REPLAY."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def hits(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request answered so far."""
        return self.httpd.hits

    def __enter__(self) -> "ReplayServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv: list[str]) -> int:
    """Serve the recordings while running the command after `--` ({url} = the server)."""
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage : python tests/replay_server.py [--port N] -- COMMANDE ... {url} ...", file=sys.stderr)
        return 2
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    port = int(options[options.index("--port") + 1]) if "--port" in options else 0
    with ReplayServer(port) as server:
        print(f"Enregistrement servi sur {server.url} ({len(server.httpd.routes)} adresses).", file=sys.stderr)
        return subprocess.call([part.replace("{url}", server.url) for part in command])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
