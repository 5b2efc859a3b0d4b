"""Archive downloads streamed to a file on disk, hashed on the way, never held in memory.

Scrapy's HTTP/1.1 handler keeps a whole response body in memory (twice, for a moment), so a
300 MB archive cost ~1.2 MB of memory per MB of zip. `ArchiveDownloadHandler` is the HTTP(S)
download handler of veille: a request whose meta holds `ARCHIVE_DIR` (set by
`OpenDataSpider.archive_request`) is downloaded in a thread of the reactor's pool with
urllib, in 1 MB chunks written to a temporary file of that folder and hashed (SHA-256) as
they come; every other request goes to Scrapy's own handler. Being a download handler, an
archive request keeps its place in the downloader's per-host slot (delay, concurrency), its
timeout (`download_timeout`, per network read), its size limit (`download_maxsize`), its
proxy (`proxy` meta) and every downloader middleware (robots.txt, retry, redirect, replay).

The response reaching the spider has no body: `meta[ARCHIVE_FILE]` is the file's path,
`meta[ARCHIVE_SHA256]` and `meta[ARCHIVE_SIZE]` its digest and size. A 304 (or any status
other than 200) writes nothing. The spider removes the file once read; files left by a
crawl killed mid-download (their name carries the process id) are removed by the next
download into the same folder, and a closing spider removes those it never read.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import socket
import ssl
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError, DownloadFailedError,
    DownloadTimeoutError, ResponseDataLossError,
)
from scrapy.http import Headers, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from spiders.processes import pid_alive

logger = logging.getLogger(__name__)

ARCHIVE_DIR = "archive_dir"
ARCHIVE_FILE = "archive_file"
ARCHIVE_SHA256 = "archive_sha256"
ARCHIVE_SIZE = "archive_size"
CHUNK = 1024 * 1024
SUFFIX = ".part"
MB = 1024 * 1024
# Request headers never sent for an archive: the body is written as it comes, so it must
# not be content-encoded (a zip is compressed already).
_DROPPED_HEADERS = {"accept-encoding"}


class DownloadStopped(DownloadCancelledError):
    """The crawl is closing: an archive download in progress was abandoned."""


@dataclass
class Downloaded:
    """What a download thread hands back: status, headers, and for a 200 the file."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    path: str | None = None
    sha256: str | None = None
    size: int = 0
    body: bytes = b""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answered to Scrapy (its RedirectMiddleware follows them), not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102  (urllib's hook)
        return None


def temp_path(folder: Path) -> Path:
    """A new temporary file name in `folder`, carrying this process's id."""
    return folder / f"{os.getpid()}-{os.urandom(6).hex()}{SUFFIX}"


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary archives of `folder` whose process is gone (a crawl killed
    mid-download or mid-read); return them."""
    removed = []
    for path in folder.glob(f"*{SUFFIX}"):
        pid = path.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def download_to_file(url: str, headers: dict[str, str], folder: Path, timeout: float, maxsize: int,
                     proxy: str | None = None, verify: bool = False,
                     stop: Callable[[], bool] | None = None) -> Downloaded:
    """GET `url` with `headers`: a 200's body goes to a new file of `folder` in chunks, hashed
    as it is written (the file is removed on any failure); another status carries its
    (small) body. Failures raise Scrapy's download exceptions, whose messages are French;
    `stop()` true between two chunks abandons the download (`DownloadStopped`)."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    context = ssl.create_default_context()
    if not verify:  # Scrapy's default (DOWNLOAD_VERIFY_CERTIFICATES = False)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    handlers: list[Any] = [_NoRedirect(), urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {}),
                           urllib.request.HTTPSHandler(context=context)]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        answer = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:  # any status but 2xx: no file
        with error:
            body = error.read(64 * 1024) if error.code != 304 else b""
        return Downloaded(url, error.code, list(error.headers.items()), body=body)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _download_error(exc, timeout) from None
    with answer:
        status, answer_headers = answer.status, list(answer.headers.items())
        if status != 200:
            return Downloaded(url, status, answer_headers, body=answer.read(64 * 1024))
        declared = answer.headers.get("Content-Length")
        if maxsize and declared and declared.isdigit() and int(declared) > maxsize:
            raise DownloadCancelledError(_too_big(url, int(declared), maxsize))
        path = temp_path(folder)
        digest, size = hashlib.sha256(), 0
        try:
            with open(path, "wb") as out:
                while chunk := answer.read(CHUNK):
                    if stop is not None and stop():
                        raise DownloadStopped(f"téléchargement de {url} abandonné : la collecte s'arrête")
                    size += len(chunk)
                    if maxsize and size > maxsize:
                        raise DownloadCancelledError(_too_big(url, size, maxsize))
                    digest.update(chunk)
                    out.write(chunk)
            if declared and declared.isdigit() and size < int(declared):  # urllib ends a cut body quietly
                raise http.client.IncompleteRead(b"", int(declared) - size)
        except BaseException as exc:
            path.unlink(missing_ok=True)
            if isinstance(exc, (DownloadCancelledError, KeyboardInterrupt, SystemExit)):
                raise
            if isinstance(exc, http.client.IncompleteRead):
                raise ResponseDataLossError(f"archive tronquée : {size} octets reçus sur {declared}") from None
            if isinstance(exc, (OSError, http.client.HTTPException)):
                raise _download_error(exc, timeout) from None
            raise
    return Downloaded(url, status, answer_headers, str(path), digest.hexdigest(), size)


def _too_big(url: str, size: int, maxsize: int) -> str:
    return (f"archive {url} trop grosse ({size // MB} Mo ou plus, limite {maxsize // MB} Mo : "
            "option max_mb de la source) : non téléchargée")


def _download_error(exc: BaseException, timeout: float) -> Exception:
    """The Scrapy exception for a urllib failure (so retries and French causes apply)."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return DownloadTimeoutError(f"pas de réponse en {timeout:g} s")
    if isinstance(reason, ConnectionRefusedError):
        return DownloadConnectionRefusedError(str(reason))
    if isinstance(reason, socket.gaierror):
        return CannotResolveHostError(str(reason))
    if isinstance(reason, (ConnectionResetError, http.client.IncompleteRead, http.client.RemoteDisconnected)):
        return ResponseDataLossError(f"connexion coupée ({type(reason).__name__})")
    return DownloadFailedError(f"{type(reason).__name__} : {reason}")


class ArchiveDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP(S) handler, except for archive requests, streamed to disk in a thread."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._stop = threading.Event()
        self._verify = crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES")
        self._files: set[str] = set()
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    async def download_request(self, request: Request) -> Response:
        """Stream an archive request to a file; hand any other to Scrapy's handler."""
        folder = request.meta.get(ARCHIVE_DIR)
        if not folder:
            return await super().download_request(request)
        headers = {key.decode("latin-1"): values[-1].decode("latin-1") for key, values in request.headers.items()
                   if values and key.decode("latin-1").lower() not in _DROPPED_HEADERS}
        timeout = float(request.meta.get("download_timeout", 180))
        maxsize = int(request.meta.get("download_maxsize", self._default_maxsize))
        result: Downloaded = await maybe_deferred_to_future(deferToThread(
            download_to_file, request.url, headers, Path(folder), timeout, maxsize, request.meta.get("proxy"),
            self._verify, self._stopping))
        if result.path:
            self._files.add(result.path)
            logger.info("archive %s téléchargée dans un fichier (%d octets, SHA-256 %s…), jamais gardée en mémoire",
                        request.url, result.size, (result.sha256 or "")[:12])
            request.meta.update({ARCHIVE_FILE: result.path, ARCHIVE_SHA256: result.sha256, ARCHIVE_SIZE: result.size})
        response_headers = Headers()
        for key, value in result.headers:
            response_headers.appendlist(key, value)
        return Response(request.url, status=result.status, headers=response_headers, body=result.body,
                        request=request, protocol="HTTP/1.1")

    def _stopping(self) -> bool:
        """True once the crawl is stopping (Ctrl-C, SIGTERM: the engine no longer runs) or its
        spider closed: a download in progress is abandoned rather than waited for (Scrapy's
        graceful stop waits for the downloads in progress, minutes for an archive). Read
        from the download thread."""
        engine = getattr(self._crawler, "engine", None)
        return self._stop.is_set() or (engine is not None and not engine.running)

    def _spider_closed(self) -> None:
        """Stop the downloads in progress; remove the archives the spider never read."""
        self._stop.set()
        for path in self._files:
            if os.path.exists(path):
                os.unlink(path)
                logger.info("archive téléchargée mais non lue supprimée : %s", path)
        self._files.clear()
