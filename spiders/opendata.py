"""Base spider for parliamentary open data: archives read only when they changed, downloaded
to a file and read from it one member at a time, bad records skipped with a reason naming
their uid.

Change detection has two layers. Archive requests bypass Scrapy's HTTP cache (which would
keep a second copy of every archive and rewrite it on each 304) and carry the ETag /
Last-Modified of the version last read in full (`datasets` table) as If-None-Match /
If-Modified-Since: an unchanged archive is a 304 with no body, nothing is parsed, stored or
written. When the server ignores the validators, the archive's SHA-256 is compared with the
version last read: when it is the same, nothing is parsed and no item is emitted. The
versions already read come from `self.previous` (handed in by the store step): spiders never
open the database.

An archive is never held in memory: `spiders.streaming.ArchiveDownloadHandler` writes it to a
temporary file of `archive-downloads/` beside the database while hashing it, and the spider
opens the zip from that file and reads its members one at a time (the file is removed once
read, or when reading fails). A response built in memory (tests, `veille import` tools) is
read from its body the same way.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mmap
import os
import zipfile
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterator

from pipelines.config import Source
from spiders.an_parse import MAX_MEMBER_BYTES, BadRecord, Member, iter_zip, salvage_zip
from spiders.base import VeilleSpider, unexpected_cause
from spiders.parl_items import DatasetVersion
from spiders.streaming import ARCHIVE_DIR, ARCHIVE_FILE, ARCHIVE_SHA256, ARCHIVE_SIZE

logger = logging.getLogger(__name__)
MB = 1024 * 1024


class OpenDataSpider(VeilleSpider):
    """Shared plumbing of the AN and Sénat spiders.

    `member_max_bytes` caps each member once decompressed (`spiders.an_parse.MAX_MEMBER_BYTES`;
    `scrapy crawl <spider> -a member_max_mb=N` for one run): memory stays bounded whatever
    an archive holds."""

    member_max_bytes = MAX_MEMBER_BYTES

    def __init__(self, *args, member_max_mb: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped: dict[str, list[tuple[str, str]]] = {}
        if member_max_mb:
            self.member_max_bytes = int(float(member_max_mb) * MB)

    def archive_request(self, source: Source, url: str, callback, to_file: bool = True, **meta):
        """A request for a (possibly large) archive: size limit from the source's
        `max_mb` option (600 MB by default), no size warning, never through the HTTP cache,
        revalidated with the validators of the version last read (a 304 reaches the spider);
        with `to_file`, downloaded to a temporary file instead of memory."""
        request = self.source_request(source, url, callback=callback, **meta)
        request.meta["download_maxsize"] = int(source.options.get("max_mb", 600)) * MB
        request.meta["download_warnsize"] = 0
        request.meta["dont_cache"] = True
        if to_file:
            request.meta[ARCHIVE_DIR] = str(self.archive_dir())
        known = self.previous.dataset(url)
        validators = (("If-None-Match", known.get("etag")), ("If-Modified-Since", known.get("last_modified")))
        if any(value for _, value in validators):
            request.headers.update({k: v for k, v in validators if v})
            request.meta["handle_httpstatus_list"] = [304]
        return request

    def archive_dir(self):
        """Where archives are downloaded while they are read: beside the database."""
        return self.config.database.parent / "archive-downloads"

    def skip(self, source: Source, uid: str, cause: str) -> None:
        """Skip one record: log its uid and cause; the source's health shows the count."""
        logger.warning("source %s : élément %s ignoré : %s", source.name, uid, cause)
        skipped = self.skipped.setdefault(source.name, [])
        skipped.append((uid, cause))
        health = self.health[source.name]
        if health.status != "failed":
            examples = " ; ".join(f"{u} ({c})" for u, c in skipped[:3])
            more = f" ; et {len(skipped) - 3} autres" if len(skipped) > 3 else ""
            health.status = "warning"
            health.error = f"{len(skipped)} élément(s) ignoré(s) : {examples}{more}"

    def archive_members(self, source: Source, response, suffixes: tuple[str, ...]) -> Iterator[Member] | None:
        """The members of the archive in `response` (its file, or its body), read one at a
        time, or None when it is the version already read (or unreadable, which is recorded
        as a failure)."""
        if not self.to_read(source, response):
            return None
        path = response.meta.get(ARCHIVE_FILE)
        if path:
            with open(path, "rb") as handle:
                start, size = handle.read(20), os.fstat(handle.fileno()).st_size
        else:
            start, size = response.body[:20], len(response.body)
        if not start.startswith(b"PK"):
            self.fail(source, f"pas une archive zip ({size} octets, début {start!r})")
            return None
        skipped: list[tuple[str, str]] = []
        limit = self.member_max_bytes
        try:  # opened here, so that an unreadable archive is known before its members are read
            members = iter_zip(zipfile.ZipFile(path or io.BytesIO(response.body)), suffixes, skipped, limit)
        except zipfile.BadZipFile as exc:
            logger.warning("source %s : archive endommagée (%s), lecture membre par membre", source.name, exc)
            skipped.append((response.url.rsplit("/", 1)[-1], f"archive zip endommagée ({exc}), membres lisibles récupérés,"
                            " relue à la prochaine collecte"))
            # Not the whole archive: never recorded as read, so it is read again (and
            # reported again) until it can be read whole.
            response.meta["archive_incomplete"] = True
            members = _salvaged(path, suffixes, skipped, limit) if path else salvage_zip(response.body, suffixes, skipped, limit)
        return self._reporting(source, members, skipped)

    def to_read(self, source: Source, response) -> bool:
        """Whether the file in `response` must be read: not a 304, not older than the version
        last read (refused with a warning), not the same bytes (its SHA-256, kept in
        `response.meta["archive_sha256"]` for the version item)."""
        if response.status == 304:
            logger.info("source %s : fichier inchangé (HTTP 304), rien à télécharger", source.name)
            return False
        older = self.older_than_read(response)
        if older:
            self.fail(source, older, status="warning")
            return False
        if not response.meta.get(ARCHIVE_FILE):  # a file was hashed while it was downloaded
            response.meta[ARCHIVE_SHA256] = hashlib.sha256(response.body).hexdigest()
        digest = response.meta[ARCHIVE_SHA256]
        if self.previous.dataset(response.url).get("sha256") == digest:
            logger.info("source %s : fichier inchangé (%s), rien à relire", source.name, response.url)
            return False
        return True

    def older_than_read(self, response) -> str | None:
        """Why this archive is refused when its Last-Modified is earlier than the version last
        read (a mirror or a cache serving an old copy): reference data never go back in time.
        None when it is newer, or when either date is missing or unreadable."""
        known = _http_date(self.previous.dataset(response.url).get("last_modified"))
        header = response.headers.get("Last-Modified")
        served = _http_date(header.decode("latin-1") if header else None)
        if not known or not served or served >= known:
            return None
        return (f"archive plus ancienne que la version déjà lue (publiée le {served:%d/%m/%Y %H:%M} UTC, "
                f"version lue du {known:%d/%m/%Y %H:%M} UTC) : refusée, les données ne reviennent jamais en arrière")

    def _reporting(self, source: Source, members: Iterator[Member], skipped: list) -> Iterator[Member]:
        reported = 0
        for member in members:
            while reported < len(skipped):
                self.skip(source, *skipped[reported])
                reported += 1
            yield member
        for uid, cause in skipped[reported:]:
            self.skip(source, uid, cause)

    def read_archive(self, response, suffixes: tuple[str, ...],
                     items_of: Callable[[Source, Member], list[Any]]) -> Iterator[Any]:
        """The items of every member of the archive in `response`, then the item recording
        the version read; nothing when the archive is unchanged. A member whose parsing
        raises `BadRecord` is skipped with its uid and cause. A member too big (a zip bomb)
        or whose parsing raises anything else fails the source, in one line with the
        exception's type; the other members are still read. The version is recorded only
        when the archive was read whole (not truncated, no member unreadable, no failure),
        so a partial read is retried at the next crawl."""
        source = self.answered(response)
        try:
            yield from self._read_members(source, response, suffixes, items_of)
        finally:
            remove_archive_file(response)

    def _read_members(self, source: Source, response, suffixes: tuple[str, ...],
                      items_of: Callable[[Source, Member], list[Any]]) -> Iterator[Any]:
        members = self.archive_members(source, response, suffixes)
        if members is None:
            return
        count, whole = 0, True
        for member in members:
            count += 1
            if member.problem:
                whole = False
                if member.fatal:
                    self.fail(source, member.problem)
                else:
                    self.skip(source, member.uid, member.problem)
                continue
            try:
                items = items_of(source, member)
            except BadRecord as exc:
                self.skip(source, exc.uid, exc.cause)
                continue
            except Exception as exc:  # noqa: BLE001  (any other error of one member's parsing)
                whole = False
                self.fail(source, unexpected_cause(exc, f"le membre {member.name}"))
                continue
            yield from items
        if whole and not response.meta.get("archive_incomplete"):
            yield self.archive_version(source, response, count)
        else:
            logger.warning("source %s : archive lue en partie (%s), non marquée comme lue", source.name, response.url)

    def archive_version(self, source: Source, response, members: int) -> DatasetVersion:
        """The item recording that this archive version was read in full."""
        headers: dict[str, Any] = {k.decode().lower(): v[-1].decode("latin-1") for k, v in response.headers.items()}
        return DatasetVersion(
            source=source.name, url=response.url, sha256=response.meta[ARCHIVE_SHA256],
            size=response.meta.get(ARCHIVE_SIZE, len(response.body)), etag=headers.get("etag"), last_modified=headers.get("last-modified"),
            members=members, skipped=len(self.skipped.get(source.name, [])),
        )


def remove_archive_file(response) -> None:
    """Remove the file an archive was downloaded to, once read (or when reading stopped)."""
    path = response.meta.get(ARCHIVE_FILE)
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _salvaged(path: str, suffixes: tuple[str, ...], skipped: list[tuple[str, str]], limit: int) -> Iterator[Member]:
    """The readable members of a damaged archive file, from its local headers, through a
    read-only memory map (the file's pages, not a copy of it)."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield from salvage_zip(mapped, suffixes, skipped, limit)


def _http_date(value: str | None) -> datetime | None:
    """An HTTP date (RFC 7231) as an aware datetime, or None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None
