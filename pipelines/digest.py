"""The weekly digest: build it and write it in four formats.

`build_digest` gathers the sections through the named queries of `datasette/metadata.yml`
(`pipelines.digest_data`), `write_digest` renders them (`pipelines.digest_render`). Weeks
are ISO weeks in Paris time (`pipelines.weeks`); the [digest] settings come checked from
`pipelines.config` (`Config.digest`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pipelines.config import FORMATS, Config
from pipelines.digest_data import gather
from pipelines.weeks import Week


class DigestError(ValueError):
    """A user error about the digest (format, data), phrased as one line."""


def parse_formats(values: tuple[str, ...] | list[str] | None) -> list[str]:
    """Formats asked for ("html,md" or repeated options); all four by default."""
    wanted = [f.strip().lower() for v in (values or ()) for f in v.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise DigestError(f"format inconnu {unknown[0]!r} : formats possibles {', '.join(FORMATS)}")
    return list(dict.fromkeys(wanted)) or list(FORMATS)


def build_digest(config: Config, week: Week, db=None, today: date | None = None, progress=None) -> dict[str, Any]:
    """Gather every section of the digest of `week` as one JSON-ready dict."""
    from pipelines import db as database

    db = db or database.open_db(config.database)
    return gather(db, week, config.digest, config, today=today, progress=progress)


def write_digest(digest: dict[str, Any], out_dir: Path, formats: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Write the digest in each format into `out_dir`; return {format: path}."""
    from pipelines.digest_render import RENDERERS

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in formats:
        path = out_dir / f"veille-{digest['week']}.{fmt}"
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(RENDERERS[fmt](digest), encoding="utf-8", newline="")
        tmp.replace(path)
        written[fmt] = path
    return written
