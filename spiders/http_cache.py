"""An HTTP cache on disk that a `kill -9` cannot leave half-written.

Scrapy's filesystem storage writes an entry's files one after the other, and reads an entry
as present as soon as its `pickled_meta` file exists. A crawl killed in the middle of a write
left an entry whose pickle was empty; the next crawl logged a traceback for it. Here the
marker is removed before an entry is rewritten and put back last, by an atomic rename, so a
present marker always means a complete entry; an entry that still cannot be read (a disk
error, a cache from another Scrapy) is dropped and fetched again.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from pathlib import Path
from time import time
from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Response
from scrapy.utils.python import to_bytes
from w3lib.http import headers_dict_to_raw

logger = logging.getLogger(__name__)

MARKER = "pickled_meta"
UNREADABLE = (EOFError, pickle.UnpicklingError, OSError, ValueError, KeyError, TypeError, AttributeError)


class CrashSafeCacheStorage(FilesystemCacheStorage):
    """Filesystem cache whose entries are either complete or absent."""

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        """Return the cached response, or None when absent, expired or unreadable."""
        try:
            return super().retrieve_response(spider, request)
        except UNREADABLE as error:
            entry = Path(self._get_request_path(spider, request))
            shutil.rmtree(entry, ignore_errors=True)
            logger.info("entrée du cache HTTP illisible (%s) pour %s : page retéléchargée", type(error).__name__, request.url)
            return None

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        """Store the response; the entry becomes visible only once every file is written."""
        entry = Path(self._get_request_path(spider, request))
        marker = entry / MARKER
        marker.unlink(missing_ok=True)
        entry.mkdir(parents=True, exist_ok=True)
        metadata: dict[str, Any] = {
            "url": request.url,
            "method": request.method,
            "status": response.status,
            "response_url": response.url,
            "timestamp": time(),
        }
        extra = {k: v for k, v in response.to_dict().items() if k not in {"url", "status", "headers", "body"}}
        files: dict[str, bytes] = {
            "meta": to_bytes(repr(metadata)),
            "response_headers": headers_dict_to_raw(response.headers) or b"",
            "response_body": response.body,
            "response_data": pickle.dumps(extra, protocol=4),
            "request_headers": headers_dict_to_raw(request.headers) or b"",
            "request_body": request.body,
        }
        for name, content in files.items():
            with self._open(entry / name, "wb") as f:
                f.write(content)
        staging = entry / f".{MARKER}.{os.getpid()}"
        with self._open(staging, "wb") as f:
            pickle.dump(metadata, f, protocol=4)
        os.replace(staging, marker)
